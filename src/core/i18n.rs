//! The interface's strings, as data: one folder of Fluent files per language under
//! `assets/locales/<code>/`, built into the binary, plus any language a user adds as files in
//! `$MLTUTOR_LOCALES/<code>/` (no code to change). English is the fallback for a message a
//! language lacks; a test checks that every language has every message.
//!
//! Each language's `meta.ftl` names it and says how it writes numbers
//! (`number-thousands-separator`, `number-decimal-separator`).

use crate::core::numfmt::group;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::FluentResource;
pub use fluent_bundle::{FluentArgs, FluentValue};
use std::path::Path;
use std::sync::OnceLock;

static BUILTIN: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/assets/locales");

/// The environment variable naming a folder of extra languages (`<dir>/<code>/*.ftl`).
pub const LOCALES_ENV: &str = "MLTUTOR_LOCALES";

/// One language: its messages and how it writes numbers.
pub struct Locale {
    code: String,
    name: String,
    thousands: String,
    decimal: String,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locale").field("code", &self.code).finish()
    }
}

/// Why a language's files could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LocaleError {
    #[error("{file}: cannot read: {why}")]
    Io { file: String, why: String },
    #[error("{file}: Fluent syntax error: {why}")]
    Syntax { file: String, why: String },
    #[error("{code}: `{code}` is not a language code (like `fr` or `pt-BR`)")]
    BadCode { code: String },
    #[error("{file}: the message `{id}` is defined twice")]
    Duplicate { file: String, id: String },
}

/// `--lang` named a language that has no files.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("no language `{asked}`: available languages are {}", available.join(", "))]
pub struct UnknownLanguage {
    pub asked: String,
    pub available: Vec<String>,
}

impl Locale {
    /// Build a language from its Fluent files, given as (file name, text).
    pub fn from_files(code: &str, files: &[(String, String)]) -> Result<Locale, LocaleError> {
        let langid: unic_langid::LanguageIdentifier =
            code.parse().map_err(|_| LocaleError::BadCode {
                code: code.to_string(),
            })?;
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Isolation marks around placeables show as stray characters in a terminal.
        bundle.set_use_isolating(false);
        for (file, text) in files {
            let res =
                FluentResource::try_new(text.clone()).map_err(|(_, errs)| LocaleError::Syntax {
                    file: file.clone(),
                    why: errs
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("; "),
                })?;
            if let Err(errs) = bundle.add_resource(res) {
                let id = errs
                    .iter()
                    .find_map(|e| match e {
                        fluent_bundle::FluentError::Overriding { id, .. } => Some(id.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                return Err(LocaleError::Duplicate {
                    file: file.clone(),
                    id,
                });
            }
        }
        let plain = |id: &str, default: &str| -> String {
            bundle
                .get_message(id)
                .and_then(|m| m.value())
                .map(|p| bundle.format_pattern(p, None, &mut vec![]).into_owned())
                .unwrap_or_else(|| default.to_string())
        };
        let name = plain("language-name", code);
        let thousands = plain("number-thousands-separator", ",");
        let decimal = plain("number-decimal-separator", ".");
        Ok(Locale {
            code: code.to_string(),
            name,
            thousands,
            decimal,
            bundle,
        })
    }

    /// Every message id of this language.
    pub fn message_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        // The bundle does not list its messages: read them from the sources again.
        for_each_source(&self.code, |_, text| {
            if let Ok(res) = FluentResource::try_new(text.to_string()) {
                for entry in res.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        ids.push(m.id.name.to_string());
                    }
                }
            }
        });
        ids.sort();
        ids.dedup();
        ids
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let msg = self.bundle.get_message(id)?;
        let pattern = msg.value()?;
        let mut errors = vec![];
        Some(
            self.bundle
                .format_pattern(pattern, args, &mut errors)
                .into_owned(),
        )
    }
}

/// The files of language `code`, built in or from `$MLTUTOR_LOCALES`.
fn for_each_source(code: &str, mut f: impl FnMut(&str, &str)) {
    if let Some(dir) = BUILTIN.get_dir(code) {
        for file in dir.files() {
            if let Some(text) = file.contents_utf8() {
                f(&file.path().display().to_string(), text);
            }
        }
        return;
    }
    if let Some(root) = std::env::var_os(LOCALES_ENV) {
        if let Ok(files) = read_dir_files(&Path::new(&root).join(code)) {
            for (name, text) in files {
                f(&name, &text);
            }
        }
    }
}

