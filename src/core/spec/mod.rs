//! The architecture spec: a model described once, as data (RON), with PyTorch's semantics.
//!
//! The same spec renders the PyTorch code shown to the student (`codegen`) and is
//! instantiated by candle (`engine`): one source of truth.
//!
//! Each layer kind's facts live together, in one file per family (`conv`, `linear`, `pool`,
//! `norm`, `activation`, `reshape`, `dropout`): its PyTorch code, argument checks, shape
//! rule, parameter and buffer counts, working memory and mult-adds, as one [`LayerFacts`]
//! implementation. [`LayerKind::facts`] is the one match that maps a kind to its facts;
//! candle's instantiation is the engine's one match (`engine::Network::with_dtype`).

mod activation;
mod args;
mod attention;
mod conv;
mod dims;
mod dropout;
mod error;
mod graph;
mod layers_rule;
mod linear;
mod need;
mod norm;
mod pool;
mod reshape;
mod rule;
mod seq;

pub use args::{Padding, Pair};
pub use attention::{AttentionNeed, AttentionProblem, EncoderLayer, FfActivation};
pub(crate) use error::count;
pub use error::{LayerAt, SpecError, SpecProblem};
pub use graph::{
    combine, lower, lower_or_chain, Combine, Graph, GraphNeed, GraphProblem, Inputs, ModuleSpec,
    Node, MAX_NODES,
};
pub use layers_rule::{LayersNeed, LayersProblem};
pub use need::Need;
pub use norm::NormShape;
pub use pool::pool_len;
pub use rule::{ZooNeed, ZooProblem};
pub use seq::Cell as RecurrentCell;
pub use seq::{returns_of, Nonlinearity, RecurrentProblem, Returns};

