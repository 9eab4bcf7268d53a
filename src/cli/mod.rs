//! Command-line interface: `mltutor [inspect|check|answers|train|bench]`.

pub mod answers;
pub mod bench;
pub mod check;
pub mod grade;
pub mod import;
pub mod inspect;
pub mod models;
pub mod moodle;
pub mod results;
pub mod train;

use crate::core::i18n::Lang;
use crate::core::pack::{LimitSource, MemoryLimit};
use crate::tr;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "mltutor",
    version,
    about = "A terminal tutor for machine-learning exams, answers computed live with candle"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Interface (and built-in exam) language: a code with files in assets/locales (en, fr)
    /// or in $MLTUTOR_LOCALES; default: the system's locale, else English.
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    /// Open another question pack instead of the built-in exam.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
    /// self-check (feedback after each answer) or exam (feedback after submission).
    #[arg(long, default_value = "self-check", value_name = "MODE")]
    pub mode: crate::core::progress::Mode,
    /// Where progress and reports are kept (also $MLTUTOR_DATA_DIR).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Exam mode: time limit in minutes, shown on screen; the exam is submitted when it runs out.
    #[arg(long, value_name = "MIN")]
    pub time_limit: Option<u64>,
    /// Exam mode: the student's name, written in the report; asked at the start when absent.
    #[arg(long, value_name = "NAME")]
    pub student: Option<String>,
    /// Memory budget in MiB for any model and its activations (default: the pack's own
    /// `memory_budget_mib` when it sets one, else 512).
    #[arg(long, global = true, value_name = "MIB")]
    pub memory_budget: Option<u64>,
    /// For packs with variables: the variant to open (0 to 999999); default: the student's
    /// own, drawn from their name, else the one saved, else 0.
    #[arg(long, global = true, value_name = "N", value_parser = parse_variant)]
    pub variant: Option<u64>,
}

