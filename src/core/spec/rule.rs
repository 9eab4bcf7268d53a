//! PyTorch's rules for the convolution and pooling arguments (groups, dilation, tuple sizes,
//! `padding="same"`, ceil mode, adaptive pooling), told per language
//! (`assets/locales/<lang>/spec.ftl`, ids `spec-zoo-…`).

use super::error::count;
use crate::core::i18n::Lang;
use crate::core::shape::Shape;

/// An argument PyTorch refuses, with the values its message shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ZooProblem {
    /// A size argument that must be at least 1 is 0.
    Zero { argument: &'static str },
    /// `in_channels` or `out_channels` not a multiple of `groups`.
    Groups {
        in_channels: usize,
        out_channels: usize,
        groups: usize,
    },
    /// `padding="same"` with a stride other than 1.
    SameStride,
    /// Two numbers given to a 1-d layer.
    OneDim { argument: &'static str },
    /// A pooling's padding over half its kernel.
    PoolPadding { padding: usize, kernel: usize },
    /// A transposed convolution's `output_padding` not below its stride or its dilation.
    OutputPadding {
        output_padding: usize,
        stride: usize,
        dilation: usize,
    },
}

impl ZooProblem {
    /// The explanation in `lang`; `at` names the layer.
    pub fn render(&self, lang: Lang, at: &str) -> String {
        match self {
            ZooProblem::Zero { argument } => {
                crate::tr!(lang, "spec-zoo-zero", at = at, argument = *argument)
            }
            ZooProblem::Groups {
                in_channels,
                out_channels,
                groups,
            } => crate::tr!(
                lang,
                "spec-zoo-groups",
                at = at,
                in_channels = in_channels.to_string(),
                out_channels = out_channels.to_string(),
                groups = groups.to_string()
            ),
            ZooProblem::SameStride => crate::tr!(lang, "spec-zoo-same-stride", at = at),
            ZooProblem::OneDim { argument } => {
                crate::tr!(lang, "spec-zoo-one-dim", at = at, argument = *argument)
            }
            ZooProblem::PoolPadding { padding, kernel } => crate::tr!(
                lang,
                "spec-zoo-pool-padding",
                at = at,
                padding = padding.to_string(),
                kernel = kernel.to_string()
            ),
            ZooProblem::OutputPadding {
                output_padding,
                stride,
                dilation,
            } => crate::tr!(
                lang,
                "spec-zoo-output-padding",
                at = at,
                output_padding = output_padding.to_string(),
                stride = stride.to_string(),
                dilation = dilation.to_string()
            ),
        }
    }
}

/// What a 1-d layer, or a window of several sizes, needed from its input.
#[derive(Debug, Clone, PartialEq)]
pub enum ZooNeed {
    /// A C x L sample, for a 1-d convolution or pooling.
    Sequence { op: &'static str },
    /// Each spatial dimension at least `min` (length; or height and width).
    Fits { min: Vec<usize> },
}

impl ZooNeed {
    /// (what was needed, what came, why) in `lang`, for the shape `x` that came.
    pub fn render(&self, lang: Lang, x: &Shape) -> (String, String, String) {
        let shape = x.to_string();
        match self {
            ZooNeed::Sequence { op } => (
                crate::tr!(lang, "spec-zoo-need-sequence"),
                crate::tr!(
                    lang,
                    "spec-zoo-got-dims",
                    shape = shape.as_str(),
                    n = count(x.dims().len() as u64)
                ),
                crate::tr!(lang, "spec-zoo-why-sequence", op = *op),
            ),
            ZooNeed::Fits { min } => {
                let need = match min.as_slice() {
                    [h, w] => crate::tr!(
                        lang,
                        "spec-zoo-need-hw",
                        height = h.to_string(),
                        width = w.to_string()
                    ),
                    _ => crate::tr!(
                        lang,
                        "spec-zoo-need-length",
                        length = min.last().copied().unwrap_or(1).to_string()
                    ),
                };
                (need, shape.clone(), crate::tr!(lang, "spec-zoo-why-window"))
            }
        }
    }
}
