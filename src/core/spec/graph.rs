//! Graphs, not only chains: named tensors (`from`, `to`), the layers that combine them
//! (`Add`, `Mul`, `Cat`), `nn.Identity`, `nn.Sequential` and sub-module classes.
//!
//! A spec's forward is lowered once into a flat list of leaf [`Node`]s (the rows of the
//! summary, in the order `forward` runs them), each reading numbered values: value 0 is the
//! model's input, node `i` writes value `i + 1`. `plan`, the engine and the summary walk that
//! list; `codegen` renders the spec itself. Names are resolved here, so that an unknown
//! tensor, a tensor read before it is written or an output nobody reads is refused before
//! anything runs (messages: `assets/locales/<lang>/graph.ftl`, ids `graph-…`).
//!
//! `Add` and `Mul` follow PyTorch's broadcasting rule between tensors of the same rank
//! (each dimension equal, or 1 in one of them); `Cat` joins tensors whose other dimensions
//! are equal, along any dimension but the batch's.

use super::error::{at32, LayerAt, SpecError, SpecProblem};
use super::need::Need;
use super::{LayerFacts, LayerKind, LayerSpec, ModelSpec, Sizes};
use crate::core::i18n::Lang;
use crate::core::shape::Shape;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The most leaf layers a model may unfold into (sub-modules used inside sub-modules
/// multiply): refused beyond, before anything is built.
pub const MAX_NODES: usize = 10_000;

/// The tensors a layer reads: `from: "x"` or `from: ["out", "identity"]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs(pub Vec<String>);

impl Serialize for Inputs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_str(one),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Inputs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Inputs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a tensor name or a list of tensor names")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Inputs, E> {
                Ok(Inputs(vec![v.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Inputs, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = a.next_element::<String>()? {
                    if out.len() >= 64 {
                        return Err(serde::de::Error::custom("more than 64 tensor names"));
                    }
                    out.push(s);
                }
                Ok(Inputs(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A sub-module class: its own layers and forward, used by `Module("BasicBlock")` as many
/// times as wanted, each use with its own weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleSpec {
    /// The Python class name (`BasicBlock`).
    pub class_name: String,
    pub layers: Vec<LayerSpec>,
}

/// One leaf layer of the lowered forward: a row of the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    /// `conv1`, `layer1.conv1`, `features.0`, `F.relu`, `out + identity`.
    pub label: String,
    /// The module path its weights are named under (`layer1.conv1` → `layer1.conv1.weight`);
    /// `None` for a functional call.
    pub path: Option<String>,
    /// A leaf kind (never `Sequential` or `Module`).
    pub kind: &'a LayerKind,
    /// The values read: 0 is the model's input, node `i` writes value `i + 1`.
    pub inputs: Vec<usize>,
    /// The top-level layer (0-based, in the spec's `layers`) it was lowered from: where a
    /// problem found in this node is placed in the pack's text.
    pub top: usize,
    /// Where the layer is written: the sub-module class (index in `modules`) or `None` for
    /// the model's own `layers`, and its 1-based position in that forward.
    pub module: Option<usize>,
    pub position: usize,
}

/// A model's forward as leaf layers in the order they run.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph<'a> {
    pub nodes: Vec<Node<'a>>,
    /// The value `forward` returns.
    pub output: usize,
}

impl Graph<'_> {
    /// Whether the graph is a plain chain: each node reads only the previous one's output.
    pub fn is_chain(&self) -> bool {
        self.output == self.nodes.len()
            && self
                .nodes
                .iter()
                .enumerate()
                .all(|(i, n)| n.inputs.as_slice() == [i])
    }

    /// For each node, whether its output is read once, by the next node alone, and is not
    /// returned: it may then be fused with the next node.
    pub fn feeds_only_next(&self) -> Vec<bool> {
        let mut reads = vec![0usize; self.nodes.len() + 1];
        for n in &self.nodes {
            for &v in &n.inputs {
                if let Some(r) = reads.get_mut(v) {
                    *r += 1;
                }
            }
        }
        (0..self.nodes.len())
            .map(|i| {
                let v = i + 1;
                v != self.output
                    && reads[v] == 1
                    && self.nodes.get(i + 1).is_some_and(|n| n.inputs == [v])
            })
            .collect()
    }
}

/// What is wrong with a spec's wiring, classes or containers.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphProblem {
    /// A tensor name that no line of the forward writes.
    UnknownTensor {
        name: String,
        class: String,
        written: Vec<String>,
    },
    /// A tensor name written only by a later line.
    ReadBeforeWritten { name: String, class: String },
    /// Not a Python variable name.
    BadTensorName { name: String },
    /// A layer whose output nothing reads (PyTorch would still run and count it).
    Unused { label: String, class: String },
    /// A layer given a number of inputs it cannot take.
    Inputs { got: usize, min: usize, max: usize },
    /// `Add`, `Mul`, `Cat` or a functional `Identity` given a module name.
    NotAModule,
    /// `Sequential` or `Module(...)` without a name: the code holds it as `self.name`.
    ContainerUnnamed,
    /// A kind that has no `nn` module inside `Sequential([...])`.
    NotInSequential { type_name: &'static str },
    /// An empty `Sequential` or class.
    Empty,
    /// `Module("X")` where no class `X` is defined before this one.
    UnknownClass { class: String, known: Vec<String> },
    /// A class defined twice, or named like the model.
    ClassTwice { class: String },
    /// Not a Python class name.
    BadClass { class: String },
    /// More leaf layers than [`MAX_NODES`].
    TooLarge,
    /// `inline: true` on a layer that reads named tensors or combines them.
    InlineWired,
}

impl GraphProblem {
    /// The explanation in `lang`; `at` names the layer.
    pub fn render(&self, lang: Lang, at: &str) -> String {
        let list = |v: &[String]| {
            v.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            GraphProblem::UnknownTensor {
                name,
                class,
                written,
            } => crate::tr!(
                lang,
                "graph-unknown-tensor",
                at = at,
                name = name.as_str(),
                class = class.as_str(),
                written = list(written)
            ),
            GraphProblem::ReadBeforeWritten { name, class } => crate::tr!(
                lang,
                "graph-read-before-written",
                at = at,
                name = name.as_str(),
                class = class.as_str()
            ),
            GraphProblem::BadTensorName { name } => {
                crate::tr!(lang, "graph-bad-tensor-name", at = at, name = name.as_str())
            }
            GraphProblem::Unused { label, class } => crate::tr!(
                lang,
                "graph-unused",
                at = at,
                label = label.as_str(),
                class = class.as_str()
            ),
            GraphProblem::Inputs { got, min, max } => {
                if min == max {
                    crate::tr!(
                        lang,
                        "graph-inputs-one",
                        at = at,
                        got = super::count(*got as u64)
                    )
                } else {
                    crate::tr!(
                        lang,
                        "graph-inputs-many",
                        at = at,
                        got = super::count(*got as u64),
                        min = super::count(*min as u64)
                    )
                }
            }
            GraphProblem::NotAModule => crate::tr!(lang, "graph-not-a-module", at = at),
            GraphProblem::ContainerUnnamed => {
                crate::tr!(lang, "graph-container-unnamed", at = at)
            }
            GraphProblem::NotInSequential { type_name } => crate::tr!(
                lang,
                "graph-not-in-sequential",
                at = at,
                type_name = *type_name
            ),
            GraphProblem::Empty => crate::tr!(lang, "graph-empty", at = at),
            GraphProblem::UnknownClass { class, known } => crate::tr!(
                lang,
                "graph-unknown-class",
                at = at,
                class = class.as_str(),
                known = list(known)
            ),
            GraphProblem::ClassTwice { class } => {
                crate::tr!(lang, "graph-class-twice", class = class.as_str())
            }
            GraphProblem::BadClass { class } => {
                crate::tr!(lang, "graph-bad-class", class = class.as_str())
            }
            GraphProblem::InlineWired => crate::tr!(lang, "graph-inline-wired", at = at),
            GraphProblem::TooLarge => crate::tr!(
                lang,
                "graph-too-large",
                max = super::count(MAX_NODES as u64)
            ),
        }
    }
}

/// What a combining layer needed from the shapes it received.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphNeed {
    /// `Add`/`Mul` of tensors of different ranks.
    Rank { other: Shape },
    /// `Add`/`Mul` of shapes that differ (neither is 1) in dimension `dim` (batch = 0).
    Broadcast { other: Shape, dim: usize },
    /// `Cat` of tensors of different ranks.
    CatRank { other: Shape },
    /// `Cat` of shapes that differ in dimension `dim` (batch = 0), other than the joined one.
    CatOther {
        other: Shape,
        dim: usize,
        joined: usize,
    },
    /// `Cat`'s `dim` outside the tensors' rank (batch included).
    CatDim { dim: i64, rank: usize },
    /// `Cat` along the batch dimension would mix samples.
    CatBatch,
}

impl GraphNeed {
    /// (what was needed, what came, why) in `lang`, for the shape `x` of the first input.
    pub fn render(&self, lang: Lang, x: &Shape) -> (String, String, String) {
        let a = x.to_string();
        let a = a.as_str();
        match self {
            GraphNeed::Rank { other } => (
                crate::tr!(lang, "graph-need-same-rank"),
                crate::tr!(lang, "graph-got-two", a = a, b = other.to_string()),
                crate::tr!(lang, "graph-why-rank"),
            ),
            GraphNeed::Broadcast { other, dim } => {
                let sample = dim.saturating_sub(1);
                (
                    crate::tr!(lang, "graph-need-broadcast"),
                    crate::tr!(lang, "graph-got-two", a = a, b = other.to_string()),
                    crate::tr!(
                        lang,
                        "graph-why-broadcast",
                        dim = dim.to_string(),
                        left = x.dims().get(sample).copied().unwrap_or(0).to_string(),
                        right = other.dims().get(sample).copied().unwrap_or(0).to_string()
                    ),
                )
            }
            GraphNeed::CatRank { other } => (
                crate::tr!(lang, "graph-need-cat"),
                crate::tr!(lang, "graph-got-two", a = a, b = other.to_string()),
                crate::tr!(lang, "graph-why-rank"),
            ),
            GraphNeed::CatOther { other, dim, joined } => {
                let sample = dim.saturating_sub(1);
                (
                    crate::tr!(lang, "graph-need-cat"),
                    crate::tr!(lang, "graph-got-two", a = a, b = other.to_string()),
                    crate::tr!(
                        lang,
                        "graph-why-cat",
                        dim = dim.to_string(),
                        joined = joined.to_string(),
                        left = x.dims().get(sample).copied().unwrap_or(0).to_string(),
                        right = other.dims().get(sample).copied().unwrap_or(0).to_string()
                    ),
                )
            }
            GraphNeed::CatDim { dim, rank } => (
                crate::tr!(
                    lang,
                    "graph-need-cat-dim",
                    low = (-(*rank as i64)).to_string(),
                    high = (*rank as i64 - 1).to_string()
                ),
                crate::tr!(lang, "graph-got-cat-dim", dim = dim.to_string(), shape = a),
                String::new(),
            ),
            GraphNeed::CatBatch => (
                crate::tr!(lang, "graph-need-cat"),
                crate::tr!(lang, "graph-got-cat-batch"),
                crate::tr!(lang, "graph-why-cat-batch"),
            ),
        }
    }
}

/// How layers combine tensors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Combine {
    /// `a + b`
    Add,
    /// `a * b`
    Mul,
    /// `torch.cat([a, b], dim=d)`
    Cat(i64),
}

