//! Shape and size arithmetic done before anything is allocated.
//!
//! `plan` follows PyTorch's documented shape formulas layer by layer. It refuses a model
//! whose weights or activations would exceed the memory budget, and explains a shape that
//! does not fit in words a student can learn from. The real shapes come from candle's
//! forward pass (`engine`); this is the pre-flight check that keeps absurd input harmless.
//!
//! Each layer kind's shape rule, sizes and working memory live with the kind, in `spec`;
//! the words are messages (`assets/locales/<lang>/model.ftl`, ids `plan-…`).

use crate::core::i18n::Lang;
use crate::core::shape::Shape;
use crate::core::spec::{combine, count, lower_or_chain, ModelSpec, Sizes};
use std::fmt;

/// What a layer needed and did not get (defined with the shape rules, in `spec`).
pub use crate::core::spec::Need;

/// Default memory budget for one model and its activations: 512 MiB.
pub const DEFAULT_BUDGET_BYTES: u64 = 512 * 1024 * 1024;
const F32_BYTES: u64 = 4;

/// What the arithmetic predicts for one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedLayer {
    /// Output shape of one sample (no batch dimension).
    pub out: Shape,
    /// Trainable parameters PyTorch's formulas predict (used for the budget only:
    /// the reported counts are read from candle's tensors).
    pub params: u64,
    /// Non-trainable buffers (BatchNorm running statistics).
    pub buffers: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub input: Shape,
    pub batch: usize,
    pub layers: Vec<PlannedLayer>,
    pub param_bytes: u64,
    pub activation_bytes: u64,
}

/// Why a model cannot run on an input.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// A layer receives a shape it cannot take.
    Mismatch(Box<Mismatch>),
    /// Running it would need more memory than the budget allows.
    OverBudget {
        what: Budgeted,
        needed: Option<u64>,
        budget: u64,
    },
}

/// What would exceed the memory budget.
#[derive(Debug, Clone, PartialEq)]
pub enum Budgeted {
    /// One layer's parameters, past what a number can count.
    Layer { label: String },
    /// The sum of every layer's parameters, past what a number can count.
    AllWeights,
    /// The weights of the model `model`.
    Weights { model: String },
    /// One layer's output, past what a number can count.
    Output { label: String },
    /// The sum of the activations, past what a number can count.
    Activations,
    /// A batch's activations up to layer `label`, whose output is `shape`.
    Batch {
        batch: usize,
        model: String,
        label: String,
        shape: Shape,
    },
    /// The same with a convolution's padded working buffers.
    BatchBuffers {
        batch: usize,
        model: String,
        label: String,
    },
}

impl Budgeted {
    /// The words for it in `lang`: `the weights of `huge``.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Budgeted::Layer { label } => {
                crate::tr!(lang, "plan-what-layer", label = label.as_str())
            }
            Budgeted::AllWeights => crate::tr!(lang, "plan-what-all-weights"),
            Budgeted::Weights { model } => {
                crate::tr!(lang, "plan-what-weights", model = model.as_str())
            }
            Budgeted::Output { label } => {
                crate::tr!(lang, "plan-what-output", label = label.as_str())
            }
            Budgeted::Activations => crate::tr!(lang, "plan-what-activations"),
            Budgeted::Batch {
                batch,
                model,
                label,
                shape,
            } => crate::tr!(
                lang,
                "plan-what-batch",
                batch = lang.num(*batch as u64),
                model = model.as_str(),
                label = label.as_str(),
                shape = shape.to_string()
            ),
            Budgeted::BatchBuffers {
                batch,
                model,
                label,
            } => crate::tr!(
                lang,
                "plan-what-batch-buffers",
                batch = lang.num(*batch as u64),
                model = model.as_str(),
                label = label.as_str()
            ),
        }
    }
}

/// A shape that does not fit, told as teaching material.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// 1-based position in `forward`.
    pub position: usize,
    /// `conv2`, `x.view(-1, 1000)`, `F.max_pool2d`.
    pub label: String,
    /// `Conv2d`, `View`.
    pub type_name: String,
    /// The shape of one sample reaching the layer.
    pub incoming: Shape,
    /// The layers that produced `incoming`, e.g. `conv2 → F.relu → F.max_pool2d`
    /// (empty when it is the model's input).
    pub origin: String,
    /// The model's input that was tried.
    pub input: Shape,
    /// What the layer needed.
    pub need: Need,
}

