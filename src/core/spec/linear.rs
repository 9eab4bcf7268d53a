//! `nn.Linear`: every fact mltutor knows about a fully connected layer but its candle
//! instantiation (`engine::Network::with_dtype`).

use super::need::Need;
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// `nn.Linear(in, out, bias=b)`: acts on the last dimension.
pub struct Linear {
    pub in_features: usize,
    pub out_features: usize,
    pub bias: bool,
}

impl LayerFacts for Linear {
    fn type_name(&self) -> &'static str {
        "Linear"
    }

    fn has_weights(&self) -> bool {
        true
    }

    fn module_expr(&self) -> String {
        let b = if self.bias { "" } else { ", bias=False" };
        format!("nn.Linear({}, {}{b})", self.in_features, self.out_features)
    }

    /// Never shown: a layer with weights must be a named module (validation).
    fn functional_expr(&self, arg: &str) -> String {
        format!("Linear({arg})")
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.in_features == 0 || self.out_features == 0 {
            return Err(SpecProblem::FeaturesZero);
        }
        Ok(())
    }

    /// The last dimension must be `in_features`; it becomes `out_features`.
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let d = x.dims();
        let last = *d.last().unwrap_or(&0);
        if last != self.in_features {
            return Err(Need::Features {
                expected: self.in_features,
                last,
                multi_dim: d.len() > 1,
            });
        }
        let mut out = d.to_vec();
        *out.last_mut().expect("non-empty") = self.out_features;
        Ok(Shape(out))
    }

    /// out·in weights (+ out biases).
    fn sizes(&self) -> Option<Sizes> {
        let w = (self.out_features as u64).checked_mul(self.in_features as u64)?;
        let b = if self.bias {
            self.out_features as u64
        } else {
            0
        };
        Some(Sizes {
            params: w.checked_add(b)?,
            buffers: 0,
        })
    }

    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }

    /// As torchinfo counts them: params × the batch, whatever the sample's dimensions (on
    /// an L x F sequence PyTorch computes L times as many, but torchinfo's figure is the
    /// one students compare with).
    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        params.saturating_mul(output.dims().first().copied().unwrap_or(1) as u64)
    }
}