impl Combine {
    /// The Python expression over the input names.
    pub fn expr(&self, args: &[String]) -> String {
        match self {
            Combine::Add => args.join(" + "),
            Combine::Mul => args.join(" * "),
            Combine::Cat(d) => format!("torch.cat([{}], dim={d})", args.join(", ")),
        }
    }

    /// The output shape of one sample (no batch dimension), by PyTorch's rules.
    pub fn output_shape(&self, inputs: &[&Shape]) -> Result<Shape, Need> {
        let Some((first, rest)) = inputs.split_first() else {
            return Err(Need::Graph(GraphNeed::CatBatch));
        };
        let mut out = first.dims().to_vec();
        match self {
            Combine::Add | Combine::Mul => {
                for o in rest {
                    if o.dims().len() != out.len() {
                        return Err(Need::Graph(GraphNeed::Rank {
                            other: (*o).clone(),
                        }));
                    }
                    for (i, (a, b)) in out.iter_mut().zip(o.dims()).enumerate() {
                        if *a == *b || *b == 1 {
                        } else if *a == 1 {
                            *a = *b;
                        } else {
                            return Err(Need::Graph(GraphNeed::Broadcast {
                                other: (*o).clone(),
                                dim: i + 1,
                            }));
                        }
                    }
                }
            }
            Combine::Cat(dim) => {
                // PyTorch's dim counts the batch dimension.
                let rank = out.len() + 1;
                let d = if *dim < 0 { *dim + rank as i64 } else { *dim };
                if d < 0 || d >= rank as i64 {
                    return Err(Need::Graph(GraphNeed::CatDim { dim: *dim, rank }));
                }
                if d == 0 {
                    return Err(Need::Graph(GraphNeed::CatBatch));
                }
                let joined = d as usize;
                for o in rest {
                    if o.dims().len() != out.len() {
                        return Err(Need::Graph(GraphNeed::CatRank {
                            other: (*o).clone(),
                        }));
                    }
                    for (i, (a, b)) in out.iter_mut().zip(o.dims()).enumerate() {
                        if i + 1 == joined {
                            *a = a.checked_add(*b).ok_or(Need::Graph(GraphNeed::CatBatch))?;
                        } else if a != b {
                            return Err(Need::Graph(GraphNeed::CatOther {
                                other: (*o).clone(),
                                dim: i + 1,
                                joined,
                            }));
                        }
                    }
                }
            }
        }
        Ok(Shape(out))
    }
}

