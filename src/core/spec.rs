//! The architecture spec: a model described once, as data (RON), with PyTorch's semantics.
//!
//! The same spec renders the PyTorch code shown to the student (`codegen`) and is
//! instantiated by candle (`engine`): one source of truth.

use serde::{Deserialize, Serialize};

/// A named model: the input shape of one sample and an ordered list of layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Identifier used by packs and `--model`.
    pub id: String,
    /// The Python class name shown in the rendered code (`CNN`).
    #[serde(default = "default_class_name")]
    pub class_name: String,
    /// Shape of one sample, without the batch dimension (`[3, 40, 40]`).
    pub input: Vec<usize>,
    pub layers: Vec<LayerSpec>,
}

fn default_class_name() -> String {
    "Net".to_string()
}

/// One step of `forward`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSpec {
    /// Attribute name when the code holds the layer as a module (`self.conv1`).
    /// `None` means the code calls it functionally (`F.relu(x)`, `x.view(...)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub layer: LayerKind,
    /// Rendered wrapped around the previous line's expression: `x = F.relu(self.fc1(x))`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inline: bool,
}

/// Layer kinds with PyTorch's arguments and defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LayerKind {
    Conv2d {
        #[serde(rename = "in")]
        in_channels: usize,
        #[serde(rename = "out")]
        out_channels: usize,
        kernel: usize,
        #[serde(default = "one")]
        stride: usize,
        #[serde(default)]
        padding: usize,
        #[serde(default = "yes")]
        bias: bool,
    },
    Linear {
        #[serde(rename = "in")]
        in_features: usize,
        #[serde(rename = "out")]
        out_features: usize,
        #[serde(default = "yes")]
        bias: bool,
    },
    ReLU,
    Sigmoid,
    Tanh,
    Softmax {
        #[serde(default = "minus_one")]
        dim: i64,
    },
    MaxPool2d {
        kernel: usize,
        /// PyTorch's default stride is the kernel size.
        #[serde(default)]
        stride: Option<usize>,
    },
    AvgPool2d {
        kernel: usize,
        #[serde(default)]
        stride: Option<usize>,
    },
    /// `torch.flatten(x, 1)` / `nn.Flatten()`: keeps the batch dimension.
    Flatten,
    /// `x.view(-1, N)`: the first argument must be -1.
    View(i64, i64),
    Dropout {
        #[serde(default = "half")]
        p: f64,
    },
    BatchNorm2d {
        features: usize,
    },
}

fn one() -> usize {
    1
}
fn yes() -> bool {
    true
}
fn minus_one() -> i64 {
    -1
}
fn half() -> f64 {
    0.5
}

