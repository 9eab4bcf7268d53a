//! Attention layers (`nn.MultiheadAttention` as self-attention, `nn.TransformerEncoderLayer`,
//! `nn.TransformerEncoder`): every fact mltutor knows about them but their candle
//! instantiation (`engine::layers::attention`). Problems are told per language
//! (`assets/locales/<lang>/layers.ftl`, ids `attention-…`).

use super::need::Need;
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::i18n::Lang;
use crate::core::shape::Shape;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// The feed-forward block's activation of `nn.TransformerEncoderLayer`, written as PyTorch
/// writes it: `"relu"` or `"gelu"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FfActivation {
    #[default]
    Relu,
    Gelu,
}

impl FfActivation {
    pub fn name(self) -> &'static str {
        match self {
            FfActivation::Relu => "relu",
            FfActivation::Gelu => "gelu",
        }
    }
}

impl Serialize for FfActivation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

struct ActivationVisitor;

impl Visitor<'_> for ActivationVisitor {
    type Value = FfActivation;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an activation: \"relu\" or \"gelu\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<FfActivation, E> {
        match v {
            "relu" => Ok(FfActivation::Relu),
            "gelu" => Ok(FfActivation::Gelu),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for FfActivation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<FfActivation, D::Error> {
        d.deserialize_any(ActivationVisitor)
    }
}

pub(super) fn yes() -> bool {
    true
}
pub(super) fn feedforward() -> usize {
    2048
}
pub(super) fn tenth() -> f64 {
    0.1
}
pub(super) fn norm_eps() -> f64 {
    1e-5
}

/// `nn.TransformerEncoderLayer`'s arguments, PyTorch's defaults: the `layer` of a
/// `TransformerEncoder` (`TransformerEncoder(layer: (d_model: 64, nhead: 4), num_layers: 2)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncoderLayer {
    pub d_model: usize,
    pub nhead: usize,
    #[serde(default = "feedforward")]
    pub dim_feedforward: usize,
    #[serde(default = "tenth")]
    pub dropout: f64,
    #[serde(default)]
    pub activation: FfActivation,
    #[serde(default = "norm_eps")]
    pub layer_norm_eps: f64,
    #[serde(default)]
    pub batch_first: bool,
    #[serde(default)]
    pub norm_first: bool,
    #[serde(default = "yes")]
    pub bias: bool,
}

/// An argument PyTorch refuses, with the values its message shows.
#[derive(Debug, Clone, PartialEq)]
pub enum AttentionProblem {
    /// `embed_dim` not a multiple of `num_heads` (`d_model` and `nhead` for an encoder, as
    /// `names` says).
    Heads {
        embed_dim: usize,
        num_heads: usize,
        names: (&'static str, &'static str),
    },
    /// `layer_norm_eps` not a positive number.
    Eps { eps: f64 },
}

impl AttentionProblem {
    /// The explanation in `lang`; `at` names the layer.
    pub fn render(&self, lang: Lang, at: &str) -> String {
        match self {
            AttentionProblem::Heads {
                embed_dim,
                num_heads,
                names,
            } => crate::tr!(
                lang,
                "attention-heads",
                at = at,
                embed_dim = embed_dim.to_string(),
                num_heads = num_heads.to_string(),
                dim_name = names.0,
                heads_name = names.1
            ),
            AttentionProblem::Eps { eps } => {
                crate::tr!(lang, "attention-eps", at = at, eps = lang.real(*eps))
            }
        }
    }
}

/// What an attention layer needed from its input.
#[derive(Debug, Clone, PartialEq)]
pub enum AttentionNeed {
    /// An L x E sample (steps x features).
    Sequence { embed_dim: usize },
}

impl AttentionNeed {
    /// (what was needed, what came, why) in `lang`, for the shape `x` that came.
    pub fn render(&self, lang: Lang, x: &Shape) -> (String, String, String) {
        match self {
            AttentionNeed::Sequence { embed_dim } => (
                crate::tr!(
                    lang,
                    "attention-need-sequence",
                    embed_dim = embed_dim.to_string()
                ),
                crate::tr!(
                    lang,
                    "attention-got-dims",
                    shape = x.to_string(),
                    n = super::count(x.dims().len() as u64)
                ),
                crate::tr!(lang, "attention-why-sequence"),
            ),
        }
    }
}

/// Parameters of a multi-head attention over `e` features: in_proj (3E x E, 3E) and out_proj
/// (E x E, E), the biases only with `bias`.
fn attention_params(e: u64, bias: bool) -> Option<u64> {
    let w = e.checked_mul(e)?.checked_mul(4)?;
    if bias {
        w.checked_add(e.checked_mul(4)?)
    } else {
        Some(w)
    }
}

