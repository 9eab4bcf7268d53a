//! Training runs: a worker thread that trains a model on a generated data set and reports
//! through a channel. A stop request takes effect before the next step.

use crate::core::i18n::Lang;
use crate::core::plan::PlanError;
use crate::core::spec::ModelSpec;
use crate::core::summary::InspectError;
use crate::engine::data::{generate_within, DataConfig, DataError, Dataset, InputFamily};
use crate::engine::{open_device, DeviceChoice, OptimSettings, OptimizerKind, TrainSession};
use crate::tr;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// How fast the run goes: paced for a student to watch, or as fast as it can.
    #[serde(default)]
    pub speed: Speed,
    /// The memory limit of the model and a batch, in bytes (`--memory-budget`, or a pack's
    /// own); `None`: the default.
    #[serde(default)]
    pub budget: Option<u64>,
}

impl TrainConfig {
    pub fn new(model: ModelSpec) -> Self {
        Self {
            model,
            device: DeviceChoice::Cpu,
            epochs: 5,
            batch: 64,
            lr: OptimizerKind::Sgd.usual_lr(),
            optimizer: OptimizerKind::Sgd,
            momentum: 0.9,
            weight_decay: 0.01,
            data: DataConfig::default(),
            seed: 0,
            label: "clean".into(),
            data_dir: None,
            speed: Speed::Max,
            budget: None,
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
        Setting::PixelNoise.check_f32(self.data.pixel_noise)?;
        Setting::LabelNoise.check_f32(self.data.label_noise)?;
        Setting::Imbalance.check_f32(self.data.imbalance)?;
        Setting::Duplication.check_f32(self.data.duplication)?;
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
            // Ten samples at least: one per class of the ten-class sets.
            Setting::TrainSize => (10.0, 200_000.0, true),
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

    /// `value` if it is finite, inside the range and (for a count) whole. The ends are
    /// compared in f64: a setting typed as `0.01` is the f64 `0.01`, inside `0.01..=1`.
    pub fn check(self, value: f64) -> Result<f64, SettingsError> {
        let r = self.range();
        let whole = !r.integer || value.fract() == 0.0;
        if value.is_finite() && whole && (r.min..=r.max).contains(&value) {
            return Ok(value);
        }
        Err(SettingsError {
            setting: self,
            value,
        })
    }

    /// A setting stored as f32 (the data set's flaws): compared with the range's ends
    /// rounded to f32 as well, so `0.01_f32` (a hair below the f64 `0.01`) is still
    /// inside `0.01..=1`, as the student typed it.
    pub fn check_f32(self, value: f32) -> Result<f32, SettingsError> {
        let r = self.range();
        let whole = !r.integer || value.fract() == 0.0;
        if value.is_finite() && whole && (r.min as f32..=r.max as f32).contains(&value) {
            return Ok(value);
        }
        Err(SettingsError {
            setting: self,
            value: value as f64,
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

/// How fast a run goes. Training a small model on a generated set takes a second or two:
/// too fast to watch the curves. Below `Max`, each step waits until its share of a target
/// duration has passed (the computation counts in that share, nothing is recomputed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speed {
    Slow,
    Normal,
    Fast,
    /// As fast as the machine goes (the command line's default).
    #[default]
    Max,
}

/// Every speed, slowest first (the order the lab switches through).
pub const SPEEDS: [Speed; 4] = [Speed::Slow, Speed::Normal, Speed::Fast, Speed::Max];

/// A paced step waits at most this long: a run of a few steps is not stretched to the target.
pub const MAX_STEP_WAIT_S: f64 = 0.5;

impl Speed {
    /// How long a run should last at this speed when the computation is quicker (`None`:
    /// no pacing).
    pub fn target_s(self) -> Option<f64> {
        match self {
            Speed::Slow => Some(40.0),
            Speed::Normal => Some(15.0),
            Speed::Fast => Some(5.0),
            Speed::Max => None,
        }
    }

    /// The next speed, after the fastest the slowest.
    pub fn next(self) -> Speed {
        match self {
            Speed::Slow => Speed::Normal,
            Speed::Normal => Speed::Fast,
            Speed::Fast => Speed::Max,
            Speed::Max => Speed::Slow,
        }
    }

    /// Its name for a reader of `lang` ("slow", "lent").
    pub fn name(self, lang: Lang) -> String {
        lang.tr(match self {
            Speed::Slow => "train-speed-slow",
            Speed::Normal => "train-speed-normal",
            Speed::Fast => "train-speed-fast",
            Speed::Max => "train-speed-max",
        })
    }

    /// A speed typed as its command-line value (`slow`) or its name in `lang` (`lent`).
    pub fn parse(text: &str, lang: Lang) -> Option<Speed> {
        let t = text.trim().to_lowercase();
        SPEEDS
            .into_iter()
            .find(|s| t == s.to_string() || t == s.name(lang).to_lowercase())
    }
}

impl std::str::FromStr for Speed {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        SPEEDS
            .into_iter()
            .find(|v| s.trim().eq_ignore_ascii_case(&v.to_string()))
            .ok_or_else(|| format!("`{s}`: slow, normal, fast or max"))
    }
}

impl std::fmt::Display for Speed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Speed::Slow => "slow",
            Speed::Normal => "normal",
            Speed::Fast => "fast",
            Speed::Max => "max",
        })
    }
}

