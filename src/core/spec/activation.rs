//! Activations (`ReLU`, `Sigmoid`, `Tanh`, `GELU`, `SiLU`, `LeakyReLU`, `ELU`, `Softmax`): every fact mltutor knows about them
//! but their candle instantiation (`engine::Network::with_dtype`).

use super::need::Need;
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// An element-wise activation: the shape stays, no parameters.
#[derive(Clone, Copy)]
pub enum Elementwise {
    ReLU,
    Sigmoid,
    Tanh,
    Gelu,
    Silu,
}

impl LayerFacts for Elementwise {
    fn type_name(&self) -> &'static str {
        match self {
            Elementwise::ReLU => "ReLU",
            Elementwise::Sigmoid => "Sigmoid",
            Elementwise::Tanh => "Tanh",
            Elementwise::Gelu => "GELU",
            Elementwise::Silu => "SiLU",
        }
    }

    fn has_weights(&self) -> bool {
        false
    }

    fn module_expr(&self) -> String {
        format!("nn.{}()", self.type_name())
    }

    fn functional_expr(&self, arg: &str) -> String {
        match self {
            Elementwise::ReLU => format!("F.relu({arg})"),
            Elementwise::Sigmoid => format!("torch.sigmoid({arg})"),
            Elementwise::Tanh => format!("torch.tanh({arg})"),
            Elementwise::Gelu => format!("F.gelu({arg})"),
            Elementwise::Silu => format!("F.silu({arg})"),
        }
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
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

/// An activation with one number: `LeakyReLU(negative_slope)` and `ELU(alpha)`.
#[derive(Clone, Copy)]
pub enum SlopeKind {
    LeakyRelu,
    Elu,
}

/// See [`SlopeKind`]; `value` is the slope or alpha.
pub struct Sloped {
    pub kind: SlopeKind,
    pub value: f64,
}

impl Sloped {
    /// PyTorch's argument name and default.
    fn argument(&self) -> (&'static str, f64) {
        match self.kind {
            SlopeKind::LeakyRelu => ("negative_slope", 0.01),
            SlopeKind::Elu => ("alpha", 1.0),
        }
    }
}

impl LayerFacts for Sloped {
    fn type_name(&self) -> &'static str {
        match self.kind {
            SlopeKind::LeakyRelu => "LeakyReLU",
            SlopeKind::Elu => "ELU",
        }
    }

    fn has_weights(&self) -> bool {
        false
    }

    /// `nn.LeakyReLU()`, or `nn.LeakyReLU(negative_slope=0.2)` when not the default.
    fn module_expr(&self) -> String {
        let (name, default) = self.argument();
        if self.value == default {
            format!("nn.{}()", self.type_name())
        } else {
            format!("nn.{}({name}={})", self.type_name(), self.value)
        }
    }

    fn functional_expr(&self, arg: &str) -> String {
        let f = match self.kind {
            SlopeKind::LeakyRelu => "F.leaky_relu",
            SlopeKind::Elu => "F.elu",
        };
        let (name, default) = self.argument();
        if self.value == default {
            format!("{f}({arg})")
        } else {
            format!("{f}({arg}, {name}={})", self.value)
        }
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.value.is_finite() {
            Ok(())
        } else {
            Err(SpecProblem::NotFinite {
                argument: self.argument().0,
            })
        }
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

/// `nn.Softmax(dim=d)`; `dim` counts the batch dimension, as in PyTorch.
pub struct Softmax {
    pub dim: i64,
}

impl LayerFacts for Softmax {
    fn type_name(&self) -> &'static str {
        "Softmax"
    }

    fn has_weights(&self) -> bool {
        false
    }

    fn module_expr(&self) -> String {
        format!("nn.Softmax(dim={})", self.dim)
    }

    fn functional_expr(&self, arg: &str) -> String {
        format!("F.softmax({arg}, dim={})", self.dim)
    }

    /// Checked against the input's rank by the shape rule.
    fn check_args(&self) -> Result<(), SpecProblem> {
        Ok(())
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        // dim counts the batch dimension, as in PyTorch.
        let rank = x.dims().len() as i64 + 1;
        if self.dim < -rank || self.dim >= rank {
            return Err(Need::SoftmaxDim {
                dim: self.dim,
                rank,
            });
        }
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