impl LayerFacts for Combine {
    fn type_name(&self) -> &'static str {
        match self {
            Combine::Add => "Add",
            Combine::Mul => "Mul",
            Combine::Cat(_) => "Cat",
        }
    }
    fn has_weights(&self) -> bool {
        false
    }
    /// No `nn` module: validation refuses a name.
    fn module_expr(&self) -> String {
        String::new()
    }
    fn functional_expr(&self, arg: &str) -> String {
        self.expr(&[arg.to_string()])
    }
    fn functional_label(&self) -> String {
        match self {
            Combine::Add => "+".into(),
            Combine::Mul => "*".into(),
            Combine::Cat(_) => "torch.cat".into(),
        }
    }
    fn check_args(&self) -> Result<(), SpecProblem> {
        Ok(())
    }
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        Combine::output_shape(self, &[x])
    }
    fn sizes(&self) -> Option<Sizes> {
        Some(Sizes::NONE)
    }
    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }
    /// torchinfo counts none (a Python operator, not a module).
    fn mult_adds(&self, _params: u64, _output: &Shape) -> u64 {
        0
    }
}

/// `nn.Identity()`; unnamed, a plain assignment (`identity = x`).
pub struct Identity;

impl LayerFacts for Identity {
    fn type_name(&self) -> &'static str {
        "Identity"
    }
    fn has_weights(&self) -> bool {
        false
    }
    fn module_expr(&self) -> String {
        "nn.Identity()".into()
    }
    fn functional_expr(&self, arg: &str) -> String {
        arg.to_string()
    }
    fn functional_label(&self) -> String {
        "=".into()
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
    fn mult_adds(&self, _params: u64, _output: &Shape) -> u64 {
        0
    }
}

