//! Grading: pure functions from a question, an answer and the model facts to a score in
//! [0, 1] with feedback. Computed questions are graded against candle's results, so any
//! valid answer is accepted because it is checked, not matched against a list.

use crate::core::i18n::Lang;
pub use crate::core::issue::{ComputeError, Disagreement};
use crate::core::number::{parse_number, parse_number_answer, NumberAnswer, NumberError};
use crate::core::pack::{Ask, Expected, Kind, NumericTarget, Pack, Question};
use crate::core::runner::{EvidenceError, LinearEvidence, ModelRunner};
use crate::core::shape::{parse_shape, Shape, ShapeParseError};
use crate::core::spec::ModelSpec;
use crate::core::summary::Summary;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// What a student answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    /// Free text, and the key points the student ticked when comparing with the reference.
    Open { text: String, ticked: Vec<usize> },
    /// Selected option indices (for `Choice` and parameter-free questions).
    Choice(Vec<usize>),
    /// Typed text of a number or a shape.
    Typed(String),
    /// Step indices in the order the student put them.
    Order(Vec<usize>),
    /// Matching: for each left item (in the pack's order), the index of the right item
    /// chosen among [`match_sides`]'s right items, if any.
    Matching(Vec<Option<usize>>),
}

/// Why an answer could not be graded, rendered in the interface language.
#[derive(Debug, Clone, PartialEq)]
pub enum Unreadable {
    Number(NumberError),
    Shape(ShapeParseError),
    /// An order answer that does not place every step exactly once.
    StepsNotEachOnce,
    /// An answer of another kind than the question asks (a pack or interface bug).
    WrongKind,
    /// The question's model is not in the pack.
    ModelUnavailable(String),
    /// The computation behind the question failed.
    Computation(ComputeError),
    /// `53.300`: 53,300 with a dot between thousands, or 53.3? Asked, not guessed.
    Ambiguous {
        text: String,
        grouped: f64,
        decimal: f64,
    },
    /// An open answer with no text cannot be rated.
    NoText,
}

/// `53.300` or `1.000.000`: digits in groups of three after dots read either as thousands
/// (as French and German write them) or, for a single dot, as a decimal. Returns both readings.
pub fn ambiguous_grouping(text: &str) -> Option<(f64, f64)> {
    let t = text.trim();
    let mut parts = t.split('.');
    let head = parts.next()?;
    let tail: Vec<&str> = parts.collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if tail.is_empty()
        || !digits(head)
        || head.len() > 3
        || head.starts_with('0')
        || !tail.iter().all(|g| g.len() == 3 && digits(g))
    {
        return None;
    }
    let grouped: f64 = format!("{head}{}", tail.concat()).parse().ok()?;
    let decimal: f64 = if tail.len() == 1 {
        t.parse().ok()?
    } else {
        f64::NAN
    };
    Some((grouped, decimal))
}

fn ambiguous(text: &str) -> Option<Grade> {
    let (grouped, decimal) = ambiguous_grouping(text)?;
    Some(Grade::new(
        0.0,
        vec![Feedback::Unreadable(Unreadable::Ambiguous {
            text: text.trim().to_string(),
            grouped,
            decimal,
        })],
    ))
}

impl Unreadable {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Unreadable::Number(e) => e.render(lang),
            Unreadable::Shape(e) => e.render(lang),
            Unreadable::StepsNotEachOnce => crate::tr!(lang, "core-unreadable-steps"),
            Unreadable::WrongKind => crate::tr!(lang, "core-unreadable-wrong-kind"),
            Unreadable::ModelUnavailable(m) => {
                crate::tr!(lang, "core-unreadable-model", model = m.as_str())
            }
            Unreadable::Computation(e) => {
                crate::tr!(lang, "core-unreadable-computation", why = e.render(lang))
            }
            Unreadable::Ambiguous {
                text,
                grouped,
                decimal,
            } => {
                if decimal.is_finite() {
                    crate::tr!(
                        lang,
                        "core-unreadable-ambiguous",
                        text = text.as_str(),
                        grouped = lang.real(*grouped),
                        decimal = lang.real(*decimal)
                    )
                } else {
                    crate::tr!(
                        lang,
                        "core-unreadable-grouping",
                        text = text.as_str(),
                        grouped = lang.real(*grouped)
                    )
                }
            }
            Unreadable::NoText => crate::tr!(lang, "core-unreadable-no-text"),
        }
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for Unreadable {}