impl Mismatch {
    /// The explanation in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let x = &self.incoming;
        let shape = x.to_string();
        let shape = shape.as_str();
        let (needed, got, why): (String, String, String) = match &self.need {
            Need::Image { op } => (
                crate::tr!(lang, "plan-need-image"),
                crate::tr!(
                    lang,
                    "plan-got-dims",
                    shape = shape,
                    n = count(x.dims().len() as u64)
                ),
                crate::tr!(lang, "plan-why-image", op = *op),
            ),
            Need::Channels {
                expected,
                got,
                from_layer,
            } => (
                crate::tr!(lang, "plan-need-channels", expected = expected.to_string()),
                crate::tr!(
                    lang,
                    "plan-got-channels",
                    got = count(*got as u64),
                    shape = shape
                ),
                crate::tr!(
                    lang,
                    "plan-why-channels",
                    layer = from_layer.as_str(),
                    expected = expected.to_string()
                ),
            ),
            Need::KernelFits { kernel, padding } => {
                let min = kernel.saturating_sub(2 * padding).max(1);
                (
                    crate::tr!(
                        lang,
                        "plan-need-kernel",
                        min = min.to_string(),
                        kernel = kernel.to_string(),
                        padding = padding.to_string()
                    ),
                    describe(x),
                    crate::tr!(lang, "plan-why-kernel"),
                )
            }
            Need::PoolFits { kernel } => (
                crate::tr!(lang, "plan-need-pool", kernel = kernel.to_string()),
                describe(x),
                crate::tr!(lang, "plan-why-pool", kernel = kernel.to_string()),
            ),
            Need::Features {
                expected,
                last,
                multi_dim,
            } => (
                crate::tr!(lang, "plan-need-features", n = count(*expected as u64)),
                if *multi_dim {
                    crate::tr!(
                        lang,
                        "plan-got-last-dim",
                        shape = describe(x),
                        last = last.to_string()
                    )
                } else {
                    crate::tr!(lang, "plan-got-features", last = count(*last as u64))
                },
                if *multi_dim {
                    crate::tr!(lang, "plan-why-flatten", n = expected.to_string())
                } else {
                    String::new()
                },
            ),
            Need::View { n, per_sample } => {
                let (n, p) = (*n, *per_sample);
                let why = if p > n && p.is_multiple_of(n) {
                    crate::tr!(lang, "plan-why-view-mixes", rows = (p / n).to_string())
                } else if p < n && n.is_multiple_of(p) {
                    crate::tr!(lang, "plan-why-view-glues", k = (n / p).to_string())
                } else {
                    crate::tr!(
                        lang,
                        "plan-why-view-fails",
                        per_sample = p.to_string(),
                        n = n.to_string()
                    )
                };
                (
                    crate::tr!(lang, "plan-need-features", n = count(n)),
                    describe(x),
                    why,
                )
            }
            Need::SoftmaxDim { dim, rank } => (
                crate::tr!(
                    lang,
                    "plan-need-dim",
                    low = (-rank).to_string(),
                    high = (rank - 1).to_string()
                ),
                crate::tr!(lang, "plan-got-dim", dim = dim.to_string(), shape = shape),
                String::new(),
            ),
            Need::Zoo(z) => z.render(lang, x),
            Need::Graph(g) => g.render(lang, x),
            Need::Layers(l) => l.render(lang, x),
            Need::Attention(a) => a.render(lang, x),
        };
        let position = self.position.to_string();
        let mut out = if self.origin.is_empty() {
            crate::tr!(
                lang,
                "plan-mismatch-input",
                position = position,
                label = self.label.as_str(),
                type_name = self.type_name.as_str(),
                needed = needed,
                got = got
            )
        } else {
            crate::tr!(
                lang,
                "plan-mismatch-layers",
                position = position,
                label = self.label.as_str(),
                type_name = self.type_name.as_str(),
                needed = needed,
                got = got,
                origin = self.origin.as_str(),
                input = self.input.to_string()
            )
        };
        if !why.is_empty() {
            out += " ";
            out += &why;
        }
        out
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl PlanError {
    /// The explanation in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            PlanError::Mismatch(m) => m.render(lang),
            PlanError::OverBudget {
                what,
                needed,
                budget,
            } => {
                let need = match needed {
                    Some(n) => format_bytes_in(lang, *n),
                    None => crate::tr!(lang, "plan-need-unbounded"),
                };
                crate::tr!(
                    lang,
                    "plan-over-budget",
                    what = what.render(lang),
                    need = need,
                    budget = format_bytes_in(lang, *budget)
                )
            }
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for PlanError {}

/// `1.2 MiB`, `512.0 KiB`, `300 B`: English, as tables print it.
pub fn format_bytes(n: u64) -> String {
    format_bytes_in(Lang::en(), n)
}

/// A size in bytes as `lang` writes it: `512.0 MiB`, `512,0 Mio`.
pub fn format_bytes_in(lang: Lang, n: u64) -> String {
    const K: f64 = 1024.0;
    let x = n as f64;
    let (id, shown) = if x >= K * K * K {
        ("plan-gib", lang.dec(x / (K * K * K), 1))
    } else if x >= K * K {
        ("plan-mib", lang.dec(x / (K * K), 1))
    } else if x >= K {
        ("plan-kib", lang.dec(x / K, 1))
    } else {
        ("plan-bytes", n.to_string())
    };
    crate::tr!(lang, id, n = shown)
}

fn describe(s: &Shape) -> String {
    match s.elements() {
        Some(n) if s.dims().len() > 1 => format!("{s} = {n}"),
        _ => s.to_string(),
    }
}

/// Plan a forward pass of `batch` samples of shape `input` through `spec`: its graph's leaf
/// layers in the order `forward` runs them (sub-modules and `nn.Sequential` unfolded).
pub fn plan(spec: &ModelSpec, input: &Shape, batch: usize, budget: u64) -> Result<Plan, PlanError> {
    let over = |what: Budgeted, needed: Option<u64>| PlanError::OverBudget {
        what,
        needed,
        budget,
    };
    let graph = lower_or_chain(spec);
    // Weights first: a model too big is refused whatever the input.
    let mut total_params: u64 = 0;
    for n in &graph.nodes {
        let Sizes { params, buffers } = n.kind.sizes().ok_or_else(|| {
            over(
                Budgeted::Layer {
                    label: n.label.clone(),
                },
                None,
            )
        })?;
        total_params = total_params
            .checked_add(params)
            .and_then(|t| t.checked_add(buffers))
            .ok_or_else(|| over(Budgeted::AllWeights, None))?;
    }
    let param_bytes = total_params.checked_mul(F32_BYTES);
    match param_bytes {
        Some(b) if b <= budget => {}
        other => {
            return Err(over(
                Budgeted::Weights {
                    model: spec.id.clone(),
                },
                other,
            ))
        }
    }
    let param_bytes = param_bytes.unwrap_or(u64::MAX);

    let input_elems = input.elements().unwrap_or(u64::MAX);
    let mut activation_elems: u64 = input_elems;
    let mut layers = Vec::with_capacity(graph.nodes.len());
    // Each value's shape (0: the input; node i writes value i + 1) and the layers that
    // produced it, for the messages.
    let mut values: Vec<Shape> = vec![input.clone()];
    let mut origins: Vec<Vec<String>> = vec![Vec::new()];
    for (i, n) in graph.nodes.iter().enumerate() {
        let facts = n.kind.facts();
        let label = n.label.clone();
        let first = n.inputs.first().copied().unwrap_or(0);
        let incoming = values.get(first).cloned().unwrap_or_else(|| input.clone());
        let shapes: Vec<&Shape> = n.inputs.iter().filter_map(|&v| values.get(v)).collect();
        let out = match combine(n.kind) {
            Some(c) => c.output_shape(&shapes),
            None => facts.output_shape(&incoming, &label),
        }
        .map_err(|need| {
            PlanError::Mismatch(Box::new(Mismatch {
                position: i + 1,
                label: label.clone(),
                type_name: facts.type_name().into(),
                incoming: incoming.clone(),
                origin: origins
                    .get(first)
                    .map(|o| o.join(" → "))
                    .unwrap_or_default(),
                input: input.clone(),
                need,
            }))
        })?;
        let elems = out.elements().ok_or_else(|| {
            over(
                Budgeted::Output {
                    label: label.clone(),
                },
                None,
            )
        })?;
        activation_elems = activation_elems
            .checked_add(elems)
            .ok_or_else(|| over(Budgeted::Activations, None))?;
        let act_bytes = activation_elems
            .checked_mul(batch as u64)
            .and_then(|e| e.checked_mul(F32_BYTES));
        let total = act_bytes.and_then(|a| a.checked_add(param_bytes));
        match total {
            Some(t) if t <= budget => {}
            other => {
                return Err(over(
                    Budgeted::Batch {
                        batch,
                        model: spec.id.clone(),
                        label: label.clone(),
                        shape: out.clone(),
                    },
                    other,
                ))
            }
        }
        // Some layers (convolutions) also need a working buffer per compute thread: the
        // zero-bordered input and output, or the im2col columns.
        if let Some(work) = facts.workspace(&incoming, &out) {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let total = work
                .checked_mul(batch.min(threads) as u64)
                .and_then(|e| e.checked_mul(F32_BYTES))
                .and_then(|w| w.checked_add(act_bytes?))
                .and_then(|t| t.checked_add(param_bytes));
            match total {
                Some(t) if t <= budget => {}
                other => {
                    return Err(over(
                        Budgeted::BatchBuffers {
                            batch,
                            model: spec.id.clone(),
                            label: label.clone(),
                        },
                        other,
                    ))
                }
            }
        }
        let Sizes { params, buffers } = facts.sizes().unwrap_or(Sizes::NONE);
        // The origin chain restarts at each layer with weights, so messages name the
        // nearest meaningful producer ("conv2 → F.relu → F.max_pool2d").
        let mut origin = if facts.has_weights() {
            Vec::new()
        } else {
            origins.get(first).cloned().unwrap_or_default()
        };
        origin.push(label);
        origins.push(origin);
        layers.push(PlannedLayer {
            out: out.clone(),
            params,
            buffers,
        });
        values.push(out);
    }
    let activation_bytes = activation_elems * batch as u64 * F32_BYTES;
    Ok(Plan {
        input: input.clone(),
        batch,
        layers,
        param_bytes,
        activation_bytes,
    })
}

/// The live shape trace of a typed input: each layer's output shape, in order, up to the
/// layer that refuses it, and why. Only arithmetic: nothing is allocated.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeTrace {
    /// The shape as typed.
    pub input: Shape,
    /// `Some(n)` when the typed shape is a batch of `n` samples of the model's input rank
    /// (`1x3x40x40`): the steps then show the batch dimension first, as PyTorch prints them.
    pub batch: Option<usize>,
    /// Each layer reached: its label and output shape.
    pub steps: Vec<(String, Shape)>,
    /// Why the input does not run (the failing layer is the one after the last step for a
    /// mismatch); none when it runs.
    pub failure: Option<PlanError>,
}

impl ShapeTrace {
    /// The label of the layer that refuses the input, for a shape mismatch.
    pub fn failing_layer(&self) -> Option<&str> {
        match &self.failure {
            Some(PlanError::Mismatch(m)) => Some(m.label.as_str()),
            Some(PlanError::OverBudget { .. }) | None => None,
        }
    }
}

/// Output shapes layer by layer (the graph's leaf layers in order) until one refuses its input.
fn walk(spec: &ModelSpec, input: &Shape) -> Vec<(String, Shape)> {
    let graph = lower_or_chain(spec);
    let mut steps: Vec<(String, Shape)> = Vec::new();
    let mut values: Vec<Shape> = vec![input.clone()];
    for n in &graph.nodes {
        let shapes: Vec<&Shape> = n.inputs.iter().filter_map(|&v| values.get(v)).collect();
        let Some(first) = shapes.first() else { break };
        let out = match combine(n.kind) {
            Some(c) => c.output_shape(&shapes),
            None => n.kind.facts().output_shape(first, &n.label),
        };
        match out {
            Ok(out) => {
                steps.push((n.label.clone(), out.clone()));
                values.push(out);
            }
            Err(_) => break,
        }
    }
    steps
}

/// Trace `input` through `spec` as typed. A shape with one more dimension than the model's
/// input whose sample shape runs is a batch (PyTorch runs it): traced with its batch
/// dimension. Otherwise the steps stop at the failing layer and `failure` says why.
pub fn trace(spec: &ModelSpec, input: &Shape, budget: u64) -> ShapeTrace {
    let whole = plan(spec, input, 1, budget);
    if whole.is_err() && input.dims().len() == spec.input.len() + 1 {
        let (n, sample) = (input.dims()[0], Shape(input.dims()[1..].to_vec()));
        if plan(spec, &sample, n, budget).is_ok() {
            // The batch where PyTorch puts it (a recurrent layer's final state: dimension 1).
            let graph = lower_or_chain(spec);
            let steps = walk(spec, &sample)
                .into_iter()
                .zip(&graph.nodes)
                .map(|((label, s), node)| {
                    let mut dims = s.dims().to_vec();
                    dims.insert(node.kind.batch_dim().min(dims.len()), n);
                    (label, Shape(dims))
                })
                .collect();
            return ShapeTrace {
                input: input.clone(),
                batch: Some(n),
                steps,
                failure: None,
            };
        }
    }
    let mut steps = walk(spec, input);
    let failure = whole.err();
    if let Some(PlanError::Mismatch(m)) = &failure {
        steps.truncate(m.position.saturating_sub(1));
    }
    ShapeTrace {
        input: input.clone(),
        batch: None,
        steps,
        failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::shape::parse_shape;

    fn cnn() -> ModelSpec {
        crate::core::spec::builtin_models()
            .into_iter()
            .find(|m| m.id == "exam_cnn")
            .expect("the exam CNN is built in")
    }

    fn shapes(t: &ShapeTrace) -> Vec<(String, String)> {
        t.steps
            .iter()
            .map(|(l, s)| (l.clone(), s.to_string()))
            .collect()
    }

    fn rows(r: &[(&str, &str)]) -> Vec<(String, String)> {
        r.iter()
            .map(|(l, s)| (l.to_string(), s.to_string()))
            .collect()
    }

    // By hand: conv1 (k3, p1) and conv2 (k5, p2) keep height and width, each max-pool
    // halves them (floor).
    #[test]
    fn trace_of_3x44x44_stops_at_the_view() {
        let t = trace(
            &cnn(),
            &parse_shape("3x44x44").unwrap(),
            DEFAULT_BUDGET_BYTES,
        );
        assert_eq!(t.batch, None);
        assert_eq!(
            shapes(&t),
            rows(&[
                ("conv1", "10x44x44"),
                ("F.relu", "10x44x44"),
                ("F.max_pool2d", "10x22x22"),
                ("conv2", "10x22x22"),
                ("F.relu", "10x22x22"),
                ("F.max_pool2d", "10x11x11"),
            ])
        );
        assert_eq!(t.failing_layer(), Some("x.view(-1, 1000)"));
        match &t.failure {
            Some(PlanError::Mismatch(m)) => {
                assert_eq!(m.position, 7);
                assert_eq!(m.incoming.to_string(), "10x11x11");
                // 10 x 11 x 11 = 1210 values per sample, not a multiple of 1000.
                assert_eq!(
                    m.need,
                    Need::View {
                        n: 1000,
                        per_sample: 1210
                    }
                );
            }
            other => panic!("expected a mismatch, got {other:?}"),
        }
        let why = t.failure.as_ref().unwrap().render(Lang::en());
        assert!(why.contains("x.view(-1, 1000)"), "{why}");
        assert!(why.contains("1210"), "{why}");
    }

    #[test]
    fn trace_of_3x20x2_stops_at_the_second_pool() {
        let t = trace(
            &cnn(),
            &parse_shape("3x20x2").unwrap(),
            DEFAULT_BUDGET_BYTES,
        );
        // 20x2 -> conv1 20x2 -> pool 10x1 -> conv2 (5 wide with its padding of 2) 10x1
        // -> the second pool's 2x2 window does not fit a width of 1.
        assert_eq!(
            shapes(&t),
            rows(&[
                ("conv1", "10x20x2"),
                ("F.relu", "10x20x2"),
                ("F.max_pool2d", "10x10x1"),
                ("conv2", "10x10x1"),
                ("F.relu", "10x10x1"),
            ])
        );
        assert_eq!(t.failing_layer(), Some("F.max_pool2d"));
        match &t.failure {
            Some(PlanError::Mismatch(m)) => {
                assert_eq!(m.position, 6);
                assert_eq!(m.incoming.to_string(), "10x10x1");
                assert_eq!(m.need, Need::PoolFits { kernel: 2 });
            }
            other => panic!("expected a mismatch, got {other:?}"),
        }
    }

    #[test]
    fn trace_of_a_batch_of_one_shows_the_batch_dimension() {
        let t = trace(
            &cnn(),
            &parse_shape("1x3x40x40").unwrap(),
            DEFAULT_BUDGET_BYTES,
        );
        assert_eq!(t.batch, Some(1));
        assert_eq!(t.failure, None);
        assert_eq!(
            shapes(&t),
            rows(&[
                ("conv1", "1x10x40x40"),
                ("F.relu", "1x10x40x40"),
                ("F.max_pool2d", "1x10x20x20"),
                ("conv2", "1x10x20x20"),
                ("F.relu", "1x10x20x20"),
                ("F.max_pool2d", "1x10x10x10"),
                ("x.view(-1, 1000)", "1x1000"),
                ("fc1", "1x50"),
                ("F.relu", "1x50"),
                ("fc2", "1x10"),
            ])
        );
    }

    #[test]
    fn trace_of_the_model_input_runs_to_the_end() {
        let t = trace(
            &cnn(),
            &parse_shape("3x40x40").unwrap(),
            DEFAULT_BUDGET_BYTES,
        );
        assert_eq!(t.batch, None);
        assert_eq!(t.failure, None);
        assert_eq!(t.steps.len(), 10);
        assert_eq!(t.steps[9].1.to_string(), "10");
    }
}
