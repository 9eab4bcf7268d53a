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
        if let Some(ok) = check_spec_file(f, &name, flag, lang) {
            failed |= !ok;
            continue;
        }
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

/// A model spec file (`id`, `input`, `layers`, no `version` or `questions`) checked as
/// `inspect --pack` reads it: every error in one run, then the model run once. `None` when
/// the file is not a model spec (it is then checked as a pack); else whether it is clean.
fn check_spec_file(
    path: &Path,
    name: &str,
    limit: Option<crate::core::pack::MemoryLimit>,
    lang: Lang,
) -> Option<bool> {
    use crate::core::source_pos::has_top_field;
    let text = crate::core::check::read_pack_text(path).ok()?;
    if has_top_field(&text, &["version", "questions", "meta"])
        || !has_top_field(&text, &["layers", "input", "class_name"])
    {
        return None;
    }
    let file = crate::core::pack::terminal_safe(name).into_owned();
    let spec = match super::models::load_models(Some(path)).map(|m| m.into_iter().next()) {
        Ok(Some(spec)) => spec,
        Ok(None) => return None,
        Err(e) => {
            eprintln!("{}", crate::core::pack::terminal_safe(&e.render(lang)));
            return Some(false);
        }
    };
    let budget = limit.map_or(crate::core::pack::BUDGET, |l| l.bytes);
    match crate::engine::inspect(&spec, None, 1, budget) {
        Ok(summary) => {
            println!(
                "{}",
                tr!(
                    lang,
                    "cli-check-spec-ok",
                    file = file,
                    model = spec.id.as_str(),
                    parameters = lang.num(summary.total_params())
                )
            );
            Some(true)
        }
        Err(e) => {
            eprintln!(
                "{}",
                crate::core::pack::terminal_safe(&tr!(
                    lang,
                    "cli-check-spec-bad",
                    file = file,
                    model = spec.id.as_str(),
                    why = e.render(lang)
                ))
            );
            Some(false)
        }
    }
}