impl LayerKind {
    /// The PyTorch type name (`Conv2d`, `MaxPool2d`, `View`).
    pub fn type_name(&self) -> &'static str {
        match self {
            LayerKind::Conv2d { .. } => "Conv2d",
            LayerKind::Linear { .. } => "Linear",
            LayerKind::ReLU => "ReLU",
            LayerKind::Sigmoid => "Sigmoid",
            LayerKind::Tanh => "Tanh",
            LayerKind::Softmax { .. } => "Softmax",
            LayerKind::MaxPool2d { .. } => "MaxPool2d",
            LayerKind::AvgPool2d { .. } => "AvgPool2d",
            LayerKind::Flatten => "Flatten",
            LayerKind::View(..) => "View",
            LayerKind::Dropout { .. } => "Dropout",
            LayerKind::BatchNorm2d { .. } => "BatchNorm2d",
        }
    }

    /// Whether the layer owns weights; such a layer must be held as a named module.
    pub fn has_weights(&self) -> bool {
        matches!(
            self,
            LayerKind::Conv2d { .. } | LayerKind::Linear { .. } | LayerKind::BatchNorm2d { .. }
        )
    }

    /// The constructor as PyTorch code: `nn.Conv2d(3, 10, kernel_size=3, padding=1)`.
    pub fn module_expr(&self) -> String {
        match self {
            LayerKind::Conv2d {
                in_channels,
                out_channels,
                kernel,
                stride,
                padding,
                bias,
            } => {
                let mut s =
                    format!("nn.Conv2d({in_channels}, {out_channels}, kernel_size={kernel}");
                if *stride != 1 {
                    s += &format!(", stride={stride}");
                }
                if *padding != 0 {
                    s += &format!(", padding={padding}");
                }
                if !bias {
                    s += ", bias=False";
                }
                s + ")"
            }
            LayerKind::Linear {
                in_features,
                out_features,
                bias,
            } => {
                let b = if *bias { "" } else { ", bias=False" };
                format!("nn.Linear({in_features}, {out_features}{b})")
            }
            LayerKind::ReLU => "nn.ReLU()".into(),
            LayerKind::Sigmoid => "nn.Sigmoid()".into(),
            LayerKind::Tanh => "nn.Tanh()".into(),
            LayerKind::Softmax { dim } => format!("nn.Softmax(dim={dim})"),
            LayerKind::MaxPool2d { kernel, stride } => pool_expr("nn.MaxPool2d", *kernel, *stride),
            LayerKind::AvgPool2d { kernel, stride } => pool_expr("nn.AvgPool2d", *kernel, *stride),
            LayerKind::Flatten => "nn.Flatten()".into(),
            LayerKind::View(a, b) => format!("View({a}, {b})"),
            LayerKind::Dropout { p } => format!("nn.Dropout(p={p})"),
            LayerKind::BatchNorm2d { features } => format!("nn.BatchNorm2d({features})"),
        }
    }

    /// The functional call applied to `arg`: `F.max_pool2d(x, 2)`, `x.view(-1, 1000)`.
    pub fn functional_expr(&self, arg: &str) -> String {
        match self {
            LayerKind::ReLU => format!("F.relu({arg})"),
            LayerKind::Sigmoid => format!("torch.sigmoid({arg})"),
            LayerKind::Tanh => format!("torch.tanh({arg})"),
            LayerKind::Softmax { dim } => format!("F.softmax({arg}, dim={dim})"),
            LayerKind::MaxPool2d { kernel, stride } => {
                pool_call("F.max_pool2d", arg, *kernel, *stride)
            }
            LayerKind::AvgPool2d { kernel, stride } => {
                pool_call("F.avg_pool2d", arg, *kernel, *stride)
            }
            LayerKind::Flatten => format!("torch.flatten({arg}, 1)"),
            LayerKind::View(a, b) => format!("{arg}.view({a}, {b})"),
            LayerKind::Dropout { p } => format!("F.dropout({arg}, p={p}, training=self.training)"),
            // Layers with weights are never functional (validation refuses it).
            other => format!("{}({arg})", other.type_name()),
        }
    }
}

fn pool_expr(ctor: &str, kernel: usize, stride: Option<usize>) -> String {
    match stride {
        Some(s) if s != kernel => format!("{ctor}({kernel}, stride={s})"),
        _ => format!("{ctor}({kernel})"),
    }
}

fn pool_call(f: &str, arg: &str, kernel: usize, stride: Option<usize>) -> String {
    match stride {
        Some(s) if s != kernel => format!("{f}({arg}, {kernel}, stride={s})"),
        _ => format!("{f}({arg}, {kernel})"),
    }
}

impl LayerSpec {
    /// How the layer reads in messages and tables: `conv1`, `F.relu`, `x.view(-1, 1000)`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => match &self.layer {
                LayerKind::View(a, b) => format!("x.view({a}, {b})"),
                LayerKind::Flatten => "torch.flatten".into(),
                other => {
                    let e = other.functional_expr("x");
                    e.split('(').next().unwrap_or("").to_string()
                }
            },
        }
    }
}

/// A defect of a spec found without running it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("model `{model}`: {message}")]
pub struct SpecError {
    pub model: String,
    pub message: String,
}

