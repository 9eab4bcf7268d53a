//! Command-line interface: `mltutor [inspect|check|answers|train|bench]`.

use crate::i18n::Lang;
use crate::plan::DEFAULT_BUDGET_BYTES;
use crate::shape::{parse_shape, Shape};
use crate::spec::{builtin_models, parse_model, ModelSpec};
use crate::summary::{inspect, render_text, InspectError};
use clap::{Args, Parser, Subcommand};
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
    /// Interface (and built-in exam) language: fr or en; default: the locale's, else English.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Open another question pack instead of the built-in exam.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
    /// self-check (feedback after each answer) or exam (feedback after submission).
    #[arg(long, default_value = "self-check", value_name = "MODE")]
    pub mode: crate::progress::Mode,
    /// Where progress and reports are kept (also $MLTUTOR_DATA_DIR).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Exam mode: time limit in minutes, shown on screen; the exam is submitted when it runs out.
    #[arg(long, value_name = "MIN")]
    pub time_limit: Option<u64>,
    /// Memory budget in MiB for any model and its activations.
    #[arg(long, global = true, default_value_t = DEFAULT_BUDGET_BYTES / (1024 * 1024), value_name = "MIB")]
    pub memory_budget: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a model's summary: per-layer output shapes, parameters and mult-adds.
    Inspect(InspectArgs),
    /// Validate question packs: syntax (file:line:col), schema, and computed answers.
    Check {
        /// Pack files (RON).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Train a model on a generated data set, headless: a line per epoch and a summary.
    Train(TrainArgs),
    /// Measure training (or inference) throughput: a warm-up, then the median of timed runs.
    Bench(BenchArgs),
    /// Print a pack's answer key, every computed answer computed live.
    Answers {
        /// A pack file; default: the built-in exam.
        #[arg(long, value_name = "FILE")]
        pack: Option<PathBuf>,
        /// Language of the built-in exam: fr or en (default: the locale's).
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
    },
}

/// Which model a command works on.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// A pack or model-spec RON file; default: the exam's built-in models.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
    /// Which model of the file (default: the exam's CNN, or the file's first).
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,
}

impl ModelArgs {
    /// The model asked for: `--model` from `--pack`, else the file's first; by default the
    /// exam's CNN.
    pub fn resolve(&self) -> Result<ModelSpec, String> {
        let pack = self.pack.as_deref();
        let id = self.model.as_deref().or(if pack.is_none() {
            Some("exam_cnn")
        } else {
            None
        });
        pick_model(load_models(pack)?, id)
    }
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub which: ModelArgs,
    /// Shape of one sample, e.g. 3x40x40 or "(3, 40, 40)" (default: the model's own).
    #[arg(long, value_name = "SHAPE")]
    pub input: Option<String>,
    /// Samples per batch for the forward pass.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub batch: usize,
    /// Also print the model as PyTorch code.
    #[arg(long)]
    pub code: bool,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub which: ModelArgs,
    #[arg(long, default_value = "cpu", value_name = "cpu|cuda")]
    pub device: crate::engine::DeviceChoice,
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub epochs: usize,
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub batch: usize,
    #[arg(long, default_value_t = 0.05, value_name = "X")]
    pub lr: f64,
    #[arg(long, default_value = "sgd", value_name = "sgd|adamw")]
    pub optimizer: crate::engine::OptimizerKind,
    /// SGD momentum.
    #[arg(long, default_value_t = 0.9, value_name = "X")]
    pub momentum: f64,
    #[arg(long, default_value_t = 2000, value_name = "N")]
    pub train_size: usize,
    #[arg(long, default_value_t = 500, value_name = "N")]
    pub val_size: usize,
    /// Data-set flaws: pixel noise (std), label noise (share), balance (1 = balanced), duplication (share).
    #[arg(long, default_value_t = 0.15, value_name = "X")]
    pub pixel_noise: f32,
    #[arg(long, default_value_t = 0.0, value_name = "X")]
    pub label_noise: f32,
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub imbalance: f32,
    #[arg(long, default_value_t = 0.0, value_name = "X")]
    pub duplication: f32,
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub seed: u64,
    /// Train on local files: a folder of MNIST IDX files or of one PNG folder per class.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Write metrics as JSON lines (one per epoch).
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub which: ModelArgs,
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub batch: usize,
    #[arg(long, default_value = "cpu", value_name = "cpu|cuda")]
    pub device: crate::engine::DeviceChoice,
    #[arg(long, default_value = "sgd", value_name = "sgd|adamw")]
    pub optimizer: crate::engine::OptimizerKind,
    /// train or infer.
    #[arg(long, default_value = "train", value_name = "MODE")]
    pub mode: String,
    /// Samples per timed run.
    #[arg(long, default_value_t = 4096, value_name = "N")]
    pub samples: usize,
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub runs: usize,
    /// Print where a training step's time goes (per phase and per layer) instead.
    #[arg(long)]
    pub profile: bool,
}

