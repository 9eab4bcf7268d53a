//! Sequence layers (`nn.Embedding`): every fact mltutor knows about them but their candle
//! instantiation (`engine::Network::with_dtype`).

use super::layers_rule::LayersProblem;
use super::need::Need;
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// `nn.Embedding(num_embeddings, embedding_dim, padding_idx)`: one vector per token id. As
/// the model's first layer its input is token ids (`--input 50`: a sequence of 50 ids).
pub struct Embedding {
    pub num_embeddings: usize,
    pub embedding_dim: usize,
    pub padding_idx: Option<i64>,
}

impl LayerFacts for Embedding {
    fn type_name(&self) -> &'static str {
        "Embedding"
    }

    fn has_weights(&self) -> bool {
        true
    }

    fn module_expr(&self) -> String {
        let mut s = format!(
            "nn.Embedding({}, {}",
            self.num_embeddings, self.embedding_dim
        );
        if let Some(p) = self.padding_idx {
            s += &format!(", padding_idx={p}");
        }
        s + ")"
    }

    /// Never shown: a layer with weights must be a named module (validation).
    fn functional_expr(&self, arg: &str) -> String {
        format!("F.embedding({arg}, weight)")
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.num_embeddings == 0 || self.embedding_dim == 0 {
            return Err(SpecProblem::FeaturesZero);
        }
        if let Some(p) = self.padding_idx {
            let n = self.num_embeddings as i64;
            if p < -n || p >= n {
                return Err(SpecProblem::Layers(LayersProblem::PaddingIdx {
                    padding_idx: p,
                    num_embeddings: self.num_embeddings,
                }));
            }
        }
        Ok(())
    }

    /// Each id becomes a vector: the shape gains `embedding_dim` at the end.
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let mut out = x.dims().to_vec();
        out.push(self.embedding_dim);
        Ok(Shape(out))
    }

    fn sizes(&self) -> Option<Sizes> {
        Some(Sizes {
            params: (self.num_embeddings as u64).checked_mul(self.embedding_dim as u64)?,
            buffers: 0,
        })
    }

    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }

    /// torchinfo: the weight once per sample, as for any layer whose parameter is `weight`.
    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        params.saturating_mul(output.dims().first().copied().unwrap_or(1) as u64)
    }
}

/// Which recurrent layer: its gates per hidden unit (PyTorch's order).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Cell {
    /// `nn.RNN` (tanh): one.
    Rnn,
    /// `nn.LSTM`: input, forget, cell, output.
    Lstm,
    /// `nn.GRU`: reset, update, new.
    Gru,
}

impl Cell {
    pub fn gates(self) -> u64 {
        match self {
            Cell::Rnn => 1,
            Cell::Lstm => 4,
            Cell::Gru => 3,
        }
    }
}

/// `nn.RNN` / `nn.LSTM` / `nn.GRU` as a chain layer: `x, _ = self.lstm(x)`, the output of
/// every step (`out`), N x L x D·H (D = 2 when bidirectional).
pub struct Recurrent {
    pub cell: Cell,
    pub input_size: usize,
    pub hidden_size: usize,
    pub num_layers: usize,
    pub bias: bool,
    pub batch_first: bool,
    pub bidirectional: bool,
}

impl LayerFacts for Recurrent {
    fn type_name(&self) -> &'static str {
        match self.cell {
            Cell::Rnn => "RNN",
            Cell::Lstm => "LSTM",
            Cell::Gru => "GRU",
        }
    }

    fn has_weights(&self) -> bool {
        true
    }

    fn module_expr(&self) -> String {
        let mut s = format!(
            "nn.{}({}, {}",
            self.type_name(),
            self.input_size,
            self.hidden_size
        );
        if self.num_layers != 1 {
            s += &format!(", num_layers={}", self.num_layers);
        }
        if !self.bias {
            s += ", bias=False";
        }
        if self.batch_first {
            s += ", batch_first=True";
        }
        if self.bidirectional {
            s += ", bidirectional=True";
        }
        s + ")"
    }

    /// Never shown: a layer with weights must be a named module (validation).
    fn functional_expr(&self, arg: &str) -> String {
        format!("{}({arg})", self.type_name())
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.input_size == 0 || self.hidden_size == 0 {
            return Err(SpecProblem::FeaturesZero);
        }
        if self.num_layers == 0 {
            return Err(SpecProblem::Zoo(super::rule::ZooProblem::Zero {
                argument: "num_layers",
            }));
        }
        Ok(())
    }

    /// An L x input_size sample (steps x features) becomes L x D·hidden_size. Without
    /// `batch_first` PyTorch reads the first dimension as the steps: the shapes are the same.
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        match x.dims() {
            [l, f] if *f == self.input_size => {
                let d = if self.bidirectional { 2 } else { 1 };
                Ok(Shape(vec![*l, self.hidden_size.saturating_mul(d)]))
            }
            _ => Err(Need::Layers(super::layers_rule::LayersNeed::Sequence {
                input_size: self.input_size,
            })),
        }
    }

    /// Per layer and direction: G·H·(in + H) weights and 2·G·H biases, `in` being the input
    /// size for the first layer and D·H after it.
    fn sizes(&self) -> Option<Sizes> {
        let (g, h) = (self.cell.gates(), self.hidden_size as u64);
        let d: u64 = if self.bidirectional { 2 } else { 1 };
        let mut total = 0u64;
        for l in 0..self.num_layers {
            let input = if l == 0 {
                self.input_size as u64
            } else {
                d.checked_mul(h)?
            };
            let mut one = g.checked_mul(h)?.checked_mul(input.checked_add(h)?)?;
            if self.bias {
                one = one.checked_add(g.checked_mul(h)?.checked_mul(2)?)?;
            }
            total = total.checked_add(one.checked_mul(d)?)?;
        }
        Some(Sizes {
            params: total,
            buffers: 0,
        })
    }

    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }

    /// torchinfo: every weight and bias once per step of every sample (N·L·params).
    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        let d = output.dims();
        let steps = d.first().copied().unwrap_or(1) as u64 * d.get(1).copied().unwrap_or(1) as u64;
        params.saturating_mul(steps)
    }
}