/// One piece of feedback, rendered in the interface language by `i18n`.
#[derive(Debug, Clone, PartialEq)]
pub enum Feedback {
    Unreadable(Unreadable),
    /// Open question: key points ticked out of total.
    KeyPoints {
        ticked: usize,
        total: usize,
    },
    /// An option the student chose, with whether it is correct and the teacher's comment.
    Chose {
        option: String,
        correct: bool,
        comment: String,
    },
    /// A correct option the student left out.
    Missed {
        option: String,
    },
    /// An accepted number, echoed as given: a value, or a range as a range.
    NumberRight {
        got: NumberAnswer,
    },
    NumberWrong {
        got: f64,
        /// The expected value, or the accepted range.
        expected: NumberAnswer,
    },
    /// Order: how many steps are in a correctly ordered subsequence, and the first misplaced.
    Order {
        in_order: usize,
        total: usize,
        first_misplaced: Option<(usize, String, String)>,
    },
    /// Per-layer parameter counts that sum to the total.
    Counts {
        rows: Vec<(String, u64)>,
        total: u64,
        got: Option<u64>,
    },
    ShapeRight {
        shape: Shape,
    },
    ShapeWrong {
        got: Shape,
        expected: Shape,
    },
    /// A wrong count that a common slip explains, derived from the model.
    Slip(CountSlip),
    /// The input was given with a leading batch dimension: accepted for its sample shape.
    BatchDimension {
        batch: usize,
        sample: Shape,
    },
    /// An operation picked as parameter-free has parameters: how many.
    HasParameters {
        option: String,
        count: u64,
    },
    /// The student's input runs: the output shape of each layer.
    Runs {
        input: Shape,
        trace: Vec<(String, Shape)>,
    },
    /// The student's input breaks: why, in words.
    Breaks {
        input: Shape,
        why: crate::core::summary::InspectError,
    },
    /// A short answer that matched an accepted one, and what it earned (percent).
    Accepted {
        answer: String,
        credit: f64,
    },
    /// A short answer that matched none; `best` is an answer with full credit.
    NotAccepted {
        got: String,
        best: String,
    },
    /// The teacher's comment on the answer given.
    Comment(String),
    /// One left item of a matching question: what was chosen, and the right match.
    Matched {
        left: String,
        chosen: Option<String>,
        right: String,
    },
    /// A description: nothing to answer.
    NothingToAnswer,
}

/// A common slip in counting parameters, recognised because the student's number equals
/// the total with that slip made.
#[derive(Debug, Clone, PartialEq)]
pub enum CountSlip {
    /// A bias counted for a layer built with `bias=False`.
    BiasOfBiasFree { layer: String, bias: u64 },
    /// A layer's bias left out.
    BiasForgotten { layer: String, bias: u64 },
    /// Every bias left out.
    AllBiasesForgotten { biases: u64 },
    /// Buffers (a batch norm's running statistics) counted as parameters.
    BuffersCounted { buffers: u64 },
}