/// `nn.Sequential(...)` or an instance of a sub-module class, seen as one layer.
pub enum Container<'a> {
    Sequential(&'a [LayerKind]),
    Module(&'a str),
}

impl LayerFacts for Container<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            Container::Sequential(_) => "Sequential",
            Container::Module(_) => "Module",
        }
    }
    fn has_weights(&self) -> bool {
        match self {
            Container::Sequential(items) => items.iter().any(|k| k.has_weights()),
            // Whatever the class holds: it is held as a module anyway.
            Container::Module(_) => true,
        }
    }
    fn module_expr(&self) -> String {
        match self {
            Container::Sequential(items) => format!(
                "nn.Sequential({})",
                items
                    .iter()
                    .map(|k| k.module_expr())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Container::Module(class) => format!("{class}()"),
        }
    }
    fn functional_expr(&self, arg: &str) -> String {
        format!("{}({arg})", self.module_expr())
    }
    fn functional_label(&self) -> String {
        self.type_name().to_string()
    }
    fn check_args(&self) -> Result<(), SpecProblem> {
        match self {
            Container::Sequential(items) => {
                if items.is_empty() {
                    return Err(SpecProblem::Graph(GraphProblem::Empty));
                }
                for k in *items {
                    if !in_sequential(k) {
                        return Err(SpecProblem::Graph(GraphProblem::NotInSequential {
                            type_name: k.type_name(),
                        }));
                    }
                    k.facts().check_args()?;
                }
                Ok(())
            }
            Container::Module(_) => Ok(()),
        }
    }
    fn output_shape(&self, x: &Shape, label: &str) -> Result<Shape, Need> {
        match self {
            Container::Sequential(items) => {
                let mut cur = x.clone();
                for k in *items {
                    cur = k.facts().output_shape(&cur, label)?;
                }
                Ok(cur)
            }
            // Only the lowered graph knows the class: see [`lower`].
            Container::Module(_) => Ok(x.clone()),
        }
    }
    fn sizes(&self) -> Option<Sizes> {
        match self {
            Container::Sequential(items) => {
                let mut total = Sizes::NONE;
                for k in *items {
                    let s = k.sizes()?;
                    total.params = total.params.checked_add(s.params)?;
                    total.buffers = total.buffers.checked_add(s.buffers)?;
                }
                Some(total)
            }
            Container::Module(_) => Some(Sizes::NONE),
        }
    }
    fn workspace(&self, _input: &Shape, _output: &Shape) -> Option<u64> {
        None
    }
    fn mult_adds(&self, _params: u64, _output: &Shape) -> u64 {
        0
    }
}