use crate::core::shape::Shape;
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
    /// Sub-module classes (`BasicBlock`), each usable as `Module("BasicBlock")` by the
    /// model and by the classes defined after it; rendered before the model's class.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<ModuleSpec>,
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
    /// The tensors read (`"x"`, `["out", "identity"]`); by default the previous layer's
    /// output (the model's input `x` for the first layer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Inputs>,
    /// The name the output is written under (`out = self.conv1(x)`); by default the name of
    /// the previous layer's output, so a chain stays `x = ...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Layer kinds with PyTorch's arguments and defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum LayerKind {
    /// `nn.Conv2d`: `kernel`, `stride`, `padding`, `dilation` are `3` or `(3, 5)`;
    /// `padding` may also be `"same"` (stride 1) or `"valid"`.
    Conv2d {
        #[serde(rename = "in")]
        in_channels: usize,
        #[serde(rename = "out")]
        out_channels: usize,
        kernel: Pair,
        #[serde(default = "args::one")]
        stride: Pair,
        #[serde(default)]
        padding: Padding,
        #[serde(default = "args::one")]
        dilation: Pair,
        #[serde(default = "args::one_usize")]
        groups: usize,
        #[serde(default = "yes")]
        bias: bool,
    },
    /// `nn.Conv1d` over a C x L sample: Conv2d's arguments, one number each.
    Conv1d {
        #[serde(rename = "in")]
        in_channels: usize,
        #[serde(rename = "out")]
        out_channels: usize,
        kernel: Pair,
        #[serde(default = "args::one")]
        stride: Pair,
        #[serde(default)]
        padding: Padding,
        #[serde(default = "args::one")]
        dilation: Pair,
        #[serde(default = "args::one_usize")]
        groups: usize,
        #[serde(default = "yes")]
        bias: bool,
    },
    /// `nn.ConvTranspose2d`: H_out = (H − 1)·s − 2p + d·(k − 1) + output_padding + 1.
    ConvTranspose2d {
        #[serde(rename = "in")]
        in_channels: usize,
        #[serde(rename = "out")]
        out_channels: usize,
        kernel: Pair,
        #[serde(default = "args::one")]
        stride: Pair,
        #[serde(default = "args::zero")]
        padding: Pair,
        #[serde(default = "args::zero")]
        output_padding: Pair,
        #[serde(default = "args::one_usize")]
        groups: usize,
        #[serde(default = "yes")]
        bias: bool,
        #[serde(default = "args::one")]
        dilation: Pair,
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
    /// `nn.GELU()`: PyTorch's default, the exact (erf) form.
    GELU,
    /// `nn.SiLU()`: x·sigmoid(x).
    SiLU,
    LeakyReLU {
        #[serde(default = "leaky_slope")]
        negative_slope: f64,
    },
    ELU {
        #[serde(default = "one_f")]
        alpha: f64,
    },
    Softmax {
        #[serde(default = "minus_one")]
        dim: i64,
    },
    MaxPool2d {
        kernel: Pair,
        /// PyTorch's default stride is the kernel size.
        #[serde(default)]
        stride: Option<Pair>,
        #[serde(default = "args::zero")]
        padding: Pair,
        #[serde(default)]
        ceil_mode: bool,
    },
    AvgPool2d {
        kernel: Pair,
        #[serde(default)]
        stride: Option<Pair>,
        #[serde(default = "args::zero")]
        padding: Pair,
        #[serde(default)]
        ceil_mode: bool,
        /// Whether the padding's zeros count in each mean (PyTorch's default: true).
        #[serde(default = "yes")]
        count_include_pad: bool,
    },
    MaxPool1d {
        kernel: Pair,
        #[serde(default)]
        stride: Option<Pair>,
        #[serde(default = "args::zero")]
        padding: Pair,
        #[serde(default)]
        ceil_mode: bool,
    },
    AvgPool1d {
        kernel: Pair,
        #[serde(default)]
        stride: Option<Pair>,
        #[serde(default = "args::zero")]
        padding: Pair,
        #[serde(default)]
        ceil_mode: bool,
        #[serde(default = "yes")]
        count_include_pad: bool,
    },
    /// `nn.AdaptiveAvgPool1d(output_size)` over a C x L sample.
    AdaptiveAvgPool1d {
        output_size: Pair,
    },
    /// `nn.AdaptiveAvgPool2d(output_size)`: `7` or `(2, 3)`.
    AdaptiveAvgPool2d {
        output_size: Pair,
    },
    /// `torch.flatten(x, 1)` / `nn.Flatten()`: keeps the batch dimension.
    Flatten,
    /// `x.view(-1, N)`: the first argument must be -1.
    View(i64, i64),
    Dropout {
        #[serde(default = "half")]
        p: f64,
    },
    /// `nn.BatchNorm2d(num_features)` over C x H x W: γ, β trainable when `affine`; running
    /// mean and variance (buffers) when `track_running_stats`.
    BatchNorm2d {
        features: usize,
        #[serde(default = "norm_eps")]
        eps: f64,
        /// `None`: a cumulative average of the batches' statistics.
        #[serde(default = "bn_momentum")]
        momentum: Option<f64>,
        #[serde(default = "yes")]
        affine: bool,
        #[serde(default = "yes")]
        track_running_stats: bool,
    },
    /// `nn.BatchNorm1d(num_features)` over C or C x L samples: BatchNorm2d's arguments.
    BatchNorm1d {
        features: usize,
        #[serde(default = "norm_eps")]
        eps: f64,
        #[serde(default = "bn_momentum")]
        momentum: Option<f64>,
        #[serde(default = "yes")]
        affine: bool,
        #[serde(default = "yes")]
        track_running_stats: bool,
    },
    /// `nn.LayerNorm(normalized_shape)`: `64` or `(4, 8)`, the sample's last dimensions.
    LayerNorm {
        normalized_shape: NormShape,
        #[serde(default = "norm_eps")]
        eps: f64,
        #[serde(default = "yes")]
        elementwise_affine: bool,
        #[serde(default = "yes")]
        bias: bool,
    },
    /// `nn.GroupNorm(num_groups, num_channels)`.
    GroupNorm {
        num_groups: usize,
        num_channels: usize,
        #[serde(default = "norm_eps")]
        eps: f64,
        #[serde(default = "yes")]
        affine: bool,
    },
    /// `nn.Dropout2d(p)`: whole channels zeroed while training.
    Dropout2d {
        #[serde(default = "half")]
        p: f64,
    },
    /// `nn.Flatten(start_dim, end_dim)` with `nn.Flatten`'s defaults (1, -1); dimensions
    /// count the batch. (`Flatten` alone is `nn.Flatten()`.)
    FlattenDims {
        #[serde(default = "one_i")]
        start_dim: i64,
        #[serde(default = "minus_one")]
        end_dim: i64,
    },
    /// `nn.LogSoftmax(dim=d)`; `dim` counts the batch dimension.
    LogSoftmax {
        #[serde(default = "minus_one")]
        dim: i64,
    },
    /// `x.mean(dim=d)`, `keepdim` as PyTorch's.
    Mean {
        dim: i64,
        #[serde(default)]
        keepdim: bool,
    },
    /// `x.sum(dim=d)`.
    Sum {
        dim: i64,
        #[serde(default)]
        keepdim: bool,
    },
    /// `x.transpose(dim0, dim1)`.
    Transpose {
        dim0: i64,
        dim1: i64,
    },
    /// `x.permute(0, 2, 1)`: every dimension, the batch first.
    Permute {
        dims: Vec<i64>,
    },
    /// `x[:, -1]` (`x.select(dim, index)`): the last step of a sequence; negative allowed.
    Select {
        dim: i64,
        index: i64,
    },
    /// `nn.RNN`: `x, _ = self.rnn(x)`, every step's output; `returns: "h_n"` for the final
    /// hidden state (`_, h = self.rnn(x)`, D·num_layers x N x H).
    RNN {
        input_size: usize,
        hidden_size: usize,
        #[serde(default = "args::one_usize")]
        num_layers: usize,
        /// `"tanh"` or `"relu"`.
        #[serde(default)]
        nonlinearity: Nonlinearity,
        #[serde(default = "yes")]
        bias: bool,
        #[serde(default)]
        batch_first: bool,
        /// Dropout on each layer's output but the last's, while training.
        #[serde(default)]
        dropout: f64,
        #[serde(default)]
        bidirectional: bool,
        /// What `forward` reads: `"output"` (default) or `"h_n"`.
        #[serde(default)]
        returns: Returns,
    },
    /// `nn.LSTM`: `x, _ = self.lstm(x)`, every step's output (N x L x D·H);
    /// `returns: "h_n"` (`_, (h, _) = self.lstm(x)`) or `"c_n"` for a final state.
    LSTM {
        input_size: usize,
        hidden_size: usize,
        #[serde(default = "args::one_usize")]
        num_layers: usize,
        #[serde(default = "yes")]
        bias: bool,
        #[serde(default)]
        batch_first: bool,
        #[serde(default)]
        dropout: f64,
        #[serde(default)]
        bidirectional: bool,
        /// The hidden state projected to this size (0: none), as PyTorch's `proj_size`.
        #[serde(default)]
        proj_size: usize,
        #[serde(default)]
        returns: Returns,
    },
    /// `nn.GRU`: `x, _ = self.gru(x)`; `returns: "h_n"` for `_, h = self.gru(x)`.
    GRU {
        input_size: usize,
        hidden_size: usize,
        #[serde(default = "args::one_usize")]
        num_layers: usize,
        #[serde(default = "yes")]
        bias: bool,
        #[serde(default)]
        batch_first: bool,
        #[serde(default)]
        dropout: f64,
        #[serde(default)]
        bidirectional: bool,
        #[serde(default)]
        returns: Returns,
    },
    /// `h[-1]`: one layer and direction of a final state (`returns: "h_n"`), N x H.
    FinalState {
        index: i64,
    },
    /// `h.squeeze(0)`: the final state of a one-layer, one-direction recurrent layer.
    FinalStateSqueeze,
    /// `nn.Embedding(num_embeddings, embedding_dim, padding_idx)`; first, its input is token
    /// ids (`input: [50]`, a sequence of 50 ids).
    Embedding {
        num_embeddings: usize,
        embedding_dim: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        padding_idx: Option<i64>,
    },
    /// `nn.MultiheadAttention` as self-attention in a chain: `x, _ = self.attn(x, x, x)`
    /// (an L x E sample stays L x E, whatever `batch_first` says).
    MultiheadAttention {
        embed_dim: usize,
        num_heads: usize,
        #[serde(default)]
        dropout: f64,
        #[serde(default = "yes")]
        bias: bool,
        #[serde(default)]
        batch_first: bool,
    },
    /// `nn.TransformerEncoderLayer` (post-norm unless `norm_first`), one summary row.
    TransformerEncoderLayer {
        d_model: usize,
        nhead: usize,
        #[serde(default = "attention::feedforward")]
        dim_feedforward: usize,
        #[serde(default = "attention::tenth")]
        dropout: f64,
        #[serde(default)]
        activation: FfActivation,
        #[serde(default = "attention::norm_eps")]
        layer_norm_eps: f64,
        #[serde(default)]
        batch_first: bool,
        #[serde(default)]
        norm_first: bool,
        #[serde(default = "yes")]
        bias: bool,
    },
    /// `nn.TransformerEncoder(encoder_layer, num_layers)`: `num_layers` copies of `layer`
    /// (`layer: (d_model: 64, nhead: 4, batch_first: true)`), one summary row.
    TransformerEncoder {
        layer: EncoderLayer,
        num_layers: usize,
    },
    /// `nn.Identity()`; without a name, a new name for a tensor (`identity = x`).
    Identity,
    /// `a + b` (PyTorch's broadcasting between tensors of the same rank).
    Add,
    /// `a * b` (the same broadcasting).
    Mul,
    /// `torch.cat([a, b], dim=1)`: `dim` counts the batch dimension, as PyTorch's.
    Cat {
        dim: i64,
    },
    /// `nn.Sequential(nn.Conv2d(...), nn.ReLU(), ...)`: rows `features.0`, `features.1`...
    Sequential(Vec<LayerKind>),
    /// An instance of a sub-module class of `ModelSpec::modules` (`BasicBlock()`).
    Module(String),
}

