//! Normalisations (`nn.BatchNorm1d`, `nn.BatchNorm2d`, `nn.LayerNorm`, `nn.GroupNorm`): every
//! fact mltutor knows about them but their candle instantiation
//! (`engine::Network::with_dtype`).

use super::layers_rule::{LayersNeed, LayersProblem};
use super::need::{image_dims, Need};
use super::rule::ZooProblem;
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// torchinfo: every weight and bias once per sample (buffers count for nothing).
fn per_sample(params: u64, output: &Shape) -> u64 {
    params.saturating_mul(output.dims().first().copied().unwrap_or(1) as u64)
}

/// `nn.BatchNorm1d` (N x C or N x C x L) or `nn.BatchNorm2d` (N x C x H x W): γ and β
/// trainable when `affine`, running mean and variance (and PyTorch's `num_batches_tracked`)
/// as buffers when `track_running_stats`.
pub struct BatchNorm {
    /// 1 or 2.
    pub dims: u8,
    pub features: usize,
    pub eps: f64,
    /// `None`: a cumulative average.
    pub momentum: Option<f64>,
    pub affine: bool,
    pub track_running_stats: bool,
}

/// `, eps=0.001` when `eps` is not PyTorch's default.
fn eps_arg(eps: f64) -> String {
    if eps == super::NORM_EPS {
        String::new()
    } else {
        format!(", eps={}", super::seq::py_float(eps))
    }
}

/// `eps` (and `momentum`) must be numbers: NaN or infinity is refused.
fn check_finite(eps: f64, momentum: Option<f64>) -> Result<(), SpecProblem> {
    if !eps.is_finite() {
        return Err(SpecProblem::NotFinite { argument: "eps" });
    }
    if momentum.is_some_and(|m| !m.is_finite()) {
        return Err(SpecProblem::NotFinite {
            argument: "momentum",
        });
    }
    Ok(())
}

impl LayerFacts for BatchNorm {
    fn type_name(&self) -> &'static str {
        if self.dims == 1 {
            "BatchNorm1d"
        } else {
            "BatchNorm2d"
        }
    }

    fn has_weights(&self) -> bool {
        self.affine || self.track_running_stats
    }

    fn module_expr(&self) -> String {
        let mut s = format!("nn.{}({}", self.type_name(), self.features);
        s += &eps_arg(self.eps);
        match self.momentum {
            Some(m) if m == super::BN_MOMENTUM => {}
            Some(m) => s += &format!(", momentum={}", super::seq::py_float(m)),
            None => s += ", momentum=None",
        }
        if !self.affine {
            s += ", affine=False";
        }
        if !self.track_running_stats {
            s += ", track_running_stats=False";
        }
        s + ")"
    }

    /// Only without weights nor statistics (otherwise the layer is a named module).
    fn functional_expr(&self, arg: &str) -> String {
        format!(
            "F.batch_norm({arg}, None, None, training=True{})",
            eps_arg(self.eps)
        )
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.features == 0 {
            return Err(SpecProblem::FeaturesZero);
        }
        check_finite(self.eps, self.momentum)
    }

    /// A C x H x W sample (2-d) or a C or C x L sample (1-d), C = features, unchanged.
    fn output_shape(&self, x: &Shape, label: &str) -> Result<Shape, Need> {
        let c = if self.dims == 1 {
            match x.dims() {
                [c] | [c, _] => *c,
                _ => return Err(Need::Layers(LayersNeed::Features)),
            }
        } else {
            image_dims(x, "BatchNorm2d")?.0
        };
        // Without γ, β or running statistics, nothing has C entries: PyTorch takes any C.
        if c != self.features && self.has_weights() {
            return Err(Need::Channels {
                expected: self.features,
                got: c,
                from_layer: label.to_string(),
            });
        }
        Ok(x.clone())
    }

    /// 2·C trainable (γ, β) when affine; 2·C + 1 buffers (running mean, variance, and
    /// PyTorch's `num_batches_tracked` counter) when tracking.
    fn sizes(&self) -> Option<Sizes> {
        let two_c = (self.features as u64).checked_mul(2)?;
        Some(Sizes {
            params: if self.affine { two_c } else { 0 },
            buffers: if self.track_running_stats {
                two_c.checked_add(1)?
            } else {
                0
            },
        })
    }

    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }

    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        per_sample(params, output)
    }
}

/// `LayerNorm`'s `normalized_shape`: `64` or `(4, 8)` (JSON `64` or `[4, 8]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormShape(pub Vec<usize>);