/// Whether `nn.Sequential` can hold the kind: it has an `nn` module of its own.
fn in_sequential(kind: &LayerKind) -> bool {
    match kind {
        LayerKind::Add
        | LayerKind::Mul
        | LayerKind::Cat { .. }
        | LayerKind::View(..)
        | LayerKind::Mean { .. }
        | LayerKind::Sum { .. }
        | LayerKind::Transpose { .. }
        | LayerKind::Permute { .. }
        | LayerKind::Select { .. }
        | LayerKind::FinalState { .. }
        | LayerKind::FinalStateSqueeze
        | LayerKind::MultiheadAttention { .. } => false,
        LayerKind::Conv2d { .. }
        | LayerKind::Conv1d { .. }
        | LayerKind::ConvTranspose2d { .. }
        | LayerKind::Linear { .. }
        | LayerKind::ReLU
        | LayerKind::Sigmoid
        | LayerKind::Tanh
        | LayerKind::GELU
        | LayerKind::SiLU
        | LayerKind::LeakyReLU { .. }
        | LayerKind::ELU { .. }
        | LayerKind::Softmax { .. }
        | LayerKind::MaxPool2d { .. }
        | LayerKind::AvgPool2d { .. }
        | LayerKind::MaxPool1d { .. }
        | LayerKind::AvgPool1d { .. }
        | LayerKind::AdaptiveAvgPool1d { .. }
        | LayerKind::AdaptiveAvgPool2d { .. }
        | LayerKind::Flatten
        | LayerKind::Dropout { .. }
        | LayerKind::BatchNorm2d { .. }
        | LayerKind::BatchNorm1d { .. }
        | LayerKind::LayerNorm { .. }
        | LayerKind::GroupNorm { .. }
        | LayerKind::Dropout2d { .. }
        | LayerKind::FlattenDims { .. }
        | LayerKind::LogSoftmax { .. }
        | LayerKind::Embedding { .. }
        | LayerKind::RNN { .. }
        | LayerKind::LSTM { .. }
        | LayerKind::GRU { .. }
        | LayerKind::TransformerEncoderLayer { .. }
        | LayerKind::TransformerEncoder { .. }
        | LayerKind::Identity
        | LayerKind::Sequential(_)
        | LayerKind::Module(_) => true,
    }
}