fn yes() -> bool {
    true
}
fn minus_one() -> i64 {
    -1
}
fn one_i() -> i64 {
    1
}
fn half() -> f64 {
    0.5
}
fn leaky_slope() -> f64 {
    0.01
}
fn one_f() -> f64 {
    1.0
}
/// PyTorch's `eps` for every normalisation.
pub const NORM_EPS: f64 = 1e-5;
fn norm_eps() -> f64 {
    NORM_EPS
}
/// PyTorch's BatchNorm `momentum`.
pub const BN_MOMENTUM: f64 = 0.1;
fn bn_momentum() -> Option<f64> {
    Some(BN_MOMENTUM)
}

/// Trainable parameters and non-trainable buffers of one layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub params: u64,
    /// Non-trainable buffers (BatchNorm's running statistics).
    pub buffers: u64,
}

impl Sizes {
    /// A layer without parameters or buffers.
    pub const NONE: Sizes = Sizes {
        params: 0,
        buffers: 0,
    };
}

/// Everything mltutor knows about one layer kind except its candle instantiation. Each
/// family file implements it; no method has a default that could hide a missing fact.
pub trait LayerFacts {
    /// The PyTorch type name (`Conv2d`, `MaxPool2d`, `View`).
    fn type_name(&self) -> &'static str;
    /// Whether the layer owns weights; such a layer must be held as a named module.
    fn has_weights(&self) -> bool;
    /// The constructor as PyTorch code: `nn.Conv2d(3, 10, kernel_size=3, padding=1)`.
    fn module_expr(&self) -> String;
    /// The functional call applied to `arg`: `F.max_pool2d(x, 2)`, `x.view(-1, 1000)`.
    fn functional_expr(&self, arg: &str) -> String;
    /// How an unnamed layer reads in messages and tables: by default the function its
    /// functional call names (`F.relu`).
    fn functional_label(&self) -> String {
        let e = self.functional_expr("x");
        e.split('(').next().unwrap_or("").to_string()
    }
    /// The arguments' ranges, checked before anything runs.
    fn check_args(&self) -> Result<(), SpecProblem>;
    /// The output shape of one sample (no batch dimension) from its input shape, by
    /// PyTorch's formulas, or what the layer needed. `label` names the layer.
    fn output_shape(&self, x: &Shape, label: &str) -> Result<Shape, Need>;
    /// Parameters and buffers by PyTorch's formulas (for the plan and the memory budget;
    /// reported counts are read from candle's tensors); `None` past `u64`.
    fn sizes(&self) -> Option<Sizes>;
    /// Elements of the working buffer one compute thread needs for one sample, beyond the
    /// activations (a convolution's padded copies), if any.
    fn workspace(&self, input: &Shape, output: &Shape) -> Option<u64>;
    /// Multiply-adds as torchinfo counts them, from the layer's parameters (its weights and
    /// biases, not its buffers) and its output shape, batch dimension included.
    fn mult_adds(&self, params: u64, output: &Shape) -> u64;
    /// The same, the layer's (first) input shape known too, batch dimension included: what
    /// the summary uses. Only a layer whose count needs its input (a recurrent layer that
    /// returns a final state, whose shape says nothing of the steps) reads it.
    fn mult_adds_from(&self, params: u64, _input: &Shape, output: &Shape) -> u64 {
        self.mult_adds(params, output)
    }
}