/// Exit code for a usage or file problem.
const USAGE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let budget = cli.memory_budget.saturating_mul(1024 * 1024);
    match cli.command {
        Some(Command::Inspect(a)) => cmd_inspect(a, budget),
        Some(Command::Check { files }) => cmd_check(&files, budget),
        Some(Command::Answers { pack, lang }) => {
            cmd_answers(pack.as_deref(), lang.as_deref(), budget)
        }
        Some(Command::Train(a)) => crate::headless::cmd_train(a),
        Some(Command::Bench(a)) => crate::headless::cmd_bench(a),
        None => {
            let lang = Lang::resolve(cli.lang.as_deref());
            let pack = match pack_or_builtin(cli.pack.as_deref(), lang, budget) {
                Ok(p) => p,
                Err(code) => return code,
            };
            let opts = crate::tui::TuiOptions {
                pack,
                lang,
                mode: cli.mode,
                data_dir: crate::progress::data_dir(cli.data_dir.as_deref()),
                time_limit_min: cli.time_limit,
                budget,
            };
            match crate::tui::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: the terminal interface failed: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// The pack at `path`, validated, or the built-in exam in `lang`; a pack that does not
/// load is reported (`file:line:col`) and gives the usage exit code.
fn pack_or_builtin(
    path: Option<&Path>,
    lang: Lang,
    budget: u64,
) -> Result<crate::pack::Pack, ExitCode> {
    match path {
        None => Ok(crate::pack::builtin_pack(lang.code())),
        Some(p) => crate::pack::load_pack(p, budget).map_err(|e| {
            eprintln!("{}", e.render(&p.display().to_string()));
            ExitCode::from(USAGE)
        }),
    }
}

/// Models from a file, or the built-in ones.
pub fn load_models(path: Option<&Path>) -> Result<Vec<ModelSpec>, String> {
    match path {
        None => Ok(builtin_models()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            parse_model(&text).map(|m| vec![m]).map_err(|e| {
                format!(
                    "{}:{}:{}: {}",
                    p.display(),
                    e.position.line,
                    e.position.col,
                    e.code
                )
            })
        }
    }
}

/// Pick a model by id, or the first one.
pub fn pick_model(models: Vec<ModelSpec>, id: Option<&str>) -> Result<ModelSpec, String> {
    let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
    match id {
        None => models
            .into_iter()
            .next()
            .ok_or_else(|| "no model in the file".to_string()),
        Some(id) => models
            .into_iter()
            .find(|m| m.id == id)
            .ok_or_else(|| format!("no model `{id}`; available: {}", ids.join(", "))),
    }
}

fn cmd_inspect(a: InspectArgs, budget: u64) -> ExitCode {
    let spec = match a.which.resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(USAGE);
        }
    };
    let input: Option<Shape> = match a.input.as_deref().map(parse_shape) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            eprintln!("error: --input: {e}");
            return ExitCode::from(USAGE);
        }
    };
    if a.batch == 0 {
        eprintln!("error: --batch must be at least 1");
        return ExitCode::from(USAGE);
    }
    if a.code {
        println!("{}", crate::codegen::pytorch_code(&spec));
    }
    match inspect(&spec, input.as_ref(), a.batch, budget) {
        Ok(summary) => {
            print!("{}", render_text(&summary));
            ExitCode::SUCCESS
        }
        Err(InspectError::Spec(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(USAGE)
        }
        Err(e) => {
            let shown = input.unwrap_or_else(|| Shape(spec.input.clone()));
            println!("The input {shown} does not run through `{}`:\n{e}", spec.id);
            ExitCode::from(1)
        }
    }
}

fn cmd_check(files: &[PathBuf], budget: u64) -> ExitCode {
    let mut failed = false;
    for f in files {
        let name = f.display().to_string();
        match crate::pack::load_pack(f, budget) {
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

fn cmd_answers(path: Option<&Path>, lang: Option<&str>, budget: u64) -> ExitCode {
    let lang = crate::i18n::Lang::resolve(lang);
    let pack = match pack_or_builtin(path, lang, budget) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let facts = crate::grade::Facts::compute(&pack, budget);
    print!(
        "{}",
        crate::key::answer_key(&pack, &facts, Lang::from_code(&pack.meta.language))
    );
    ExitCode::SUCCESS
}
