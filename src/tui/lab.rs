//! The training lab: run settings validated as typed, a queue of runs, and a bounded
//! store of the curves they report.

use super::msg::Effect;
use crate::core::i18n::Lang;
use crate::core::pack::{LabPreset, Pack, Question};
use crate::engine::data::{output_classes, InputFamily};
use crate::engine::train::{
    EpochMetrics, RunSummary, Setting, SettingRange, SettingsError, Speed, TrainConfig, TrainEvent,
};
use crate::engine::{DeviceChoice, OptimizerKind, CUDA_BUILT};
use crate::tr;

/// At most this many points per series; older points are merged pairwise beyond it, so a
/// long run keeps its whole shape in bounded memory.
pub const SERIES_CAP: usize = 600;

/// A series of (x, y) points with bounded length. Each stored point averages `stride`
/// raw points; when the store is full, neighbours are merged and the stride doubles, so a
/// long run keeps its whole shape at an even resolution.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    stored: Vec<(f64, f64)>,
    stride: usize,
    /// Sum of x, sum of y and count of the raw points not yet stored.
    pending: (f64, f64, usize),
}

impl Series {
    pub fn push(&mut self, x: f64, y: f64) {
        let stride = self.stride.max(1);
        self.pending = (self.pending.0 + x, self.pending.1 + y, self.pending.2 + 1);
        if self.pending.2 < stride {
            return;
        }
        let (sx, sy, n) = std::mem::take(&mut self.pending);
        self.stored.push((sx / n as f64, sy / n as f64));
        if self.stored.len() >= SERIES_CAP {
            self.stored = self
                .stored
                .chunks(2)
                .map(|c| {
                    let n = c.len() as f64;
                    (
                        c.iter().map(|p| p.0).sum::<f64>() / n,
                        c.iter().map(|p| p.1).sum::<f64>() / n,
                    )
                })
                .collect();
            self.stride = stride * 2;
        }
    }

    /// The points to draw: the stored ones and the average of those pending.
    pub fn points(&self) -> Vec<(f64, f64)> {
        let mut v = self.stored.clone();
        let (sx, sy, n) = self.pending;
        if n > 0 {
            v.push((sx / n as f64, sy / n as f64));
        }
        v
    }

    /// Exponential moving average, the smoothed line drawn over the raw one.
    pub fn smoothed(&self, alpha: f64) -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(self.stored.len() + 1);
        let mut acc: Option<f64> = None;
        for (x, y) in self.points() {
            let v = match acc {
                None => y,
                Some(a) => a + alpha * (y - a),
            };
            acc = Some(v);
            out.push((x, v));
        }
        out
    }
}

/// One run's curves and state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Run {
    pub label: String,
    pub device: String,
    /// Training loss per step, x in epochs (fractional).
    pub train_loss: Series,
    pub val_loss: Series,
    pub val_acc: Series,
    pub epochs: usize,
    pub steps_per_epoch: usize,
    pub epoch: usize,
    pub step: usize,
    pub samples_per_s: f64,
    pub elapsed_s: f64,
    pub summary: Option<RunSummary>,
    pub error: Option<String>,
    pub last_epoch: Option<EpochMetrics>,
}

impl Run {
    /// Progress within the run, 0 to 1.
    pub fn progress(&self) -> f64 {
        // Counts come from the run's reports: bounded arithmetic, whatever they say.
        let total = self.epochs.saturating_mul(self.steps_per_epoch).max(1);
        (self.step as f64 / total as f64).min(1.0)
    }
    pub fn eta_s(&self) -> Option<f64> {
        let p = self.progress();
        (p > 0.0 && self.summary.is_none()).then(|| self.elapsed_s * (1.0 - p) / p)
    }
}

/// The editable settings, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Epochs,
    Batch,
    Lr,
    Optimizer,
    TrainSize,
    PixelNoise,
    LabelNoise,
    Imbalance,
    Duplication,
    Device,
    /// How fast the run goes (paced to be watched, or flat out).
    Speed,
}