impl LayerKind {
    /// This kind's facts: the one match from a kind to the family that knows it.
    pub fn facts(&self) -> Box<dyn LayerFacts + '_> {
        match *self {
            LayerKind::Conv2d {
                in_channels,
                out_channels,
                kernel,
                stride,
                padding,
                dilation,
                groups,
                bias,
            } => Box::new(conv::Conv {
                dims: conv::Dims::Two,
                transposed: false,
                in_channels,
                out_channels,
                kernel,
                stride,
                padding,
                output_padding: Pair::One(0),
                dilation,
                groups,
                bias,
            }),
            LayerKind::Conv1d {
                in_channels,
                out_channels,
                kernel,
                stride,
                padding,
                dilation,
                groups,
                bias,
            } => Box::new(conv::Conv {
                dims: conv::Dims::One,
                transposed: false,
                in_channels,
                out_channels,
                kernel,
                stride,
                padding,
                output_padding: Pair::One(0),
                dilation,
                groups,
                bias,
            }),
            LayerKind::ConvTranspose2d {
                in_channels,
                out_channels,
                kernel,
                stride,
                padding,
                output_padding,
                groups,
                bias,
                dilation,
            } => Box::new(conv::Conv {
                dims: conv::Dims::Two,
                transposed: true,
                in_channels,
                out_channels,
                kernel,
                stride,
                padding: Padding::Size(padding),
                output_padding,
                dilation,
                groups,
                bias,
            }),
            LayerKind::Linear {
                in_features,
                out_features,
                bias,
            } => Box::new(linear::Linear {
                in_features,
                out_features,
                bias,
            }),
            LayerKind::ReLU => Box::new(activation::Elementwise::ReLU),
            LayerKind::Sigmoid => Box::new(activation::Elementwise::Sigmoid),
            LayerKind::Tanh => Box::new(activation::Elementwise::Tanh),
            LayerKind::GELU => Box::new(activation::Elementwise::Gelu),
            LayerKind::SiLU => Box::new(activation::Elementwise::Silu),
            LayerKind::LeakyReLU { negative_slope } => Box::new(activation::Sloped {
                kind: activation::SlopeKind::LeakyRelu,
                value: negative_slope,
            }),
            LayerKind::ELU { alpha } => Box::new(activation::Sloped {
                kind: activation::SlopeKind::Elu,
                value: alpha,
            }),
            LayerKind::Softmax { dim } => Box::new(activation::Softmax { dim }),
            LayerKind::MaxPool2d {
                kernel,
                stride,
                padding,
                ceil_mode,
            } => Box::new(pool::Pool {
                dims: conv::Dims::Two,
                reduce: pool::Reduce::Max,
                kernel,
                stride,
                padding,
                ceil_mode,
                count_include_pad: true,
            }),
            LayerKind::AvgPool2d {
                kernel,
                stride,
                padding,
                ceil_mode,
                count_include_pad,
            } => Box::new(pool::Pool {
                dims: conv::Dims::Two,
                reduce: pool::Reduce::Avg,
                kernel,
                stride,
                padding,
                ceil_mode,
                count_include_pad,
            }),
            LayerKind::MaxPool1d {
                kernel,
                stride,
                padding,
                ceil_mode,
            } => Box::new(pool::Pool {
                dims: conv::Dims::One,
                reduce: pool::Reduce::Max,
                kernel,
                stride,
                padding,
                ceil_mode,
                count_include_pad: true,
            }),
            LayerKind::AvgPool1d {
                kernel,
                stride,
                padding,
                ceil_mode,
                count_include_pad,
            } => Box::new(pool::Pool {
                dims: conv::Dims::One,
                reduce: pool::Reduce::Avg,
                kernel,
                stride,
                padding,
                ceil_mode,
                count_include_pad,
            }),
            LayerKind::AdaptiveAvgPool1d { output_size } => Box::new(pool::AdaptiveAvg {
                dims: conv::Dims::One,
                output: output_size,
            }),
            LayerKind::AdaptiveAvgPool2d { output_size } => Box::new(pool::AdaptiveAvg {
                dims: conv::Dims::Two,
                output: output_size,
            }),
            LayerKind::Flatten => Box::new(reshape::Flatten),
            LayerKind::View(first, n) => Box::new(reshape::View { first, n }),
            LayerKind::Dropout { p } => Box::new(dropout::Dropout { p }),
            LayerKind::BatchNorm2d {
                features,
                eps,
                momentum,
                affine,
                track_running_stats,
            } => Box::new(norm::BatchNorm {
                dims: 2,
                features,
                eps,
                momentum,
                affine,
                track_running_stats,
            }),
            LayerKind::BatchNorm1d {
                features,
                eps,
                momentum,
                affine,
                track_running_stats,
            } => Box::new(norm::BatchNorm {
                dims: 1,
                features,
                eps,
                momentum,
                affine,
                track_running_stats,
            }),
            LayerKind::LayerNorm {
                ref normalized_shape,
                eps,
                elementwise_affine,
                bias,
            } => Box::new(norm::LayerNorm {
                shape: normalized_shape,
                eps,
                elementwise_affine,
                bias,
            }),
            LayerKind::GroupNorm {
                num_groups,
                num_channels,
                eps,
                affine,
            } => Box::new(norm::GroupNorm {
                num_groups,
                num_channels,
                eps,
                affine,
            }),
            LayerKind::Dropout2d { p } => Box::new(dropout::Dropout2d { p }),
            LayerKind::FlattenDims { start_dim, end_dim } => {
                Box::new(dims::Flatten { start_dim, end_dim })
            }
            LayerKind::LogSoftmax { dim } => Box::new(dims::LogSoftmax { dim }),
            LayerKind::Mean { dim, keepdim } => Box::new(dims::Reduce {
                op: dims::ReduceOp::Mean,
                dim,
                keepdim,
            }),
            LayerKind::Sum { dim, keepdim } => Box::new(dims::Reduce {
                op: dims::ReduceOp::Sum,
                dim,
                keepdim,
            }),
            LayerKind::Transpose { dim0, dim1 } => Box::new(dims::Transpose { dim0, dim1 }),
            LayerKind::Permute { ref dims } => Box::new(dims::Permute { dims }),
            LayerKind::Select { dim, index } => Box::new(dims::Select { dim, index }),
            LayerKind::RNN {
                input_size,
                hidden_size,
                num_layers,
                nonlinearity,
                bias,
                batch_first,
                dropout,
                bidirectional,
                returns,
            } => Box::new(seq::Recurrent {
                cell: seq::Cell::Rnn,
                input_size,
                hidden_size,
                num_layers,
                nonlinearity,
                bias,
                batch_first,
                dropout,
                bidirectional,
                proj_size: 0,
                returns,
            }),
            LayerKind::LSTM {
                input_size,
                hidden_size,
                num_layers,
                bias,
                batch_first,
                dropout,
                bidirectional,
                proj_size,
                returns,
            } => Box::new(seq::Recurrent {
                cell: seq::Cell::Lstm,
                input_size,
                hidden_size,
                num_layers,
                nonlinearity: Nonlinearity::Tanh,
                bias,
                batch_first,
                dropout,
                bidirectional,
                proj_size,
                returns,
            }),
            LayerKind::GRU {
                input_size,
                hidden_size,
                num_layers,
                bias,
                batch_first,
                dropout,
                bidirectional,
                returns,
            } => Box::new(seq::Recurrent {
                cell: seq::Cell::Gru,
                input_size,
                hidden_size,
                num_layers,
                nonlinearity: Nonlinearity::Tanh,
                bias,
                batch_first,
                dropout,
                bidirectional,
                proj_size: 0,
                returns,
            }),
            LayerKind::FinalState { index } => Box::new(seq::StateRead { index: Some(index) }),
            LayerKind::FinalStateSqueeze => Box::new(seq::StateRead { index: None }),
            LayerKind::Embedding {
                num_embeddings,
                embedding_dim,
                padding_idx,
            } => Box::new(seq::Embedding {
                num_embeddings,
                embedding_dim,
                padding_idx,
            }),
            LayerKind::MultiheadAttention {
                embed_dim,
                num_heads,
                dropout,
                bias,
                batch_first,
            } => Box::new(attention::Attention {
                embed_dim,
                num_heads,
                dropout,
                bias,
                batch_first,
            }),
            LayerKind::TransformerEncoderLayer {
                d_model,
                nhead,
                dim_feedforward,
                dropout,
                activation,
                layer_norm_eps,
                batch_first,
                norm_first,
                bias,
            } => Box::new(attention::Encoder {
                layer: EncoderLayer {
                    d_model,
                    nhead,
                    dim_feedforward,
                    dropout,
                    activation,
                    layer_norm_eps,
                    batch_first,
                    norm_first,
                    bias,
                },
                num_layers: None,
            }),
            LayerKind::TransformerEncoder {
                ref layer,
                num_layers,
            } => Box::new(attention::Encoder {
                layer: layer.clone(),
                num_layers: Some(num_layers),
            }),
            LayerKind::Identity => Box::new(graph::Identity),
            LayerKind::Add => Box::new(graph::Combine::Add),
            LayerKind::Mul => Box::new(graph::Combine::Mul),
            LayerKind::Cat { dim } => Box::new(graph::Combine::Cat(dim)),
            LayerKind::Sequential(ref items) => Box::new(graph::Container::Sequential(items)),
            LayerKind::Module(ref class) => Box::new(graph::Container::Module(class)),
        }
    }

    /// The PyTorch type name (`Conv2d`, `MaxPool2d`, `View`).
    pub fn type_name(&self) -> &'static str {
        self.facts().type_name()
    }

    /// Whether the layer owns weights; such a layer must be held as a named module.
    pub fn has_weights(&self) -> bool {
        self.facts().has_weights()
    }

    /// The constructor as PyTorch code: `nn.Conv2d(3, 10, kernel_size=3, padding=1)`.
    pub fn module_expr(&self) -> String {
        self.facts().module_expr()
    }

    /// The functional call applied to `arg`: `F.max_pool2d(x, 2)`, `x.view(-1, 1000)`.
    pub fn functional_expr(&self, arg: &str) -> String {
        self.facts().functional_expr(arg)
    }

    /// Parameters and buffers by PyTorch's formulas; `None` past `u64`.
    pub fn sizes(&self) -> Option<Sizes> {
        self.facts().sizes()
    }

    /// Multiply-adds as torchinfo counts them (see [`LayerFacts::mult_adds`]).
    pub fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        self.facts().mult_adds(params, output)
    }

    /// Multiply-adds as torchinfo counts them, the layer's input shape known too (see
    /// [`LayerFacts::mult_adds_from`]).
    pub fn mult_adds_from(&self, params: u64, input: &Shape, output: &Shape) -> u64 {
        self.facts().mult_adds_from(params, input, output)
    }

    /// Where the batch sits in this layer's output as PyTorch shapes it: 1 for a recurrent
    /// layer's final state (D·num_layers x N x H), 0 for every other.
    pub fn batch_dim(&self) -> usize {
        match returns_of(self) {
            Some((_, r, _)) if r.is_state() => 1,
            _ => 0,
        }
    }
}

