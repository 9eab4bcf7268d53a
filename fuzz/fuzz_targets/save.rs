//! Save files: any bytes load (or are set aside), and what loads is fitted to the built-in
//! exam without a panic; fitting twice changes nothing more.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mltutor::core::progress::{load, Loaded};

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("mltutor-fuzz-save-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("p.self-check.json");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Loaded::Resumed(p) = load(&path) {
        let pack = mltutor::core::pack::builtin_pack("en");
        let (fixed, _) = p.fit_to(&pack);
        let (again, repairs) = fixed.fit_to(&pack);
        assert!(repairs.is_empty());
        assert_eq!(again, fixed);
    }
    // Backups of corrupt inputs are removed so the folder stays small.
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
});