pub const FIELDS: [Field; 11] = [
    Field::Epochs,
    Field::Batch,
    Field::Lr,
    Field::Optimizer,
    Field::TrainSize,
    Field::PixelNoise,
    Field::LabelNoise,
    Field::Imbalance,
    Field::Duplication,
    Field::Device,
    Field::Speed,
];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabState {
    pub preset: LabPreset,
    pub config: Option<TrainConfig>,
    /// Field texts as typed; validated on each key.
    pub texts: Vec<String>,
    pub cursor: usize,
    pub editing_field: bool,
    pub error: Option<String>,
    pub runs: Vec<Run>,
    pub queue: Vec<TrainConfig>,
    pub running: bool,
    pub log_scale: bool,
    pub status: Option<String>,
    pub lang: Lang,
    /// The question the lab was opened for (`None`: from the menu); another one starts clean.
    pub origin: Option<String>,
    /// The student typed the learning rate: switching the optimizer keeps it.
    pub lr_typed: bool,
    /// What the model reads (so what data is generated), when the lab can say.
    pub family: Option<InputFamily>,
    /// How many classes the model tells apart, when the lab can say.
    pub classes: Option<usize>,
}

impl LabState {
    pub fn running(&self) -> bool {
        self.running
    }
    pub fn editing(&self) -> bool {
        self.editing_field
    }

    /// Open the lab for a question (its preset) or from the menu.
    pub fn prepare(&mut self, from: Option<&Question>, pack: &Pack) {
        let preset = from.and_then(|q| q.lab).unwrap_or(LabPreset::Train);
        let origin = from.map(|q| q.id.clone());
        // Back to the same lab: as it was left. A run going on keeps its lab.
        let same = preset == self.preset && origin == self.origin;
        if self.config.is_some() && (self.running || same) {
            return;
        }
        // Another lab starts clean: no curves, queue, message or typed value of the last.
        self.runs.clear();
        self.queue.clear();
        self.status = None;
        self.error = None;
        self.cursor = 0;
        self.editing_field = false;
        self.lr_typed = false;
        self.config = None;
        self.texts.clear();
        self.preset = preset;
        self.origin = origin;
        self.family = None;
        self.classes = None;
        let model = from
            .and_then(|q| q.lab_model(pack))
            .or_else(|| pack.models.iter().find(|m| m.id == "exam_cnn"))
            .or_else(|| pack.models.first())
            .cloned();
        let Some(model) = model else {
            self.error = Some(tr!(self.lang, "tui-lab-no-model"));
            return;
        };
        self.family = InputFamily::of(&model).ok();
        self.classes = output_classes(&model);
        let mut cfg = TrainConfig::new(model);
        // Paced so that a student can watch the curves grow (10 to 30 s a run).
        cfg.speed = Speed::Normal;
        cfg.data.train_size = 1500;
        cfg.data.val_size = 300;
        match preset {
            LabPreset::Validation => {
                // A tiny, noisy set and many epochs: the validation loss turns up.
                cfg.data.train_size = 120;
                cfg.data.pixel_noise = 0.6;
                cfg.epochs = 40;
                cfg.batch = 16;
                cfg.lr = 0.05;
            }
            LabPreset::Speedup => cfg.epochs = 1,
            LabPreset::DataQuality => {
                cfg.epochs = 6;
                cfg.data.label_noise = 0.3;
            }
            LabPreset::Train => {}
        }
        // Sequences and token ids learn with AdamW (SGD stays near chance for these runs).
        if let Some(family) = self.family {
            (cfg.optimizer, cfg.lr) = family.usual_optimizer();
        }
        self.texts = FIELDS
            .iter()
            .map(|f| field_text(&cfg, *f, self.lang))
            .collect();
        self.config = Some(cfg);
        self.error = None;
    }

    /// Parse every field into a config, or say which field is wrong and why (the first).
    pub fn parsed(&self) -> Result<TrainConfig, LabError> {
        self.parsed_all().map_err(|mut errors| errors.remove(0))
    }

