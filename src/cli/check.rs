//! `mltutor check`: validate question packs, every computed answer computed.

use crate::core::i18n::Lang;
use crate::tr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Check each pack; the messages are in `lang` (teachers read them).
/// Each pack is checked with `--memory-budget` (`flag_mib`) when given, else with its own
/// `memory_budget_mib`, else with the default; every semantic problem is reported.
pub fn run(files: &[PathBuf], lang: Lang, flag_mib: Option<u64>) -> ExitCode {
    let mut failed = false;
    let flag = flag_mib.map(|m| crate::core::pack::MemoryLimit::choose(Some(m), None));
    for f in files {
        let name = f.display().to_string();
        match crate::core::check::load_pack_limited(f, flag, &crate::engine::CandleRunner) {
            Ok((pack, _)) => println!(
                "{}",
                tr!(
                    lang,
                    "cli-check-ok",
                    file = crate::core::pack::terminal_safe(&name).into_owned(),
                    questions = pack.questions.len(),
                    models = pack.models.len()
                )
            ),
            Err(e) => {
                failed = true;
                eprintln!(
                    "{}",
                    crate::core::pack::terminal_safe(&e.render_in(&name, lang))
                );
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
