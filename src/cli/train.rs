//! `mltutor train`: a headless training run, a line per epoch and a summary.

use super::models::ModelArgs;
use crate::engine::data::DataConfig;
use crate::engine::train::{TrainConfig, TrainEvent};
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

pub fn run(a: TrainArgs) -> ExitCode {
    let spec = match a.which.resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let cfg = TrainConfig {
        device: a.device,
        epochs: a.epochs,
        batch: a.batch,
        lr: a.lr,
        optimizer: a.optimizer,
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
        ..TrainConfig::new(spec)
    };
    if let Err(e) = cfg.validate() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let mut metrics = match &a.metrics {
        None => None,
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Some(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
    };
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} steps · {msg} · ETA {eta}")
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
            say(format!(
                "training {} on {device}: {train_size} training and {val_size} validation samples, {epochs} epochs of {steps_per_epoch} steps",
                cfg.model.id
            ));
        }
        TrainEvent::Step {
            loss,
            samples_per_s,
            ..
        } => {
            bar.inc(1);
            bar.set_message(format!("loss {loss:.4} · {samples_per_s:.0} samples/s"));
        }
        TrainEvent::Epoch(m) => {
            say(format!(
                "epoch {:>3}  train loss {:.4}  val loss {:.4}  val acc {:5.1}%  {:.0} samples/s",
                m.epoch,
                m.train_loss,
                m.val_loss,
                m.val_accuracy * 100.0,
                m.samples_per_s
            ));
            if let Some(w) = metrics.as_mut() {
                if let Ok(line) = serde_json::to_string(&m) {
                    let _ = writeln!(w, "{line}");
                }
            }
        }
        TrainEvent::Finished(_) | TrainEvent::Failed(_) => {}
    };
    let result = crate::engine::train::run(&cfg, &stop, &mut report);
    bar.finish_and_clear();
    if let Some(mut w) = metrics {
        let _ = w.flush();
    }
    match result {
        Ok(s) => {
            println!(
                "done: {} epochs in {:.1} s, best validation loss {:.4} at epoch {}, final accuracy {:.1}%, {:.0} samples/s",
                s.epochs_done,
                s.elapsed_s,
                s.best_val_loss,
                s.best_epoch,
                s.final_accuracy * 100.0,
                s.samples_per_s
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