/// The `.ftl` files of one folder, in name order. Only regular files are read.
fn read_dir_files(dir: &Path) -> Result<Vec<(String, String)>, LocaleError> {
    let io = |file: &Path, e: std::io::Error| LocaleError::Io {
        file: file.display().to_string(),
        why: e.to_string(),
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        let regular = std::fs::metadata(&path).is_ok_and(|m| m.is_file());
        if regular && path.extension().is_some_and(|x| x == "ftl") {
            // A message file is small; a huge one is a mistake, not a language.
            if std::fs::metadata(&path).is_ok_and(|m| m.len() > 4 << 20) {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            out.push((path.display().to_string(), text));
        }
    }
    out.sort();
    Ok(out)
}

/// Every language this run knows, English first.
struct Registry {
    locales: Vec<&'static Locale>,
    /// Languages in `$MLTUTOR_LOCALES` that could not be loaded, with why.
    problems: Vec<LocaleError>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(load_registry)
}

fn load_registry() -> Registry {
    let mut locales: Vec<&'static Locale> = Vec::new();
    let mut problems = Vec::new();
    for dir in BUILTIN.dirs() {
        let code = dir.path().display().to_string();
        let files: Vec<(String, String)> = dir
            .files()
            .filter_map(|f| {
                f.contents_utf8()
                    .map(|t| (f.path().display().to_string(), t.to_string()))
            })
            .collect();
        match Locale::from_files(&code, &files) {
            // Loaded once per run and kept for its whole length.
            Ok(l) => locales.push(Box::leak(Box::new(l))),
            Err(e) => problems.push(e),
        }
    }
    if let Some(root) = std::env::var_os(LOCALES_ENV) {
        if let Ok(entries) = std::fs::read_dir(&root) {
            let mut dirs: Vec<_> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            dirs.sort();
            for dir in dirs {
                let Some(code) = dir.file_name().and_then(|c| c.to_str()).map(str::to_string)
                else {
                    continue;
                };
                if locales.iter().any(|l| l.code == code) {
                    continue;
                }
                match read_dir_files(&dir).and_then(|files| Locale::from_files(&code, &files)) {
                    Ok(l) => locales.push(Box::leak(Box::new(l))),
                    Err(e) => problems.push(e),
                }
            }
        }
    }
    locales.sort_by_key(|l| (l.code != "en", l.code.clone()));
    Registry { locales, problems }
}

/// The language of the interface: a handle on a loaded [`Locale`], cheap to copy.
#[derive(Clone, Copy)]
pub struct Lang(&'static Locale);

impl std::fmt::Debug for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lang({})", self.0.code)
    }
}

impl PartialEq for Lang {
    fn eq(&self, other: &Self) -> bool {
        self.0.code == other.0.code
    }
}
impl Eq for Lang {}

impl Default for Lang {
    fn default() -> Self {
        Lang::en()
    }
}

impl Lang {
    /// English, the fallback language (built in).
    pub fn en() -> Lang {
        Lang::get("en").expect("English is built in (tested)")
    }
    /// French (built in).
    pub fn fr() -> Lang {
        Lang::get("fr").expect("French is built in (tested)")
    }

    /// The language with code `code` (`fr`, `fr-FR` and `fr_FR.UTF-8` all give `fr`).
    pub fn get(code: &str) -> Option<Lang> {
        let code = code
            .split(['.', '@'])
            .next()
            .unwrap_or("")
            .replace('_', "-");
        let locales = &registry().locales;
        let exact = locales.iter().find(|l| l.code.eq_ignore_ascii_case(&code));
        let primary = code.split('-').next().unwrap_or("");
        exact
            .or_else(|| {
                locales
                    .iter()
                    .find(|l| l.code.eq_ignore_ascii_case(primary))
            })
            .map(|l| Lang(l))
    }

    /// The codes of every language this run knows, English first.
    pub fn available() -> Vec<String> {
        registry().locales.iter().map(|l| l.code.clone()).collect()
    }

    /// Languages in `$MLTUTOR_LOCALES` that could not be loaded.
    pub fn problems() -> Vec<LocaleError> {
        registry().problems.clone()
    }

