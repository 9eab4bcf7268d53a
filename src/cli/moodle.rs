//! `mltutor import-gift`, `import-moodle-xml` and `export`: Moodle's question formats in
//! and out, through `core::moodle`. What a format cannot say is listed on standard error.

use crate::core::grade::Facts;
use crate::core::i18n::Lang;
use crate::core::moodle::convert::{bank_to_pack, pack_to_bank, pack_to_ron, ExportOptions, Note};
use crate::core::moodle::{gift, xml, Bank, FormatError};
use crate::tr;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// The largest Moodle file read (a bank of 10,000 questions is a few MB).
const MAX_BANK_BYTES: u64 = 64 << 20;

/// The most variants one export writes.
pub const MAX_VARIANTS: u64 = 1000;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write the pack here instead of printing it.
    #[arg(short = 'o', long = "output", value_name = "PACK.ron")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Gift,
    MoodleXml,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// gift or moodle-xml.
    #[arg(long, value_name = "FORMAT")]
    pub format: Format,
    /// A pack file; default: the built-in exam.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
    /// Write each computed question once per variant (0 to N-1), with its value.
    #[arg(long, value_name = "N")]
    pub variants: Option<u64>,
    /// Write the bank here instead of printing it.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn print_notes(notes: &[Note], lang: Lang) {
    for n in notes {
        eprintln!(
            "{}",
            crate::core::pack::terminal_safe(&tr!(lang, "moodle-cli-note", note = n.render(lang)))
        );
    }
}

fn write_out(output: Option<&Path>, text: &str, lang: Lang) -> ExitCode {
    match output {
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Some(p) => match std::fs::write(p, text) {
            Ok(()) => {
                eprintln!(
                    "{}",
                    tr!(lang, "moodle-cli-written", file = p.display().to_string())
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                super::error(lang, &format!("{}: {e}", p.display()));
                ExitCode::from(1)
            }
        },
    }
}

fn format_error(file: &Path, e: &FormatError, lang: Lang) {
    let why = FormatError {
        line: 0,
        column: 0,
        problem: e.problem.clone(),
    }
    .render(lang);
    let at = if e.line == 0 {
        file.display().to_string()
    } else {
        format!("{}:{}:{}", file.display(), e.line, e.column)
    };
    eprintln!(
        "{}",
        crate::core::pack::terminal_safe(&tr!(lang, "moodle-cli-error", at = at, why = why))
    );
}

/// `import-gift` (`xml` false) or `import-moodle-xml` (`xml` true).
pub fn run_import(a: ImportArgs, as_xml: bool, lang: Lang) -> ExitCode {
    let text = match crate::core::pack::read_text_file(&a.file, MAX_BANK_BYTES) {
        Ok(t) => t,
        Err(e) => {
            super::error(lang, &format!("{}: {e}", a.file.display()));
            return ExitCode::from(1);
        }
    };
    let bank: Result<Bank, FormatError> = if as_xml {
        xml::parse(&text)
    } else {
        gift::parse(&text)
    };
    let bank = match bank {
        Ok(b) => b,
        Err(e) => {
            format_error(&a.file, &e, lang);
            return ExitCode::from(1);
        }
    };
    let stem = a
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "moodle".into());
    let (pack, notes) = bank_to_pack(&bank, &stem, &stem, lang);
    print_notes(&notes, lang);
    eprintln!(
        "{}",
        tr!(
            lang,
            "moodle-cli-imported",
            n = pack.questions.len(),
            left = notes.len()
        )
    );
    write_out(a.output.as_deref(), &pack_to_ron(&pack), lang)
}

pub fn run_export(a: ExportArgs, lang: Lang, flag_mib: Option<u64>) -> ExitCode {
    let budget = super::limit_for(a.pack.as_deref(), flag_mib).bytes;
    let runner: Arc<dyn crate::core::runner::ModelRunner> = Arc::new(crate::engine::CandleRunner);
    if let Some(n) = a.variants.filter(|n| *n == 0 || *n > MAX_VARIANTS) {
        super::error(
            lang,
            &tr!(lang, "moodle-cli-variants", n = n, max = MAX_VARIANTS),
        );
        return ExitCode::from(super::USAGE);
    }
    // A pack with variables has every question drawn per variant; a pack without has
    // its computed questions repeated, one per variant number.
    let has_vars = match &a.pack {
        None => crate::core::pack::has_variants(if lang.code() == "fr" {
            crate::core::pack::EXAM_FR
        } else {
            crate::core::pack::EXAM_EN
        }),
        Some(p) => crate::core::check::read_pack_text(p)
            .map(|t| crate::core::pack::has_variants(&t))
            .unwrap_or(false),
    };
    let mut bank = Bank::default();
    let mut notes = Vec::new();
    let runs: Vec<Option<u64>> = match a.variants {
        None => vec![None],
        Some(n) => (0..n).map(Some).collect(),
    };
    for v in runs {
        let pack = match super::pack_or_builtin_variant(a.pack.as_deref(), lang, budget, v) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let facts = Facts::compute(&pack, budget, runner.clone());
        let first = v.unwrap_or(0) == 0;
        let opts = ExportOptions {
            variant: v,
            label_all: has_vars,
            computed: true,
            plain: has_vars || first,
        };
        let (b, n) = pack_to_bank(&pack, &facts, &opts);
        bank.items.extend(b.items);
        notes.extend(n);
    }
    print_notes(&notes, lang);
    let text = match a.format {
        Format::Gift => gift::write(&bank),
        Format::MoodleXml => xml::write(&bank),
    };
    write_out(a.output.as_deref(), &text, lang)
}