impl ModelSpec {
    /// Static checks: names, arguments in range. Shapes are checked by `plan`.
    pub fn validate(&self) -> Result<(), SpecError> {
        let err = |message: String| SpecError {
            model: self.id.clone(),
            message,
        };
        if self.id.trim().is_empty() {
            return Err(err("the model id is empty".into()));
        }
        if self.input.is_empty() || self.input.len() > 3 {
            return Err(err(format!(
                "input must have 1 to 3 dimensions per sample (got {})",
                self.input.len()
            )));
        }
        if self.input.contains(&0) {
            return Err(err("input dimensions must be at least 1".into()));
        }
        if self.layers.is_empty() {
            return Err(err("the model has no layers".into()));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, l) in self.layers.iter().enumerate() {
            let at = format!("layer {} ({})", i + 1, l.layer.type_name());
            if let Some(n) = &l.name {
                let ok = n
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ok {
                    return Err(err(format!(
                        "{at}: `{n}` is not a valid Python attribute name"
                    )));
                }
                if !seen.insert(n.clone()) {
                    return Err(err(format!("{at}: the name `{n}` is used twice")));
                }
            } else if l.layer.has_weights() {
                return Err(err(format!(
                    "{at} has weights, so the code must hold it as a module: give it a name (e.g. name: \"conv1\")"
                )));
            }
            if l.inline && i == 0 {
                return Err(err(format!("{at}: the first layer cannot be inline")));
            }
            match &l.layer {
                LayerKind::Conv2d {
                    in_channels,
                    out_channels,
                    kernel,
                    stride,
                    ..
                } => {
                    if *in_channels == 0 || *out_channels == 0 || *kernel == 0 || *stride == 0 {
                        return Err(err(format!(
                            "{at}: channels, kernel and stride must be at least 1"
                        )));
                    }
                }
                LayerKind::Linear {
                    in_features,
                    out_features,
                    ..
                } => {
                    if *in_features == 0 || *out_features == 0 {
                        return Err(err(format!("{at}: features must be at least 1")));
                    }
                }
                LayerKind::MaxPool2d { kernel, stride }
                | LayerKind::AvgPool2d { kernel, stride } => {
                    if *kernel == 0 || *stride == Some(0) {
                        return Err(err(format!("{at}: kernel and stride must be at least 1")));
                    }
                }
                LayerKind::View(a, b) => {
                    if *a != -1 || *b < 1 {
                        return Err(err(format!(
                            "{at}: only x.view(-1, N) with N ≥ 1 is supported (got view({a}, {b}))"
                        )));
                    }
                }
                LayerKind::Dropout { p } => {
                    if !(0.0..1.0).contains(p) {
                        return Err(err(format!("{at}: dropout p must be in [0, 1) (got {p})")));
                    }
                }
                LayerKind::BatchNorm2d { features } => {
                    if *features == 0 {
                        return Err(err(format!("{at}: features must be at least 1")));
                    }
                }
                LayerKind::Softmax { .. }
                | LayerKind::ReLU
                | LayerKind::Sigmoid
                | LayerKind::Tanh
                | LayerKind::Flatten => {}
            }
        }
        Ok(())
    }
}

/// The exam's CNN (question 4), embedded in the binary.
pub const EXAM_CNN_RON: &str = include_str!("../../assets/models/exam_cnn.ron");
/// The exam's perceptron `nn.Linear(22, 1)` (question 3).
pub const PERCEPTRON_RON: &str = include_str!("../../assets/models/perceptron.ron");

/// The models built into the binary.
pub fn builtin_models() -> Vec<ModelSpec> {
    [EXAM_CNN_RON, PERCEPTRON_RON]
        .iter()
        .map(|s| parse_model(s).expect("built-in model specs parse (tested)"))
        .collect()
}

/// RON options shared by every file teachers write: `name: "conv1"` without `Some(...)`.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Parse one model spec from RON text.
pub fn parse_model(text: &str) -> Result<ModelSpec, ron::error::SpannedError> {
    ron_options().from_str(text)
}