/// The slips that turn the model's `total` into `got`, derived from the spec's layers.
pub fn count_slips(
    spec: &ModelSpec,
    summary: &Summary,
    layers: &[String],
    total: u64,
    got: u64,
) -> Vec<CountSlip> {
    use crate::core::spec::LayerKind;
    let asked = |label: &str| {
        layers.is_empty()
            || layers.iter().any(|l| {
                l == label
                    || label
                        .strip_prefix(l.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            })
    };
    let mut slips = Vec::new();
    let mut all_biases = 0u64;
    let mut buffers = 0u64;
    // The leaf layers in the summary's order (sub-modules and `nn.Sequential` unfolded).
    let kinds: Vec<&LayerKind> = match crate::core::spec::lower(spec) {
        Ok(g) => g.nodes.iter().map(|n| n.kind).collect(),
        Err(_) => spec.layers.iter().map(|l| &l.layer).collect(),
    };
    for (kind, row) in kinds.into_iter().zip(&summary.rows) {
        if !asked(&row.label) {
            continue;
        }
        buffers += row.counts.buffers;
        let (has_bias, outputs) = match kind {
            LayerKind::Conv2d {
                out_channels, bias, ..
            }
            | LayerKind::Conv1d {
                out_channels, bias, ..
            }
            | LayerKind::ConvTranspose2d {
                out_channels, bias, ..
            } => (*bias, *out_channels as u64),
            LayerKind::Linear {
                out_features, bias, ..
            } => (*bias, *out_features as u64),
            // Their parameters are not "a bias" a student forgets or adds.
            LayerKind::BatchNorm2d { .. }
            | LayerKind::BatchNorm1d { .. }
            | LayerKind::LayerNorm { .. }
            | LayerKind::GroupNorm { .. }
            | LayerKind::Dropout2d { .. }
            | LayerKind::FlattenDims { .. }
            | LayerKind::LogSoftmax { .. }
            | LayerKind::Mean { .. }
            | LayerKind::Sum { .. }
            | LayerKind::Transpose { .. }
            | LayerKind::Permute { .. }
            | LayerKind::Select { .. }
            | LayerKind::Embedding { .. }
            | LayerKind::RNN { .. }
            | LayerKind::LSTM { .. }
            | LayerKind::GRU { .. }
            | LayerKind::FinalState { .. }
            | LayerKind::FinalStateSqueeze
            | LayerKind::MultiheadAttention { .. }
            | LayerKind::TransformerEncoderLayer { .. }
            | LayerKind::TransformerEncoder { .. }
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
            | LayerKind::View(..)
            | LayerKind::Dropout { .. }
            | LayerKind::Identity
            | LayerKind::Add
            | LayerKind::Mul
            | LayerKind::Cat { .. }
            | LayerKind::Sequential(_)
            | LayerKind::Module(_) => continue,
        };
        if has_bias {
            all_biases += outputs;
            if total.checked_sub(outputs) == Some(got) {
                slips.push(CountSlip::BiasForgotten {
                    layer: row.label.clone(),
                    bias: outputs,
                });
            }
        } else if total.checked_add(outputs) == Some(got) {
            slips.push(CountSlip::BiasOfBiasFree {
                layer: row.label.clone(),
                bias: outputs,
            });
        }
    }
    if all_biases > 0 && total.checked_sub(all_biases) == Some(got) && slips.is_empty() {
        slips.push(CountSlip::AllBiasesForgotten { biases: all_biases });
    }
    if buffers > 0 && total.checked_add(buffers) == Some(got) {
        slips.push(CountSlip::BuffersCounted { buffers });
    }
    slips
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    pub score: f64,
    pub feedback: Vec<Feedback>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Correct,
    Partial,
    Wrong,
}

impl Grade {
    fn new(score: f64, feedback: Vec<Feedback>) -> Self {
        Self {
            score: score.clamp(0.0, 1.0),
            feedback,
        }
    }
    pub fn verdict(&self) -> Verdict {
        verdict(self.score)
    }
}

pub fn verdict(score: f64) -> Verdict {
    if score >= 0.999 {
        Verdict::Correct
    } else if score <= 0.001 {
        Verdict::Wrong
    } else {
        Verdict::Partial
    }
}

/// The facts of every model of a pack, computed once by the engine when the pack is
/// prepared, so that grading and drawing only read them. `runner` runs what depends on the
/// student's answer (an input shape).
#[derive(Clone)]
pub struct Facts {
    pub models: HashMap<String, (ModelSpec, Summary)>,
    /// Question 3's evidence, per model a question points at.
    pub evidence: HashMap<String, Result<LinearEvidence, EvidenceError>>,
    pub budget: u64,
    pub runner: Arc<dyn ModelRunner>,
}

impl std::fmt::Debug for Facts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Facts")
            .field("models", &self.models.keys().collect::<Vec<_>>())
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

/// The seed of question 3's evidence (its random x and weights).
pub const EVIDENCE_SEED: u64 = 42;

impl Facts {
    /// Instantiate and run each model of the pack; models that fail are left out (`check`
    /// reports them).
    pub fn compute(pack: &Pack, budget: u64, runner: Arc<dyn ModelRunner>) -> Self {
        let models: HashMap<String, (ModelSpec, Summary)> = pack
            .models
            .iter()
            .filter_map(|m| {
                runner
                    .inspect(m, None, 1, budget)
                    .ok()
                    .map(|s| (m.id.clone(), (m.clone(), s)))
            })
            .collect();
        let evidence = pack
            .questions
            .iter()
            .filter_map(|q| {
                q.evidence
                    .as_ref()
                    .map(|crate::core::pack::Evidence::LinearFormula(m)| m)
            })
            .filter_map(|m| models.get(m).map(|(spec, _)| (m.clone(), spec)))
            .map(|(m, spec)| (m, runner.linear_evidence(spec, EVIDENCE_SEED)))
            .collect();
        Self {
            models,
            evidence,
            budget,
            runner,
        }
    }
}

/// A computed question's answer, derived from the model.
#[derive(Debug, Clone, PartialEq)]
pub enum ComputedAnswer {
    Count {
        total: u64,
        rows: Vec<(String, u64)>,
    },
    /// Distinct operations of the model, and which have no parameters.
    Free {
        options: Vec<String>,
        free: Vec<bool>,
    },
    /// A value's shape without the batch, and where PyTorch puts the batch (0; 1 for a
    /// recurrent layer's final state, `D·layers x N x H`).
    Shape(Shape, usize),
    /// Any input that runs; the model's own input is one.
    Input(Shape),
}

/// The summary rows (0-based) lowered from the top-level layer named `name` when it is a
/// block — a sub-module or an `nn.Sequential` — whose leaves have rows of their own.
fn block_rows(spec: &ModelSpec, name: &str) -> Vec<usize> {
    use crate::core::spec::LayerKind;
    let Some(top) = spec.layers.iter().position(|l| {
        l.name.as_deref() == Some(name)
            && matches!(l.layer, LayerKind::Sequential(_) | LayerKind::Module(_))
    }) else {
        return Vec::new();
    };
    crate::core::spec::lower_or_chain(spec)
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.top == top)
        .map(|(i, _)| i)
        .collect()
}

