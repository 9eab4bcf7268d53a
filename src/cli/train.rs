//! `mltutor train`: a headless training run, a line per epoch and a summary.

use super::models::ModelArgs;
use super::{error, USAGE};
use crate::core::i18n::Lang;
use crate::engine::data::{output_classes, DataConfig, InputFamily};
use crate::engine::train::{TrainConfig, TrainEvent};
use crate::engine::OptimizerKind;
use crate::tr;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
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
    /// The learning rate; by default the optimizer's usual one (sgd 0.05, adamw 0.001;
    /// 0.003 for adamw on sequences and token ids).
    #[arg(long, value_name = "X")]
    pub lr: Option<f64>,
    /// By default sgd, or adamw for a model that reads sequences or token ids.
    #[arg(long, value_name = "sgd|adamw")]
    pub optimizer: Option<crate::engine::OptimizerKind>,
    /// SGD momentum.
    #[arg(long, default_value_t = 0.9, value_name = "X")]
    pub momentum: f64,
    #[arg(long, default_value_t = 2000, value_name = "N")]
    pub train_size: usize,
    #[arg(long, default_value_t = 500, value_name = "N")]
    pub val_size: usize,
    /// Data-set flaws: noise (pixels' and values' std; for token ids, the share of ids
    /// replaced by random ones), label noise (share), balance (1 = balanced), duplication
    /// (share).
    #[arg(
        long,
        visible_alias = "noise",
        default_value_t = 0.15,
        value_name = "X"
    )]
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
    /// Pace the run to watch it: slow, normal or fast; max (the default) goes flat out.
    #[arg(long, default_value = "max", value_name = "slow|normal|fast|max")]
    pub speed: crate::engine::train::Speed,
    /// Write metrics as JSON lines (one per epoch).
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,
}

pub fn run(a: TrainArgs, lang: Lang, flag_mib: Option<u64>) -> ExitCode {
    let (spec, limit) = match a.which.resolve_limited(flag_mib) {
        Ok(s) => s,
        Err(e) => {
            error(lang, &e.render(lang));
            return ExitCode::from(USAGE);
        }
    };
    // The optimizer and learning rate this data usually trains with, unless given.
    let (usual, usual_lr) = InputFamily::of(&spec)
        .map(|f| f.usual_optimizer())
        .unwrap_or((OptimizerKind::Sgd, OptimizerKind::Sgd.usual_lr()));
    let optimizer = a.optimizer.unwrap_or(usual);
    let lr = a.lr.unwrap_or(if optimizer == usual {
        usual_lr
    } else {
        optimizer.usual_lr()
    });
    let cfg = TrainConfig {
        device: a.device,
        epochs: a.epochs,
        batch: a.batch,
        lr,
        optimizer,
        momentum: a.momentum,
        data: DataConfig {
            train_size: a.train_size,
            val_size: a.val_size,
            pixel_noise: a.pixel_noise,
            label_noise: a.label_noise,
            imbalance: a.imbalance,
            duplication: a.duplication,
            seed: a.seed.wrapping_add(1),
        },
        seed: a.seed,
        data_dir: a.data.clone(),
        speed: a.speed,
        budget: Some(limit.bytes),
        ..TrainConfig::new(spec)
    };
    if let Err(code) = super::models::fits(&cfg.model, cfg.batch, limit, lang) {
        return code;
    }
    if let Err(e) = cfg.validate() {
        error(lang, &e.render(lang));
        return ExitCode::from(USAGE);
    }
    let mut metrics = match &a.metrics {
        None => None,
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Some(std::io::BufWriter::new(f)),
            Err(e) => {
                error(
                    lang,
                    &tr!(
                        lang,
                        "cli-cannot-write",
                        path = p.display().to_string(),
                        why = e.to_string()
                    ),
                );
                return ExitCode::from(USAGE);
            }
        },
    };
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {} · {{msg}} · {} {{eta}}",
            tr!(lang, "cli-train-bar-steps"),
            tr!(lang, "cli-train-bar-eta")
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // indicatif hides printed lines with a hidden bar: print directly off a terminal.
    let say = |line: String| {
        if bar.is_hidden() {
            println!("{line}");
        } else {
            bar.println(line);
        }
    };
    let stop = AtomicBool::new(false);
    // The first error writing the metrics (a full disk, /dev/full): reported at the end.
    let mut metrics_error: Option<std::io::Error> = None;
    let mut report = |e: TrainEvent| match e {
        TrainEvent::Started {
            device,
            train_size,
            val_size,
            steps_per_epoch,
            epochs,
            ..
        } => {
            bar.set_length((steps_per_epoch * epochs) as u64);
            say(tr!(
                lang,
                "cli-train-started",
                model = cfg.model.id.as_str(),
                device = device,
                train = train_size,
                val = val_size,
                epochs = epochs,
                steps = steps_per_epoch
            ));
            // What the generated data is and what tells its classes apart.
            if let (None, Ok(family)) = (&cfg.data_dir, InputFamily::of(&cfg.model)) {
                let mut line = family.describe(lang);
                if let Some(k) = output_classes(&cfg.model) {
                    line = format!("{line} · {}", family.classes_line(k, usize::MAX, lang));
                }
                say(line);
            }
        }
        TrainEvent::Step {
            loss,
            samples_per_s,
            ..
        } => {
            bar.inc(1);
            bar.set_message(tr!(
                lang,
                "cli-train-bar-message",
                loss = lang.dec(loss as f64, 4),
                rate = lang.dec(samples_per_s, 0)
            ));
        }
        TrainEvent::Epoch(m) => {
            say(tr!(
                lang,
                "cli-train-epoch",
                epoch = format!("{:>3}", m.epoch),
                train_loss = lang.dec(m.train_loss, 4),
                val_loss = lang.dec(m.val_loss, 4),
                acc = format!("{:>6}", lang.percent(m.val_accuracy * 100.0, 1)),
                rate = lang.dec(m.samples_per_s, 0)
            ));
            if let Some(w) = metrics.as_mut() {
                if let Ok(line) = serde_json::to_string(&m) {
                    if let Err(e) = writeln!(w, "{line}") {
                        metrics_error.get_or_insert(e);
                    }
                }
            }
        }
        TrainEvent::Finished(_) | TrainEvent::Failed(_) => {}
    };
    let result = crate::engine::train::run(&cfg, &stop, &mut report);
    bar.finish_and_clear();
    if let Some(mut w) = metrics {
        if let Err(e) = w.flush() {
            metrics_error.get_or_insert(e);
        }
    }
    if let (Some(e), Some(p)) = (&metrics_error, &a.metrics) {
        if let Err(t) = &result {
            error(lang, &t.render(lang));
        }
        error(
            lang,
            &tr!(
                lang,
                "hard-metrics-write",
                path = p.display().to_string(),
                why = e.to_string()
            ),
        );
        return ExitCode::from(1);
    }
    match result {
        Ok(s) => {
            println!(
                "{}",
                tr!(
                    lang,
                    "cli-train-done",
                    epochs = s.epochs_done,
                    seconds = lang.dec(s.elapsed_s, 1),
                    best_loss = lang.dec(s.best_val_loss, 4),
                    best_epoch = s.best_epoch,
                    accuracy = lang.percent(s.final_accuracy * 100.0, 1),
                    rate = lang.dec(s.samples_per_s, 0)
                )
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            error(lang, &e.render(lang));
            ExitCode::from(1)
        }
    }
}
