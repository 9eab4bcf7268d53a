//! Data sets generated in Rust, deterministic from a seed: no download, ever.
//!
//! What is generated follows the model's input ([`InputFamily`], decided from the spec in
//! one place). For an image input (C x H x W) the classes are kinds of shapes and patterns
//! drawn at a random position, size and colour over noise; for a vector input they are
//! Gaussian clusters; for a sequence of values (2-D) a motif per class at a random time
//! ([`sequence`]); for token ids read by an Embedding, which marker pair appears among
//! filler tokens ([`tokens`]). Size, noise (pixels, values, or token substitutions), label
//! noise, class imbalance and duplication are parameters, so the data-quality lab can
//! compare a clean set with a flawed one.

mod family;
pub mod sequence;
pub mod tokens;

pub use family::{output_classes, InputFamily};

use crate::core::i18n::Lang;
use crate::core::shape::Shape;
use crate::tr;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};

/// How to generate a data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataConfig {
    pub train_size: usize,
    pub val_size: usize,
    /// Standard deviation of the Gaussian pixel noise.
    pub pixel_noise: f32,
    /// Share of training labels replaced by a random wrong class.
    pub label_noise: f32,
    /// Imbalance: class k gets a share proportional to imbalance^(k / (classes − 1));
    /// 1 means balanced, 0.05 means the last class is 20 times rarer than the first.
    pub imbalance: f32,
    /// Share of the training set that repeats earlier examples (redundancy).
    pub duplication: f32,
    pub seed: u64,
}

impl Default for DataConfig {
    fn default() -> Self {
        Self {
            train_size: 2000,
            val_size: 500,
            pixel_noise: 0.15,
            label_noise: 0.0,
            imbalance: 1.0,
            duplication: 0.0,
            seed: 1,
        }
    }
}

/// Why a data set could not be generated or loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum DataError {
    /// The model has fewer than two outputs: it is not a classifier.
    TooFewOutputs {
        classes: usize,
    },
    EmptySets,
    /// More classes than the image generator draws kinds of shapes.
    TooManyImageClasses {
        kinds: usize,
        classes: usize,
    },
    /// A file or folder could not be read (the system's reason).
    Read {
        path: String,
        why: String,
    },
    ShapeMismatch {
        dir: String,
        data: Shape,
        model: Shape,
    },
    IdxTruncated,
    IdxMagic,
    IdxCounts {
        images: usize,
        labels: usize,
    },
    IdxHeaderAbsurd,
    ImagesShort,
    LabelsShort,
    NoClassFolders {
        dir: String,
    },
    ImageSize {
        file: String,
        got: Shape,
        earlier: Shape,
    },
    NoPng {
        dir: String,
    },
    /// A PNG could not be decoded (the decoder's reason).
    Png {
        file: String,
        why: String,
    },
    Palette {
        file: String,
    },
    /// Something other than a regular file where a file is expected (a FIFO, a device).
    NotAFile {
        path: String,
    },
    /// Loading the set would take more memory than the budget allows.
    OverBudget {
        needed: u64,
        budget: u64,
    },
    /// Too few samples to keep some for validation.
    TooFewSamples {
        count: usize,
    },
    /// An input of a rank no generator makes (4-D and more, or none).
    UnsupportedInput {
        shape: Shape,
    },
    /// An Embedding reads the input, which is not a sequence of ids (one dimension).
    TokensRank {
        shape: Shape,
    },
    /// More classes than the sequence generator has motifs.
    TooManySequenceClasses {
        kinds: usize,
        classes: usize,
    },
    /// A token sequence too short to hold a marker pair.
    TokensTooShort {
        length: usize,
    },
    /// Too few ids for a marker pair per class and filler.
    VocabularyTooSmall {
        vocabulary: usize,
        classes: usize,
        needed: usize,
    },
    /// `--data DIR` for a model that reads token ids: local files are images.
    TokensFromFiles,
}