/// Derive the answer of a computed question.
pub fn computed_answer(
    spec: &ModelSpec,
    facts: &Summary,
    ask: &Ask,
) -> Result<ComputedAnswer, ComputeError> {
    match ask {
        Ask::ParameterCount { layers } => {
            // The rows asked about: a layer's own row, or every row of a named block.
            let mut picked = vec![layers.is_empty(); facts.rows.len()];
            for l in layers {
                let own: Vec<usize> = (0..facts.rows.len())
                    .filter(|&i| &facts.rows[i].label == l)
                    .collect();
                let found = if own.is_empty() {
                    block_rows(spec, l)
                } else {
                    own
                };
                if found.is_empty() {
                    return Err(ComputeError::NoLayer {
                        layer: l.clone(),
                        model: spec.id.clone(),
                    });
                }
                for i in found {
                    if let Some(p) = picked.get_mut(i) {
                        *p = true;
                    }
                }
            }
            let rows: Vec<(String, u64)> = facts
                .rows
                .iter()
                .zip(&picked)
                .filter(|(r, &p)| p && r.counts.trainable + r.counts.buffers > 0)
                .map(|(r, _)| (r.label.clone(), r.counts.trainable))
                .collect();
            let total = rows.iter().map(|(_, n)| n).sum();
            Ok(ComputedAnswer::Count { total, rows })
        }
        Ask::ParameterFree => {
            let mut options: Vec<String> = Vec::new();
            let mut free: Vec<bool> = Vec::new();
            for r in &facts.rows {
                if !options.contains(&r.label) {
                    options.push(r.label.clone());
                    free.push(r.counts.trainable + r.counts.buffers == 0);
                }
            }
            Ok(ComputedAnswer::Free { options, free })
        }
        Ask::OutputShape { after } => {
            // After a block (`layer2`, an nn.Sequential): its last row.
            let row = if after.is_empty() {
                facts.rows.last()
            } else {
                facts.rows.iter().find(|r| &r.label == after).or_else(|| {
                    block_rows(spec, after)
                        .last()
                        .and_then(|&i| facts.rows.get(i))
                })
            }
            .ok_or_else(|| ComputeError::NoLayer {
                layer: after.clone(),
                model: spec.id.clone(),
            })?;
            // Without the batch, wherever PyTorch puts it (a final state: dimension 1).
            let at = crate::core::spec::lower_or_chain(spec)
                .nodes
                .get(row.position.saturating_sub(1))
                .map_or(0, |n| n.kind.batch_dim());
            let mut dims = row.output.dims().to_vec();
            if at < dims.len() {
                dims.remove(at);
            }
            Ok(ComputedAnswer::Shape(Shape(dims), at))
        }
        Ask::InputShape => Ok(ComputedAnswer::Input(Shape(spec.input.clone()))),
    }
}

fn normalise_op(s: &str) -> String {
    let s = s.trim().to_lowercase();
    let s = s.trim_start_matches("self.");
    let s = s
        .trim_start_matches("f.")
        .trim_start_matches("torch.")
        .trim_start_matches("nn.");
    s.split('(')
        .next()
        .unwrap_or("")
        .replace('_', "")
        .trim()
        .to_string()
}

/// Where a teacher's stated answer disagrees with the computation, say so.
pub fn disagreement(
    spec: &ModelSpec,
    ask: &Ask,
    computed: &ComputedAnswer,
    expected: &Expected,
    budget: u64,
    runner: &dyn ModelRunner,
) -> Option<Disagreement> {
    match (computed, expected) {
        (ComputedAnswer::Count { total, rows }, Expected::Count(n)) => {
            (total != n).then(|| Disagreement::Count {
                expected: *n,
                total: *total,
                rows: rows.clone(),
            })
        }
        (ComputedAnswer::Free { options, free }, Expected::Layers(names)) => {
            let mut chosen = vec![false; options.len()];
            for n in names {
                match options
                    .iter()
                    .position(|o| normalise_op(o) == normalise_op(n))
                {
                    Some(i) => chosen[i] = true,
                    None => {
                        return Some(Disagreement::UnknownLayer {
                            layer: n.clone(),
                            options: options.clone(),
                        })
                    }
                }
            }
            let pick = |want_free: bool, want_chosen: bool| -> Vec<String> {
                options
                    .iter()
                    .zip(free.iter().zip(&chosen))
                    .filter(|(_, (f, c))| **f == want_free && **c == want_chosen)
                    .map(|(o, _)| o.clone())
                    .collect()
            };
            let missing = pick(true, false);
            let wrong = pick(false, true);
            if wrong.is_empty() && missing.is_empty() {
                None
            } else {
                Some(Disagreement::FreeLayers { wrong, missing })
            }
        }
        (ComputedAnswer::Shape(s, _), Expected::Shape(t)) => match parse_shape(t) {
            Err(why) => Some(Disagreement::UnreadableShape {
                text: t.clone(),
                why,
            }),
            Ok(t) if &t != s => Some(Disagreement::Shape {
                expected: t,
                got: s.clone(),
            }),
            Ok(_) => None,
        },
        (ComputedAnswer::Input(_), Expected::Shape(t)) => match parse_shape(t) {
            Err(why) => Some(Disagreement::UnreadableShape {
                text: t.clone(),
                why,
            }),
            Ok(t) => runner
                .inspect(spec, Some(&t), 1, budget)
                .err()
                .map(|why| Disagreement::InputDoesNotRun { input: t, why }),
        },
        (ComputedAnswer::Count { .. }, Expected::Layers(_) | Expected::Shape(_))
        | (ComputedAnswer::Free { .. }, Expected::Count(_) | Expected::Shape(_))
        | (ComputedAnswer::Shape(..), Expected::Count(_) | Expected::Layers(_))
        | (ComputedAnswer::Input(_), Expected::Count(_) | Expected::Layers(_)) => {
            Some(Disagreement::Unsuited {
                ask: format!("{ask:?}"),
            })
        }
    }
}