/// `--variant N`, checked by the one validator of variant numbers.
fn parse_variant(text: &str) -> Result<u64, String> {
    crate::core::variant::parse_number(text).map_err(|e| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a model's summary: per-layer output shapes, parameters and mult-adds.
    Inspect(inspect::InspectArgs),
    /// Print the RON spec of an nn.Module class from PyTorch source, ready for a pack.
    Import(import::ImportArgs),
    /// Validate question packs: syntax (file:line:col), schema, and computed answers.
    Check {
        /// Pack files (RON).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Train a model on a generated data set, headless: a line per epoch and a summary.
    Train(train::TrainArgs),
    /// Measure training (or inference) throughput: a warm-up, then the median of timed runs.
    Bench(bench::BenchArgs),
    /// Print a pack's answer key, every computed answer computed live.
    Answers {
        /// A pack file; default: the built-in exam.
        #[arg(long, value_name = "FILE")]
        pack: Option<PathBuf>,
    },
    /// Grade exam reports again from their answers; flag edited scores and other pack versions.
    Grade(grade::GradeArgs),
    /// A class's results from a folder of reports: question statistics, histogram, gradebook.
    Results(results::ResultsArgs),
    /// Turn a Moodle GIFT file into a pack (printed, or written with -o).
    ImportGift(moodle::ImportArgs),
    /// Turn a Moodle XML file into a pack (printed, or written with -o).
    ImportMoodleXml(moodle::ImportArgs),
    /// Write a pack for Moodle (GIFT or Moodle XML), computed answers frozen per variant.
    Export(moodle::ExportArgs),
}

/// Exit code for a usage or file problem.
pub(crate) const USAGE: u8 = 2;

/// Print `error: …` in `lang` on standard error.
pub(crate) fn error(lang: Lang, message: &str) {
    eprintln!("{}", tr!(lang, "cli-error", message = message));
}

pub fn run(cli: Cli) -> ExitCode {
    let flag = cli.memory_budget;
    let lang = match Lang::resolve(cli.lang.as_deref()) {
        Ok(l) => l,
        Err(e) => {
            // The language asked for has no messages: say so in English.
            error(Lang::en(), &format!("--lang: {e}"));
            return ExitCode::from(USAGE);
        }
    };
    match cli.command {
        Some(Command::Inspect(a)) => inspect::run(a, lang, flag),
        Some(Command::Import(a)) => import::run(a, lang),
        Some(Command::ImportGift(a)) => moodle::run_import(a, false, lang),
        Some(Command::ImportMoodleXml(a)) => moodle::run_import(a, true, lang),
        Some(Command::Export(a)) => moodle::run_export(a, lang, flag),
        Some(Command::Check { files }) => check::run(&files, lang, flag),
        Some(Command::Answers { pack }) => {
            let budget = limit_for(pack.as_deref(), flag).bytes;
            answers::run(pack.as_deref(), lang, budget, cli.variant)
        }
        Some(Command::Train(a)) => train::run(a, lang, flag),
        Some(Command::Bench(a)) => bench::run(a, lang, flag),
        Some(Command::Grade(a)) => {
            let budget = limit_for(a.pack.as_deref(), flag).bytes;
            grade::run(a, lang, budget)
        }
        Some(Command::Results(a)) => {
            let budget = limit_for(a.pack.as_deref(), flag).bytes;
            results::run(a, lang, budget)
        }
        None => {
            let budget = limit_for(cli.pack.as_deref(), flag).bytes;
            let pack = match pack_or_builtin(cli.pack.as_deref(), lang, budget) {
                Ok(p) => p,
                Err(code) => return code,
            };
            let opts = crate::tui::TuiOptions {
                pack,
                lang,
                mode: cli.mode,
                data_dir: crate::core::progress::data_dir(cli.data_dir.as_deref()),
                time_limit_min: cli.time_limit,
                budget,
                student: cli.student,
                variant: cli.variant,
                source: pack_source(cli.pack.as_deref(), lang),
                source_dir: cli
                    .pack
                    .as_deref()
                    .map(|p| crate::core::check::folder_of(p).to_path_buf()),
            };
            match crate::tui::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    error(lang, &tr!(lang, "cli-tui-failed", why = e.to_string()));
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// The memory limit for the pack at `path` (or the built-in exam): `--memory-budget` when
/// given, else the pack's own `memory_budget_mib` when it sets one, else the default. A pack
/// that cannot be read gets the default here; loading it then says why.
pub(crate) fn limit_for(path: Option<&Path>, flag_mib: Option<u64>) -> MemoryLimit {
    let pack_mib = path.and_then(|p| {
        crate::core::pack::read_text_file(p, crate::core::pack::MAX_PACK_BYTES)
            .ok()
            .and_then(|text| crate::core::pack::budget_of_text(&text))
    });
    MemoryLimit::choose(flag_mib, pack_mib)
}

/// The text a pack was read from (the built-in exam's when `path` is `None`), so the
/// tutor can draw the student's own variant of it; `None` when it cannot be read again.
fn pack_source(path: Option<&Path>, lang: Lang) -> Option<std::sync::Arc<str>> {
    match path {
        None => Some(std::sync::Arc::from(if lang.code() == "fr" {
            crate::core::pack::EXAM_FR
        } else {
            crate::core::pack::EXAM_EN
        })),
        Some(p) => crate::core::check::read_pack_text(p)
            .ok()
            .map(std::sync::Arc::from),
    }
}

/// The pack at `path`, validated, or the built-in exam in `lang`; a pack that does not
/// load is reported (`file:line:col`) and gives the usage exit code. A pack with
/// variables is its variant 0.
pub(crate) fn pack_or_builtin(
    path: Option<&Path>,
    lang: Lang,
    budget: u64,
) -> Result<crate::core::pack::Pack, ExitCode> {
    pack_or_builtin_variant(path, lang, budget, None)
}

/// [`pack_or_builtin`], variant `variant` of a pack with variables (0 when `None`).
pub(crate) fn pack_or_builtin_variant(
    path: Option<&Path>,
    lang: Lang,
    budget: u64,
    variant: Option<u64>,
) -> Result<crate::core::pack::Pack, ExitCode> {
    match path {
        None => Ok(crate::core::pack::builtin_pack(lang.code())),
        Some(p) => {
            // The pack's own limit is named as such in refusals.
            let own = limit_for(Some(p), None);
            let limit = if own.source == LimitSource::Pack && own.bytes == budget {
                own
            } else {
                MemoryLimit::given(budget)
            };
            crate::core::check::read_pack_text(p)
                .and_then(|text| {
                    crate::core::check::load_text_variant_in(
                        &text,
                        Some(crate::core::check::folder_of(p)),
                        Some(limit),
                        &crate::engine::CandleRunner,
                        variant,
                    )
                })
                .map(|(pack, _, _)| pack)
                .map_err(|e| {
                    eprintln!(
                        "{}",
                        crate::core::pack::terminal_safe(
                            &e.render_in(&p.display().to_string(), lang)
                        )
                    );
                    ExitCode::from(USAGE)
                })
        }
    }
}
