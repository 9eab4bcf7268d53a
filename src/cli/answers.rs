//! `mltutor answers`: a pack's answer key, every computed answer computed live.

use super::pack_or_builtin;
use crate::core::i18n::Lang;
use std::path::Path;
use std::process::ExitCode;
pub fn run(path: Option<&Path>, lang: Lang, budget: u64) -> ExitCode {
    let pack = match pack_or_builtin(path, lang, budget) {
        Ok(p) => p,
        Err(code) => return code,
    };
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
