//! Sequence layers (`nn.Embedding`, `nn.RNN`, `nn.LSTM`, `nn.GRU` and the reading of their
//! final states): every fact mltutor knows about them but their candle
//! instantiation (`engine::Network::with_dtype`).

use super::error::{at32, LayerAt, SpecError};
use super::graph::Graph;
use super::layers_rule::LayersProblem;
use super::need::Need;
use super::{LayerFacts, LayerKind, ModelSpec, Sizes, SpecProblem};
use crate::core::i18n::Lang;
use crate::core::shape::Shape;
use serde::{Deserialize, Serialize};

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
    /// `nn.RNN`: one (tanh or ReLU).
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

/// What `forward` reads of a recurrent layer's results, PyTorch's `output, h_n` (LSTM:
/// `output, (h_n, c_n)`): written `"output"` (the default), `"h_n"` or `"c_n"`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Returns {
    /// Every step's output of the last layer: N x L x D·H (`out, _ = self.lstm(x)`).
    #[default]
    Output,
    /// The final hidden state of every layer and direction: D·num_layers x N x H, the batch
    /// in the middle (`_, (h, _) = self.lstm(x)`, `_, h = self.gru(x)`).
    Hidden,
    /// LSTM's final cell state, D·num_layers x N x hidden_size (`_, (_, c) = self.lstm(x)`).
    CellState,
}

impl Returns {
    fn word(self) -> &'static str {
        match self {
            Returns::Output => "output",
            Returns::Hidden => "h_n",
            Returns::CellState => "c_n",
        }
    }

    /// Whether the layer gives a final state (whose batch is dimension 1).
    pub fn is_state(self) -> bool {
        match self {
            Returns::Output => false,
            Returns::Hidden | Returns::CellState => true,
        }
    }

    /// The Python target of `self.lstm(x)` when the result is written `var`:
    /// `var, _`, `_, var`, `_, (var, _)`, `_, (_, var)`.
    pub fn target(self, var: &str, cell: Cell) -> String {
        match (self, cell) {
            (Returns::Output, _) => format!("{var}, _"),
            (Returns::Hidden, Cell::Lstm) => format!("_, ({var}, _)"),
            (Returns::Hidden, Cell::Rnn | Cell::Gru) => format!("_, {var}"),
            (Returns::CellState, _) => format!("_, (_, {var})"),
        }
    }
}

impl Serialize for Returns {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.word())
    }
}

impl<'de> Deserialize<'de> for Returns {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        [Returns::Output, Returns::Hidden, Returns::CellState]
            .into_iter()
            .find(|r| r.word() == s)
            .ok_or_else(|| {
                serde::de::Error::invalid_value(
                    serde::de::Unexpected::Str(&s),
                    &"\"output\", \"h_n\" or \"c_n\"",
                )
            })
    }
}

/// `nn.RNN`'s `nonlinearity`: `"tanh"` (PyTorch's default) or `"relu"`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Nonlinearity {
    #[default]
    Tanh,
    Relu,
}

impl Nonlinearity {
    fn word(self) -> &'static str {
        match self {
            Nonlinearity::Tanh => "tanh",
            Nonlinearity::Relu => "relu",
        }
    }
}

impl Serialize for Nonlinearity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.word())
    }
}

impl<'de> Deserialize<'de> for Nonlinearity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        [Nonlinearity::Tanh, Nonlinearity::Relu]
            .into_iter()
            .find(|r| r.word() == s)
            .ok_or_else(|| {
                serde::de::Error::invalid_value(
                    serde::de::Unexpected::Str(&s),
                    &"\"tanh\" or \"relu\"",
                )
            })
    }
}

/// A float as Python writes it: `0.2`, `1.0`, `1e-05`.
pub(super) fn py_float(v: f64) -> String {
    let s = format!("{v:?}");
    // Rust's `1e-5` is Python's `1e-05`.
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ("-", d),
                None => ("+", e),
            };
            format!("{m}e{sign}{digits:0>2}").replace(".0e", "e")
        }
        None => s,
    }
}