/// The arguments every attention layer shares, checked in PyTorch's order.
fn check_heads(
    embed_dim: usize,
    num_heads: usize,
    dropout: f64,
    names: (&'static str, &'static str),
) -> Result<(), SpecProblem> {
    if embed_dim == 0 {
        return Err(SpecProblem::FeaturesZero);
    }
    if num_heads == 0 {
        return Err(SpecProblem::Zoo(super::rule::ZooProblem::Zero {
            argument: names.1,
        }));
    }
    if !embed_dim.is_multiple_of(num_heads) {
        return Err(SpecProblem::Attention(AttentionProblem::Heads {
            embed_dim,
            num_heads,
            names,
        }));
    }
    if !dropout.is_finite() {
        return Err(SpecProblem::NotFinite {
            argument: "dropout",
        });
    }
    if !(0.0..1.0).contains(&dropout) {
        return Err(SpecProblem::DropoutP { p: dropout });
    }
    Ok(())
}

/// An L x E sample stays L x E, whatever `batch_first` says (as for the recurrent layers,
/// the per-sample shape is steps x features).
fn sequence(x: &Shape, e: usize) -> Result<Shape, Need> {
    match x.dims() {
        [_, f] if *f == e => Ok(x.clone()),
        _ => Err(Need::Attention(AttentionNeed::Sequence { embed_dim: e })),
    }
}

/// Elements one sample needs while attending over L steps with H heads: q, k and v (3·L·E),
/// the L x L scores of every head and their softmax (2·H·L²), the heads' context (L·E).
fn attention_workspace(input: &Shape, heads: usize) -> Option<u64> {
    let (l, e) = match input.dims() {
        [l, e] => (*l as u64, *e as u64),
        _ => return None,
    };
    let qkv = l.checked_mul(e)?.checked_mul(4)?;
    let scores = l
        .checked_mul(l)?
        .checked_mul(heads as u64)?
        .checked_mul(2)?;
    qkv.checked_add(scores)
}

/// `nn.MultiheadAttention` used as self-attention in a chain: `x, _ = self.attn(x, x, x)`.
pub struct Attention {
    pub embed_dim: usize,
    pub num_heads: usize,
    pub dropout: f64,
    pub bias: bool,
    pub batch_first: bool,
}

impl LayerFacts for Attention {
    fn type_name(&self) -> &'static str {
        "MultiheadAttention"
    }

    fn has_weights(&self) -> bool {
        true
    }

    fn module_expr(&self) -> String {
        let mut s = format!(
            "nn.MultiheadAttention({}, {}",
            self.embed_dim, self.num_heads
        );
        if self.dropout != 0.0 {
            s += &format!(", dropout={}", self.dropout);
        }
        if !self.bias {
            s += ", bias=False";
        }
        if self.batch_first {
            s += ", batch_first=True";
        }
        s + ")"
    }

    /// Never shown: a layer with weights must be a named module (validation).
    fn functional_expr(&self, arg: &str) -> String {
        format!("F.multi_head_attention_forward({arg}, {arg}, {arg})")
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        check_heads(
            self.embed_dim,
            self.num_heads,
            self.dropout,
            ("embed_dim", "num_heads"),
        )
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        sequence(x, self.embed_dim)
    }

    fn sizes(&self) -> Option<Sizes> {
        Some(Sizes {
            params: attention_params(self.embed_dim as u64, self.bias)?,
            buffers: 0,
        })
    }

    fn workspace(&self, input: &Shape, _output: &Shape) -> Option<u64> {
        attention_workspace(input, self.num_heads)
    }

    /// torchinfo 1.8 counts none: the module's parameters are not named `weight`/`bias`,
    /// and its `out_proj` is never called as a module (PyTorch 2.15 + torchinfo 1.8 give 0).
    fn mult_adds(&self, _params: u64, _output: &Shape) -> u64 {
        0
    }
}

/// `nn.TransformerEncoderLayer` (`layers` = 1) or `nn.TransformerEncoder` of `layers` copies
/// of it, as one summary row.
pub struct Encoder {
    pub layer: EncoderLayer,
    /// `None` for a lone `TransformerEncoderLayer`.
    pub num_layers: Option<usize>,
}

impl Encoder {
    fn copies(&self) -> u64 {
        self.num_layers.unwrap_or(1) as u64
    }