/// How many inputs a kind takes: (min, max).
fn arity(kind: &LayerKind) -> (usize, usize) {
    match kind {
        LayerKind::Add | LayerKind::Mul | LayerKind::Cat { .. } => (2, 64),
        _ => (1, 1),
    }
}

fn python_name(n: &str) -> bool {
    n.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Lower `spec`'s forward into leaf nodes, resolving every tensor name and class, or say
/// what is wrong (with the layer's position in the forward where it is).
pub fn lower(spec: &ModelSpec) -> Result<Graph<'_>, SpecError> {
    let err = |position: usize, type_name: &'static str, problem: GraphProblem| SpecError {
        model: spec.id.clone(),
        layer: (position > 0).then_some(LayerAt {
            position: at32(position),
            type_name,
            module: None,
        }),
        problem: SpecProblem::Graph(problem),
    };
    // Classes: valid, unique, each using only the classes defined before it.
    let mut classes: HashMap<&str, usize> = HashMap::new();
    for (i, m) in spec.modules.iter().enumerate() {
        if !python_name(&m.class_name) {
            return Err(err(
                0,
                "",
                GraphProblem::BadClass {
                    class: m.class_name.clone(),
                },
            ));
        }
        if m.class_name == spec.class_name || classes.insert(&m.class_name, i).is_some() {
            return Err(err(
                0,
                "",
                GraphProblem::ClassTwice {
                    class: m.class_name.clone(),
                },
            ));
        }
    }
    let mut g = Lowering {
        spec,
        classes,
        nodes: Vec::new(),
        top: 0,
        module: None,
    };
    let output = g.forward(&spec.layers, 0, "", &spec.class_name, spec.modules.len())?;
    let graph = Graph {
        nodes: g.nodes,
        output,
    };
    // An output nothing reads: PyTorch runs the layer and counts its weights all the same.
    let mut read = vec![false; graph.nodes.len() + 1];
    read[graph.output] = true;
    for n in &graph.nodes {
        for &v in &n.inputs {
            read[v] = true;
        }
    }
    if let Some(i) = (1..read.len()).find(|&v| !read[v]) {
        // Placed where the layer is written: in its class's forward.
        let n = &graph.nodes[i - 1];
        let class = n
            .module
            .and_then(|m| spec.modules.get(m))
            .map_or(&spec.class_name, |m| &m.class_name);
        return Err(SpecError {
            model: spec.id.clone(),
            layer: Some(LayerAt {
                position: at32(n.position),
                type_name: n.kind.type_name(),
                module: n.module.and_then(|m| u16::try_from(m).ok()),
            }),
            problem: SpecProblem::Graph(GraphProblem::Unused {
                label: n.label.clone(),
                class: class.clone(),
            }),
        });
    }
    Ok(graph)
}

struct Lowering<'a> {
    spec: &'a ModelSpec,
    classes: HashMap<&'a str, usize>,
    nodes: Vec<Node<'a>>,
    /// The top-level layer being lowered.
    top: usize,
    /// The class whose forward is being lowered (`None`: the model's own).
    module: Option<usize>,
}

impl<'a> Lowering<'a> {
    fn err(&self, position: usize, kind: &LayerKind, problem: GraphProblem) -> SpecError {
        SpecError {
            model: self.spec.id.clone(),
            layer: Some(LayerAt {
                position: at32(position),
                type_name: kind.type_name(),
                module: self.module.and_then(|m| u16::try_from(m).ok()),
            }),
            problem: SpecProblem::Graph(problem),
        }
    }