/// `nn.RNN` / `nn.LSTM` / `nn.GRU`: `out, _ = self.lstm(x)`, the output of every step,
/// N x L x D·H (D = 2 when bidirectional), or (`returns`) a final state.
pub struct Recurrent {
    pub cell: Cell,
    pub input_size: usize,
    pub hidden_size: usize,
    pub num_layers: usize,
    pub nonlinearity: Nonlinearity,
    pub bias: bool,
    pub batch_first: bool,
    /// Dropout on the outputs of each layer but the last, while training.
    pub dropout: f64,
    pub bidirectional: bool,
    /// LSTM: the hidden state projected to this size (0: none).
    pub proj_size: usize,
    pub returns: Returns,
}

impl Recurrent {
    fn directions(&self) -> usize {
        if self.bidirectional {
            2
        } else {
            1
        }
    }

    /// The size of `h` (the output's features per direction): `proj_size` when set.
    fn out_hidden(&self) -> usize {
        if self.proj_size > 0 {
            self.proj_size
        } else {
            self.hidden_size
        }
    }
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

    /// PyTorch's argument order; only what is not at its default.
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
        if self.nonlinearity != Nonlinearity::Tanh {
            s += &format!(", nonlinearity='{}'", self.nonlinearity.word());
        }
        if !self.bias {
            s += ", bias=False";
        }
        if self.batch_first {
            s += ", batch_first=True";
        }
        if self.dropout != 0.0 {
            s += &format!(", dropout={}", py_float(self.dropout));
        }
        if self.bidirectional {
            s += ", bidirectional=True";
        }
        if self.proj_size != 0 {
            s += &format!(", proj_size={}", self.proj_size);
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
        if !(0.0..=1.0).contains(&self.dropout) {
            return Err(SpecProblem::Recurrent(RecurrentProblem::Dropout {
                p: self.dropout,
            }));
        }
        if self.proj_size >= self.hidden_size && self.proj_size != 0 {
            return Err(SpecProblem::Recurrent(RecurrentProblem::ProjSize {
                proj_size: self.proj_size,
                hidden_size: self.hidden_size,
            }));
        }
        if self.returns == Returns::CellState && self.cell != Cell::Lstm {
            return Err(SpecProblem::Recurrent(RecurrentProblem::CellOfNonLstm));
        }
        if self.returns.is_state() && !self.batch_first {
            return Err(SpecProblem::Recurrent(RecurrentProblem::StateBatchFirst));
        }
        Ok(())
    }