/// The time one step is given at `speed` in a run of `total_steps`: the target duration
/// spread over the steps, at most [`MAX_STEP_WAIT_S`]; zero at `Max`.
pub fn step_budget(speed: Speed, total_steps: usize) -> Duration {
    match speed.target_s() {
        None => Duration::ZERO,
        Some(t) => Duration::from_secs_f64((t / total_steps.max(1) as f64).min(MAX_STEP_WAIT_S)),
    }
}

/// Longest single sleep while pacing: a stop request is seen within this.
const PACE_SLICE: Duration = Duration::from_millis(20);

/// Wait until `deadline` in short slices, returning early when `stop` is set.
fn pace(deadline: Instant, stop: &AtomicBool) {
    loop {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let now = Instant::now();
        if now >= deadline {
            return;
        }
        std::thread::sleep((deadline - now).min(PACE_SLICE));
    }
}

/// A loss this many times the first step's means the run has blown up. Measured on the
/// exam's CNN: healthy runs (SGD at 0.05, the labs' presets) stay under 1.7 times their
/// first loss; AdamW at 0.05 jumps to 7.4 times (2.31 then 16.97) and never learns again.
pub const EXPLOSION_FACTOR: f32 = 4.0;

/// Whether the training loss has exploded: no longer a number, or more than
/// [`EXPLOSION_FACTOR`] times the first step's loss (a learning rate far too high).
pub fn exploded(first: f32, loss: f32) -> bool {
    !loss.is_finite() || (first.is_finite() && first > 0.0 && loss > EXPLOSION_FACTOR * first)
}

/// A training setting refused by [`Setting::check`]: not a number, outside its
/// [`Setting::range`], or a fraction where a count is expected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SettingsError {
    pub setting: Setting,
    pub value: f64,
}

impl SettingsError {
    /// The message, naming the setting as the command line does (`--label-noise`).
    pub fn render(&self, lang: Lang) -> String {
        self.render_named(&self.setting.name(lang), lang)
    }

