//! Operations over dimensions, as a chain's functional steps: `nn.Flatten(start_dim,
//! end_dim)`, `F.log_softmax(x, dim)`, `x.mean(dim)` / `x.sum(dim)`, `x.transpose(a, b)`,
//! `x.permute(...)` and `x[:, -1]` (`select`). Every dimension is counted with the batch,
//! as in PyTorch; none may move, merge or remove the batch dimension. Every fact mltutor
//! knows about them but their candle instantiation (`engine::Network::with_dtype`).

use super::layers_rule::{resolve, LayersNeed, LayersProblem};
use super::need::Need;
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// The rank of a batch of samples of shape `x`.
fn rank(x: &Shape) -> usize {
    x.dims().len() + 1
}

/// `dim` of a batch of `x`, as an index into the sample's dimensions (the batch refused).
fn sample_dim(dim: i64, x: &Shape, op: &'static str) -> Result<usize, Need> {
    match resolve(dim, rank(x))? {
        0 => Err(Need::Layers(LayersNeed::KeepsBatch { op })),
        d => Ok(d - 1),
    }
}

macro_rules! no_weights {
    () => {
        fn has_weights(&self) -> bool {
            false
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
    };
}

/// `nn.Flatten(start_dim, end_dim)` (defaults 1 and -1, as `nn.Flatten`).
pub struct Flatten {
    pub start_dim: i64,
    pub end_dim: i64,
}

impl LayerFacts for Flatten {
    fn type_name(&self) -> &'static str {
        "Flatten"
    }

    no_weights!();

    /// `start_dim` 0 merges the batch (unless it stops there).
    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.start_dim == 0 && self.end_dim != 0 {
            return Err(SpecProblem::Layers(LayersProblem::BatchDim {
                argument: "start_dim",
            }));
        }
        Ok(())
    }

    fn module_expr(&self) -> String {
        match (self.start_dim, self.end_dim) {
            (1, -1) => "nn.Flatten()".into(),
            (s, -1) => format!("nn.Flatten({s})"),
            (s, e) => format!("nn.Flatten({s}, {e})"),
        }
    }

    /// `torch.flatten`'s own `start_dim` defaults to 0: it is always written.
    fn functional_expr(&self, arg: &str) -> String {
        match self.end_dim {
            -1 => format!("torch.flatten({arg}, {})", self.start_dim),
            e => format!("torch.flatten({arg}, {}, {e})", self.start_dim),
        }
    }

    fn functional_label(&self) -> String {
        "torch.flatten".into()
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let r = rank(x);
        let (s, e) = (resolve(self.start_dim, r)?, resolve(self.end_dim, r)?);
        if s > e {
            return Err(Need::Layers(LayersNeed::FlattenOrder {
                start: self.start_dim,
                end: self.end_dim,
            }));
        }
        if s == 0 && e > 0 {
            return Err(Need::Layers(LayersNeed::KeepsBatch { op: "flatten" }));
        }
        if s == e {
            return Ok(x.clone());
        }
        let d = x.dims();
        let (s, e) = (s - 1, e - 1);
        let merged = d[s..=e]
            .iter()
            .try_fold(1usize, |a, &b| a.checked_mul(b))
            .unwrap_or(usize::MAX);
        let mut out = d[..s].to_vec();
        out.push(merged);
        out.extend_from_slice(&d[e + 1..]);
        Ok(Shape(out))
    }
}

/// `nn.LogSoftmax(dim=d)`; `dim` counts the batch dimension, as in PyTorch.
pub struct LogSoftmax {
    pub dim: i64,
}

impl LayerFacts for LogSoftmax {
    fn type_name(&self) -> &'static str {
        "LogSoftmax"
    }

    no_weights!();

    /// Checked against the input's rank by the shape rule.
    fn check_args(&self) -> Result<(), SpecProblem> {
        Ok(())
    }

    fn module_expr(&self) -> String {
        format!("nn.LogSoftmax(dim={})", self.dim)
    }

    fn functional_expr(&self, arg: &str) -> String {
        format!("F.log_softmax({arg}, dim={})", self.dim)
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        resolve(self.dim, rank(x))?;
        Ok(x.clone())
    }
}

/// Which reduction `Reduce` computes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ReduceOp {
    Mean,
    Sum,
}

/// `x.mean(dim=d)` / `x.sum(dim=d)`, with `keepdim`.
pub struct Reduce {
    pub op: ReduceOp,
    pub dim: i64,
    pub keepdim: bool,
}

impl Reduce {
    fn method(&self) -> &'static str {
        match self.op {
            ReduceOp::Mean => "mean",
            ReduceOp::Sum => "sum",
        }
    }
}

impl LayerFacts for Reduce {
    fn type_name(&self) -> &'static str {
        match self.op {
            ReduceOp::Mean => "Mean",
            ReduceOp::Sum => "Sum",
        }
    }

    no_weights!();

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.dim == 0 {
            return Err(SpecProblem::Layers(LayersProblem::BatchDim {
                argument: "dim",
            }));
        }
        Ok(())
    }

    /// PyTorch has no module: the call, as a module would read.
    fn module_expr(&self) -> String {
        self.functional_expr("x")
    }

    fn functional_expr(&self, arg: &str) -> String {
        let keep = if self.keepdim { ", keepdim=True" } else { "" };
        format!("{arg}.{}(dim={}{keep})", self.method(), self.dim)
    }

    fn functional_label(&self) -> String {
        self.functional_expr("x")
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let d = sample_dim(self.dim, x, self.method())?;
        let mut out = x.dims().to_vec();
        if self.keepdim {
            out[d] = 1;
        } else {
            out.remove(d);
        }
        Ok(Shape(out))
    }
}