    /// An L x input_size sample (steps x features) becomes L x D·H (H: `proj_size` when
    /// set). Without `batch_first` PyTorch reads the first dimension as the steps: the
    /// shapes are the same. A final state is D·num_layers x H per sample (PyTorch's
    /// D·num_layers x N x H: the batch is its dimension 1).
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        match x.dims() {
            [l, f] if *f == self.input_size => {
                let d = self.directions();
                let layers = self.num_layers.saturating_mul(d);
                Ok(Shape(match self.returns {
                    Returns::Output => vec![*l, self.out_hidden().saturating_mul(d)],
                    Returns::Hidden => vec![layers, self.out_hidden()],
                    Returns::CellState => vec![layers, self.hidden_size],
                }))
            }
            _ => Err(Need::Layers(super::layers_rule::LayersNeed::Sequence {
                input_size: self.input_size,
            })),
        }
    }

    /// Per layer and direction: G·H·(in + P) weights (P: `proj_size`, else H), 2·G·H
    /// biases and, with a projection, P·H more; `in` is the input size for the first layer
    /// and D·P after it.
    fn sizes(&self) -> Option<Sizes> {
        let (g, h) = (self.cell.gates(), self.hidden_size as u64);
        let p = self.out_hidden() as u64;
        let d = self.directions() as u64;
        let mut total = 0u64;
        for l in 0..self.num_layers {
            let input = if l == 0 {
                self.input_size as u64
            } else {
                d.checked_mul(p)?
            };
            let mut one = g.checked_mul(h)?.checked_mul(input.checked_add(p)?)?;
            if self.bias {
                one = one.checked_add(g.checked_mul(h)?.checked_mul(2)?)?;
            }
            if self.proj_size > 0 {
                one = one.checked_add(p.checked_mul(h)?)?;
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

    /// torchinfo: every weight and bias once per step of every sample (N·L·params), from
    /// the output sequence's first two dimensions. A final state does not say L: see
    /// `mult_adds_from`, which reads it from the input.
    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        let d = output.dims();
        let steps = d.first().copied().unwrap_or(1) as u64 * d.get(1).copied().unwrap_or(1) as u64;
        params.saturating_mul(steps)
    }

    /// N·L·params, N and L from the input (N x L x F), whatever the layer returns: torchinfo
    /// counts from `output`'s first two dimensions, which are the input's.
    fn mult_adds_from(&self, params: u64, input: &Shape, _output: &Shape) -> u64 {
        let d = input.dims();
        let steps = d.first().copied().unwrap_or(1) as u64 * d.get(1).copied().unwrap_or(1) as u64;
        params.saturating_mul(steps)
    }
}

/// Reading a recurrent layer's final state (D·num_layers x N x H): `h[-1]` (one layer and
/// direction, `index` among D·num_layers) or, `index` being `None`, `h.squeeze(0)` (one
/// layer, one direction). The batch comes first again: N x H.
pub struct StateRead {
    pub index: Option<i64>,
}

impl LayerFacts for StateRead {
    fn type_name(&self) -> &'static str {
        match self.index {
            Some(_) => "FinalState",
            None => "FinalStateSqueeze",
        }
    }

    fn has_weights(&self) -> bool {
        false
    }

    /// PyTorch has no module: the expression.
    fn module_expr(&self) -> String {
        self.functional_expr("h")
    }

    fn functional_expr(&self, arg: &str) -> String {
        match self.index {
            Some(i) => format!("{arg}[{i}]"),
            None => format!("{arg}.squeeze(0)"),
        }
    }

    fn functional_label(&self) -> String {
        self.functional_expr("h")
    }

    /// The recurrent layer it reads is checked with the graph (`check_states`).
    fn check_args(&self) -> Result<(), SpecProblem> {
        Ok(())
    }

    /// D·num_layers x H per sample: one of the first dimension's entries, H.
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        match (x.dims(), self.index) {
            ([layers, h], Some(i)) => {
                let s = *layers as i64;
                if i < -s || i >= s {
                    return Err(Need::Layers(super::layers_rule::LayersNeed::Index {
                        index: i,
                        size: *layers,
                    }));
                }
                Ok(Shape(vec![*h]))
            }
            ([1, h], None) => Ok(Shape(vec![*h])),
            _ => Err(Need::Layers(super::layers_rule::LayersNeed::Index {
                index: self.index.unwrap_or(0),
                size: x.dims().first().copied().unwrap_or(0),
            })),
        }
    }

    fn sizes(&self) -> Option<Sizes> {
        Some(Sizes::NONE)
    }

    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }

    /// torchinfo counts none (indexing, not a module).
    fn mult_adds(&self, _params: u64, _output: &Shape) -> u64 {
        0
    }
}

/// A recurrent layer's arguments, or a final state's readers, against PyTorch's rules
/// (`layers.ftl`, ids `recurrent-…`).
#[derive(Debug, Clone, PartialEq)]
pub enum RecurrentProblem {
    /// `dropout` outside [0, 1].
    Dropout { p: f64 },
    /// `proj_size` not below `hidden_size`.
    ProjSize {
        proj_size: usize,
        hidden_size: usize,
    },
    /// `returns: "c_n"` on an RNN or a GRU.
    CellOfNonLstm,
    /// A final state read without `batch_first=True`.
    StateBatchFirst,
    /// A final state read by anything but `h[i]` / `h.squeeze(0)`.
    StateReader { label: String },
    /// The model returns a final state.
    StateReturned,
    /// `h[i]` on a tensor that is not a final state.
    NotAState,
    /// `h.squeeze(0)` where D·num_layers is not 1.
    Squeeze { layers: usize },
}

