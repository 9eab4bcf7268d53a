//! `nn.MaxPool2d` and `nn.AvgPool2d`: every fact mltutor knows about 2-D pooling but its
//! candle instantiation (`engine::Network::with_dtype`).

use super::need::{conv_len, image_dims, Need};
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// Which pooling: the maximum or the mean of each window.
#[derive(Clone, Copy)]
pub enum Reduce {
    Max,
    Avg,
}

/// `nn.MaxPool2d(k, stride=s)` / `nn.AvgPool2d(k, stride=s)`; PyTorch's default stride is
/// the kernel size.
pub struct Pool2d {
    pub reduce: Reduce,
    pub kernel: usize,
    pub stride: Option<usize>,
}

impl Pool2d {
    /// The stride written only when it differs from the kernel, as the exam writes it.
    fn args(&self) -> String {
        match self.stride {
            Some(s) if s != self.kernel => format!("{}, stride={s}", self.kernel),
            _ => self.kernel.to_string(),
        }
    }
}

impl LayerFacts for Pool2d {
    fn type_name(&self) -> &'static str {
        match self.reduce {
            Reduce::Max => "MaxPool2d",
            Reduce::Avg => "AvgPool2d",
        }
    }

    fn has_weights(&self) -> bool {
        false
    }

    fn module_expr(&self) -> String {
        format!("nn.{}({})", self.type_name(), self.args())
    }

    fn functional_expr(&self, arg: &str) -> String {
        let f = match self.reduce {
            Reduce::Max => "F.max_pool2d",
            Reduce::Avg => "F.avg_pool2d",
        };
        format!("{f}({arg}, {})", self.args())
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.kernel == 0 || self.stride == Some(0) {
            return Err(SpecProblem::PoolArgs);
        }
        Ok(())
    }

    /// H_out = ⌊(H − k)/s⌋ + 1, the same for W; the channels stay.
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let (c, h, w) = image_dims(x, self.type_name())?;
        let s = self.stride.unwrap_or(self.kernel);
        match (
            conv_len(h, self.kernel, s, 0),
            conv_len(w, self.kernel, s, 0),
        ) {
            (Some(oh), Some(ow)) => Ok(Shape(vec![c, oh, ow])),
            _ => Err(Need::PoolFits {
                kernel: self.kernel,
            }),
        }
    }

    fn sizes(&self) -> Option<Sizes> {
        Some(Sizes::NONE)
    }

    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }

    /// torchinfo counts none.
    fn mult_adds(&self, _params: u64, _output: &Shape) -> u64 {
        0
    }
}