/// Grade an answer. `InputShape` questions run the model on the student's shape, which may
/// take a moment for big inputs: call it off the UI thread.
pub fn grade(q: &Question, answer: &Answer, facts: &Facts) -> Grade {
    match (&q.kind, answer) {
        (Kind::Open { key_points, .. }, Answer::Open { text, ticked }) => {
            // Rating an empty answer against the key points would give marks for nothing.
            if text.trim().is_empty() {
                return Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::NoText)]);
            }
            let total = key_points.len().max(1);
            // Each key point counts once, however often a (damaged) save file lists it.
            let distinct: std::collections::BTreeSet<usize> =
                ticked.iter().copied().filter(|i| *i < total).collect();
            let n = distinct.len();
            Grade::new(
                n as f64 / total as f64,
                vec![Feedback::KeyPoints { ticked: n, total }],
            )
        }
        (
            Kind::Choice {
                multiple,
                options,
                need,
            },
            Answer::Choice(sel),
        ) => {
            if options.iter().any(|o| o.credit.is_some()) {
                return grade_weighted_choice(*multiple, options, sel);
            }
            let texts: Vec<(String, bool, String)> = options
                .iter()
                .map(|o| (o.text.clone(), o.correct, o.feedback.clone()))
                .collect();
            grade_choice(*multiple, &texts, sel, *need)
        }
        (
            Kind::Numeric {
                target,
                feedback,
                others,
                ..
            },
            Answer::Typed(t),
        ) => grade_numeric_weighted(target, feedback, others, t),
        (
            Kind::ShortAnswer {
                answers,
                case_sensitive,
            },
            Answer::Typed(t),
        ) => grade_short(answers, *case_sensitive, t),
        (Kind::Matching { pairs }, Answer::Matching(chosen)) => grade_matching(pairs, chosen),
        // Read, nothing to answer: the list shows it done; reports count it out of 0.
        (Kind::Description, _) => Grade::new(1.0, vec![Feedback::NothingToAnswer]),
        (Kind::Order { steps }, Answer::Order(order)) => grade_order(steps, order),
        (Kind::Computed { model, ask, .. }, answer) => match facts.models.get(model) {
            None => Grade::new(
                0.0,
                vec![Feedback::Unreadable(Unreadable::ModelUnavailable(
                    model.clone(),
                ))],
            ),
            Some((spec, summary)) => grade_computed(spec, summary, ask, answer, facts),
        },
        (
            Kind::Open { .. },
            Answer::Choice(_) | Answer::Typed(_) | Answer::Order(_) | Answer::Matching(_),
        )
        | (
            Kind::Choice { .. },
            Answer::Open { .. } | Answer::Typed(_) | Answer::Order(_) | Answer::Matching(_),
        )
        | (
            Kind::Numeric { .. } | Kind::ShortAnswer { .. },
            Answer::Open { .. } | Answer::Choice(_) | Answer::Order(_) | Answer::Matching(_),
        )
        | (
            Kind::Order { .. },
            Answer::Open { .. } | Answer::Choice(_) | Answer::Typed(_) | Answer::Matching(_),
        )
        | (
            Kind::Matching { .. },
            Answer::Open { .. } | Answer::Choice(_) | Answer::Typed(_) | Answer::Order(_),
        ) => Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::WrongKind)]),
    }
}

/// A choice question whose options carry credits: the picked credits summed (a single
/// pick earns its own), floored at 0 and capped at the full mark.
fn grade_weighted_choice(
    multiple: bool,
    options: &[crate::core::pack::ChoiceOption],
    sel: &[usize],
) -> Grade {
    let mut sel: Vec<usize> = sel.iter().copied().filter(|i| *i < options.len()).collect();
    sel.sort_unstable();
    sel.dedup();
    if !multiple && sel.len() > 1 {
        sel.truncate(0);
    }
    let mut feedback = Vec::new();
    let mut total = 0.0;
    for &i in &sel {
        let o = &options[i];
        total += o.credit_percent();
        feedback.push(Feedback::Chose {
            option: o.text.clone(),
            correct: o.credit_percent() > 0.0,
            comment: o.feedback.clone(),
        });
    }
    if total < 100.0 - 1e-9 {
        // Single: the best option; several: every option that earns marks, not picked.
        let best = options
            .iter()
            .map(|o| o.credit_percent())
            .fold(f64::NEG_INFINITY, f64::max);
        for (i, o) in options.iter().enumerate() {
            let wanted = if multiple {
                o.credit_percent() > 0.0
            } else {
                o.credit_percent() >= best && best > 0.0
            };
            if wanted && !sel.contains(&i) {
                feedback.push(Feedback::Missed {
                    option: o.text.clone(),
                });
            }
        }
    }
    Grade::new(total / 100.0, feedback)
}