    /// Parse every field into a config, or list every wrong field and why.
    pub fn parsed_all(&self) -> Result<TrainConfig, Vec<LabError>> {
        let mut cfg = self.config.clone().ok_or_else(|| vec![LabError::NoModel])?;
        let errors: Vec<LabError> = FIELDS
            .iter()
            .zip(&self.texts)
            .filter_map(|(&field, t)| self.apply(field, t.trim(), &mut cfg).err())
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        if cfg.device == DeviceChoice::Cuda && !CUDA_BUILT {
            return Err(vec![LabError::NoCuda]);
        }
        Ok(cfg)
    }

    /// Set one field of `cfg` from its text, through the shared validator.
    fn apply(&self, field: Field, t: &str, cfg: &mut TrainConfig) -> Result<(), LabError> {
        let num = || -> Result<f64, LabError> {
            let value = crate::core::number::parse_number(t)
                .map_err(|error| LabError::NotANumber { field, error })?;
            check_setting(field, value)
        };
        // The data settings are stored as f32: checked as stored, as the run checks them.
        let num32 = || -> Result<f32, LabError> {
            let value = crate::core::number::parse_number(t)
                .map_err(|error| LabError::NotANumber { field, error })?;
            check_setting_f32(field, value as f32)
        };
        match field {
            Field::Epochs => cfg.epochs = num()? as usize,
            Field::Batch => cfg.batch = num()? as usize,
            Field::Lr => cfg.lr = num()?,
            Field::Optimizer => {
                cfg.optimizer = t.parse().map_err(|_| LabError::Optimizer(t.into()))?
            }
            Field::TrainSize => cfg.data.train_size = num()? as usize,
            Field::PixelNoise => cfg.data.pixel_noise = num32()?,
            Field::LabelNoise => cfg.data.label_noise = num32()?,
            Field::Imbalance => cfg.data.imbalance = num32()?,
            Field::Duplication => cfg.data.duplication = num32()?,
            Field::Device => cfg.device = t.parse().map_err(|_| LabError::Device(t.into()))?,
            Field::Speed => {
                cfg.speed = Speed::parse(t, self.lang).ok_or(LabError::Speed(t.into()))?
            }
        }
        Ok(())
    }

    /// The settings' error as shown, in the lab's language.
    fn parse_error(&self) -> Option<String> {
        self.parsed()
            .err()
            .map(|e| e.render_for(self.lang, self.family.as_ref()))
    }

    /// A setting's name as this lab lists it: the noise is named after the data (pixel
    /// noise for images, noise for values, token swaps for token ids).
    pub fn field_label(&self, f: Field) -> String {
        field_label(f, self.family.as_ref(), self.lang)
    }

    /// The data in a line or two, for data other than images (whose lab is the exam's):
    /// what a sample is and what tells the classes apart — their names (four at most)
    /// when they take `max_chars` characters at most, else their number.
    pub fn data_lines(&self, max_chars: usize) -> Vec<String> {
        let Some(family) = self.family else {
            return Vec::new();
        };
        match family {
            InputFamily::Image { .. } => Vec::new(),
            InputFamily::Vector { .. }
            | InputFamily::Sequence { .. }
            | InputFamily::Tokens { .. } => {
                let mut v = vec![family.describe(self.lang)];
                if let Some(k) = self.classes {
                    let named = family.classes_line(k, 4, self.lang);
                    v.push(if named.chars().count() <= max_chars {
                        named
                    } else {
                        family.classes_line(k, 0, self.lang)
                    });
                }
                v
            }
        }
    }

    /// The runs a preset starts: one, or a clean and a flawed one side by side.
    fn plan_runs(&self, cfg: TrainConfig) -> Vec<TrainConfig> {
        match self.preset {
            LabPreset::DataQuality => {
                let mut clean = cfg.clone();
                clean.data.label_noise = 0.0;
                clean.data.imbalance = 1.0;
                clean.data.duplication = 0.0;
                clean.label = tr!(self.lang, "tui-lab-run-clean");
                let mut flawed = cfg;
                flawed.label = tr!(self.lang, "tui-lab-run-flawed");
                vec![clean, flawed]
            }
            LabPreset::Speedup => {
                let mut cpu = cfg.clone();
                cpu.device = DeviceChoice::Cpu;
                cpu.label = "cpu".into();
                let mut runs = vec![cpu];
                if CUDA_BUILT {
                    let mut gpu = cfg;
                    gpu.device = DeviceChoice::Cuda;
                    gpu.label = "cuda".into();
                    runs.push(gpu);
                }
                runs
            }
            LabPreset::Train | LabPreset::Validation => {
                let mut c = cfg;
                c.label = tr!(
                    self.lang,
                    "tui-lab-run-n",
                    n = self.lang.num(self.runs.len() as u64 + 1)
                );
                vec![c]
            }
        }
    }