impl RecurrentProblem {
    /// The explanation in `lang`; `at` names the layer.
    pub fn render(&self, lang: Lang, at: &str) -> String {
        match self {
            RecurrentProblem::Dropout { p } => {
                crate::tr!(lang, "recurrent-dropout", at = at, p = lang.real(*p))
            }
            RecurrentProblem::ProjSize {
                proj_size,
                hidden_size,
            } => crate::tr!(
                lang,
                "recurrent-proj-size",
                at = at,
                proj_size = lang.num(*proj_size as u64),
                hidden_size = lang.num(*hidden_size as u64)
            ),
            RecurrentProblem::CellOfNonLstm => crate::tr!(lang, "recurrent-cell-not-lstm", at = at),
            RecurrentProblem::StateBatchFirst => {
                crate::tr!(lang, "recurrent-state-batch-first", at = at)
            }
            RecurrentProblem::StateReader { label } => crate::tr!(
                lang,
                "recurrent-state-reader",
                at = at,
                label = label.as_str()
            ),
            RecurrentProblem::StateReturned => {
                crate::tr!(lang, "recurrent-state-returned", at = at)
            }
            RecurrentProblem::NotAState => crate::tr!(lang, "recurrent-not-a-state", at = at),
            RecurrentProblem::Squeeze { layers } => crate::tr!(
                lang,
                "recurrent-squeeze",
                at = at,
                layers = lang.num(*layers as u64)
            ),
        }
    }
}

/// What a recurrent layer returns, when `kind` is one.
pub fn returns_of(kind: &LayerKind) -> Option<(Cell, Returns, usize)> {
    let layers = |n: usize, bi: bool| n.saturating_mul(if bi { 2 } else { 1 });
    match kind {
        LayerKind::RNN {
            returns,
            num_layers,
            bidirectional,
            ..
        } => Some((Cell::Rnn, *returns, layers(*num_layers, *bidirectional))),
        LayerKind::LSTM {
            returns,
            num_layers,
            bidirectional,
            ..
        } => Some((Cell::Lstm, *returns, layers(*num_layers, *bidirectional))),
        LayerKind::GRU {
            returns,
            num_layers,
            bidirectional,
            ..
        } => Some((Cell::Gru, *returns, layers(*num_layers, *bidirectional))),
        _ => None,
    }
}

/// Final states are read only as PyTorch's idioms read them: a state (D·num_layers x N x
/// H, the batch in the middle) goes only to `h[i]` / `h.squeeze(0)`, which read nothing
/// else, and is not returned.
pub(super) fn check_states(spec: &ModelSpec, graph: &Graph) -> Result<(), SpecError> {
    let err = |i: usize, type_name: &'static str, problem: RecurrentProblem| SpecError {
        model: spec.id.clone(),
        layer: Some(LayerAt {
            position: at32(graph.nodes.get(i).map_or(i + 1, |n| n.position)),
            type_name,
            module: graph
                .nodes
                .get(i)
                .and_then(|n| n.module)
                .and_then(|m| u16::try_from(m).ok()),
        }),
        problem: SpecProblem::Recurrent(problem),
    };
    // Per value (0: the input), the number of final-state layers when it is a state.
    let mut state: Vec<Option<usize>> = vec![None];
    for n in &graph.nodes {
        state.push(match returns_of(n.kind) {
            Some((_, r, layers)) if r.is_state() => Some(layers),
            _ => None,
        });
    }
    for (i, n) in graph.nodes.iter().enumerate() {
        let reads_state = n
            .inputs
            .iter()
            .find(|&&v| state.get(v).copied().flatten().is_some());
        let reader = matches!(
            n.kind,
            LayerKind::FinalState { .. } | LayerKind::FinalStateSqueeze
        );
        match (reader, reads_state) {
            (true, Some(&v)) => {
                if n.kind == &LayerKind::FinalStateSqueeze {
                    let layers = state[v].unwrap_or(1);
                    if layers != 1 {
                        return Err(err(
                            i,
                            n.kind.type_name(),
                            RecurrentProblem::Squeeze { layers },
                        ));
                    }
                }
            }
            (true, None) => return Err(err(i, n.kind.type_name(), RecurrentProblem::NotAState)),
            (false, Some(_)) => {
                return Err(err(
                    i,
                    n.kind.type_name(),
                    RecurrentProblem::StateReader {
                        label: n.label.clone(),
                    },
                ))
            }
            (false, None) => {}
        }
    }
    if state.get(graph.output).copied().flatten().is_some() {
        let i = graph.output.saturating_sub(1);
        let t = graph.nodes.get(i).map_or("", |n| n.kind.type_name());
        return Err(err(i, t, RecurrentProblem::StateReturned));
    }
    Ok(())
}
