//! Training runs: a worker thread that trains a model on a generated data set and reports
//! through a channel. A stop request takes effect before the next step.

use crate::core::i18n::Lang;
use crate::core::plan::PlanError;
use crate::core::spec::ModelSpec;
use crate::core::summary::InspectError;
use crate::engine::data::{generate, DataConfig, DataError, Dataset};
use crate::engine::{open_device, DeviceChoice, OptimSettings, OptimizerKind, TrainSession};
use crate::tr;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub model: ModelSpec,
    pub device: DeviceChoice,
    pub epochs: usize,
    pub batch: usize,
    pub lr: f64,
    pub optimizer: OptimizerKind,
    pub momentum: f64,
    pub weight_decay: f64,
    pub data: DataConfig,
    /// Seeds the weights and the batch order.
    pub seed: u64,
    /// A label shown with the run (the lab compares runs side by side).
    pub label: String,
    /// Train on local files instead of a generated set (MNIST IDX files, or one folder
    /// of PNG images per class); a fifth is kept for validation.
    #[serde(default)]
    pub data_dir: Option<std::path::PathBuf>,
}

impl TrainConfig {
    pub fn new(model: ModelSpec) -> Self {
        Self {
            model,
            device: DeviceChoice::Cpu,
            epochs: 5,
            batch: 64,
            lr: 0.05,
            optimizer: OptimizerKind::Sgd,
            momentum: 0.9,
            weight_decay: 0.01,
            data: DataConfig::default(),
            seed: 0,
            label: "clean".into(),
            data_dir: None,
        }
    }

    /// Check settings before a run; the message says what to change. Every numeric
    /// setting goes through its [`Setting::check`] (finite, inside [`Setting::range`]).
    pub fn validate(&self) -> Result<(), SettingsError> {
        Setting::Epochs.check(self.epochs as f64)?;
        Setting::Batch.check(self.batch as f64)?;
        Setting::LearningRate.check(self.lr)?;
        Setting::Momentum.check(self.momentum)?;
        Setting::WeightDecay.check(self.weight_decay)?;
        Setting::TrainSize.check(self.data.train_size as f64)?;
        Setting::ValSize.check(self.data.val_size as f64)?;
        Setting::PixelNoise.check(self.data.pixel_noise as f64)?;
        Setting::LabelNoise.check(self.data.label_noise as f64)?;
        Setting::Imbalance.check(self.data.imbalance as f64)?;
        Setting::Duplication.check(self.data.duplication as f64)?;
        Ok(())
    }
}

/// A numeric setting of a training or bench run, checked by one validator wherever it is
/// set: `train` and `bench` flags and the lab's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Epochs,
    Batch,
    LearningRate,
    Momentum,
    WeightDecay,
    TrainSize,
    ValSize,
    PixelNoise,
    LabelNoise,
    Imbalance,
    Duplication,
    /// `bench --samples`: samples per timed run.
    BenchSamples,
    /// `bench --runs`.
    BenchRuns,
}

/// Where a setting's values may lie (both ends included) and whether it counts things.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SettingRange {
    pub min: f64,
    pub max: f64,
    /// A whole number (a count).
    pub integer: bool,
}

impl Setting {
    /// This setting's range: one arm per setting, so a new setting cannot lack one. The CLI
    /// and the lab read it from here.
    pub fn range(self) -> SettingRange {
        let (min, max, integer) = match self {
            Setting::Epochs => (1.0, 10_000.0, true),
            Setting::Batch => (1.0, 4096.0, true),
            Setting::LearningRate => (1e-6, 10.0, false),
            Setting::Momentum => (0.0, 0.999, false),
            Setting::WeightDecay => (0.0, 1.0, false),
            Setting::TrainSize => (1.0, 200_000.0, true),
            Setting::ValSize => (1.0, 50_000.0, true),
            Setting::PixelNoise => (0.0, 5.0, false),
            Setting::LabelNoise => (0.0, 0.9, false),
            Setting::Imbalance => (0.01, 1.0, false),
            Setting::Duplication => (0.0, 0.95, false),
            Setting::BenchSamples => (1.0, 1_048_576.0, true),
            Setting::BenchRuns => (1.0, 1000.0, true),
        };
        SettingRange { min, max, integer }
    }

    /// `value` if it is finite, inside the range and (for a count) whole.
    pub fn check(self, value: f64) -> Result<f64, SettingsError> {
        let r = self.range();
        let whole = !r.integer || value.fract() == 0.0;
        if value.is_finite() && whole && (r.min..=r.max).contains(&value) {
            return Ok(value);
        }
        Err(match self {
            Setting::Epochs => SettingsError::Epochs,
            Setting::Batch => SettingsError::Batch,
            Setting::LearningRate => SettingsError::LearningRate,
            Setting::Momentum => SettingsError::Momentum,
            Setting::TrainSize | Setting::ValSize => SettingsError::Sizes,
            other => SettingsError::OutOfRange(other),
        })
    }

