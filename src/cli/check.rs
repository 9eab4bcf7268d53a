//! `mltutor check`: validate question packs, every computed answer computed.

use std::path::PathBuf;
use std::process::ExitCode;
pub fn run(files: &[PathBuf], budget: u64) -> ExitCode {
    let mut failed = false;
    for f in files {
        let name = f.display().to_string();
        match crate::core::check::load_pack(f, budget, &crate::engine::CandleRunner) {
            Ok(pack) => println!(
                "{name}: ok — {} questions, {} models",
                pack.questions.len(),
                pack.models.len()
            ),
            Err(e) => {
                failed = true;
                eprintln!("{}", e.render(&name));
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
