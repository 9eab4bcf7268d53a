//! Reshapes (`torch.flatten(x, 1)`, `x.view(-1, N)`): every fact mltutor knows about them
//! but their candle instantiation (`engine::Network::with_dtype`).

use super::need::Need;
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// `torch.flatten(x, 1)` / `nn.Flatten()`: keeps the batch dimension.
pub struct Flatten;

impl LayerFacts for Flatten {
    fn type_name(&self) -> &'static str {
        "Flatten"
    }

    fn has_weights(&self) -> bool {
        false
    }

    fn module_expr(&self) -> String {
        "nn.Flatten()".into()
    }

    fn functional_expr(&self, arg: &str) -> String {
        format!("torch.flatten({arg}, 1)")
    }

    fn functional_label(&self) -> String {
        "torch.flatten".into()
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        Ok(())
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        Ok(Shape(vec![x.elements().unwrap_or(u64::MAX) as usize]))
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

/// `x.view(a, b)`: only `x.view(-1, N)` is supported (validation).
pub struct View {
    pub first: i64,
    pub n: i64,
}

impl LayerFacts for View {
    fn type_name(&self) -> &'static str {
        "View"
    }

    fn has_weights(&self) -> bool {
        false
    }

    fn module_expr(&self) -> String {
        format!("View({}, {})", self.first, self.n)
    }

    fn functional_expr(&self, arg: &str) -> String {
        format!("{arg}.view({}, {})", self.first, self.n)
    }

    fn functional_label(&self) -> String {
        self.functional_expr("x")
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.first != -1 || self.n < 1 {
            return Err(SpecProblem::ViewArgs {
                first: self.first,
                n: self.n,
            });
        }
        Ok(())
    }

    /// The sample must hold exactly N elements: anything else either fails in PyTorch or
    /// silently mixes samples.
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let n = self.n as u64;
        let per_sample = x.elements().unwrap_or(u64::MAX);
        if per_sample == n {
            Ok(Shape(vec![n as usize]))
        } else {
            Err(Need::View { n, per_sample })
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