impl DataError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            DataError::TooFewOutputs { classes } => {
                tr!(lang, "train-data-too-few-outputs", classes = *classes)
            }
            DataError::EmptySets => tr!(lang, "train-data-empty-sets"),
            DataError::TooManyImageClasses { kinds, classes } => tr!(
                lang,
                "train-data-too-many-image-classes",
                kinds = *kinds,
                classes = *classes
            ),
            DataError::Read { path, why } => tr!(
                lang,
                "train-data-cannot-read",
                path = path.as_str(),
                why = why.as_str()
            ),
            DataError::ShapeMismatch { dir, data, model } => tr!(
                lang,
                "train-data-shape-mismatch",
                dir = dir.as_str(),
                data = data.to_string(),
                model = model.to_string()
            ),
            DataError::IdxTruncated => tr!(lang, "train-data-idx-truncated"),
            DataError::IdxMagic => tr!(lang, "train-data-idx-magic"),
            DataError::IdxCounts { images, labels } => tr!(
                lang,
                "train-data-idx-counts",
                images = *images,
                labels = *labels
            ),
            DataError::IdxHeaderAbsurd => tr!(lang, "train-data-idx-header"),
            DataError::ImagesShort => tr!(lang, "train-data-images-short"),
            DataError::LabelsShort => tr!(lang, "train-data-labels-short"),
            DataError::NoClassFolders { dir } => {
                tr!(lang, "train-data-no-class-folders", dir = dir.as_str())
            }
            DataError::ImageSize { file, got, earlier } => tr!(
                lang,
                "train-data-image-size",
                file = file.as_str(),
                got = got.to_string(),
                earlier = earlier.to_string()
            ),
            DataError::NoPng { dir } => tr!(lang, "train-data-no-png", dir = dir.as_str()),
            DataError::Png { file, why } => format!("{file}: {why}"),
            DataError::Palette { file } => {
                tr!(lang, "train-data-palette", file = file.as_str())
            }
            DataError::NotAFile { path } => {
                tr!(lang, "hard-data-not-a-file", path = path.as_str())
            }
            DataError::OverBudget { needed, budget } => tr!(
                lang,
                "hard-data-over-budget",
                needed = lang.dec(*needed as f64 / (1u64 << 20) as f64, 1),
                budget = lang.dec(*budget as f64 / (1u64 << 20) as f64, 1)
            ),
            DataError::TooFewSamples { count } => {
                tr!(lang, "hard-data-too-few", count = *count)
            }
            DataError::UnsupportedInput { shape } => tr!(
                lang,
                "data-unsupported-input",
                shape = shape.to_string(),
                rank = shape.0.len()
            ),
            DataError::TokensRank { shape } => {
                tr!(lang, "data-tokens-rank", shape = shape.to_string())
            }
            DataError::TooManySequenceClasses { kinds, classes } => tr!(
                lang,
                "data-too-many-sequence-classes",
                kinds = *kinds,
                classes = *classes
            ),
            DataError::TokensTooShort { length } => {
                tr!(lang, "data-tokens-too-short", length = *length)
            }
            DataError::VocabularyTooSmall {
                vocabulary,
                classes,
                needed,
            } => tr!(
                lang,
                "data-vocabulary-too-small",
                vocabulary = lang.num(*vocabulary as u64),
                classes = *classes,
                needed = lang.num(*needed as u64)
            ),
            DataError::TokensFromFiles => tr!(lang, "data-tokens-from-files"),
        }
    }
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for DataError {}

fn read_error(path: &std::path::Path, e: std::io::Error) -> DataError {
    DataError::Read {
        path: path.display().to_string(),
        why: e.to_string(),
    }
}

/// A labelled set of samples stored contiguously.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub x: Vec<f32>,
    pub y: Vec<u32>,
    pub sample_shape: Vec<usize>,
    pub classes: usize,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
    pub fn sample_len(&self) -> usize {
        self.sample_shape.iter().product()
    }
    /// Copy the samples at `idx` into `xs` and `ys` (buffers reused across batches).
    pub fn gather(&self, idx: &[usize], xs: &mut Vec<f32>, ys: &mut Vec<u32>) {
        let n = self.sample_len();
        xs.clear();
        ys.clear();
        for &i in idx {
            xs.extend_from_slice(&self.x[i * n..(i + 1) * n]);
            ys.push(self.y[i]);
        }
    }
    /// Count of each class.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut c = vec![0; self.classes];
        for &y in &self.y {
            c[y as usize] += 1;
        }
        c
    }
}

