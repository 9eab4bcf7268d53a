//! Shape and size arithmetic done before anything is allocated.
//!
//! `plan` follows PyTorch's documented shape formulas layer by layer. It refuses a model
//! whose weights or activations would exceed the memory budget, and explains a shape that
//! does not fit in words a student can learn from. The real shapes come from candle's
//! forward pass (`engine`); this is the pre-flight check that keeps absurd input harmless.

use crate::core::i18n::Lang;
use crate::core::shape::Shape;
use crate::core::spec::{LayerKind, LayerSpec, ModelSpec};
use std::fmt;

/// Default memory budget for one model and its activations: 512 MiB.
pub const DEFAULT_BUDGET_BYTES: u64 = 512 * 1024 * 1024;
const F32_BYTES: u64 = 4;

/// What the arithmetic predicts for one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedLayer {
    /// Output shape of one sample (no batch dimension).
    pub out: Shape,
    /// Trainable parameters PyTorch's formulas predict (used for the budget only:
    /// the reported counts are read from candle's tensors).
    pub params: u64,
    /// Non-trainable buffers (BatchNorm running statistics).
    pub buffers: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub input: Shape,
    pub batch: usize,
    pub layers: Vec<PlannedLayer>,
    pub param_bytes: u64,
    pub activation_bytes: u64,
}

/// Why a model cannot run on an input.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// A layer receives a shape it cannot take.
    Mismatch(Box<Mismatch>),
    /// Running it would need more memory than the budget allows.
    OverBudget {
        what: String,
        needed: Option<u64>,
        budget: u64,
    },
}

/// A shape that does not fit, told as teaching material.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// 1-based position in `forward`.
    pub position: usize,
    /// `conv2`, `x.view(-1, 1000)`, `F.max_pool2d`.
    pub label: String,
    /// `Conv2d`, `View`.
    pub type_name: String,
    /// The shape of one sample reaching the layer.
    pub incoming: Shape,
    /// The layers that produced `incoming`, e.g. `conv2 → F.relu → F.max_pool2d`
    /// (empty when it is the model's input).
    pub origin: String,
    /// The model's input that was tried.
    pub input: Shape,
    /// What the layer needed.
    pub need: Need,
}

/// What a layer needed and did not get.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// A C x H x W sample, for a convolution, a pooling or a batch norm.
    Image {
        op: &'static str,
    },
    Channels {
        expected: usize,
        got: usize,
        from_layer: String,
    },
    KernelFits {
        kernel: usize,
        padding: usize,
    },
    PoolFits {
        kernel: usize,
    },
    /// A Linear layer's `in_features` against the last dimension.
    Features {
        expected: usize,
        last: usize,
        multi_dim: bool,
    },
    /// `x.view(-1, n)` against the per-sample element count.
    View {
        n: u64,
        per_sample: u64,
    },
    SoftmaxDim {
        dim: i64,
        rank: i64,
    },
}