    fn push(&mut self, node: Node<'a>) -> Result<usize, SpecError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(SpecError {
                model: self.spec.id.clone(),
                layer: None,
                problem: SpecProblem::Graph(GraphProblem::TooLarge),
            });
        }
        self.nodes.push(node);
        Ok(self.nodes.len())
    }

    /// Lower one forward (the model's, or a class's with module path `prefix`) reading
    /// value `input` as `x`; `visible` classes may be used (those defined before). Returns
    /// the value it returns.
    fn forward(
        &mut self,
        layers: &'a [LayerSpec],
        input: usize,
        prefix: &str,
        class: &str,
        visible: usize,
    ) -> Result<usize, SpecError> {
        let mut names: HashMap<&'a str, usize> = HashMap::new();
        names.insert("x", input);
        let all_written: HashSet<&str> = layers.iter().filter_map(|l| l.to.as_deref()).collect();
        let mut written: Vec<String> = vec!["x".into()];
        let mut current: &'a str = "x";
        for (i, l) in layers.iter().enumerate() {
            let position = i + 1;
            if prefix.is_empty() {
                self.top = i;
            }
            let from: Vec<&'a str> = match &l.from {
                Some(Inputs(v)) => v.iter().map(String::as_str).collect(),
                None => vec![current],
            };
            let (min, max) = arity(&l.layer);
            if from.len() < min || from.len() > max {
                return Err(self.err(
                    position,
                    &l.layer,
                    GraphProblem::Inputs {
                        got: from.len(),
                        min,
                        max,
                    },
                ));
            }
            let mut inputs = Vec::with_capacity(from.len());
            for name in &from {
                match names.get(name) {
                    Some(&v) => inputs.push(v),
                    None if all_written.contains(name) => {
                        return Err(self.err(
                            position,
                            &l.layer,
                            GraphProblem::ReadBeforeWritten {
                                name: name.to_string(),
                                class: class.to_string(),
                            },
                        ))
                    }
                    None => {
                        return Err(self.err(
                            position,
                            &l.layer,
                            GraphProblem::UnknownTensor {
                                name: name.to_string(),
                                class: class.to_string(),
                                written: written.clone(),
                            },
                        ))
                    }
                }
            }
            let to: &'a str = l.to.as_deref().unwrap_or(current);
            if !python_name(to) {
                return Err(self.err(
                    position,
                    &l.layer,
                    GraphProblem::BadTensorName {
                        name: to.to_string(),
                    },
                ));
            }
            let path = l.name.as_ref().map(|n| format!("{prefix}{n}"));
            let out = self.layer(&l.layer, path, l.label(), inputs, &from, position, visible)?;
            names.insert(to, out);
            if !written.iter().any(|w| w == to) {
                written.push(to.to_string());
            }
            current = to;
        }
        Ok(names.get(current).copied().unwrap_or(input))
    }

    /// Lower one layer reading `inputs` (named `from` in the code); returns its value.
    #[allow(clippy::too_many_arguments)]
    fn layer(
        &mut self,
        kind: &'a LayerKind,
        path: Option<String>,
        label: String,
        inputs: Vec<usize>,
        from: &[&str],
        position: usize,
        visible: usize,
    ) -> Result<usize, SpecError> {
        match kind {
            LayerKind::Sequential(items) => {
                let Some(path) = path else {
                    return Err(self.err(position, kind, GraphProblem::ContainerUnnamed));
                };
                let mut v = inputs[0];
                for (j, item) in items.iter().enumerate() {
                    let p = format!("{path}.{j}");
                    v = self.layer(item, Some(p.clone()), p, vec![v], &[], position, visible)?;
                }
                Ok(v)
            }
            LayerKind::Module(class) => {
                let Some(path) = path else {
                    return Err(self.err(position, kind, GraphProblem::ContainerUnnamed));
                };
                let idx = match self.classes.get(class.as_str()) {
                    Some(&i) if i < visible => i,
                    _ => {
                        let known = self.spec.modules[..visible]
                            .iter()
                            .map(|m| m.class_name.clone())
                            .collect();
                        return Err(self.err(
                            position,
                            kind,
                            GraphProblem::UnknownClass {
                                class: class.clone(),
                                known,
                            },
                        ));
                    }
                };
                let spec = self.spec;
                let m = &spec.modules[idx];
                let outer = self.module.replace(idx);
                let out = self.forward(
                    &m.layers,
                    inputs[0],
                    &format!("{path}."),
                    &m.class_name,
                    idx,
                );
                self.module = outer;
                out
            }
            // `identity = x`: a new name for the same tensor, no layer.
            LayerKind::Identity if path.is_none() => Ok(inputs[0]),
            LayerKind::Add | LayerKind::Mul | LayerKind::Cat { .. } => {
                let label = if from.is_empty() {
                    label
                } else {
                    let args: Vec<String> = from.iter().map(|s| s.to_string()).collect();
                    match combine(kind) {
                        Some(c) => c.expr(&args),
                        None => label,
                    }
                };
                self.push(Node {
                    label,
                    path: None,
                    kind,
                    inputs,
                    top: self.top,
                    module: self.module,
                    position,
                })
            }
            _ => {
                let label = path.clone().unwrap_or(label);
                self.push(Node {
                    label,
                    path,
                    kind,
                    inputs,
                    top: self.top,
                    module: self.module,
                    position,
                })
            }
        }
    }
}