    /// The one message of every interface (`train`, `bench`, the lab), naming the setting
    /// as that interface does: "label noise must be a number from 0 to 0.9".
    pub fn render_named(&self, name: &str, lang: Lang) -> String {
        let r = self.setting.range();
        if r.integer && self.value.is_finite() && self.value.fract() != 0.0 {
            return tr!(lang, "train-setting-not-whole", name = name);
        }
        tr!(
            lang,
            "train-setting-range",
            name = name,
            whole = if r.integer { "yes" } else { "no" },
            min = lang.real(r.min),
            max = lang.real(r.max)
        )
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
    /// The loss exploded (see [`exploded`]): the run stopped.
    Diverged {
        /// The first step's loss, and the one that exploded.
        first: f32,
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
            TrainError::Diverged {
                first,
                loss,
                epoch,
                lr,
            } => tr!(
                lang,
                "train-diverged",
                first = lang.dec(*first as f64, 2),
                loss = if loss.is_finite() {
                    lang.dec(*loss as f64, 2)
                } else {
                    loss.to_string()
                },
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
    let budget = cfg
        .budget
        .unwrap_or(crate::core::plan::DEFAULT_BUDGET_BYTES);
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
    let family = InputFamily::of(&cfg.model)?;
    let (train, val) = match &cfg.data_dir {
        None => generate_within(&family, classes, &cfg.data, budget)?,
        // Local files are images: a model that reads token ids trains on generated data.
        Some(_) if matches!(family, InputFamily::Tokens { .. }) => {
            return Err(TrainError::Data(DataError::TokensFromFiles))
        }
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
    let mut first_loss: Option<f32> = None;
    let step_time = step_budget(cfg.speed, steps_per_epoch.saturating_mul(cfg.epochs));
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
            let first = *first_loss.get_or_insert(loss);
            if exploded(first, loss) {
                return Err(TrainError::Diverged {
                    first,
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
            if !step_time.is_zero() {
                // Step `step` ends no sooner than `step` step times after the start.
                let n = u32::try_from(step).unwrap_or(u32::MAX);
                if let Some(deadline) = start.checked_add(step_time.saturating_mul(n)) {
                    pace(deadline, stop);
                }
            }
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
    /// The memory limit of the model, a batch and the random inputs, in bytes.
    pub budget: u64,
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
        budget,
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
        budget,
    )
    .map_err(TrainError::Plan)?;
    let classes = crate::engine::inspect(model, None, 1, budget)
        .map_err(TrainError::Inspect)?
        .output()
        .dims()
        .last()
        .copied()
        .unwrap_or(1) as u32;
    let mut session = TrainSession::new(model, 0, &device, settings).map_err(engine)?;
    let steps = (samples / batch).max(1);
    // The random inputs of every step, against the memory budget before allocating.
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
    // Token ids for a model whose input is read by an embedding.
    let x: Vec<f32> = match session.net.input_vocabulary() {
        Some(v) => (0..n)
            .map(|_| rand::Rng::random_range(&mut rng, 0..v.max(1)) as f32)
            .collect(),
        None => (0..n).map(|_| normal.sample(&mut rng)).collect(),
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The pace, by hand: the question 2 lab (5 epochs of 24 batches) at normal speed gets
    /// 15 s / 120 steps = 125 ms a step; the question 5 lab (40 epochs of 8) 15 s / 320.
    #[test]
    fn the_pace_spreads_a_target_duration_over_the_steps() {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        assert!((ms(step_budget(Speed::Normal, 120)) - 125.0).abs() < 1e-9);
        assert!((ms(step_budget(Speed::Normal, 320)) - 46.875).abs() < 1e-9);
        assert!((ms(step_budget(Speed::Slow, 320)) - 125.0).abs() < 1e-9);
        assert!((ms(step_budget(Speed::Fast, 100)) - 50.0).abs() < 1e-9);
        // A run of a few steps is not stretched to the target: half a second a step at most.
        assert!((ms(step_budget(Speed::Slow, 3)) - 500.0).abs() < 1e-9);
        assert!((ms(step_budget(Speed::Normal, 0)) - 500.0).abs() < 1e-9);
        // Max: no wait at all, whatever the run.
        assert_eq!(step_budget(Speed::Max, 1), Duration::ZERO);
        assert_eq!(step_budget(Speed::Max, usize::MAX), Duration::ZERO);
        // Slower speeds never wait less than faster ones.
        for n in [1, 10, 120, 320, 10_000] {
            let d: Vec<Duration> = SPEEDS.iter().map(|s| step_budget(*s, n)).collect();
            assert!(d.windows(2).all(|w| w[0] >= w[1]), "{n}: {d:?}");
        }
    }

    #[test]
    fn speeds_read_their_value_and_their_name_in_each_language() {
        let (en, fr) = (Lang::en(), Lang::fr());
        assert_eq!(Speed::parse("slow", fr), Some(Speed::Slow));
        assert_eq!(Speed::parse(" Lente ", fr), Some(Speed::Slow));
        assert_eq!(Speed::parse("rapide", fr), Some(Speed::Fast));
        assert_eq!(Speed::parse("rapide", en), None);
        assert_eq!(Speed::parse("max", en), Some(Speed::Max));
        assert_eq!(Speed::parse("warp", en), None);
        assert_eq!("NORMAL".parse::<Speed>(), Ok(Speed::Normal));
        assert!("lente".parse::<Speed>().is_err());
        // Switching goes round every speed.
        let mut s = Speed::Slow;
        for want in [Speed::Normal, Speed::Fast, Speed::Max, Speed::Slow] {
            s = s.next();
            assert_eq!(s, want);
        }
    }

    #[test]
    fn pacing_waits_for_its_deadline_and_gives_way_to_a_stop() {
        let stop = AtomicBool::new(false);
        let t = Instant::now();
        pace(t + Duration::from_millis(60), &stop);
        assert!(t.elapsed() >= Duration::from_millis(60));
        // A stop ends a long wait within one slice.
        stop.store(true, Ordering::Relaxed);
        let t = Instant::now();
        pace(t + Duration::from_secs(30), &stop);
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "{:?}",
            t.elapsed()
        );
    }

    /// A first loss of ln 10 ≈ 2.30 (ten classes at chance): 9.21 is four times that.
    #[test]
    fn the_divergence_detector() {
        let first = std::f32::consts::LN_10;
        assert!(!exploded(first, first));
        // The worst step of a healthy run measured (the question 5 lab): 3.85.
        assert!(!exploded(first, 3.85));
        assert!(!exploded(first, 9.2));
        assert!(exploded(first, 9.22));
        // AdamW at lr 0.05 on the exam's CNN, second step.
        assert!(exploded(2.3051, 16.97));
        assert!(exploded(first, f32::NAN));
        assert!(exploded(first, f32::INFINITY));
        // The first loss itself not a number: exploded from the start.
        assert!(exploded(f32::NAN, f32::NAN));
        // A first loss of zero (already perfect) does not make every later loss an explosion.
        assert!(!exploded(0.0, 0.5));
    }

    #[test]
    fn divergence_is_explained_in_each_language() {
        let e = TrainError::Diverged {
            first: std::f32::consts::LN_10,
            loss: f32::NAN,
            epoch: 2,
            lr: 0.05,
        };
        let en = e.render(Lang::en());
        assert!(
            en.starts_with("the loss exploded: lower the learning rate")
                && en.contains("from 2.30 to NaN at epoch 2")
                && en.contains("0.05"),
            "{en}"
        );
        let fr = e.render(Lang::fr());
        assert!(
            fr.starts_with("la perte a explosé\u{a0}: baissez le taux d'apprentissage")
                && fr.contains("de 2,30 à NaN")
                && fr.contains("0,05"),
            "{fr}"
        );
    }

    /// The bug a French student met: 0.01 is the lower end of the balance, but as an f32 it
    /// is 0.0099999998 < 0.01 (f64) and was refused; 0.001 and 0.01 as learning rates too.
    #[test]
    fn range_ends_typed_by_a_student_are_accepted() {
        assert_eq!(Setting::Imbalance.check_f32(0.01), Ok(0.01));
        assert_eq!(Setting::Imbalance.check_f32(1.0), Ok(1.0));
        assert_eq!(Setting::Duplication.check_f32(0.95), Ok(0.95));
        assert_eq!(Setting::LabelNoise.check_f32(0.9), Ok(0.9));
        assert!(Setting::Imbalance.check_f32(0.0099).is_err());
        assert!(Setting::LabelNoise.check_f32(0.91).is_err());
        assert!(Setting::PixelNoise.check_f32(f32::NAN).is_err());
        for lr in [0.01, 0.001, 1e-6, 10.0] {
            assert_eq!(Setting::LearningRate.check(lr), Ok(lr));
        }
        let mut cfg = TrainConfig::new(crate::core::spec::builtin_models().remove(0));
        cfg.data.imbalance = 0.01;
        cfg.lr = 0.001;
        assert_eq!(cfg.validate(), Ok(()));
    }

    /// One message for every interface, the range read from `Setting::range`.
    #[test]
    fn a_refused_setting_says_its_range() {
        let e = Setting::LabelNoise.check(2.0).unwrap_err();
        assert_eq!(
            e.render(Lang::en()),
            "--label-noise must be a number from 0 to 0.9"
        );
        assert_eq!(
            e.render_named("label noise", Lang::en()),
            "label noise must be a number from 0 to 0.9"
        );
        assert_eq!(
            e.render_named("bruit d'étiquette", Lang::fr()),
            "bruit d'étiquette doit être un nombre de 0 à 0,9"
        );
        let e = Setting::TrainSize.check(5.0).unwrap_err();
        assert_eq!(
            e.render(Lang::en()),
            "--train-size must be a whole number from 10 to 200,000"
        );
        let e = Setting::Epochs.check(2.5).unwrap_err();
        assert_eq!(
            e.render_named("epochs", Lang::en()),
            "epochs must be a whole number"
        );
    }
}