impl LayerSpec {
    /// How the layer reads in messages and tables: `conv1`, `F.relu`, `x.view(-1, 1000)`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => self.layer.facts().functional_label(),
        }
    }

    /// The output shape of one sample through this layer, or what it needed.
    pub fn output_shape(&self, x: &Shape) -> Result<Shape, Need> {
        self.layer.facts().output_shape(x, &self.label())
    }
}

impl ModelSpec {
    /// Static checks: names, arguments in range. Shapes are checked by `plan`.
    pub fn validate(&self) -> Result<(), SpecError> {
        let model = |problem: SpecProblem| SpecError {
            model: self.id.clone(),
            layer: None,
            problem,
        };
        if self.id.trim().is_empty() {
            return Err(model(SpecProblem::EmptyId));
        }
        if self.input.is_empty() || self.input.len() > 3 {
            return Err(model(SpecProblem::InputRank {
                got: self.input.len(),
            }));
        }
        if self.input.contains(&0) {
            return Err(model(SpecProblem::InputZero));
        }
        if self.layers.is_empty() {
            return Err(model(SpecProblem::NoLayers));
        }
        graph::check_layers(self, &self.layers, None)?;
        for (i, m) in self.modules.iter().enumerate() {
            if m.layers.is_empty() {
                return Err(model(SpecProblem::Graph(GraphProblem::Empty)));
            }
            graph::check_layers(self, &m.layers, Some(i))?;
        }
        let graph = graph::lower(self)?;
        seq::check_states(self, &graph)?;
        Ok(())
    }
}

/// The exam's CNN (question 4), embedded in the binary.
pub const EXAM_CNN_RON: &str = include_str!("../../../assets/models/exam_cnn.ron");
/// The exam's perceptron `nn.Linear(22, 1)` (question 3).
pub const PERCEPTRON_RON: &str = include_str!("../../../assets/models/perceptron.ron");

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
