//! `mltutor check`: validate question packs, every computed answer computed.

use crate::core::i18n::Lang;
use crate::tr;
use std::path::{Path, PathBuf};
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
            Ok((pack, _)) => {
                println!(
                    "{}",
                    tr!(
                        lang,
                        "cli-check-ok",
                        file = crate::core::pack::terminal_safe(&name).into_owned(),
                        questions = pack.questions.len(),
                        models = pack.models.len()
                    )
                );
                if pack.variant.is_some() && !sample(f, &name, flag, lang) {
                    failed = true;
                }
            }
            Err(e) => {
                failed = true;
                // Variant 0 drawn but broken: every sampled variant is listed, 0 with them.
                let drawn = crate::core::check::read_pack_text(f).is_ok_and(|text| {
                    crate::core::pack::has_variants(&text)
                        && crate::core::pack::parse_pack_variant_in(
                            &text,
                            Some(crate::core::check::folder_of(f)),
                            Some(0),
                        )
                        .is_ok()
                });
                if drawn {
                    sample(f, &name, flag, lang);
                    continue;
                }
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

/// A pack with variables: load the sampled variants as students would get them and report
/// each one that cannot be drawn, whose model does not run or whose expected answer
/// disagrees, with its number and values. Whether every one loads.
fn sample(
    path: &Path,
    name: &str,
    limit: Option<crate::core::pack::MemoryLimit>,
    lang: Lang,
) -> bool {
    let text = match crate::core::check::read_pack_text(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "{}",
                crate::core::pack::terminal_safe(&e.render_in(name, lang))
            );
            return false;
        }
    };
    let numbers = crate::core::check::sampled_variants();
    let bad = crate::core::check::sample_variants_in(
        &text,
        Some(crate::core::check::folder_of(path)),
        limit,
        &crate::engine::CandleRunner,
        &numbers,
    );
    let file = crate::core::pack::terminal_safe(name).into_owned();
    for b in &bad {
        let values = b
            .values
            .as_ref()
            .map(|v| v.values_text())
            .unwrap_or_default();
        eprintln!(
            "{}",
            crate::core::pack::terminal_safe(&tr!(
                lang,
                "variant-check-bad",
                number = b.number.to_string(),
                values = values,
                problem = b.error.render_in(name, lang)
            ))
        );
    }
    if bad.is_empty() {
        println!(
            "{}",
            tr!(
                lang,
                "variant-check-sampled",
                file = file,
                count = numbers.len()
            )
        );
        true
    } else {
        eprintln!(
            "{}",
            tr!(
                lang,
                "variant-check-summary",
                file = file,
                bad = bad.len(),
                count = numbers.len()
            )
        );
        false
    }
}