/// The names of the image classes, for the lab's legend.
pub const SHAPE_CLASSES: [&str; 10] = [
    "square",
    "frame",
    "disc",
    "ring",
    "h-stripes",
    "v-stripes",
    "diagonal",
    "plus",
    "cross",
    "checker",
];

/// The image classes' names as messages (`SHAPE_CLASSES` in the reader's language).
pub const SHAPE_CLASS_IDS: [&str; 10] = [
    "data-shape-square",
    "data-shape-frame",
    "data-shape-disc",
    "data-shape-ring",
    "data-shape-h-stripes",
    "data-shape-v-stripes",
    "data-shape-diagonal",
    "data-shape-plus",
    "data-shape-cross",
    "data-shape-checker",
];

/// Generate the training and validation sets for a model's input and `classes` classes,
/// within the default memory budget.
pub fn generate(
    family: &InputFamily,
    classes: usize,
    cfg: &DataConfig,
) -> Result<(Dataset, Dataset), DataError> {
    generate_within(
        family,
        classes,
        cfg,
        crate::core::plan::DEFAULT_BUDGET_BYTES,
    )
}

/// Generate the training and validation sets for a model's input and `classes` classes;
/// the sets' size is checked against `budget` bytes before anything is allocated.
/// Validation data is always clean (no label noise, balanced, no duplicates), so it
/// measures what the model learned rather than the flaws of the training set.
pub fn generate_within(
    family: &InputFamily,
    classes: usize,
    cfg: &DataConfig,
    budget: u64,
) -> Result<(Dataset, Dataset), DataError> {
    if classes < 2 {
        return Err(DataError::TooFewOutputs { classes });
    }
    if cfg.train_size == 0 || cfg.val_size == 0 {
        return Err(DataError::EmptySets);
    }
    let shape = family.shape();
    match *family {
        InputFamily::Image { .. } if classes > SHAPE_CLASSES.len() => {
            return Err(DataError::TooManyImageClasses {
                kinds: SHAPE_CLASSES.len(),
                classes,
            })
        }
        InputFamily::Sequence { .. } if classes > sequence::MOTIF_IDS.len() => {
            return Err(DataError::TooManySequenceClasses {
                kinds: sequence::MOTIF_IDS.len(),
                classes,
            })
        }
        InputFamily::Tokens { length, .. } if length < 2 => {
            return Err(DataError::TokensTooShort { length })
        }
        InputFamily::Tokens { vocabulary, .. }
            if vocabulary.min(tokens::MAX_DRAWN_ID) < tokens::ids_needed(classes) =>
        {
            return Err(DataError::VocabularyTooSmall {
                vocabulary,
                classes,
                needed: tokens::ids_needed(classes),
            })
        }
        InputFamily::Image { .. }
        | InputFamily::Vector { .. }
        | InputFamily::Sequence { .. }
        | InputFamily::Tokens { .. } => {}
    }
    // Both sets' values and labels, before anything is allocated.
    let samples = cfg.train_size.saturating_add(cfg.val_size) as u64;
    let values = shape
        .iter()
        .try_fold(samples, |n, &d| n.checked_mul(d as u64));
    let needed = values
        .and_then(|v| v.checked_add(samples))
        .and_then(|v| v.checked_mul(4))
        .unwrap_or(u64::MAX);
    if needed > budget {
        return Err(DataError::OverBudget { needed, budget });
    }
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    // Cluster centres for vector data and marker pairs for tokens are part of the task:
    // drawn from a fixed stream.
    let centres = match *family {
        InputFamily::Vector { features } => cluster_centres(features, classes, cfg.seed),
        InputFamily::Image { .. } | InputFamily::Sequence { .. } | InputFamily::Tokens { .. } => {
            Vec::new()
        }
    };
    let markers = match *family {
        InputFamily::Tokens { vocabulary, .. } => {
            Some(tokens::Markers::new(vocabulary, classes, cfg.seed))
        }
        InputFamily::Image { .. } | InputFamily::Vector { .. } | InputFamily::Sequence { .. } => {
            None
        }
    };
    let make = |rng: &mut StdRng, y: usize| -> Vec<f32> {
        match (*family, &markers) {
            (
                InputFamily::Image {
                    channels,
                    height,
                    width,
                },
                _,
            ) => draw_shape(rng, channels, height, width, y, cfg.pixel_noise),
            (InputFamily::Vector { .. }, _) => {
                let noise = Normal::new(0.0f32, 1.0 + cfg.pixel_noise).expect("positive sigma");
                centres[y].iter().map(|c| c + noise.sample(rng)).collect()
            }
            (
                InputFamily::Sequence {
                    steps,
                    features,
                    time_last,
                },
                _,
            ) => sequence::draw(rng, steps, features, time_last, y, cfg.pixel_noise),
            (InputFamily::Tokens { length, .. }, Some(m)) => {
                tokens::draw(rng, length, m, y, cfg.pixel_noise)
            }
            // Markers are drawn above for every token input.
            (InputFamily::Tokens { length, .. }, None) => vec![0.0; length],
        }
    };
    let weights: Vec<f64> = (0..classes)
        .map(|k| (cfg.imbalance.clamp(1e-3, 1.0) as f64).powf(k as f64 / (classes - 1) as f64))
        .collect();
    let total: f64 = weights.iter().sum();
    let pick_class = |rng: &mut StdRng| {
        let mut r = rng.random::<f64>() * total;
        for (k, w) in weights.iter().enumerate() {
            if r < *w {
                return k;
            }
            r -= w;
        }
        classes - 1
    };
    let mut train = Dataset {
        x: Vec::with_capacity(cfg.train_size.saturating_mul(shape.iter().product())),
        y: Vec::with_capacity(cfg.train_size),
        sample_shape: shape.clone(),
        classes,
    };
    let n = train.sample_len();
    let unique = ((cfg.train_size as f32) * (1.0 - cfg.duplication.clamp(0.0, 0.95)))
        .ceil()
        .max(1.0) as usize;
    for _ in 0..unique.min(cfg.train_size) {
        let y = pick_class(&mut rng);
        train.x.extend(make(&mut rng, y));
        train.y.push(y as u32);
    }
    // Redundancy: copies of earlier samples fill the rest.
    while train.y.len() < cfg.train_size {
        let i = rng.random_range(0..unique);
        let copy: Vec<f32> = train.x[i * n..(i + 1) * n].to_vec();
        train.x.extend(copy);
        let y = train.y[i];
        train.y.push(y);
    }
    for y in train.y.iter_mut() {
        if rng.random::<f32>() < cfg.label_noise {
            let shift = rng.random_range(1..classes) as u32;
            *y = (*y + shift) % classes as u32;
        }
    }
    let mut val = Dataset {
        x: Vec::with_capacity(cfg.val_size.saturating_mul(shape.iter().product())),
        y: Vec::with_capacity(cfg.val_size),
        sample_shape: shape,
        classes,
    };
    let mut vrng = StdRng::seed_from_u64(cfg.seed ^ 0x005e_ed0f_7a11);
    for i in 0..cfg.val_size {
        let y = i % classes;
        val.x.extend(make(&mut vrng, y));
        val.y.push(y as u32);
    }
    Ok((train, val))
}

