//! `mltutor answers`: a pack's answer key, every computed answer computed live.

use super::pack_or_builtin_variant;
use crate::core::i18n::Lang;
use std::path::Path;
use std::process::ExitCode;

/// Print the key of `path` (the built-in exam when `None`); for a pack with variables, the
/// key of variant `variant` (0 when `None`), named above it with its values.
pub fn run(path: Option<&Path>, lang: Lang, budget: u64, variant: Option<u64>) -> ExitCode {
    let pack = match pack_or_builtin_variant(path, lang, budget, variant) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(n) = pack.variant {
        let values = crate::core::variant::draw(&pack.variables, &pack.constraints, n)
            .map(|v| v.values_text())
            .unwrap_or_default();
        println!(
            "{}\n",
            crate::core::pack::terminal_safe(&crate::tr!(
                Lang::get(&pack.meta.language).unwrap_or(lang),
                "variant-answers-header",
                number = n.to_string(),
                values = values
            ))
        );
    }
    let facts = crate::engine::facts(&pack, budget);
    let key = crate::core::answer_key::answer_key(
        &pack,
        &facts,
        Lang::get(&pack.meta.language).unwrap_or(lang),
    );
    // A pack's text is untrusted: its control characters never reach the terminal raw.
    print!("{}", crate::core::pack::terminal_safe(&key));
    ExitCode::SUCCESS
}