impl NormShape {
    /// As PyTorch code: `64` or `(4, 8)`.
    pub fn py(&self) -> String {
        match self.0.as_slice() {
            [n] => n.to_string(),
            v => format!(
                "({})",
                v.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl Serialize for NormShape {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [n] => s.serialize_u64(*n as u64),
            v => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                for n in v {
                    seq.serialize_element(&(*n as u64))?;
                }
                seq.end()
            }
        }
    }
}

struct NormShapeVisitor;

impl<'de> Visitor<'de> for NormShapeVisitor {
    type Value = NormShape;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a shape: a number such as 64, or sizes such as (4, 8)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NormShape, E> {
        usize::try_from(v)
            .map(|n| NormShape(vec![n]))
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NormShape, E> {
        match u64::try_from(v) {
            Ok(u) => self.visit_u64(u),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NormShape, A::Error> {
        let mut v = Vec::new();
        while let Some(n) = seq.next_element::<usize>()? {
            if v.len() == 3 {
                return Err(de::Error::invalid_length(4, &self));
            }
            v.push(n);
        }
        Ok(NormShape(v))
    }
}

impl<'de> Deserialize<'de> for NormShape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<NormShape, D::Error> {
        d.deserialize_any(NormShapeVisitor)
    }
}

/// `nn.LayerNorm(normalized_shape, elementwise_affine, bias)`: normalises each sample over
/// its last dimensions.
pub struct LayerNorm<'a> {
    pub shape: &'a NormShape,
    pub eps: f64,
    pub elementwise_affine: bool,
    pub bias: bool,
}

impl LayerFacts for LayerNorm<'_> {
    fn type_name(&self) -> &'static str {
        "LayerNorm"
    }

    fn has_weights(&self) -> bool {
        self.elementwise_affine
    }

    fn module_expr(&self) -> String {
        let mut s = format!("nn.LayerNorm({}", self.shape.py());
        s += &eps_arg(self.eps);
        if !self.elementwise_affine {
            s += ", elementwise_affine=False";
        } else if !self.bias {
            s += ", bias=False";
        }
        s + ")"
    }

    /// Without weights: `F.layer_norm(x, (64,))`.
    fn functional_expr(&self, arg: &str) -> String {
        let shape = match self.shape.0.as_slice() {
            [n] => format!("({n},)"),
            _ => self.shape.py(),
        };
        format!("F.layer_norm({arg}, {shape}{})", eps_arg(self.eps))
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        let s = &self.shape.0;
        if s.is_empty() || s.len() > 3 || s.contains(&0) {
            return Err(SpecProblem::Layers(LayersProblem::NormShape));
        }
        check_finite(self.eps, None)
    }

    /// The sample's last dimensions must be `normalized_shape`; the shape stays.
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let (d, s) = (x.dims(), &self.shape.0);
        if s.len() > d.len() || d[d.len() - s.len()..] != s[..] {
            return Err(Need::Layers(LayersNeed::NormalizedShape {
                expected: s.clone(),
            }));
        }
        Ok(x.clone())
    }

    /// The shape's elements for γ, and again for β (with `bias`), when affine.
    fn sizes(&self) -> Option<Sizes> {
        let n = self
            .shape
            .0
            .iter()
            .try_fold(1u64, |a, &b| a.checked_mul(b as u64))?;
        let params = match (self.elementwise_affine, self.bias) {
            (false, _) => 0,
            (true, false) => n,
            (true, true) => n.checked_mul(2)?,
        };
        Some(Sizes { params, buffers: 0 })
    }

    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }

    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        per_sample(params, output)
    }
}

/// `nn.GroupNorm(num_groups, num_channels, affine)`: normalises each group of channels of
/// each sample.
pub struct GroupNorm {
    pub num_groups: usize,
    pub num_channels: usize,
    pub eps: f64,
    pub affine: bool,
}

impl LayerFacts for GroupNorm {
    fn type_name(&self) -> &'static str {
        "GroupNorm"
    }

    fn has_weights(&self) -> bool {
        self.affine
    }

    fn module_expr(&self) -> String {
        let mut s = format!("nn.GroupNorm({}, {}", self.num_groups, self.num_channels);
        s += &eps_arg(self.eps);
        if !self.affine {
            s += ", affine=False";
        }
        s + ")"
    }

    fn functional_expr(&self, arg: &str) -> String {
        format!(
            "F.group_norm({arg}, {}{})",
            self.num_groups,
            eps_arg(self.eps)
        )
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.num_groups == 0 {
            return Err(SpecProblem::Zoo(ZooProblem::Zero {
                argument: "num_groups",
            }));
        }
        if self.num_channels == 0 {
            return Err(SpecProblem::FeaturesZero);
        }
        if !self.num_channels.is_multiple_of(self.num_groups) {
            return Err(SpecProblem::Layers(LayersProblem::Groups {
                groups: self.num_groups,
                channels: self.num_channels,
            }));
        }
        check_finite(self.eps, None)
    }

    /// A C x ... sample, C = num_channels (any multiple of the groups without γ and β),
    /// unchanged.
    fn output_shape(&self, x: &Shape, label: &str) -> Result<Shape, Need> {
        let c = x.dims().first().copied().unwrap_or(0);
        if !self.affine {
            if c == 0 || !c.is_multiple_of(self.num_groups.max(1)) {
                return Err(Need::Layers(LayersNeed::GroupChannels {
                    groups: self.num_groups,
                }));
            }
        } else if c != self.num_channels {
            return Err(Need::Channels {
                expected: self.num_channels,
                got: c,
                from_layer: label.to_string(),
            });
        }
        Ok(x.clone())
    }

    fn sizes(&self) -> Option<Sizes> {
        let params = if self.affine {
            (self.num_channels as u64).checked_mul(2)?
        } else {
            0
        };
        Some(Sizes { params, buffers: 0 })
    }

    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }

    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        per_sample(params, output)
    }
}