fn cluster_centres(dim: usize, classes: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(31).wrapping_add(7));
    let n = Normal::new(0.0f32, 1.5).expect("positive sigma");
    (0..classes)
        .map(|_| (0..dim).map(|_| n.sample(&mut rng)).collect())
        .collect()
}

/// Draw one sample of class `class` as C x H x W values around 0.
fn draw_shape(
    rng: &mut StdRng,
    c: usize,
    h: usize,
    w: usize,
    class: usize,
    noise: f32,
) -> Vec<f32> {
    let side = h.min(w) as f32;
    let size = rng.random_range(0.35..0.6) * side;
    let half = size / 2.0;
    let cy = rng.random_range(half..(h as f32 - half).max(half + 1e-3));
    let cx = rng.random_range(half..(w as f32 - half).max(half + 1e-3));
    let colour: Vec<f32> = (0..c).map(|_| rng.random_range(0.5..1.0)).collect();
    let thick = (size / 6.0).max(1.0);
    let period = (size / 4.0).max(2.0);
    let normal =
        Normal::new(0.0f32, noise.max(0.0)).unwrap_or(Normal::new(0.0, 0.0).expect("zero sigma"));
    let mut out = vec![0.0f32; c * h * w];
    for yy in 0..h {
        for xx in 0..w {
            let dy = yy as f32 + 0.5 - cy;
            let dx = xx as f32 + 0.5 - cx;
            let inside = dy.abs() <= half && dx.abs() <= half;
            let r = (dx * dx + dy * dy).sqrt();
            let on = match class {
                0 => inside,
                1 => inside && (half - dy.abs() < thick || half - dx.abs() < thick),
                2 => r <= half,
                3 => r <= half && r >= half - thick,
                4 => inside && ((dy + half) / period).floor() as i32 % 2 == 0,
                5 => inside && ((dx + half) / period).floor() as i32 % 2 == 0,
                6 => inside && (dx - dy).abs() < thick,
                7 => inside && (dx.abs() < thick / 1.5 || dy.abs() < thick / 1.5),
                8 => inside && ((dx - dy).abs() < thick || (dx + dy).abs() < thick),
                _ => {
                    inside
                        && ((((dx + half) / period).floor() + ((dy + half) / period).floor())
                            as i32)
                            % 2
                            == 0
                }
            };
            for (ch, col) in colour.iter().enumerate() {
                let v = if on { *col } else { 0.0 };
                out[ch * h * w + yy * w + xx] = v - 0.25 + normal.sample(rng);
            }
        }
    }
    out
}

