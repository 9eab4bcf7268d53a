//! The shape rules' vocabulary: what a layer needed from its input and did not get
//! (explained to the student by `plan`), and the arithmetic several layer kinds share.

use crate::core::shape::Shape;

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
    /// A 1-d layer's C x L sample, or a window of several sizes (`spec.ftl`).
    Zoo(super::rule::ZooNeed),
    /// What `Add`, `Mul` or `Cat` needed from the shapes they combine (`graph.ftl`).
    Graph(super::graph::GraphNeed),
    /// What a normalisation or a dimension operation needed (`layers.ftl`).
    Layers(super::layers_rule::LayersNeed),
    /// What an attention layer needed (`layers.ftl`).
    Attention(super::attention::AttentionNeed),
}

/// The channels, height and width of a C x H x W sample, or that `op` needs one.
pub(super) fn image_dims(x: &Shape, op: &'static str) -> Result<(usize, usize, usize), Need> {
    match x.dims() {
        [c, h, w] => Ok((*c, *h, *w)),
        _ => Err(Need::Image { op }),
    }
}

/// Mult-adds of a layer whose every weight is used once per output position, as torchinfo
/// counts them: `params` times the output's elements per output unit (`units`: channels
/// or features), batch included.
pub(super) fn per_position(params: u64, output: &Shape, units: usize) -> u64 {
    let elems = output.elements().unwrap_or(0);
    params * (elems / (units as u64).max(1))
}