    fn start_next(&mut self) -> Vec<Effect> {
        if self.queue.is_empty() {
            self.running = false;
            return Vec::new();
        }
        let cfg = self.queue.remove(0);
        self.running = true;
        self.runs.push(Run {
            label: cfg.label.clone(),
            epochs: cfg.epochs,
            ..Default::default()
        });
        vec![Effect::StartTraining(cfg)]
    }

    /// Move the cursor over the settings.
    pub fn move_cursor(&mut self, down: bool) {
        self.cursor = if down {
            (self.cursor + 1).min(FIELDS.len() - 1)
        } else {
            self.cursor.saturating_sub(1)
        };
    }

    /// Enter: type into the setting, or switch it when it has two values.
    pub fn edit(&mut self) {
        if self.texts.is_empty() {
            return;
        }
        match FIELDS[self.cursor] {
            Field::Optimizer | Field::Device => self.cycle(),
            Field::Epochs
            | Field::Batch
            | Field::Lr
            | Field::TrainSize
            | Field::PixelNoise
            | Field::LabelNoise
            | Field::Imbalance
            | Field::Duplication => self.editing_field = !self.texts.is_empty(),
            Field::Speed => self.cycle(),
        }
    }

    pub fn toggle_log_scale(&mut self) {
        self.log_scale = !self.log_scale;
    }

    /// Start the preset's runs, or say which setting is wrong.
    pub fn start(&mut self) -> Vec<Effect> {
        if self.running {
            return Vec::new();
        }
        match self.parsed_all() {
            Ok(cfg) => {
                self.error = None;
                self.status = None;
                if self.preset != LabPreset::Train {
                    self.runs.clear();
                }
                self.queue = self.plan_runs(cfg);
                self.start_next()
            }
            Err(errors) => {
                // Named in the settings pane and on the status line, every wrong one.
                let all: Vec<String> = errors
                    .iter()
                    .map(|e| e.render_for(self.lang, self.family.as_ref()))
                    .collect();
                self.error = all.first().cloned();
                self.status = Some(tr!(self.lang, "lab-not-started", errors = all.join(" · ")));
                Vec::new()
            }
        }
    }

    /// Stop the run (within a step) and drop the queued ones.
    pub fn stop(&mut self) -> Vec<Effect> {
        if !self.running {
            return Vec::new();
        }
        self.queue.clear();
        self.status = Some(crate::tr!(self.lang, "tui-lab-stopping"));
        vec![Effect::StopTraining]
    }

    /// Clear the curves of past runs.
    pub fn clear(&mut self) {
        if !self.running {
            self.runs.clear();
        }
    }

    /// Typing into a setting: a character.
    pub fn type_char(&mut self, c: char) {
        if let Some(t) = self.texts.get_mut(self.cursor) {
            if !c.is_control() && t.chars().count() < 24 {
                t.push(c);
                self.lr_typed |= FIELDS[self.cursor] == Field::Lr;
            }
        }
    }

    /// Typing into a setting: erase the last character.
    pub fn erase(&mut self) {
        if let Some(t) = self.texts.get_mut(self.cursor) {
            t.pop();
            self.lr_typed |= FIELDS[self.cursor] == Field::Lr;
        }
    }

    /// Typing into a setting: done.
    pub fn done_typing(&mut self) {
        self.editing_field = false;
    }

    /// After each key typed into a setting: check the settings again.
    pub fn revalidate(&mut self) {
        self.error = self.parse_error();
    }

