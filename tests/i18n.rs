//! The interface's strings are data: every language has every message, French follows its
//! typography, every message the code asks for exists, and `--lang` knows what it has.

use fluent_syntax::ast;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Message ids and their text (placeables left out), per built-in language.
fn messages(code: &str) -> BTreeMap<String, (String, Vec<String>)> {
    let dir = Path::new("assets/locales").join(code);
    let mut out = BTreeMap::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let res = fluent_syntax::parser::parse(text.as_str())
            .unwrap_or_else(|(_, errs)| panic!("{}: {errs:?}", f.display()));
        for entry in res.body {
            if let ast::Entry::Message(m) = entry {
                let mut fragments = Vec::new();
                if let Some(p) = &m.value {
                    collect_text(p, &mut fragments);
                }
                for a in &m.attributes {
                    collect_text(&a.value, &mut fragments);
                }
                let prev = out.insert(m.id.name.to_string(), (f.display().to_string(), fragments));
                assert!(
                    prev.is_none(),
                    "{}: message `{}` is defined twice",
                    f.display(),
                    m.id.name
                );
            }
        }
    }
    out
}

/// The text fragments of a pattern, variants included; a placeable ends a fragment.
fn collect_text(p: &ast::Pattern<&str>, out: &mut Vec<String>) {
    let mut current = String::new();
    for el in &p.elements {
        match el {
            ast::PatternElement::TextElement { value } => current.push_str(value),
            ast::PatternElement::Placeable { expression } => {
                // A placeable stands for a word: what follows it is checked as after a word.
                current.push('\u{1}');
                if let ast::Expression::Select { variants, .. } = expression {
                    for v in variants {
                        collect_text(&v.value, out);
                    }
                }
            }
        }
    }
    out.push(current);
}

fn languages() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("assets/locales")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn english_and_french_are_built_in() {
    let langs = languages();
    assert!(langs.contains(&"en".to_string()) && langs.contains(&"fr".to_string()));
    assert_eq!(mltutor::core::i18n::Lang::en().code(), "en");
    assert_eq!(mltutor::core::i18n::Lang::fr().name(), "Français");
}

#[test]
fn every_language_has_every_message() {
    let en = messages("en");
    assert!(en.len() > 10, "English has {} messages", en.len());
    for code in languages() {
        let other = messages(&code);
        let missing: Vec<&String> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<&String> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{code}: missing {missing:?}; not in English: {extra:?}"
        );
    }
}

/// The faults French typography forbids in `text`: a plain space, or no space, before
/// `:` `;` `?` `!` (a no-break space is required there).
fn typography_faults(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut faults = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        if !matches!(c, ':' | ';' | '?' | '!') {
            continue;
        }
        let before = if i == 0 { None } else { Some(chars[i - 1]) };
        let after = chars.get(i + 1).copied();
        // A URL, a time (0:50), `x:` in code, or a punctuation mark standing alone (a key
        // name such as `?`) are not prose.
        let prose = match before {
            None | Some('`') | Some('"') | Some('\'') | Some('(') | Some('[') => false,
            Some(b) if b.is_ascii_digit() && after.is_some_and(|a| a.is_ascii_digit()) => false,
            Some(_) if after == Some('/') || after == Some(':') || after == Some('=') => false,
            Some(_) => true,
        };
        if !prose {
            continue;
        }
        if before != Some('\u{a0}') && before != Some('\u{202f}') {
            let start = i.saturating_sub(20);
            let ctx: String = chars[start..(i + 1).min(chars.len())].iter().collect();
            faults.push(format!("…{}", ctx.replace('\u{1}', "{…}")));
        }
    }
    faults
}

#[test]
fn the_typography_check_sees_faults() {
    assert_eq!(typography_faults("Réponse illisible : x").len(), 1);
    assert_eq!(typography_faults("Réponse illisible: x").len(), 1);
    assert!(typography_faults("Réponse illisible\u{a0}: x").is_empty());
    assert!(typography_faults("Quel gain\u{202f}?").is_empty());
    assert!(typography_faults("?").is_empty());
    assert!(typography_faults("0:50 restant").is_empty());
    assert_eq!(typography_faults("\u{1}: le modèle").len(), 1);
}

#[test]
fn french_messages_follow_french_typography() {
    let mut faults = Vec::new();
    for (id, (file, fragments)) in messages("fr") {
        for f in fragments {
            for fault in typography_faults(&f) {
                faults.push(format!("{file}: {id}: {fault}"));
            }
        }
    }
    assert!(
        faults.is_empty(),
        "{} faults:\n{}",
        faults.len(),
        faults.join("\n")
    );
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// The literal message ids the code asks for: `tr!(lang, "id"…)` and `.tr("id")`.
fn ids_in_code() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in rust_files(Path::new("src")) {
        // Comments (doc examples) ask for nothing.
        let text: String = std::fs::read_to_string(&f)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (i, _) in text.match_indices("tr!(") {
            // `include_str!(` ends in `tr!(` too: only the macro itself counts.
            let before = text[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[i..];
            // The id is the first string literal after the first comma.
            let Some(comma) = rest.find(',') else {
                continue;
            };
            let after = rest[comma + 1..].trim_start();
            if let Some(lit) = after.strip_prefix('"') {
                if let Some(end) = lit.find('"') {
                    out.push((f.display().to_string(), lit[..end].to_string()));
                }
            }
        }
        for pat in [".tr(\"", ".tr_args(\""] {
            for (i, _) in text.match_indices(pat) {
                let lit = &text[i + pat.len()..];
                if let Some(end) = lit.find('"') {
                    out.push((f.display().to_string(), lit[..end].to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn every_message_the_code_asks_for_exists() {
    let en = messages("en");
    let used = ids_in_code();
    assert!(!used.is_empty());
    let missing: Vec<String> = used
        .iter()
        .filter(|(_, id)| !en.contains_key(id))
        .map(|(f, id)| format!("{f}: `{id}`"))
        .collect();
    assert!(
        missing.is_empty(),
        "no such message:\n{}",
        missing.join("\n")
    );
}

#[test]
fn numbers_are_written_as_each_language_writes_them() {
    use mltutor::core::i18n::Lang;
    let (en, fr) = (Lang::en(), Lang::fr());
    assert_eq!(en.num(53_300), "53,300");
    assert_eq!(fr.num(53_300), "53\u{202f}300");
    assert_eq!(en.dec(0.05, 2), "0.05");
    assert_eq!(fr.dec(0.05, 2), "0,05");
    assert_eq!(en.percent(13.72, 1), "13.7%");
    assert_eq!(fr.percent(13.72, 1), "13,7\u{a0}%");
    assert_eq!(fr.real(-1234.0), "-1\u{202f}234");
    assert_eq!(fr.real(2.5), "2,5");
}

#[test]
fn language_codes_are_matched_as_locales_write_them() {
    use mltutor::core::i18n::Lang;
    assert_eq!(Lang::get("fr_FR.UTF-8").map(|l| l.code()), Some("fr"));
    assert_eq!(Lang::get("fr-CA").map(|l| l.code()), Some("fr"));
    assert_eq!(Lang::get("EN").map(|l| l.code()), Some("en"));
    assert!(Lang::get("de").is_none());
    let e = Lang::resolve(Some("de")).unwrap_err();
    assert_eq!(e.available, vec!["en".to_string(), "fr".to_string()]);
}

#[test]
fn an_unknown_language_is_refused_with_the_list() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mltutor"))
        .args(["--lang", "de", "answers"])
        .env_remove("MLTUTOR_LOCALES")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("de") && err.contains("en, fr"), "{err}");
    assert!(out.stdout.is_empty());
}