    fn message_id(self) -> &'static str {
        match self {
            Setting::Epochs => "hard-setting-epochs",
            Setting::Batch => "hard-setting-batch",
            Setting::LearningRate => "hard-setting-lr",
            Setting::Momentum => "hard-setting-momentum",
            Setting::WeightDecay => "hard-setting-weight-decay",
            Setting::TrainSize => "hard-setting-train-size",
            Setting::ValSize => "hard-setting-val-size",
            Setting::PixelNoise => "hard-setting-pixel-noise",
            Setting::LabelNoise => "hard-setting-label-noise",
            Setting::Imbalance => "hard-setting-imbalance",
            Setting::Duplication => "hard-setting-duplication",
            Setting::BenchSamples => "hard-setting-samples",
            Setting::BenchRuns => "hard-setting-runs",
        }
    }

    /// The setting's name (as its flag reads), in `lang`.
    pub fn name(self, lang: Lang) -> String {
        lang.tr(self.message_id())
    }
}

/// A training setting out of its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsError {
    Epochs,
    Batch,
    LearningRate,
    Momentum,
    Sizes,
    /// Not a number, or outside its [`Setting::range`].
    OutOfRange(Setting),
}

impl SettingsError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            SettingsError::Epochs => tr!(lang, "train-settings-epochs"),
            SettingsError::Batch => tr!(lang, "train-settings-batch"),
            SettingsError::LearningRate => tr!(lang, "train-settings-lr"),
            SettingsError::Momentum => tr!(lang, "train-settings-momentum"),
            SettingsError::Sizes => tr!(lang, "train-settings-sizes"),
            SettingsError::OutOfRange(s) => {
                let r = s.range();
                tr!(
                    lang,
                    "hard-setting-out-of-range",
                    name = s.name(lang),
                    min = lang.real(r.min),
                    max = lang.real(r.max)
                )
            }
        }
    }
}

/// Why a training or bench run failed.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainError {
    Settings(SettingsError),
    /// The model does not fit its input or the memory budget.
    Plan(PlanError),
    Inspect(InspectError),
    Data(DataError),
    /// Local data with more classes than the model has outputs.
    TooManyClasses {
        data: usize,
        model: usize,
    },
    /// The device could not be opened (the engine's message).
    Device(String),
    /// A training step failed in candle.
    Step(String),
    /// candle failed elsewhere (building the model, evaluating, predicting).
    Engine(String),
    /// The loss stopped being a number.
    Diverged {
        loss: f32,
        epoch: usize,
        lr: f64,
    },
}

impl TrainError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            TrainError::Settings(e) => e.render(lang),
            TrainError::Plan(e) => e.render(lang),
            TrainError::Inspect(e) => e.render(lang),
            TrainError::Data(e) => e.render(lang),
            TrainError::TooManyClasses { data, model } => {
                tr!(lang, "train-too-many-classes", data = *data, model = *model)
            }
            TrainError::Device(why) | TrainError::Engine(why) => why.clone(),
            TrainError::Step(why) => tr!(lang, "train-step-failed", why = why.as_str()),
            TrainError::Diverged { loss, epoch, lr } => tr!(
                lang,
                "train-diverged",
                loss = loss.to_string(),
                epoch = *epoch,
                lr = lang.real(*lr)
            ),
        }
    }
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for SettingsError {}

impl std::fmt::Display for TrainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for TrainError {}

impl From<SettingsError> for TrainError {
    fn from(e: SettingsError) -> Self {
        TrainError::Settings(e)
    }
}

impl From<DataError> for TrainError {
    fn from(e: DataError) -> Self {
        TrainError::Data(e)
    }
}

fn engine(e: impl std::fmt::Display) -> TrainError {
    TrainError::Engine(e.to_string())
}

/// What a run reports.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainEvent {
    Started {
        label: String,
        device: String,
        train_size: usize,
        val_size: usize,
        steps_per_epoch: usize,
        epochs: usize,
    },
    Step {
        epoch: usize,
        step: usize,
        loss: f32,
        samples_per_s: f64,
        /// Since the run started, validation included.
        elapsed_s: f64,
    },
    Epoch(EpochMetrics),
    Finished(RunSummary),
    Failed(TrainError),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpochMetrics {
    pub epoch: usize,
    pub step: usize,
    pub train_loss: f64,
    pub val_loss: f64,
    pub val_accuracy: f64,
    pub samples_per_s: f64,
    pub elapsed_s: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    pub label: String,
    pub epochs_done: usize,
    pub best_epoch: usize,
    pub best_val_loss: f64,
    pub final_accuracy: f64,
    pub elapsed_s: f64,
    pub samples_per_s: f64,
    pub stopped: bool,
}

