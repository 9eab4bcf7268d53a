//! What students type: numbers and shapes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = mltutor::core::number::parse_number(&text);
    let _ = mltutor::core::number::parse_number_answer(&text);
    if let Err(e) = mltutor::core::shape::parse_shape(&text) {
        let _ = e.to_string();
    }
});