/// Text compared the way short answers are: spaces trimmed and collapsed, case folded
/// unless the question is case sensitive.
pub fn normalise_short(text: &str, case_sensitive: bool) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if case_sensitive {
        t
    } else {
        t.to_lowercase()
    }
}

/// Whether `text` matches `pattern`, where `*` in the pattern stands for any text (as in
/// Moodle's short answers); both already normalised.
pub fn short_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(at) => rest = &rest[at + mid.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

fn grade_short(answers: &[crate::core::pack::Accepted], case_sensitive: bool, text: &str) -> Grade {
    let got = normalise_short(text, case_sensitive);
    if got.is_empty() {
        return Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::NoText)]);
    }
    // The first accepted answer that matches decides, as in Moodle.
    match answers
        .iter()
        .find(|a| short_matches(&normalise_short(&a.text, case_sensitive), &got))
    {
        Some(a) => {
            let mut fb = vec![Feedback::Accepted {
                answer: text.trim().to_string(),
                credit: a.credit,
            }];
            if !a.feedback.is_empty() {
                fb.push(Feedback::Comment(a.feedback.clone()));
            }
            Grade::new(a.credit / 100.0, fb)
        }
        None => {
            let best = answers
                .iter()
                .filter(|a| !a.text.contains('*'))
                .max_by(|a, b| a.credit.total_cmp(&b.credit))
                .map(|a| a.text.clone())
                .unwrap_or_default();
            Grade::new(
                0.0,
                vec![Feedback::NotAccepted {
                    got: text.trim().to_string(),
                    best,
                }],
            )
        }
    }
}

/// A matching question's two sides: the left items (pairs with a left text, in order), the
/// right items (each distinct right text once, in order, distractors included), and for
/// each left item the index of its right item.
pub fn match_sides(
    pairs: &[crate::core::pack::MatchPair],
) -> (Vec<String>, Vec<String>, Vec<usize>) {
    let mut rights: Vec<String> = Vec::new();
    let mut lefts = Vec::new();
    let mut answer = Vec::new();
    for p in pairs {
        let r = match rights.iter().position(|x| *x == p.right) {
            Some(r) => r,
            None => {
                rights.push(p.right.clone());
                rights.len() - 1
            }
        };
        if !p.left.is_empty() {
            lefts.push(p.left.clone());
            answer.push(r);
        }
    }
    (lefts, rights, answer)
}

fn grade_matching(pairs: &[crate::core::pack::MatchPair], chosen: &[Option<usize>]) -> Grade {
    let (lefts, rights, answer) = match_sides(pairs);
    if lefts.is_empty() {
        return Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::WrongKind)]);
    }
    let mut right = 0usize;
    let mut fb = Vec::new();
    for (i, left) in lefts.iter().enumerate() {
        let pick = chosen
            .get(i)
            .copied()
            .flatten()
            .filter(|r| *r < rights.len());
        if pick == Some(answer[i]) {
            right += 1;
        }
        fb.push(Feedback::Matched {
            left: left.clone(),
            chosen: pick.map(|r| rights[r].clone()),
            right: rights[answer[i]].clone(),
        });
    }
    Grade::new(right as f64 / lefts.len() as f64, fb)
}

/// Whether `x` is accepted by `target`.
pub fn numeric_inside(target: &NumericTarget, x: f64) -> bool {
    match target {
        NumericTarget::Value { value, abs, rel } => {
            let tol = abs.max(rel * value.abs());
            (x - value).abs() <= tol + 1e-9 * value.abs().max(1.0)
        }
        NumericTarget::Range { min, max } => x >= *min && x <= *max,
    }
}

fn grade_numeric_weighted(
    target: &NumericTarget,
    feedback: &str,
    others: &[crate::core::pack::WeightedTarget],
    text: &str,
) -> Grade {
    let mut g = grade_numeric(target, text);
    if g.score >= 0.999 {
        if !feedback.is_empty() {
            g.feedback.push(Feedback::Comment(feedback.to_string()));
        }
        return g;
    }
    let value = match g.feedback.first() {
        Some(Feedback::NumberWrong { got, .. }) => *got,
        _ => return g,
    };
    if let Some(o) = others.iter().find(|o| numeric_inside(&o.target, value)) {
        let mut fb = g.feedback;
        if !o.feedback.is_empty() {
            fb.push(Feedback::Comment(o.feedback.clone()));
        }
        return Grade::new((o.credit / 100.0).max(g.score), fb);
    }
    g
}