/// The combining rule of a kind, if it combines tensors.
pub fn combine(kind: &LayerKind) -> Option<Combine> {
    match kind {
        LayerKind::Add => Some(Combine::Add),
        LayerKind::Mul => Some(Combine::Mul),
        LayerKind::Cat { dim } => Some(Combine::Cat(*dim)),
        _ => None,
    }
}

/// Checks of one forward's layers that need no shapes: names, arguments, modules.
pub(super) fn check_layers(
    spec: &ModelSpec,
    layers: &[LayerSpec],
    module: Option<usize>,
) -> Result<(), SpecError> {
    let mut seen = HashSet::new();
    for (i, l) in layers.iter().enumerate() {
        let facts = l.layer.facts();
        let err = |problem: SpecProblem| SpecError {
            model: spec.id.clone(),
            layer: Some(LayerAt {
                position: at32(i + 1),
                type_name: facts.type_name(),
                module: module.and_then(|m| u16::try_from(m).ok()),
            }),
            problem,
        };
        let combines = combine(&l.layer).is_some();
        if let Some(n) = &l.name {
            if !python_name(n) {
                return Err(err(SpecProblem::BadName { name: n.clone() }));
            }
            if !seen.insert(n.clone()) {
                return Err(err(SpecProblem::NameTwice { name: n.clone() }));
            }
            if combines {
                return Err(err(SpecProblem::Graph(GraphProblem::NotAModule)));
            }
        } else if matches!(l.layer, LayerKind::Sequential(_) | LayerKind::Module(_)) {
            return Err(err(SpecProblem::Graph(GraphProblem::ContainerUnnamed)));
        } else if facts.has_weights() {
            return Err(err(SpecProblem::Unnamed));
        }
        if l.inline && i == 0 {
            return Err(err(SpecProblem::FirstInline));
        }
        if l.inline && (l.from.is_some() || combines) {
            return Err(err(SpecProblem::Graph(GraphProblem::InlineWired)));
        }
        facts.check_args().map_err(err)?;
    }
    Ok(())
}

/// [`lower`], or for a spec it refuses, its top-level layers as a plain chain (so that the
/// arithmetic of an unchecked spec never panics; `validate` says what is wrong).
pub fn lower_or_chain(spec: &ModelSpec) -> Graph<'_> {
    lower(spec).unwrap_or_else(|_| Graph {
        nodes: spec
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| Node {
                label: l.label(),
                path: l.name.clone(),
                kind: &l.layer,
                inputs: vec![i],
                top: i,
                module: None,
                position: i + 1,
            })
            .collect(),
        output: spec.layers.len(),
    })
}