/// Load a real data set from local files (nothing is ever downloaded):
/// - a folder with MNIST-format IDX files (`*images*idx3*` and `*labels*idx1*`), or
/// - a folder with one sub-folder of PNG images per class.
///
/// Returns the samples (values scaled to [0, 1] then centred like the generated sets)
/// and their labels; the caller splits them into training and validation sets.
pub fn load_local(dir: &std::path::Path, sample_shape: &[usize]) -> Result<Dataset, DataError> {
    load_local_within(dir, sample_shape, crate::core::plan::DEFAULT_BUDGET_BYTES)
}

/// [`load_local`] within `budget` bytes: sizes are read from the headers (IDX, PNG) and
/// checked against the model's input and the budget before anything is decoded; only
/// regular files are opened.
pub fn load_local_within(
    dir: &std::path::Path,
    sample_shape: &[usize],
    budget: u64,
) -> Result<Dataset, DataError> {
    let entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| read_error(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let name = |p: &std::path::Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_lowercase()
    };
    let images = entries
        .iter()
        .find(|p| name(p).contains("images") && name(p).contains("idx3"));
    let labels = entries
        .iter()
        .find(|p| name(p).contains("labels") && name(p).contains("idx1"));
    let limits = Limits {
        dir,
        model: sample_shape,
        budget,
    };
    let data = match (images, labels) {
        (Some(i), Some(l)) => read_idx_pair(i, l, &limits)?,
        _ => read_png_folders(dir, &limits)?,
    };
    limits.shape(&data.sample_shape)?;
    // One sample for training and one for validation at the very least.
    if data.len() < 2 {
        return Err(DataError::TooFewSamples { count: data.len() });
    }
    Ok(data)
}

/// What a loaded set must fit: the model's input shape and the memory budget.
struct Limits<'a> {
    dir: &'a std::path::Path,
    model: &'a [usize],
    budget: u64,
}