fn grade_choice(
    multiple: bool,
    options: &[(String, bool, String)],
    sel: &[usize],
    need: Option<usize>,
) -> Grade {
    let mut sel: Vec<usize> = sel.iter().copied().filter(|i| *i < options.len()).collect();
    sel.sort_unstable();
    sel.dedup();
    let n_correct = need
        .unwrap_or_else(|| options.iter().filter(|o| o.1).count())
        .max(1);
    let mut feedback = Vec::new();
    let mut right = 0usize;
    let mut wrong = 0usize;
    for &i in &sel {
        let (text, correct, comment) = &options[i];
        if *correct {
            right += 1;
        } else {
            wrong += 1;
        }
        feedback.push(Feedback::Chose {
            option: text.clone(),
            correct: *correct,
            comment: comment.clone(),
        });
    }
    for (i, (text, correct, _)) in options.iter().enumerate() {
        // With `need`, unpicked correct options are alternatives, not omissions.
        if *correct && !sel.contains(&i) && (need.is_none() || right < n_correct) {
            feedback.push(Feedback::Missed {
                option: text.clone(),
            });
        }
    }
    let score = if multiple {
        // Partial credit per correct option, negative credit per wrong one (floored at 0).
        (right.min(n_correct) as f64 - wrong as f64) / n_correct as f64
    } else if sel.len() == 1 && right == 1 {
        1.0
    } else {
        0.0
    };
    Grade::new(score, feedback)
}

fn grade_numeric(target: &NumericTarget, text: &str) -> Grade {
    if let Some(g) = ambiguous(text) {
        return g;
    }
    let got = match parse_number_answer(text) {
        Ok(g) => g,
        Err(e) => return Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::Number(e))]),
    };
    let (inside, expected) = match target {
        NumericTarget::Value { value, abs, rel } => {
            let tol = abs.max(rel * value.abs());
            let ok = move |x: f64| (x - value).abs() <= tol + 1e-9 * value.abs().max(1.0);
            (
                Box::new(ok) as Box<dyn Fn(f64) -> bool>,
                NumberAnswer::Value(*value),
            )
        }
        NumericTarget::Range { min, max } => {
            let (min, max) = (*min, *max);
            (
                Box::new(move |x: f64| x >= min && x <= max) as Box<dyn Fn(f64) -> bool>,
                NumberAnswer::Range(min, max),
            )
        }
    };
    match got {
        NumberAnswer::Value(v) if inside(v) => Grade::new(1.0, vec![Feedback::NumberRight { got }]),
        NumberAnswer::Value(v) => Grade::new(0.0, vec![Feedback::NumberWrong { got: v, expected }]),
        NumberAnswer::Range(a, b) => {
            let score = match (inside(a), inside(b)) {
                (true, true) => 1.0,
                (true, false) | (false, true) => 0.5,
                (false, false) => 0.0,
            };
            let fb = if score == 1.0 {
                Feedback::NumberRight { got }
            } else {
                Feedback::NumberWrong {
                    got: if inside(a) { b } else { a },
                    expected,
                }
            };
            Grade::new(score, vec![fb])
        }
    }
}

/// Length of the longest increasing subsequence: the steps already in the right order.
fn longest_in_order(order: &[usize]) -> usize {
    let mut tails: Vec<usize> = Vec::new();
    for &x in order {
        match tails.binary_search(&x) {
            Ok(_) => {}
            Err(i) if i == tails.len() => tails.push(x),
            Err(i) => tails[i] = x,
        }
    }
    tails.len()
}

/// Whether an order is an answer: the steps exactly as first shown are not one (the shown
/// order is a shuffle, and submitting it untouched must earn nothing, not even partial
/// credit). The interface says "not answered" and records nothing.
pub fn order_answered(shown: &[usize], order: &[usize]) -> bool {
    shown != order
}

/// The credit of an order of `n` steps whose longest run of steps in the right relative
/// order (not necessarily adjacent) is `in_order` long: `(in_order - 1) / (n - 1)`. The
/// right order earns 1, the reverse order 0 (any single step is "in order" by itself, so
/// it earns nothing), one step moved elsewhere `(n - 2) / (n - 1)`.
pub fn order_credit(in_order: usize, n: usize) -> f64 {
    if n <= 1 {
        return if in_order == n { 1.0 } else { 0.0 };
    }
    in_order.saturating_sub(1) as f64 / (n - 1) as f64
}

fn grade_order(steps: &[String], order: &[usize]) -> Grade {
    let n = steps.len();
    let valid = order.len() == n && {
        let mut s = order.to_vec();
        s.sort_unstable();
        s.iter().enumerate().all(|(i, v)| i == *v)
    };
    if !valid {
        return Grade::new(
            0.0,
            vec![Feedback::Unreadable(Unreadable::StepsNotEachOnce)],
        );
    }
    let in_order = longest_in_order(order);
    let first_misplaced = order
        .iter()
        .enumerate()
        .find(|(pos, s)| *pos != **s)
        .map(|(pos, s)| (pos + 1, steps[*s].clone(), steps[pos].clone()));
    Grade::new(
        order_credit(in_order, n),
        vec![Feedback::Order {
            in_order,
            total: n,
            first_misplaced,
        }],
    )
}

