//! `mltutor bench`: throughput, printed like the PyTorch reference's RESULT line.

use super::models::ModelArgs;
use super::{error, USAGE};
use crate::core::i18n::Lang;
use crate::engine::train::Setting;
use crate::tr;
use clap::Args;
use std::process::ExitCode;
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

pub fn run(a: BenchArgs, lang: Lang, flag_mib: Option<u64>) -> ExitCode {
    let (spec, limit) = match a.which.resolve_limited(flag_mib) {
        Ok(s) => s,
        Err(e) => {
            error(lang, &e.render(lang));
            return ExitCode::from(USAGE);
        }
    };
    let infer = match a.mode.as_str() {
        "train" => false,
        "infer" => true,
        other => {
            error(lang, &tr!(lang, "cli-bench-unknown-mode", mode = other));
            return ExitCode::from(USAGE);
        }
    };
    // The same validators as `train` and the lab: finite, in range, before any allocation.
    for (setting, value) in [
        (Setting::Batch, a.batch),
        (Setting::BenchSamples, a.samples),
        (Setting::BenchRuns, a.runs),
    ] {
        if let Err(e) = setting.check(value as f64) {
            error(lang, &e.render(lang));
            return ExitCode::from(USAGE);
        }
    }
    // The model and a batch against the memory limit, before anything is allocated.
    if let Err(code) = super::models::fits(&spec, a.batch, limit, lang) {
        return code;
    }
    if a.profile {
        return match crate::engine::profile_step(&spec, a.batch, a.runs.max(1) * 4) {
            Ok(rows) => {
                println!(
                    "{}",
                    tr!(
                        lang,
                        "cli-bench-profile-title",
                        batch = a.batch,
                        model = spec.id.as_str()
                    )
                );
                for (name, ms) in rows {
                    println!("  {name:<32} {:>8} ms", lang.dec(ms, 2));
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                error(lang, &e.to_string());
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
    let mut on_run = |run: usize, rate: f64| {
        eprintln!(
            "{}",
            tr!(lang, "cli-bench-run", run = run, rate = lang.dec(rate, 1))
        )
    };
    let spec = crate::engine::train::BenchSpec {
        model: spec,
        device: a.device,
        batch: a.batch,
        optimizer: a.optimizer,
        infer,
        samples: a.samples,
        runs: a.runs,
        budget: limit.bytes,
    };
    match crate::engine::train::bench(&spec, &mut on_run) {
        Ok(mut rates) => {
            rates.sort_by(f64::total_cmp);
            let median = rates[rates.len() / 2];
            eprintln!(
                "{}",
                tr!(
                    lang,
                    "cli-bench-model-on",
                    model = spec.model.id.as_str(),
                    device = a.device.to_string()
                )
            );
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
            error(lang, &e.render(lang));
            ExitCode::from(1)
        }
    }
}