impl Limits<'_> {
    fn shape(&self, data: &[usize]) -> Result<(), DataError> {
        if data != self.model {
            return Err(DataError::ShapeMismatch {
                dir: self.dir.display().to_string(),
                data: Shape(data.to_vec()),
                model: Shape(self.model.to_vec()),
            });
        }
        Ok(())
    }
    /// `values` samples' values as f32, with the labels, against the budget.
    fn fits(&self, values: u64, samples: u64) -> Result<(), DataError> {
        let needed = values
            .saturating_mul(4)
            .saturating_add(samples.saturating_mul(4));
        if needed > self.budget {
            return Err(DataError::OverBudget {
                needed,
                budget: self.budget,
            });
        }
        Ok(())
    }
}

/// The length of `path` if it is a regular file (symbolic links followed); a FIFO or a
/// device is refused before it is opened, since opening one can block forever.
fn regular_file(path: &std::path::Path) -> Result<u64, DataError> {
    let meta = std::fs::metadata(path).map_err(|e| read_error(path, e))?;
    if !meta.file_type().is_file() {
        return Err(DataError::NotAFile {
            path: path.display().to_string(),
        });
    }
    Ok(meta.len())
}

fn be_u32(b: &[u8], at: usize) -> Result<usize, DataError> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize)
        .ok_or(DataError::IdxTruncated)
}

/// Read an IDX image file (magic 0x00000803) and its label file (0x00000801). The headers
/// are checked against the files' lengths, the model's input and the budget before the
/// pixels are read; they are read in chunks straight into the f32 samples (no copy of the
/// file in memory beside them).
fn read_idx_pair(
    images: &std::path::Path,
    labels: &std::path::Path,
    limits: &Limits,
) -> Result<Dataset, DataError> {
    use std::io::Read;
    let (ilen, llen) = (regular_file(images)?, regular_file(labels)?);
    let open = |p: &std::path::Path| std::fs::File::open(p).map_err(|e| read_error(p, e));
    let header = |f: &mut std::fs::File, p: &std::path::Path, n: usize| {
        let mut b = vec![0u8; n];
        f.read_exact(&mut b).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => DataError::IdxTruncated,
            _ => read_error(p, e),
        })?;
        Ok::<_, DataError>(b)
    };
    let (mut fi, mut fl) = (open(images)?, open(labels)?);
    let (ib, lb) = (header(&mut fi, images, 16)?, header(&mut fl, labels, 8)?);
    if be_u32(&ib, 0)? != 0x803 || be_u32(&lb, 0)? != 0x801 {
        return Err(DataError::IdxMagic);
    }
    let (n, h, w) = (be_u32(&ib, 4)?, be_u32(&ib, 8)?, be_u32(&ib, 12)?);
    if be_u32(&lb, 4)? != n {
        return Err(DataError::IdxCounts {
            images: n,
            labels: be_u32(&lb, 4)?,
        });
    }
    let pixels = n
        .checked_mul(h)
        .and_then(|v| v.checked_mul(w))
        .ok_or(DataError::IdxHeaderAbsurd)?;
    if ilen.saturating_sub(16) < pixels as u64 {
        return Err(DataError::ImagesShort);
    }
    if llen.saturating_sub(8) < n as u64 {
        return Err(DataError::LabelsShort);
    }
    limits.shape(&[1, h, w])?;
    limits.fits(pixels as u64, n as u64)?;
    let mut ys = vec![0u8; n];
    fl.read_exact(&mut ys).map_err(|e| read_error(labels, e))?;
    let mut x = Vec::with_capacity(pixels);
    let mut chunk = vec![0u8; (1 << 20).min(pixels.max(1))];
    while x.len() < pixels {
        let want = chunk.len().min(pixels - x.len());
        fi.read_exact(&mut chunk[..want])
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::UnexpectedEof => DataError::ImagesShort,
                _ => read_error(images, e),
            })?;
        x.extend(chunk[..want].iter().map(|&p| p as f32 / 255.0 - 0.25));
    }
    let classes = ys
        .iter()
        .copied()
        .max()
        .map(|m| m as usize + 1)
        .unwrap_or(0);
    Ok(Dataset {
        x,
        y: ys.iter().map(|&y| y as u32).collect(),
        sample_shape: vec![1, h, w],
        classes,
    })
}

