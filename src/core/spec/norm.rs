//! `nn.BatchNorm2d`: every fact mltutor knows about batch normalisation but its candle
//! instantiation (`engine::Network::with_dtype`).

use super::need::{image_dims, Need};
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// `nn.BatchNorm2d(features)`: γ and β trainable, running mean and variance as buffers.
pub struct BatchNorm2d {
    pub features: usize,
}

impl LayerFacts for BatchNorm2d {
    fn type_name(&self) -> &'static str {
        "BatchNorm2d"
    }

    fn has_weights(&self) -> bool {
        true
    }

    fn module_expr(&self) -> String {
        format!("nn.BatchNorm2d({})", self.features)
    }

    /// Never shown: a layer with weights must be a named module (validation).
    fn functional_expr(&self, arg: &str) -> String {
        format!("BatchNorm2d({arg})")
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.features == 0 {
            return Err(SpecProblem::FeaturesZero);
        }
        Ok(())
    }

    /// A C x H x W sample with C = features, unchanged.
    fn output_shape(&self, x: &Shape, label: &str) -> Result<Shape, Need> {
        let (c, _, _) = image_dims(x, "BatchNorm2d")?;
        if c != self.features {
            return Err(Need::Channels {
                expected: self.features,
                got: c,
                from_layer: label.to_string(),
            });
        }
        Ok(x.clone())
    }

    /// 2·C trainable (γ, β), 2·C + 1 buffers (running mean, variance, and PyTorch's
    /// `num_batches_tracked` counter).
    fn sizes(&self) -> Option<Sizes> {
        let two_c = (self.features as u64).checked_mul(2)?;
        Some(Sizes {
            params: two_c,
            buffers: two_c.checked_add(1)?,
        })
    }

    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }

    /// torchinfo: γ and β once per sample (the running statistics are buffers, not
    /// parameters, and count for nothing).
    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        params * output.dims().first().copied().unwrap_or(1) as u64
    }
}
