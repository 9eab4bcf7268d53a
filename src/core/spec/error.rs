//! A defect of a spec found without running it, told per language
//! (`assets/locales/<lang>/model.ftl`, ids `spec-…`).

use crate::core::i18n::{FluentValue, Lang};
use std::fmt;

/// A defect of a spec: in which model, at which layer, and what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct SpecError {
    /// The model's id.
    pub model: String,
    /// The layer at fault; `None` for a defect of the model as a whole.
    pub layer: Option<LayerAt>,
    pub problem: SpecProblem,
}

/// A position as [`LayerAt`] holds it (forwards are far shorter than `u32::MAX` layers).
pub fn at32(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

/// A layer, as messages name it: `layer 3 (Conv2d)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerAt {
    /// 1-based position in `forward` (u32 with a u16 class: errors travel by value, kept small).
    pub position: u32,
    /// `Conv2d`, `View`.
    pub type_name: &'static str,
    /// The sub-module class (index in the spec's `modules`) whose forward holds it; `None`
    /// for the model's own `layers` (small: errors travel by value).
    pub module: Option<u16>,
}

/// What is wrong, with the values the message shows.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecProblem {
    EmptyId,
    /// The input must have 1 to 3 dimensions per sample.
    InputRank {
        got: usize,
    },
    InputZero,
    NoLayers,
    /// Not a Python attribute name.
    BadName {
        name: String,
    },
    NameTwice {
        name: String,
    },
    /// A layer with weights without a name: the code must hold it as a module.
    Unnamed,
    FirstInline,
    /// A convolution's channels, kernel or stride is 0.
    ConvArgs,
    /// A layer's features are 0.
    FeaturesZero,
    /// A pooling's kernel or stride is 0.
    PoolArgs,
    /// Anything but `x.view(-1, N)` with N ≥ 1.
    ViewArgs {
        first: i64,
        n: i64,
    },
    /// Dropout's p outside [0, 1).
    DropoutP {
        p: f64,
    },
    /// A number argument that is NaN or infinite (`negative_slope`, `alpha`).
    NotFinite {
        argument: &'static str,
    },
    /// A convolution's or pooling's arguments against PyTorch's rules (`spec.ftl`).
    Zoo(super::rule::ZooProblem),
    /// Tensor names, classes and containers of a graph (`graph.ftl`).
    Graph(super::graph::GraphProblem),
    /// A normalisation's arguments against PyTorch's rules (`layers.ftl`).
    Layers(super::layers_rule::LayersProblem),
    /// An attention layer's arguments against PyTorch's rules (`layers.ftl`).
    Attention(super::attention::AttentionProblem),
    /// A recurrent layer's arguments, or the reading of its final state (`layers.ftl`).
    Recurrent(super::seq::RecurrentProblem),
}

impl SpecError {
    /// The explanation in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let at = self.layer.as_ref().map_or_else(String::new, |l| {
            crate::tr!(
                lang,
                "spec-layer-at",
                position = l.position.to_string(),
                type_name = l.type_name
            )
        });
        let at = at.as_str();
        let problem = match &self.problem {
            SpecProblem::EmptyId => crate::tr!(lang, "spec-empty-id"),
            SpecProblem::InputRank { got } => {
                crate::tr!(lang, "spec-input-rank", got = count(*got as u64))
            }
            SpecProblem::InputZero => crate::tr!(lang, "spec-input-zero"),
            SpecProblem::NoLayers => crate::tr!(lang, "spec-no-layers"),
            SpecProblem::BadName { name } => {
                crate::tr!(lang, "spec-bad-name", at = at, name = name.as_str())
            }
            SpecProblem::NameTwice { name } => {
                crate::tr!(lang, "spec-name-twice", at = at, name = name.as_str())
            }
            SpecProblem::Unnamed => crate::tr!(lang, "spec-unnamed", at = at),
            SpecProblem::FirstInline => crate::tr!(lang, "spec-first-inline", at = at),
            SpecProblem::ConvArgs => crate::tr!(lang, "spec-conv-args", at = at),
            SpecProblem::FeaturesZero => crate::tr!(lang, "spec-features-zero", at = at),
            SpecProblem::PoolArgs => crate::tr!(lang, "spec-pool-args", at = at),
            SpecProblem::ViewArgs { first, n } => crate::tr!(
                lang,
                "spec-view-args",
                at = at,
                first = first.to_string(),
                n = n.to_string()
            ),
            SpecProblem::DropoutP { p } => {
                crate::tr!(lang, "spec-dropout-p", at = at, p = lang.real(*p))
            }
            SpecProblem::NotFinite { argument } => {
                crate::tr!(lang, "spec-not-finite", at = at, argument = *argument)
            }
            SpecProblem::Zoo(z) => z.render(lang, at),
            SpecProblem::Graph(g) => g.render(lang, at),
            SpecProblem::Layers(l) => l.render(lang, at),
            SpecProblem::Recurrent(r) => r.render(lang, at),
            SpecProblem::Attention(a) => a.render(lang, at),
        };
        crate::tr!(
            lang,
            "spec-error",
            model = self.model.as_str(),
            problem = problem
        )
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

/// A count for a message: a number (so that it selects a plural) while it is exact as one,
/// else its digits.
pub fn count(n: u64) -> FluentValue<'static> {
    if n <= 1 << 53 {
        FluentValue::from(n as f64)
    } else {
        FluentValue::from(n.to_string())
    }
}