/// Read `dir/<class>/*.png`, classes in name order; all images must share one size.
fn read_png_folders(dir: &std::path::Path, limits: &Limits) -> Result<Dataset, DataError> {
    let mut classes: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| read_error(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    classes.sort();
    if classes.is_empty() {
        return Err(DataError::NoClassFolders {
            dir: dir.display().to_string(),
        });
    }
    let mut data = Dataset {
        x: Vec::new(),
        y: Vec::new(),
        sample_shape: Vec::new(),
        classes: classes.len(),
    };
    // First the headers: every image's size against the model's input, and their total
    // (links to one file count each time) against the budget, before any is decoded.
    let mut all = Vec::new();
    let mut values = 0u64;
    let mut first: Option<Vec<usize>> = None;
    for (k, class_dir) in classes.iter().enumerate() {
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(class_dir)
            .map_err(|e| read_error(class_dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")))
            .collect();
        files.sort();
        for f in files {
            let shape = png_shape(&f)?;
            match &first {
                None => first = Some(shape.clone()),
                Some(earlier) if *earlier != shape => {
                    return Err(DataError::ImageSize {
                        file: f.display().to_string(),
                        got: Shape(shape),
                        earlier: Shape(earlier.clone()),
                    })
                }
                Some(_) => {}
            }
            values = values.saturating_add(shape.iter().product::<usize>() as u64);
            all.push((k, f));
        }
    }
    if let Some(shape) = &first {
        limits.shape(shape)?;
    }
    limits.fits(values, all.len() as u64)?;
    data.x.reserve(values as usize);
    {
        for (k, f) in all {
            let (shape, values) = read_png(&f)?;
            if data.sample_shape.is_empty() {
                data.sample_shape = shape;
            } else if data.sample_shape != shape {
                return Err(DataError::ImageSize {
                    file: f.display().to_string(),
                    got: Shape(shape),
                    earlier: Shape(data.sample_shape.clone()),
                });
            }
            data.x.extend(values);
            data.y.push(k as u32);
        }
    }
    if data.y.is_empty() {
        return Err(DataError::NoPng {
            dir: dir.display().to_string(),
        });
    }
    Ok(data)
}

/// A PNG's C x H x W from its header alone (nothing decoded).
fn png_shape(path: &std::path::Path) -> Result<Vec<usize>, DataError> {
    regular_file(path)?;
    let png_error = |e: &dyn std::fmt::Display| DataError::Png {
        file: path.display().to_string(),
        why: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(|e| png_error(&e))?;
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let reader = decoder.read_info().map_err(|e| png_error(&e))?;
    let info = reader.info();
    let channels = match info.color_type {
        png::ColorType::Grayscale | png::ColorType::GrayscaleAlpha => 1,
        png::ColorType::Rgb | png::ColorType::Rgba => 3,
        png::ColorType::Indexed => {
            return Err(DataError::Palette {
                file: path.display().to_string(),
            })
        }
    };
    Ok(vec![channels, info.height as usize, info.width as usize])
}

/// One PNG as C x H x W values (grey: 1 channel, colour: 3; alpha dropped).
fn read_png(path: &std::path::Path) -> Result<(Vec<usize>, Vec<f32>), DataError> {
    regular_file(path)?;
    let png_error = |e: &dyn std::fmt::Display| DataError::Png {
        file: path.display().to_string(),
        why: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(|e| png_error(&e))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| png_error(&e))?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).map_err(|e| png_error(&e))?;
    let (w, h) = (info.width as usize, info.height as usize);
    let (step, channels) = match info.color_type {
        png::ColorType::Grayscale => (1, 1),
        png::ColorType::GrayscaleAlpha => (2, 1),
        png::ColorType::Rgb => (3, 3),
        png::ColorType::Rgba => (4, 3),
        png::ColorType::Indexed => {
            return Err(DataError::Palette {
                file: path.display().to_string(),
            })
        }
    };
    let mut out = vec![0.0; channels * h * w];
    for i in 0..h * w {
        for c in 0..channels {
            out[c * h * w + i] = buf[i * step + c] as f32 / 255.0 - 0.25;
        }
    }
    Ok((vec![channels, h, w], out))
}

/// Split a loaded set into training and validation parts (the last `val_share` of a
/// seeded shuffle is validation).
pub fn split(data: Dataset, val_share: f32, seed: u64) -> (Dataset, Dataset) {
    use rand::seq::SliceRandom;
    let n = data.len();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.shuffle(&mut StdRng::seed_from_u64(seed));
    let n_val =
        ((n as f32 * val_share).round() as usize).clamp(1.min(n), n.saturating_sub(1).max(1));
    let (val_idx, train_idx) = idx.split_at(n_val.min(n));
    let part = |ids: &[usize]| {
        let mut d = Dataset {
            x: Vec::new(),
            y: Vec::new(),
            sample_shape: data.sample_shape.clone(),
            classes: data.classes,
        };
        data.gather(ids, &mut d.x, &mut d.y);
        d
    };
    (part(train_idx), part(val_idx))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGE: InputFamily = InputFamily::Image {
        channels: 3,
        height: 40,
        width: 40,
    };
    const VECTOR: InputFamily = InputFamily::Vector { features: 4 };

    #[test]
    fn deterministic_and_shaped() {
        let cfg = DataConfig {
            train_size: 50,
            val_size: 20,
            ..Default::default()
        };
        let (a, va) = generate(&IMAGE, 10, &cfg).unwrap();
        let (b, _) = generate(&IMAGE, 10, &cfg).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.x.len(), 50 * 3 * 40 * 40);
        assert_eq!(va.len(), 20);
        assert!(a.y.iter().all(|y| *y < 10));
        let c = DataConfig { seed: 2, ..cfg };
        assert_ne!(generate(&IMAGE, 10, &c).unwrap().0, a);
    }

    #[test]
    fn flaws_are_applied() {
        let base = DataConfig {
            train_size: 2000,
            val_size: 10,
            pixel_noise: 0.0,
            ..Default::default()
        };
        // Imbalance: the last class far rarer than the first.
        let (t, _) = generate(
            &VECTOR,
            5,
            &DataConfig {
                imbalance: 0.05,
                ..base.clone()
            },
        )
        .unwrap();
        let counts = t.class_counts();
        assert!(counts[0] > 8 * counts[4], "{counts:?}");
        // Duplication: half of the samples repeat others.
        let (t, _) = generate(
            &VECTOR,
            5,
            &DataConfig {
                duplication: 0.5,
                ..base.clone()
            },
        )
        .unwrap();
        let mut rows: Vec<Vec<u32>> =
            t.x.chunks(4)
                .map(|r| r.iter().map(|v| v.to_bits()).collect())
                .collect();
        rows.sort();
        rows.dedup();
        assert_eq!(rows.len(), 1000);
        // Label noise changes labels but not inputs.
        let (clean, _) = generate(&VECTOR, 5, &base).unwrap();
        let (noisy, _) = generate(
            &VECTOR,
            5,
            &DataConfig {
                label_noise: 0.3,
                ..base
            },
        )
        .unwrap();
        assert_eq!(clean.x, noisy.x);
        let changed = clean.y.iter().zip(&noisy.y).filter(|(a, b)| a != b).count();
        assert!((450..750).contains(&changed), "{changed}");
    }

    #[test]
    fn refuses_what_it_cannot_make() {
        assert!(generate(
            &InputFamily::Vector { features: 22 },
            1,
            &DataConfig::default()
        )
        .is_err());
        assert!(generate(
            &InputFamily::Image {
                channels: 3,
                height: 8,
                width: 8
            },
            11,
            &DataConfig::default()
        )
        .is_err());
    }
}