    /// `nn.TransformerEncoderLayer(d_model=64, nhead=4, ...)`, the defaults left out.
    pub fn layer_expr(l: &EncoderLayer) -> String {
        let mut s = format!(
            "nn.TransformerEncoderLayer(d_model={}, nhead={}",
            l.d_model, l.nhead
        );
        if l.dim_feedforward != feedforward() {
            s += &format!(", dim_feedforward={}", l.dim_feedforward);
        }
        if l.dropout != tenth() {
            s += &format!(", dropout={}", py_float(l.dropout));
        }
        if l.activation != FfActivation::Relu {
            s += &format!(", activation='{}'", l.activation.name());
        }
        if l.layer_norm_eps != norm_eps() {
            s += &format!(", layer_norm_eps={}", l.layer_norm_eps);
        }
        if l.batch_first {
            s += ", batch_first=True";
        }
        if l.norm_first {
            s += ", norm_first=True";
        }
        if !l.bias {
            s += ", bias=False";
        }
        s + ")"
    }

    /// One layer's parameters: attention, the two linears, the two norms.
    fn layer_params(l: &EncoderLayer) -> Option<u64> {
        let (e, f) = (l.d_model as u64, l.dim_feedforward as u64);
        let mut p = attention_params(e, l.bias)?;
        let linears = e.checked_mul(f)?.checked_mul(2)?;
        p = p.checked_add(linears)?;
        // Norm weights, always; linear and norm biases with `bias`.
        p = p.checked_add(e.checked_mul(2)?)?;
        if l.bias {
            p = p.checked_add(f.checked_add(e)?.checked_add(e.checked_mul(2)?)?)?;
        }
        Some(p)
    }
}

/// A float as Python writes it: `0.0`, `0.2`.
fn py_float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

impl LayerFacts for Encoder {
    fn type_name(&self) -> &'static str {
        match self.num_layers {
            None => "TransformerEncoderLayer",
            Some(_) => "TransformerEncoder",
        }
    }

    fn has_weights(&self) -> bool {
        true
    }

    fn module_expr(&self) -> String {
        let layer = Self::layer_expr(&self.layer);
        match self.num_layers {
            None => layer,
            Some(n) => format!("nn.TransformerEncoder({layer}, num_layers={n})"),
        }
    }

    /// Never shown: a layer with weights must be a named module (validation).
    fn functional_expr(&self, arg: &str) -> String {
        format!("{}({arg})", self.type_name())
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        let l = &self.layer;
        check_heads(l.d_model, l.nhead, l.dropout, ("d_model", "nhead"))?;
        if l.dim_feedforward == 0 {
            return Err(SpecProblem::Zoo(super::rule::ZooProblem::Zero {
                argument: "dim_feedforward",
            }));
        }
        if self.num_layers == Some(0) {
            return Err(SpecProblem::Zoo(super::rule::ZooProblem::Zero {
                argument: "num_layers",
            }));
        }
        if !(l.layer_norm_eps.is_finite() && l.layer_norm_eps > 0.0) {
            return Err(SpecProblem::Attention(AttentionProblem::Eps {
                eps: l.layer_norm_eps,
            }));
        }
        Ok(())
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        sequence(x, self.layer.d_model)
    }

    fn sizes(&self) -> Option<Sizes> {
        Some(Sizes {
            params: Self::layer_params(&self.layer)?.checked_mul(self.copies())?,
            buffers: 0,
        })
    }

    /// The attention's working memory, the feed-forward block's L x dim_feedforward hidden
    /// values and the residual sums (2·L·E), per layer.
    fn workspace(&self, input: &Shape, _output: &Shape) -> Option<u64> {
        let l = &self.layer;
        let steps = *input.dims().first()? as u64;
        let ff = steps.checked_mul(l.dim_feedforward as u64)?;
        let sums = steps.checked_mul(l.d_model as u64)?.checked_mul(2)?;
        attention_workspace(input, l.nhead)?
            .checked_add(ff)?
            .checked_add(sums)?
            .checked_mul(self.copies())
    }

    /// torchinfo 1.8: the two linears and the two norms count their parameters once per
    /// row of the output's first dimension (`output_size[0] · params`), the attention
    /// nothing (PyTorch 2.15 + torchinfo 1.8: d_model 8, nhead 2, dim_feedforward 16 on
    /// 2 x 5 x 8 give 624 = 2 · (144 + 136 + 16 + 16)).
    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        let attn = attention_params(self.layer.d_model as u64, self.layer.bias)
            .unwrap_or(0)
            .saturating_mul(self.copies());
        let rows = output.dims().first().copied().unwrap_or(1) as u64;
        params.saturating_sub(attn).saturating_mul(rows)
    }
}
