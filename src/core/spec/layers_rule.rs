//! PyTorch's rules for the normalisations and the dimension operations (`GroupNorm`'s
//! groups, `LayerNorm`'s shape, flatten/permute/select over dimensions), told per language
//! (`assets/locales/<lang>/layers.ftl`, ids `layers-…`).

use super::error::count;
use crate::core::i18n::Lang;
use crate::core::shape::Shape;

/// An argument PyTorch refuses, with the values its message shows.
#[derive(Debug, Clone, PartialEq)]
pub enum LayersProblem {
    /// `GroupNorm`: `num_channels` not a multiple of `num_groups`.
    Groups { groups: usize, channels: usize },
    /// `LayerNorm`'s `normalized_shape`: one to three sizes, none 0.
    NormShape,
    /// An operation over dimension 0, the batch, written as such.
    BatchDim { argument: &'static str },
    /// `Embedding`'s `padding_idx` outside the vocabulary.
    PaddingIdx {
        padding_idx: i64,
        num_embeddings: usize,
    },
}

impl LayersProblem {
    /// The explanation in `lang`; `at` names the layer.
    pub fn render(&self, lang: Lang, at: &str) -> String {
        match self {
            LayersProblem::Groups { groups, channels } => crate::tr!(
                lang,
                "layers-groups",
                at = at,
                groups = groups.to_string(),
                channels = channels.to_string()
            ),
            LayersProblem::NormShape => crate::tr!(lang, "layers-norm-shape", at = at),
            LayersProblem::BatchDim { argument } => {
                crate::tr!(lang, "layers-batch-dim", at = at, argument = *argument)
            }
            LayersProblem::PaddingIdx {
                padding_idx,
                num_embeddings,
            } => crate::tr!(
                lang,
                "layers-padding-idx",
                at = at,
                padding_idx = padding_idx.to_string(),
                low = format!("-{num_embeddings}"),
                high = (*num_embeddings as i64 - 1).to_string()
            ),
        }
    }
}

/// What a normalisation or a dimension operation needed from its input.
#[derive(Debug, Clone, PartialEq)]
pub enum LayersNeed {
    /// The operation would move, merge or remove the batch dimension (dim 0).
    KeepsBatch { op: &'static str },
    /// `flatten` with `start_dim` after `end_dim` (both counted with the batch).
    FlattenOrder { start: i64, end: i64 },
    /// `LayerNorm`: the sample's last dimensions must be `normalized_shape`.
    NormalizedShape { expected: Vec<usize> },
    /// `BatchNorm1d`: a C or C x L sample.
    Features,
    /// `permute`: one dimension per dimension of the input, the batch included.
    PermuteLen { len: usize, rank: usize },
    /// `permute`: each dimension exactly once.
    PermuteDims { dims: Vec<i64> },
    /// `GroupNorm` without γ and β: channels a multiple of the groups.
    GroupChannels { groups: usize },
    /// A recurrent layer: an L x input_size sample.
    Sequence { input_size: usize },
    /// An index outside its dimension.
    Index { index: i64, size: usize },
}

impl LayersNeed {
    /// (what was needed, what came, why) in `lang`, for the shape `x` that came.
    pub fn render(&self, lang: Lang, x: &Shape) -> (String, String, String) {
        let shape = x.to_string();
        let got_dims = || {
            crate::tr!(
                lang,
                "layers-got-dims",
                shape = shape.as_str(),
                n = count(x.dims().len() as u64)
            )
        };
        match self {
            LayersNeed::KeepsBatch { op } => (
                crate::tr!(lang, "layers-need-batch"),
                crate::tr!(lang, "layers-got-batch", op = *op, shape = shape.as_str()),
                crate::tr!(lang, "layers-why-batch"),
            ),
            LayersNeed::FlattenOrder { start, end } => (
                crate::tr!(lang, "layers-need-flatten-order"),
                crate::tr!(
                    lang,
                    "layers-got-flatten-order",
                    start = start.to_string(),
                    end = end.to_string(),
                    shape = shape.as_str()
                ),
                String::new(),
            ),
            LayersNeed::NormalizedShape { expected } => (
                crate::tr!(
                    lang,
                    "layers-need-norm-shape",
                    shape = Shape(expected.clone()).to_string()
                ),
                shape.clone(),
                crate::tr!(lang, "layers-why-norm-shape"),
            ),
            LayersNeed::Features => (
                crate::tr!(lang, "layers-need-features"),
                got_dims(),
                crate::tr!(lang, "layers-why-features"),
            ),
            LayersNeed::PermuteLen { len, rank } => (
                crate::tr!(lang, "layers-need-permute-len", rank = count(*rank as u64)),
                crate::tr!(
                    lang,
                    "layers-got-permute-len",
                    len = count(*len as u64),
                    shape = shape.as_str()
                ),
                String::new(),
            ),
            LayersNeed::PermuteDims { dims } => (
                crate::tr!(lang, "layers-need-permute-dims"),
                crate::tr!(
                    lang,
                    "layers-got-permute-dims",
                    shape = shape.as_str(),
                    dims = dims
                        .iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                String::new(),
            ),
            LayersNeed::GroupChannels { groups } => (
                crate::tr!(
                    lang,
                    "layers-need-group-channels",
                    groups = groups.to_string()
                ),
                got_dims(),
                String::new(),
            ),
            LayersNeed::Sequence { input_size } => (
                crate::tr!(
                    lang,
                    "layers-need-sequence",
                    input_size = input_size.to_string()
                ),
                got_dims(),
                crate::tr!(lang, "layers-why-sequence"),
            ),
            LayersNeed::Index { index, size } => (
                crate::tr!(
                    lang,
                    "layers-need-index",
                    low = format!("-{size}"),
                    high = (*size as i64 - 1).to_string()
                ),
                crate::tr!(
                    lang,
                    "layers-got-index",
                    index = index.to_string(),
                    shape = shape.as_str()
                ),
                String::new(),
            ),
        }
    }
}

/// `dim` (counted with the batch, negative from the end) as an index below `rank`, or the
/// dimension PyTorch refuses.
pub(super) fn resolve(dim: i64, rank: usize) -> Result<usize, super::Need> {
    let r = rank as i64;
    if dim < -r || dim >= r {
        return Err(super::Need::SoftmaxDim { dim, rank: r });
    }
    Ok(if dim < 0 {
        (dim + r) as usize
    } else {
        dim as usize
    })
}