    /// The language asked with `--lang`, or the system's locale (read with `sys-locale`),
    /// else English. A `--lang` with no files is refused.
    pub fn resolve(flag: Option<&str>) -> Result<Lang, UnknownLanguage> {
        match flag {
            Some(f) => Lang::get(f).ok_or_else(|| UnknownLanguage {
                asked: f.to_string(),
                available: Lang::available(),
            }),
            None => Ok(sys_locale::get_locale()
                .and_then(|l| Lang::get(&l))
                .unwrap_or_else(Lang::en)),
        }
    }

    pub fn code(self) -> &'static str {
        &self.0.code
    }
    /// The language's own name (`Français`).
    pub fn name(self) -> &'static str {
        &self.0.name
    }

    /// The message `id`, in this language, else in English, else the id itself.
    pub fn tr(self, id: &str) -> String {
        self.tr_args(id, None)
    }

    /// The message `id` with its arguments (see the [`tr!`](crate::tr) macro).
    pub fn tr_args(self, id: &str, args: Option<&FluentArgs>) -> String {
        self.0
            .format(id, args)
            .or_else(|| Lang::en().0.format(id, args))
            .unwrap_or_else(|| id.to_string())
    }

    /// Transitional: pick the English or the French text (being replaced by messages).
    pub fn t<'a>(self, en: &'a str, fr: &'a str) -> &'a str {
        if self.0.code == "fr" {
            fr
        } else {
            en
        }
    }

    /// Transitional: English or French, for code not yet moved to messages.
    pub fn pick(self) -> Pick {
        if self.0.code == "fr" {
            Pick::Fr
        } else {
            Pick::En
        }
    }

    /// Thousands as this language groups them: `53,300`, `53 300`.
    pub fn num(self, n: u64) -> String {
        let sep = self.0.thousands.chars().next().unwrap_or(',');
        group(n, sep)
    }

    /// A signed integer, grouped.
    pub fn int(self, n: i64) -> String {
        let g = self.num(n.unsigned_abs());
        if n < 0 {
            format!("-{g}")
        } else {
            g
        }
    }

    /// A decimal number with `digits` after the separator: `0.05`, `0,05`.
    pub fn dec(self, v: f64, digits: usize) -> String {
        self.localise_decimal(&format!("{v:.digits$}"))
    }

    /// A number as short as it can be written exactly: whole numbers grouped (`53,300`),
    /// others with this language's decimal separator (`0.5`, `0,5`).
    pub fn real(self, v: f64) -> String {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            let g = self.num(v.abs() as u64);
            if v < 0.0 {
                format!("-{g}")
            } else {
                g
            }
        } else {
            self.localise_decimal(&format!("{v}"))
        }
    }

    /// A percentage with `digits` decimals: `13.7%`, `13,7 %`.
    pub fn percent(self, v: f64, digits: usize) -> String {
        let n = self.dec(v, digits);
        self.tr_args("format-percent", Some(&args_of([("n", n.into())])))
    }

    fn localise_decimal(self, s: &str) -> String {
        if self.0.decimal == "." {
            s.to_string()
        } else {
            s.replace('.', &self.0.decimal)
        }
    }
}

/// Transitional: see [`Lang::pick`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    En,
    Fr,
}

/// Fluent arguments from pairs.
pub fn args_of<'a, const N: usize>(pairs: [(&'a str, FluentValue<'a>); N]) -> FluentArgs<'a> {
    let mut args = FluentArgs::new();
    for (k, v) in pairs {
        args.set(k, v);
    }
    args
}

/// A message in `lang`: `tr!(lang, "list-title")`, or with arguments
/// `tr!(lang, "feedback-off-by", got = lang.num(g), total = 5)`. Pass numbers that select
/// a plural as numbers, and numbers to show as formatted strings (`lang.num`, `lang.dec`).
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:expr) => {
        $crate::core::i18n::Lang::tr($lang, $id)
    };
    ($lang:expr, $id:expr, $($k:ident = $v:expr),+ $(,)?) => {{
        let mut args = $crate::core::i18n::FluentArgs::new();
        $( args.set(stringify!($k), $crate::core::i18n::FluentValue::from($v)); )+
        $crate::core::i18n::Lang::tr_args($lang, $id, Some(&args))
    }};
}
