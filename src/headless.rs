//! Headless commands: `mltutor train` and `mltutor bench`.

use crate::cli::{BenchArgs, TrainArgs};
use crate::data::DataConfig;
use crate::train::{TrainConfig, TrainEvent};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

pub fn cmd_train(a: TrainArgs) -> ExitCode {
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
    let result = crate::train::run(&cfg, &stop, &mut report);
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

pub fn cmd_bench(a: BenchArgs) -> ExitCode {
    let spec = match a.which.resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let infer = match a.mode.as_str() {
        "train" => false,
        "infer" => true,
        other => {
            eprintln!("error: unknown mode `{other}`: use train or infer");
            return ExitCode::from(2);
        }
    };
    if a.batch == 0 || a.runs == 0 {
        eprintln!("error: --batch and --runs must be at least 1");
        return ExitCode::from(2);
    }
    if a.profile {
        return match crate::engine::profile_step(&spec, a.batch, a.runs.max(1) * 4) {
            Ok(rows) => {
                println!("per training step, batch {} ({}):", a.batch, spec.id);
                for (name, ms) in rows {
                    println!("  {name:<32} {ms:8.2} ms");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        };
    }
    let threads = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
    let mut on_run = |run: usize, rate: f64| eprintln!("run {run}: {rate:.1} samples/s");
    let spec = crate::train::BenchSpec {
        model: spec,
        device: a.device,
        batch: a.batch,
        optimizer: a.optimizer,
        infer,
        samples: a.samples,
        runs: a.runs,
    };
    match crate::train::bench(&spec, &mut on_run) {
        Ok(mut rates) => {
            rates.sort_by(f64::total_cmp);
            let median = rates[rates.len() / 2];
            eprintln!("model {} on {}", spec.model.id, a.device);
            println!(
                "RESULT mode={} batch={} optimizer={} threads={threads} samples_per_s={median:.1} min={:.1} max={:.1}",
                a.mode,
                a.batch,
                a.optimizer,
                rates[0],
                rates[rates.len() - 1],
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
