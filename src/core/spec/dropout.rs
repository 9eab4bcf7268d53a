//! `nn.Dropout`: every fact mltutor knows about dropout but its candle instantiation
//! (`engine::Network::with_dtype`).

use super::need::Need;
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// `nn.Dropout(p)`: zeroes each value with probability p while training.
pub struct Dropout {
    pub p: f64,
}

impl LayerFacts for Dropout {
    fn type_name(&self) -> &'static str {
        "Dropout"
    }

    fn has_weights(&self) -> bool {
        false
    }

    fn module_expr(&self) -> String {
        format!("nn.Dropout(p={})", self.p)
    }

    fn functional_expr(&self, arg: &str) -> String {
        format!("F.dropout({arg}, p={}, training=self.training)", self.p)
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if !(0.0..1.0).contains(&self.p) {
            return Err(SpecProblem::DropoutP { p: self.p });
        }
        Ok(())
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        Ok(x.clone())
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

/// `nn.Dropout2d(p)`: zeroes whole channels (each C's H x W map) with probability p while
/// training.
pub struct Dropout2d {
    pub p: f64,
}

impl LayerFacts for Dropout2d {
    fn type_name(&self) -> &'static str {
        "Dropout2d"
    }

    fn has_weights(&self) -> bool {
        false
    }

    fn module_expr(&self) -> String {
        format!("nn.Dropout2d(p={})", self.p)
    }

    fn functional_expr(&self, arg: &str) -> String {
        format!("F.dropout2d({arg}, p={}, training=self.training)", self.p)
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        Dropout { p: self.p }.check_args()
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        Ok(x.clone())
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