/// `x.transpose(dim0, dim1)`.
pub struct Transpose {
    pub dim0: i64,
    pub dim1: i64,
}

impl LayerFacts for Transpose {
    fn type_name(&self) -> &'static str {
        "Transpose"
    }

    no_weights!();

    fn check_args(&self) -> Result<(), SpecProblem> {
        if (self.dim0 == 0) != (self.dim1 == 0) {
            return Err(SpecProblem::Layers(LayersProblem::BatchDim {
                argument: "dim",
            }));
        }
        Ok(())
    }

    /// PyTorch has no module: the call, as a module would read.
    fn module_expr(&self) -> String {
        self.functional_expr("x")
    }

    fn functional_expr(&self, arg: &str) -> String {
        format!("{arg}.transpose({}, {})", self.dim0, self.dim1)
    }

    fn functional_label(&self) -> String {
        self.functional_expr("x")
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let r = rank(x);
        let (a, b) = (resolve(self.dim0, r)?, resolve(self.dim1, r)?);
        if a == b {
            return Ok(x.clone());
        }
        if a == 0 || b == 0 {
            return Err(Need::Layers(LayersNeed::KeepsBatch { op: "transpose" }));
        }
        let mut out = x.dims().to_vec();
        out.swap(a - 1, b - 1);
        Ok(Shape(out))
    }
}

/// `x.permute(d0, d1, ...)`: every dimension of the batch, the batch first.
pub struct Permute<'a> {
    pub dims: &'a [i64],
}

impl LayerFacts for Permute<'_> {
    fn type_name(&self) -> &'static str {
        "Permute"
    }

    no_weights!();

    /// The batch first: `permute(0, ...)`.
    fn check_args(&self) -> Result<(), SpecProblem> {
        let moved = match self.dims.split_first() {
            Some((first, rest)) => *first > 0 || rest.contains(&0),
            None => false,
        };
        if moved {
            return Err(SpecProblem::Layers(LayersProblem::BatchDim {
                argument: "dims",
            }));
        }
        Ok(())
    }

    /// PyTorch has no module: the call, as a module would read.
    fn module_expr(&self) -> String {
        self.functional_expr("x")
    }

    fn functional_expr(&self, arg: &str) -> String {
        let d: Vec<String> = self.dims.iter().map(|d| d.to_string()).collect();
        format!("{arg}.permute({})", d.join(", "))
    }

    fn functional_label(&self) -> String {
        self.functional_expr("x")
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let r = rank(x);
        if self.dims.len() != r {
            return Err(Need::Layers(LayersNeed::PermuteLen {
                len: self.dims.len(),
                rank: r,
            }));
        }
        let mut seen = vec![false; r];
        let mut order = Vec::with_capacity(r);
        for &d in self.dims {
            let i = resolve(d, r)?;
            if std::mem::replace(&mut seen[i], true) {
                return Err(Need::Layers(LayersNeed::PermuteDims {
                    dims: self.dims.to_vec(),
                }));
            }
            order.push(i);
        }
        if order[0] != 0 {
            return Err(Need::Layers(LayersNeed::KeepsBatch { op: "permute" }));
        }
        Ok(Shape(order[1..].iter().map(|&i| x.dims()[i - 1]).collect()))
    }
}

/// `x.select(dim, index)`, written as indexing: `x[:, -1]` (the last step of a sequence).
pub struct Select {
    pub dim: i64,
    pub index: i64,
}

impl LayerFacts for Select {
    fn type_name(&self) -> &'static str {
        "Select"
    }

    no_weights!();

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.dim == 0 {
            return Err(SpecProblem::Layers(LayersProblem::BatchDim {
                argument: "dim",
            }));
        }
        Ok(())
    }

    /// PyTorch has no module: the call, as a module would read.
    fn module_expr(&self) -> String {
        self.functional_expr("x")
    }

    /// `x[:, -1]` for dim 1, `x[..., 0]` for dim -1, `x[..., 2, :]` for dim -2.
    fn functional_expr(&self, arg: &str) -> String {
        let d = self.dim;
        if d >= 0 {
            let before = ":, ".repeat(d.min(8) as usize);
            format!("{arg}[{before}{}]", self.index)
        } else {
            let after = ", :".repeat((-d - 1).min(8) as usize);
            format!("{arg}[..., {}{after}]", self.index)
        }
    }

    fn functional_label(&self) -> String {
        self.functional_expr("x")
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let d = sample_dim(self.dim, x, "select")?;
        let size = x.dims()[d];
        let s = size as i64;
        if self.index < -s || self.index >= s {
            return Err(Need::Layers(LayersNeed::Index {
                index: self.index,
                size,
            }));
        }
        let mut out = x.dims().to_vec();
        out.remove(d);
        Ok(Shape(out))
    }
}