impl Mismatch {
    /// The explanation in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let x = &self.incoming;
        let fr = lang == Lang::fr();
        let (needed, got, why): (String, String, String) = match &self.need {
            Need::Image { op } => (
                lang.t("a sample of shape channels x height x width (3 dimensions)", "un échantillon de forme canaux x hauteur x largeur (3 dimensions)").into(),
                format!("{x} ({})", dims_word(x.dims().len())),
                if fr {
                    format!("{op} parcourt une image : donnez l'entrée sous la forme C x H x W, par exemple 3x40x40.")
                } else {
                    format!("{op} slides over an image: give the input as C x H x W, e.g. 3x40x40.")
                },
            ),
            Need::Channels { expected, got, from_layer } => (
                if fr { format!("{expected} canaux en entrée") } else { format!("{expected} input channels") },
                if fr { format!("{got} canal{} ({x})", if *got == 1 { "" } else { "aux" }) } else { format!("{got} channel{} ({x})", plural(*got)) },
                if fr {
                    format!("La première dimension d'un échantillon est celle des canaux : {from_layer} a été construit avec in_channels={expected}.")
                } else {
                    format!("The first dimension of a sample is its channels: {from_layer} was built with in_channels={expected}.")
                },
            ),
            Need::KernelFits { kernel, padding } => {
                let min = kernel.saturating_sub(2 * padding).max(1);
                (
                    if fr {
                        format!("une hauteur et une largeur d'au moins {min} (noyau {kernel} moins deux fois le padding {padding})")
                    } else {
                        format!("height and width of at least {min} (kernel {kernel} minus twice the padding {padding})")
                    },
                    describe(x),
                    lang.t("The kernel does not fit inside the padded image.", "Le noyau ne tient pas dans l'image complétée par le padding.").into(),
                )
            }
            Need::PoolFits { kernel } => (
                if fr { format!("une hauteur et une largeur d'au moins {kernel}") } else { format!("height and width of at least {kernel}") },
                describe(x),
                if fr {
                    format!("Une fenêtre de pooling {kernel}x{kernel} ne tient pas dans l'image.")
                } else {
                    format!("A pooling window of {kernel}x{kernel} does not fit in the image.")
                },
            ),
            Need::Features { expected, last, multi_dim } => (
                if fr { format!("{expected} valeurs par échantillon") } else { format!("{expected} features per sample") },
                match (multi_dim, fr) {
                    (true, false) => format!("{} (last dimension {last})", describe(x)),
                    (true, true) => format!("{} (dernière dimension {last})", describe(x)),
                    (false, false) => format!("{last} features"),
                    (false, true) => format!("{last} valeurs"),
                },
                match (multi_dim, fr) {
                    (true, false) => format!("A Linear layer acts on the last dimension only: flatten the sample first (x.view(-1, {expected}) or torch.flatten(x, 1))."),
                    (true, true) => format!("Une couche Linear n'agit que sur la dernière dimension : aplatissez d'abord l'échantillon (x.view(-1, {expected}) ou torch.flatten(x, 1))."),
                    _ => String::new(),
                },
            ),
            Need::View { n, per_sample } => {
                let (n, p) = (*n, *per_sample);
                let why = if p > n && p.is_multiple_of(n) {
                    if fr {
                        format!("PyTorch ne dirait rien : il couperait chaque échantillon en {} lignes, le batch n'aurait plus une ligne par échantillon et les sorties des échantillons seraient mélangées.", p / n)
                    } else {
                        format!("PyTorch would not complain: it would cut each sample into {} rows, so the batch would no longer hold one row per sample and samples' outputs would be mixed up.", p / n)
                    }
                } else if p < n && n.is_multiple_of(p) {
                    if fr {
                        format!("Le view de PyTorch ne passerait qu'avec un batch dont la taille est un multiple de {k}, et chaque ligne collerait alors {k} échantillons ensemble.", k = n / p)
                    } else {
                        format!("PyTorch's view would only run on a batch whose size is a multiple of {k}, and each row would then glue {k} samples together.", k = n / p)
                    }
                } else if fr {
                    format!("{p} n'est pas un multiple de {n} : le view de PyTorch échoue.")
                } else {
                    format!("{p} is not a multiple of {n}, so PyTorch's view fails.")
                };
                (
                    if fr { format!("{n} valeurs par échantillon") } else { format!("{n} features per sample") },
                    describe(x),
                    why,
                )
            }
            Need::SoftmaxDim { dim, rank } => (
                if fr { format!("une dimension entre {} et {}", -rank, rank - 1) } else { format!("a dimension between {} and {}", -rank, rank - 1) },
                format!("dim={dim} (N x {x})"),
                String::new(),
            ),
        };
        let mut out = if fr {
            format!(
                "La couche {} ({}, {}) attend {needed}, mais ",
                self.position, self.label, self.type_name
            )
        } else {
            format!(
                "Layer {} ({}, {}) needs {needed}, but ",
                self.position, self.label, self.type_name
            )
        };
        out += &match (self.origin.is_empty(), fr) {
            (true, false) => format!("the input is {got}."),
            (true, true) => format!("l'entrée est {got}."),
            (false, false) => format!("{} gives {got} for the input {}.", self.origin, self.input),
            (false, true) => format!("{} donne {got} pour l'entrée {}.", self.origin, self.input),
        };
        if !why.is_empty() {
            out += " ";
            out += &why;
        }
        out
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl PlanError {
    /// The explanation in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            PlanError::Mismatch(m) => m.render(lang),
            PlanError::OverBudget {
                what,
                needed,
                budget,
            } => {
                let need = match (needed, lang.pick()) {
                    (Some(n), _) => format_bytes(*n),
                    (None, crate::core::i18n::Pick::En) => {
                        "more memory than a machine has".to_string()
                    }
                    (None, crate::core::i18n::Pick::Fr) => {
                        "plus de mémoire qu'une machine n'en a".to_string()
                    }
                };
                match lang.pick() {
                    crate::core::i18n::Pick::En => format!(
                        "Refused before allocating anything: {what} would need {need}, over the memory \
                         budget of {}. Use smaller layers or a smaller input (or raise the budget with \
                         --memory-budget).",
                        format_bytes(*budget)
                    ),
                    crate::core::i18n::Pick::Fr => format!(
                        "Refusé avant toute allocation : {what} demanderait {need}, au-delà du budget \
                         mémoire de {}. Utilisez des couches ou une entrée plus petites (ou relevez le \
                         budget avec --memory-budget).",
                        format_bytes(*budget)
                    ),
                }
            }
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for PlanError {}

/// `1.2 MiB`, `512.0 KiB`, `300 B`.
pub fn format_bytes(n: u64) -> String {
    const K: f64 = 1024.0;
    let x = n as f64;
    if x >= K * K * K {
        format!("{:.1} GiB", x / (K * K * K))
    } else if x >= K * K {
        format!("{:.1} MiB", x / (K * K))
    } else if x >= K {
        format!("{:.1} KiB", x / K)
    } else {
        format!("{n} B")
    }
}

fn describe(s: &Shape) -> String {
    match s.elements() {
        Some(n) if s.dims().len() > 1 => format!("{s} = {n}"),
        _ => s.to_string(),
    }
}

/// "1 dimension", "3 dimensions": the same words in English and French.
fn dims_word(n: usize) -> String {
    if n == 1 {
        "1 dimension".into()
    } else {
        format!("{n} dimensions")
    }
}

/// Trainable parameters and buffers of a layer by PyTorch's formulas (checked arithmetic).
fn expected_sizes(kind: &LayerKind) -> Option<(u64, u64)> {
    let m = |a: usize, b: usize| (a as u64).checked_mul(b as u64);
    Some(match kind {
        LayerKind::Conv2d {
            in_channels,
            out_channels,
            kernel,
            bias,
            ..
        } => {
            let w = m(*out_channels, *in_channels)?.checked_mul(m(*kernel, *kernel)?)?;
            (
                w.checked_add(if *bias { *out_channels as u64 } else { 0 })?,
                0,
            )
        }
        LayerKind::Linear {
            in_features,
            out_features,
            bias,
        } => {
            let w = m(*out_features, *in_features)?;
            (
                w.checked_add(if *bias { *out_features as u64 } else { 0 })?,
                0,
            )
        }
        LayerKind::BatchNorm2d { features } => (2 * *features as u64, 2 * *features as u64),
        _ => (0, 0),
    })
}

/// Plan a forward pass of `batch` samples of shape `input` through `spec`.
pub fn plan(spec: &ModelSpec, input: &Shape, batch: usize, budget: u64) -> Result<Plan, PlanError> {
    let over = |what: String, needed: Option<u64>| PlanError::OverBudget {
        what,
        needed,
        budget,
    };
    // Weights first: a model too big is refused whatever the input.
    let mut total_params: u64 = 0;
    for l in &spec.layers {
        let (p, b) =
            expected_sizes(&l.layer).ok_or_else(|| over(format!("layer {}", l.label()), None))?;
        total_params = total_params
            .checked_add(p)
            .and_then(|t| t.checked_add(b))
            .ok_or_else(|| over("the model's weights".into(), None))?;
    }
    let param_bytes = total_params.checked_mul(F32_BYTES);
    match param_bytes {
        Some(b) if b <= budget => {}
        other => return Err(over(format!("the weights of `{}`", spec.id), other)),
    }
    let param_bytes = param_bytes.unwrap_or(u64::MAX);

    let input_elems = input.elements().unwrap_or(u64::MAX);
    let mut activation_elems: u64 = input_elems;
    let mut layers = Vec::with_capacity(spec.layers.len());
    let mut current = input.clone();
    let mut origin: Vec<String> = Vec::new();
    for (i, l) in spec.layers.iter().enumerate() {
        let out = layer_output(l, &current).map_err(|need| {
            PlanError::Mismatch(Box::new(Mismatch {
                position: i + 1,
                label: l.label(),
                type_name: l.layer.type_name().into(),
                incoming: current.clone(),
                origin: origin.join(" → "),
                input: input.clone(),
                need,
            }))
        })?;
        let elems = out
            .elements()
            .ok_or_else(|| over(format!("the output of {}", l.label()), None))?;
        activation_elems = activation_elems
            .checked_add(elems)
            .ok_or_else(|| over("the activations".into(), None))?;
        let act_bytes = activation_elems
            .checked_mul(batch as u64)
            .and_then(|e| e.checked_mul(F32_BYTES));
        let total = act_bytes.and_then(|a| a.checked_add(param_bytes));
        match total {
            Some(t) if t <= budget => {}
            other => {
                return Err(over(
                    format!(
                        "a batch of {batch} through `{}` up to {} (output {})",
                        spec.id,
                        l.label(),
                        out
                    ),
                    other,
                ))
            }
        }
        // A convolution's kernels also need a working buffer per compute thread: the
        // zero-bordered input and output, or the im2col columns.
        if let Some(work) = conv_workspace(&l.layer, &current, &out) {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let total = work
                .checked_mul(batch.min(threads) as u64)
                .and_then(|e| e.checked_mul(F32_BYTES))
                .and_then(|w| w.checked_add(act_bytes?))
                .and_then(|t| t.checked_add(param_bytes));
            match total {
                Some(t) if t <= budget => {}
                other => {
                    return Err(over(
                        format!(
                            "a batch of {batch} through `{}` up to {} (with its padded working buffers)",
                            spec.id,
                            l.label()
                        ),
                        other,
                    ))
                }
            }
        }
        let (params, buffers) = expected_sizes(&l.layer).unwrap_or((0, 0));
        // The origin chain restarts at each layer with weights, so messages name the
        // nearest meaningful producer ("conv2 → F.relu → F.max_pool2d").
        if l.layer.has_weights() {
            origin.clear();
        }
        origin.push(l.label());
        layers.push(PlannedLayer {
            out: out.clone(),
            params,
            buffers,
        });
        current = out;
    }
    let activation_bytes = activation_elems * batch as u64 * F32_BYTES;
    Ok(Plan {
        input: input.clone(),
        batch,
        layers,
        param_bytes,
        activation_bytes,
    })
}

/// Elements of the working buffer one thread needs for a convolution's sample (the
/// larger of the direct kernels' bordered input and output, and the im2col columns).
fn conv_workspace(layer: &LayerKind, input: &Shape, output: &Shape) -> Option<u64> {
    let LayerKind::Conv2d {
        kernel, padding, ..
    } = layer
    else {
        return None;
    };
    let (&[c, h, w], &[o, oh, ow]) = (input.dims(), output.dims()) else {
        return None;
    };
    let [c, h, w, o, oh, ow, k, p] = [c, h, w, o, oh, ow, *kernel, *padding].map(|v| v as u64);
    // Saturating: a size past u64 is refused as over the budget, not skipped.
    let wp = w.saturating_add(p.saturating_mul(2));
    let hp = h.saturating_add(p.saturating_mul(2));
    let direct = c
        .saturating_mul(hp)
        .saturating_mul(wp)
        .saturating_add(o.saturating_mul(oh).saturating_mul(wp));
    let columns = c
        .saturating_mul(k)
        .saturating_mul(k)
        .saturating_mul(oh)
        .saturating_mul(ow);
    Some(direct.max(columns))
}

/// Output shape of one sample through one layer, or what the layer needed.
fn layer_output(l: &LayerSpec, x: &Shape) -> Result<Shape, Need> {
    let d = x.dims();
    match &l.layer {
        LayerKind::Conv2d {
            in_channels,
            out_channels,
            kernel,
            stride,
            padding,
            ..
        } => {
            let (c, h, w) = image_dims(d, "Conv2d")?;
            if c != *in_channels {
                return Err(Need::Channels {
                    expected: *in_channels,
                    got: c,
                    from_layer: l.label(),
                });
            }
            match (
                conv_len(h, *kernel, *stride, *padding),
                conv_len(w, *kernel, *stride, *padding),
            ) {
                (Some(oh), Some(ow)) => Ok(Shape(vec![*out_channels, oh, ow])),
                _ => Err(Need::KernelFits {
                    kernel: *kernel,
                    padding: *padding,
                }),
            }
        }
        LayerKind::MaxPool2d { kernel, stride } | LayerKind::AvgPool2d { kernel, stride } => {
            let (c, h, w) = image_dims(d, l.layer.type_name())?;
            let s = stride.unwrap_or(*kernel);
            match (conv_len(h, *kernel, s, 0), conv_len(w, *kernel, s, 0)) {
                (Some(oh), Some(ow)) => Ok(Shape(vec![c, oh, ow])),
                _ => Err(Need::PoolFits { kernel: *kernel }),
            }
        }
        LayerKind::BatchNorm2d { features } => {
            let (c, _, _) = image_dims(d, "BatchNorm2d")?;
            if c != *features {
                return Err(Need::Channels {
                    expected: *features,
                    got: c,
                    from_layer: l.label(),
                });
            }
            Ok(x.clone())
        }
        LayerKind::Linear {
            in_features,
            out_features,
            ..
        } => {
            let last = *d.last().unwrap_or(&0);
            if last != *in_features {
                return Err(Need::Features {
                    expected: *in_features,
                    last,
                    multi_dim: d.len() > 1,
                });
            }
            let mut out = d.to_vec();
            *out.last_mut().expect("non-empty") = *out_features;
            Ok(Shape(out))
        }
        LayerKind::View(_, n) => {
            let n = *n as u64;
            let per_sample = x.elements().unwrap_or(u64::MAX);
            if per_sample == n {
                Ok(Shape(vec![n as usize]))
            } else {
                Err(Need::View { n, per_sample })
            }
        }
        LayerKind::Flatten => Ok(Shape(vec![x.elements().unwrap_or(u64::MAX) as usize])),
        LayerKind::Softmax { dim } => {
            // dim counts the batch dimension, as in PyTorch.
            let rank = d.len() as i64 + 1;
            if *dim < -rank || *dim >= rank {
                return Err(Need::SoftmaxDim { dim: *dim, rank });
            }
            Ok(x.clone())
        }
        LayerKind::ReLU | LayerKind::Sigmoid | LayerKind::Tanh | LayerKind::Dropout { .. } => {
            Ok(x.clone())
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn image_dims(d: &[usize], op: &'static str) -> Result<(usize, usize, usize), Need> {
    match d {
        [c, h, w] => Ok((*c, *h, *w)),
        _ => Err(Need::Image { op }),
    }
}

/// PyTorch's formula: floor((n + 2p - k) / s) + 1, or `None` when the kernel does not fit.
fn conv_len(n: usize, k: usize, s: usize, p: usize) -> Option<usize> {
    let padded = n.checked_add(p.checked_mul(2)?)?;
    if padded < k || s == 0 {
        return None;
    }
    Some((padded - k) / s + 1)
}