    /// Switch a two-valued setting (optimizer, device).
    pub fn cycle(&mut self) {
        // Without a model there are no settings to switch.
        let Some(t) = self.texts.get_mut(self.cursor) else {
            return;
        };
        match FIELDS[self.cursor] {
            Field::Optimizer => {
                let next = if t.trim().parse() == Ok(OptimizerKind::Sgd) {
                    OptimizerKind::AdamW
                } else {
                    OptimizerKind::Sgd
                };
                *t = next.to_string();
                self.propose_lr(next);
            }
            Field::Speed => {
                let next = Speed::parse(t, self.lang).map_or(Speed::Normal, Speed::next);
                *t = next.name(self.lang);
            }
            Field::Device => {
                *t = if t == "cpu" {
                    "cuda".into()
                } else {
                    "cpu".into()
                }
            }
            Field::Epochs
            | Field::Batch
            | Field::Lr
            | Field::TrainSize
            | Field::PixelNoise
            | Field::LabelNoise
            | Field::Imbalance
            | Field::Duplication => {}
        }
        self.error = self.parse_error();
    }

    /// After a switch to `optimizer`: its usual learning rate, unless the student typed one
    /// (then it stays, and the status line says which one the optimizer usually takes).
    fn propose_lr(&mut self, optimizer: OptimizerKind) {
        let usual = optimizer.usual_lr();
        let Some(i) = FIELDS.iter().position(|f| *f == Field::Lr) else {
            return;
        };
        let Some(t) = self.texts.get_mut(i) else {
            return;
        };
        let name = optimizer.to_string();
        self.status = Some(if self.lr_typed {
            tr!(
                self.lang,
                "lab-lr-kept",
                optimizer = name,
                usual = self.lang.real(usual),
                lr = t.trim()
            )
        } else {
            *t = decimal(usual, self.lang);
            tr!(
                self.lang,
                "lab-lr-proposed",
                optimizer = name,
                lr = self.lang.real(usual)
            )
        });
    }

    pub fn on_event(&mut self, ev: TrainEvent) -> Vec<Effect> {
        let Some(run) = self.runs.last_mut() else {
            return Vec::new();
        };
        match ev {
            TrainEvent::Started {
                device,
                steps_per_epoch,
                epochs,
                ..
            } => {
                run.device = device;
                run.steps_per_epoch = steps_per_epoch;
                run.epochs = epochs;
            }
            TrainEvent::Step {
                epoch,
                step,
                loss,
                samples_per_s,
                elapsed_s,
            } => {
                // Elapsed time from every step, so the ETA shows from the first batch.
                run.elapsed_s = elapsed_s;
                run.epoch = epoch;
                run.step = step;
                run.samples_per_s = samples_per_s;
                let x = step as f64 / run.steps_per_epoch.max(1) as f64;
                run.train_loss.push(x, loss as f64);
            }
            TrainEvent::Epoch(m) => {
                run.val_loss.push(m.epoch as f64, m.val_loss);
                run.val_acc.push(m.epoch as f64, m.val_accuracy);
                run.elapsed_s = m.elapsed_s;
                run.last_epoch = Some(m);
            }
            TrainEvent::Finished(s) => {
                run.elapsed_s = s.elapsed_s;
                run.summary = Some(s);
                self.status = None;
                return self.start_next();
            }
            TrainEvent::Failed(e) => {
                // Also on the status line: a run that blew up says so where it is seen.
                self.status = Some(e.render(self.lang));
                run.error = Some(e.render(self.lang));
                self.queue.clear();
                self.running = false;
            }
        }
        Vec::new()
    }
}

/// Why the lab's settings cannot start a run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LabError {
    #[error("the pack has no model to train")]
    NoModel,
    #[error("{field:?}: not a number ({error:?})")]
    NotANumber {
        field: Field,
        error: crate::core::number::NumberError,
    },
    /// Refused by the shared validator (`engine::train::Setting::check`, as `train` checks).
    #[error("{field:?} = {value}: outside {range:?}")]
    OutOfRange {
        field: Field,
        value: f64,
        range: SettingRange,
        /// The validator's verdict, rendered as `train` renders it.
        error: SettingsError,
    },
    #[error("unknown optimizer `{0}`")]
    Optimizer(String),
    #[error("unknown device `{0}`")]
    Device(String),
    #[error("unknown speed `{0}`")]
    Speed(String),
    #[error("this build has no CUDA")]
    NoCuda,
}