fn grade_computed(
    spec: &ModelSpec,
    summary: &Summary,
    ask: &Ask,
    answer: &Answer,
    facts: &Facts,
) -> Grade {
    let computed = match computed_answer(spec, summary, ask) {
        Ok(c) => c,
        Err(e) => return Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::Computation(e))]),
    };
    match (&computed, answer) {
        (ComputedAnswer::Count { .. }, Answer::Typed(t)) if ambiguous_grouping(t).is_some() => {
            ambiguous(t).expect("checked by the guard")
        }
        (ComputedAnswer::Count { total, rows }, Answer::Typed(t)) => match parse_number(t) {
            Err(e) => Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::Number(e))]),
            Ok(v) => {
                let right = v == *total as f64;
                let got = (v >= 0.0 && v.fract() == 0.0 && v < 1e18).then_some(v as u64);
                let mut fb = vec![Feedback::Counts {
                    rows: rows.clone(),
                    total: *total,
                    got,
                }];
                if let (Some(g), Ask::ParameterCount { layers }) = (got, ask) {
                    if !right {
                        let slips = count_slips(spec, summary, layers, *total, g);
                        fb.extend(slips.into_iter().map(Feedback::Slip));
                    }
                }
                Grade::new(if right { 1.0 } else { 0.0 }, fb)
            }
        },
        (ComputedAnswer::Free { options, free }, Answer::Choice(sel)) => {
            let opts: Vec<(String, bool, String)> = options
                .iter()
                .zip(free)
                .map(|(o, f)| (o.clone(), *f, String::new()))
                .collect();
            let mut g = grade_choice(true, &opts, sel, None);
            // Say why a weighted operation picked as parameter-free is wrong: its count.
            for &i in sel.iter().filter(|i| free.get(**i) == Some(&false)) {
                let option = &options[i];
                let count = summary
                    .rows
                    .iter()
                    .filter(|r| &r.label == option)
                    .map(|r| r.counts.trainable + r.counts.buffers)
                    .sum();
                g.feedback.push(Feedback::HasParameters {
                    option: option.clone(),
                    count,
                });
            }
            g
        }
        (ComputedAnswer::Shape(expected, batch_at), Answer::Typed(t)) => match parse_shape(t) {
            Err(e) => Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::Shape(e))]),
            Ok(got) => {
                // A batch of 1 where PyTorch puts the batch is accepted too: `1x16x4x4`,
                // and a final state's `2x1x48`.
                let mut with_batch = expected.dims().to_vec();
                with_batch.insert((*batch_at).min(with_batch.len()), 1);
                let same = &got == expected || got.dims() == with_batch.as_slice();
                if same {
                    Grade::new(
                        1.0,
                        vec![Feedback::ShapeRight {
                            shape: expected.clone(),
                        }],
                    )
                } else {
                    Grade::new(
                        0.0,
                        vec![Feedback::ShapeWrong {
                            got,
                            expected: expected.clone(),
                        }],
                    )
                }
            }
        },
        (ComputedAnswer::Input(_), Answer::Typed(t)) => {
            grade_input_shape(spec, t, facts.budget, facts.runner.as_ref())
        }
        (
            ComputedAnswer::Count { .. } | ComputedAnswer::Shape(..) | ComputedAnswer::Input(_),
            Answer::Open { .. } | Answer::Choice(_) | Answer::Order(_) | Answer::Matching(_),
        )
        | (
            ComputedAnswer::Free { .. },
            Answer::Open { .. } | Answer::Typed(_) | Answer::Order(_) | Answer::Matching(_),
        ) => Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::WrongKind)]),
    }
}

/// Run the model on the student's input shape: the trace when it runs, the reason when not.
pub fn grade_input_shape(
    spec: &ModelSpec,
    text: &str,
    budget: u64,
    runner: &dyn ModelRunner,
) -> Grade {
    let input = match parse_shape(text) {
        Ok(s) => s,
        Err(e) => return Grade::new(0.0, vec![Feedback::Unreadable(Unreadable::Shape(e))]),
    };
    let trace_of = |s: Summary| -> Vec<(String, Shape)> {
        s.rows
            .iter()
            .map(|r| (r.label.clone(), r.output.clone()))
            .collect()
    };
    match runner.inspect(spec, Some(&input), 1, budget) {
        Ok(s) => Grade::new(
            1.0,
            vec![Feedback::Runs {
                input,
                trace: trace_of(s),
            }],
        ),
        Err(e) => {
            // `1x3x40x40` is a batch of one `3x40x40`, which PyTorch runs: accepted with a
            // note when the sample shape without its leading batch dimension runs.
            let dims = input.dims();
            if dims.len() == spec.input.len() + 1 {
                let sample = Shape(dims[1..].to_vec());
                if let Ok(s) = runner.inspect(spec, Some(&sample), 1, budget) {
                    return Grade::new(
                        1.0,
                        vec![
                            Feedback::BatchDimension {
                                batch: dims[0],
                                sample: sample.clone(),
                            },
                            Feedback::Runs {
                                input: sample,
                                trace: trace_of(s),
                            },
                        ],
                    );
                }
            }
            Grade::new(0.0, vec![Feedback::Breaks { input, why: e }])
        }
    }
}