fn evaluate(
    session: &TrainSession,
    data: &Dataset,
    batch: usize,
) -> Result<(f64, f64), TrainError> {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let (mut loss, mut correct) = (0.0, 0usize);
    let idx: Vec<usize> = (0..data.len()).collect();
    for chunk in idx.chunks(batch.max(1)) {
        data.gather(chunk, &mut xs, &mut ys);
        let (l, c) = session.evaluate(&xs, &ys).map_err(engine)?;
        loss += l;
        correct += c;
    }
    Ok((loss / data.len() as f64, correct as f64 / data.len() as f64))
}

/// Train according to `cfg`, calling `report` with each event; `stop` is checked before
/// every step. Returns the summary (also reported as `Finished`).
pub fn run(
    cfg: &TrainConfig,
    stop: &AtomicBool,
    report: &mut dyn FnMut(TrainEvent),
) -> Result<RunSummary, TrainError> {
    cfg.validate()?;
    let budget = crate::core::plan::DEFAULT_BUDGET_BYTES;
    crate::core::plan::plan(
        &cfg.model,
        &crate::core::shape::Shape(cfg.model.input.clone()),
        cfg.batch,
        budget,
    )
    .map_err(TrainError::Plan)?;
    let classes = crate::engine::inspect(&cfg.model, None, 1, budget)
        .map_err(TrainError::Inspect)?
        .output()
        .dims()
        .last()
        .copied()
        .unwrap_or(0);
    let (train, val) = match &cfg.data_dir {
        None => generate(&cfg.model.input, classes, &cfg.data)?,
        Some(dir) => {
            let data = crate::engine::data::load_local(dir, &cfg.model.input)?;
            if data.classes > classes {
                return Err(TrainError::TooManyClasses {
                    data: data.classes,
                    model: classes,
                });
            }
            crate::engine::data::split(data, 0.2, cfg.data.seed)
        }
    };
    let device = open_device(cfg.device).map_err(|e| TrainError::Device(e.to_string()))?;
    let settings = OptimSettings {
        kind: cfg.optimizer,
        lr: cfg.lr,
        momentum: cfg.momentum,
        weight_decay: cfg.weight_decay,
    };
    let mut session = TrainSession::new(&cfg.model, cfg.seed, &device, settings).map_err(engine)?;
    let steps_per_epoch = train.len().div_ceil(cfg.batch);
    report(TrainEvent::Started {
        label: cfg.label.clone(),
        device: cfg.device.to_string(),
        train_size: train.len(),
        val_size: val.len(),
        steps_per_epoch,
        epochs: cfg.epochs,
    });
    let mut rng = rand::rngs::StdRng::seed_from_u64(cfg.seed.wrapping_add(1));
    let mut order: Vec<usize> = (0..train.len()).collect();
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    let start = Instant::now();
    let mut train_time = 0.0f64;
    let mut samples_done = 0usize;
    let mut step = 0usize;
    let mut best = (0usize, f64::INFINITY);
    let mut last_acc = 0.0;
    let mut epochs_done = 0;
    let mut stopped = false;
    'epochs: for epoch in 1..=cfg.epochs {
        order.shuffle(&mut rng);
        let (mut loss_sum, mut seen) = (0.0f64, 0usize);
        for chunk in order.chunks(cfg.batch) {
            if stop.load(Ordering::Relaxed) {
                stopped = true;
                break 'epochs;
            }
            train.gather(chunk, &mut xs, &mut ys);
            let t = Instant::now();
            let loss = session
                .step(&xs, &ys)
                .map_err(|e| TrainError::Step(e.to_string()))?;
            train_time += t.elapsed().as_secs_f64();
            if !loss.is_finite() {
                return Err(TrainError::Diverged {
                    loss,
                    epoch,
                    lr: cfg.lr,
                });
            }
            step += 1;
            samples_done += chunk.len();
            loss_sum += loss as f64 * chunk.len() as f64;
            seen += chunk.len();
            report(TrainEvent::Step {
                epoch,
                step,
                loss,
                samples_per_s: samples_done as f64 / train_time.max(1e-9),
                elapsed_s: start.elapsed().as_secs_f64(),
            });
        }
        let (val_loss, val_accuracy) = evaluate(&session, &val, cfg.batch.max(256))?;
        if val_loss < best.1 {
            best = (epoch, val_loss);
        }
        last_acc = val_accuracy;
        epochs_done = epoch;
        report(TrainEvent::Epoch(EpochMetrics {
            epoch,
            step,
            train_loss: loss_sum / seen.max(1) as f64,
            val_loss,
            val_accuracy,
            samples_per_s: samples_done as f64 / train_time.max(1e-9),
            elapsed_s: start.elapsed().as_secs_f64(),
        }));
    }
    let summary = RunSummary {
        label: cfg.label.clone(),
        epochs_done,
        best_epoch: best.0,
        best_val_loss: best.1,
        final_accuracy: last_acc,
        elapsed_s: start.elapsed().as_secs_f64(),
        samples_per_s: samples_done as f64 / train_time.max(1e-9),
        stopped,
    };
    report(TrainEvent::Finished(summary.clone()));
    Ok(summary)
}