impl LabError {
    /// The message, in `lang` ("field: why", with French typography's space before the colon).
    pub fn render(&self, lang: Lang) -> String {
        self.render_for(lang, None)
    }

    /// The message, naming the fields as the lab of a model reading `family` lists them.
    pub fn render_for(&self, lang: Lang, family: Option<&InputFamily>) -> String {
        let wrong = |field: Field, why: String| {
            tr!(
                lang,
                "tui-lab-field-error",
                field = field_label(field, family, lang),
                why = why
            )
        };
        match self {
            LabError::NoModel => tr!(lang, "tui-lab-no-model"),
            LabError::NotANumber { field, error } => wrong(*field, error.render(lang)),
            // The message `train` gives, with the setting named as the lab lists it.
            LabError::OutOfRange { field, error, .. } => {
                error.render_named(&field_label(*field, family, lang), lang)
            }
            LabError::Optimizer(t) => wrong(
                Field::Optimizer,
                tr!(lang, "tui-lab-bad-optimizer", text = t.as_str()),
            ),
            LabError::Device(t) => wrong(
                Field::Device,
                tr!(lang, "tui-lab-bad-device", text = t.as_str()),
            ),
            LabError::Speed(t) => wrong(
                Field::Speed,
                tr!(
                    lang,
                    "lab-bad-speed",
                    text = t.as_str(),
                    speeds = crate::engine::train::SPEEDS
                        .iter()
                        .map(|s| s.name(lang))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            LabError::NoCuda => tr!(lang, "tui-lab-no-cuda"),
        }
    }
}

/// The training setting a numeric field sets (none: a field chosen from names).
pub fn setting(field: Field) -> Option<Setting> {
    match field {
        Field::Epochs => Some(Setting::Epochs),
        Field::Batch => Some(Setting::Batch),
        Field::Lr => Some(Setting::LearningRate),
        Field::TrainSize => Some(Setting::TrainSize),
        Field::PixelNoise => Some(Setting::PixelNoise),
        Field::LabelNoise => Some(Setting::LabelNoise),
        Field::Imbalance => Some(Setting::Imbalance),
        Field::Duplication => Some(Setting::Duplication),
        Field::Optimizer | Field::Device | Field::Speed => None,
    }
}

/// A numeric field's value through the shared validator, the one `mltutor train` uses.
fn check_setting(field: Field, value: f64) -> Result<f64, LabError> {
    let Some(s) = setting(field) else {
        return Ok(value);
    };
    s.check(value).map_err(|error| LabError::OutOfRange {
        field,
        value,
        range: s.range(),
        error,
    })
}

/// A data field stored as f32, through the same validator (compared in f32).
fn check_setting_f32(field: Field, value: f32) -> Result<f32, LabError> {
    let Some(s) = setting(field) else {
        return Ok(value);
    };
    s.check_f32(value).map_err(|error| LabError::OutOfRange {
        field,
        value: value as f64,
        range: s.range(),
        error,
    })
}

/// A setting's name, as the lab lists it.
pub fn field_name(f: Field, lang: Lang) -> String {
    let id = match f {
        Field::Epochs => "tui-lab-field-epochs",
        Field::Batch => "tui-lab-field-batch",
        Field::Lr => "tui-lab-field-lr",
        Field::Optimizer => "tui-lab-field-optimizer",
        Field::TrainSize => "tui-lab-field-train-size",
        Field::PixelNoise => "tui-lab-field-pixel-noise",
        Field::LabelNoise => "tui-lab-field-label-noise",
        Field::Imbalance => "tui-lab-field-balance",
        Field::Duplication => "tui-lab-field-duplication",
        Field::Device => "tui-lab-field-device",
        Field::Speed => "lab-field-speed",
    };
    lang.tr(id)
}

/// A setting's name for a model reading `family`: the noise named after the data.
pub fn field_label(f: Field, family: Option<&InputFamily>, lang: Lang) -> String {
    match (f, family) {
        (Field::PixelNoise, Some(family)) => family.noise_name(lang),
        (Field::PixelNoise, None)
        | (
            Field::Epochs
            | Field::Batch
            | Field::Lr
            | Field::Optimizer
            | Field::TrainSize
            | Field::LabelNoise
            | Field::Imbalance
            | Field::Duplication
            | Field::Device
            | Field::Speed,
            _,
        ) => field_name(f, lang),
    }
}

/// A setting's decimal as the interface's language writes it (`0,05` in French); the
/// field reads either mark back.
fn decimal(v: f64, lang: Lang) -> String {
    if v.fract() == 0.0 {
        v.to_string()
    } else {
        lang.real(v)
    }
}

/// An f32 setting through its shortest decimal (0.15, not 0.15000000596).
fn decimal32(v: f32, lang: Lang) -> String {
    decimal(v.to_string().parse().unwrap_or(f64::from(v)), lang)
}

fn field_text(c: &TrainConfig, f: Field, lang: Lang) -> String {
    match f {
        Field::Epochs => c.epochs.to_string(),
        Field::Batch => c.batch.to_string(),
        Field::Lr => decimal(c.lr, lang),
        Field::Optimizer => c.optimizer.to_string(),
        Field::TrainSize => c.data.train_size.to_string(),
        Field::PixelNoise => decimal32(c.data.pixel_noise, lang),
        Field::LabelNoise => decimal32(c.data.label_noise, lang),
        Field::Imbalance => decimal32(c.data.imbalance, lang),
        Field::Duplication => decimal32(c.data.duplication, lang),
        Field::Device => c.device.to_string(),
        Field::Speed => c.speed.name(lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_stays_bounded_and_keeps_its_range() {
        let mut s = Series::default();
        for i in 0..10_000 {
            s.push(i as f64, (i % 7) as f64);
        }
        let p = s.points();
        assert!(
            p.len() <= SERIES_CAP && p.len() >= SERIES_CAP / 2,
            "{}",
            p.len()
        );
        // Each point averages at most 32 raw points, the oldest included: the whole run
        // keeps an even resolution.
        assert!(p.first().unwrap().0 < 16.0, "{:?}", p.first());
        assert!(p.last().unwrap().0 > 9_950.0);
        assert!(p.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn smoothing_follows_a_constant() {
        let mut s = Series::default();
        for i in 0..20 {
            s.push(i as f64, 2.0);
        }
        assert!(s.smoothed(0.2).iter().all(|p| (p.1 - 2.0).abs() < 1e-12));
    }

    /// A French student's typing mistakes are explained in French, field by field.
    #[test]
    fn settings_errors_speak_the_interface_language() {
        let pack = crate::core::pack::builtin_pack("fr");
        let mut lab = LabState {
            lang: Lang::fr(),
            ..LabState::default()
        };
        lab.prepare(None, &pack);
        assert!(lab.parsed().is_ok(), "{:?}", lab.parsed());
        let at = |f: Field| FIELDS.iter().position(|g| *g == f).unwrap();
        let mut bad = lab.clone();
        bad.texts[at(Field::Batch)] = "beaucoup".into();
        let e = bad.parsed().unwrap_err().render(Lang::fr());
        // French typography: a no-break space before the colon and the question mark.
        assert!(
            e.starts_with("taille de lot\u{a0}: ") && e.contains("n'est pas un nombre"),
            "{e}"
        );
        let mut bad = lab.clone();
        bad.texts[at(Field::Optimizer)] = "rmsprop".into();
        let e = bad.parsed().unwrap_err().render(Lang::fr());
        assert!(
            e.starts_with("optimiseur\u{a0}: `rmsprop`\u{202f}?") && e.contains("sgd ou adamw"),
            "{e}"
        );
        let mut bad = lab.clone();
        bad.texts[at(Field::Device)] = "tpu".into();
        assert!(bad
            .parsed()
            .unwrap_err()
            .render(Lang::fr())
            .contains("cpu ou cuda"));
    }
}
