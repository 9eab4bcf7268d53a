//! Pack parsing and checking: any text is either refused with a message or checked, with
//! the real candle runner under a small memory budget (64 MiB).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = mltutor::core::pack::escape_cost(text, u64::MAX);
    if let Ok(pack) = mltutor::core::pack::parse_pack(text) {
        let issues =
            mltutor::core::check::validate(&pack, 64 << 20, &mltutor::engine::CandleRunner);
        for i in &issues {
            let _ = i.to_string();
        }
    }
});