/// A run on its own thread.
pub struct TrainHandle {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TrainHandle {
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
    pub fn join(mut self) {
        self.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Start `cfg` on a worker thread; events are mapped with `wrap` and sent on `tx`.
pub fn spawn<M: Send + 'static>(
    cfg: TrainConfig,
    tx: Sender<M>,
    wrap: fn(TrainEvent) -> M,
) -> TrainHandle {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("mltutor-train".into())
        .spawn(move || {
            let mut send = |e: TrainEvent| {
                let _ = tx.send(wrap(e));
            };
            if let Err(e) = run(&cfg, &flag, &mut send) {
                send(TrainEvent::Failed(e));
            }
        })
        .ok();
    TrainHandle { stop, thread }
}

/// What `bench` measures.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchSpec {
    pub model: ModelSpec,
    pub device: DeviceChoice,
    pub batch: usize,
    pub optimizer: OptimizerKind,
    /// Forward passes only, instead of training steps.
    pub infer: bool,
    /// Samples per timed run.
    pub samples: usize,
    pub runs: usize,
}

/// Training throughput on random data, as `../shared/bench/torch_reference.py` measures it:
/// one warm-up run, then `runs` timed runs of `samples` samples; samples/s per run.
pub fn bench(b: &BenchSpec, on_run: &mut dyn FnMut(usize, f64)) -> Result<Vec<f64>, TrainError> {
    use rand_distr::{Distribution, Normal};
    let BenchSpec {
        model,
        device,
        batch,
        optimizer,
        infer,
        samples,
        runs,
    } = b.clone();
    Setting::Batch.check(batch as f64)?;
    Setting::BenchSamples.check(samples as f64)?;
    Setting::BenchRuns.check(runs as f64)?;
    let model = &model;
    let device = open_device(device).map_err(|e| TrainError::Device(e.to_string()))?;
    let lr = if optimizer == OptimizerKind::Sgd {
        0.01
    } else {
        1e-3
    };
    let settings = OptimSettings {
        kind: optimizer,
        lr,
        momentum: 0.0,
        weight_decay: 0.01,
    };
    crate::core::plan::plan(
        model,
        &crate::core::shape::Shape(model.input.clone()),
        batch,
        crate::core::plan::DEFAULT_BUDGET_BYTES,
    )
    .map_err(TrainError::Plan)?;
    let classes = crate::engine::inspect(model, None, 1, crate::core::plan::DEFAULT_BUDGET_BYTES)
        .map_err(TrainError::Inspect)?
        .output()
        .dims()
        .last()
        .copied()
        .unwrap_or(1) as u32;
    let mut session = TrainSession::new(model, 0, &device, settings).map_err(engine)?;
    let steps = (samples / batch).max(1);
    // The random inputs of every step, against the memory budget before allocating.
    let budget = crate::core::plan::DEFAULT_BUDGET_BYTES;
    let n = model
        .input
        .iter()
        .try_fold(batch * steps, |acc, &d| acc.checked_mul(d))
        .filter(|&n| (n as u64).saturating_mul(4) <= budget)
        .ok_or(DataError::OverBudget {
            needed: (model.input.iter().product::<usize>() as u64)
                .saturating_mul((batch * steps) as u64)
                .saturating_mul(4),
            budget,
        })?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let normal = Normal::new(0.0f32, 1.0).expect("unit normal");
    let x: Vec<f32> = (0..n).map(|_| normal.sample(&mut rng)).collect();
    let y: Vec<u32> = (0..batch * steps)
        .map(|i| (i as u32 * 7 + 3) % classes.max(1))
        .collect();
    let per = n / steps;
    let mut rates = Vec::new();
    for run in 0..=runs {
        let t = Instant::now();
        for s in 0..steps {
            let xs = &x[s * per..(s + 1) * per];
            let ys = &y[s * batch..(s + 1) * batch];
            if infer {
                session.predict(xs, batch).map_err(engine)?;
            } else {
                session.step(xs, ys).map_err(engine)?;
            }
        }
        let rate = (steps * batch) as f64 / t.elapsed().as_secs_f64();
        if run > 0 {
            on_run(run, rate);
            rates.push(rate);
        }
    }
    Ok(rates)
}
