//! A pack's semantic checks: ids, references, arguments, and every computed answer
//! computed and compared with what the teacher expects.

use crate::core::grade::{computed_answer, disagreement};
use crate::core::issue::{ComputeError, Disagreement};
use crate::core::pack::{
    parse_pack_variant_in, read_pack_variant_in, Evidence, Issue, Kind, NumericTarget, Pack,
    PackError, Problem,
};
use crate::core::pack::{Ask, Expected};
use crate::core::pack::{MemoryLimit, MAX_BUDGET_MIB};
use crate::core::plan::plan;
use crate::core::plan::PlanError;
use crate::core::runner::ModelRunner;
use crate::core::shape::Shape;
use crate::core::source_pos::Step::{self, Field, Index};
use crate::core::spec::LayerAt;
use crate::core::variant::Variant;
use std::path::Path;

/// Load and validate a pack file with a memory limit of `budget` bytes. Never writes to it.
pub fn load_pack(path: &Path, budget: u64, runner: &dyn ModelRunner) -> Result<Pack, PackError> {
    load_pack_limited(path, Some(MemoryLimit::given(budget)), runner).map(|(p, _)| p)
}

/// Load and validate a pack file. The memory limit is `limit` when given (`--memory-budget`),
/// else the pack's own `memory_budget_mib` when it sets one, else the default; it is
/// returned with the pack. Every semantic problem is reported, each placed in the text.
pub fn load_pack_limited(
    path: &Path,
    limit: Option<MemoryLimit>,
    runner: &dyn ModelRunner,
) -> Result<(Pack, MemoryLimit), PackError> {
    let text = read_pack_text(path)?;
    load_text_variant_in(&text, Some(folder_of(path)), limit, runner, None)
        .map(|(pack, _, limit)| (pack, limit))
}

/// The folder a pack file is in: its models' `source:` paths are relative to it.
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A pack file's text, bounded.
pub fn read_pack_text(path: &Path) -> Result<String, PackError> {
    crate::core::pack::read_text_file(path, crate::core::pack::MAX_PACK_BYTES)
        .map_err(|e| PackError::Io(e.to_string()))
}

/// Load and validate variant `variant` of a pack file (variant 0 when `None`; a pack
/// without variables is loaded as it is and gets no variant), with a memory limit of
/// `budget` bytes.
pub fn load_pack_variant(
    path: &Path,
    budget: u64,
    runner: &dyn ModelRunner,
    variant: Option<u64>,
) -> Result<(Pack, Option<Variant>), PackError> {
    let text = read_pack_text(path)?;
    load_text_variant_in(
        &text,
        Some(folder_of(path)),
        Some(MemoryLimit::given(budget)),
        runner,
        variant,
    )
    .map(|(pack, v, _)| (pack, v))
}

/// Load and validate variant `variant` of a pack's text: [`load_pack_limited`] for one
/// variant. The memory limit used is returned with the pack. A pack read from text
/// alone: a model read from a Python file (`source:`) is refused, see
/// [`load_text_variant_in`].
pub fn load_text_variant(
    text: &str,
    limit: Option<MemoryLimit>,
    runner: &dyn ModelRunner,
    variant: Option<u64>,
) -> Result<(Pack, Option<Variant>, MemoryLimit), PackError> {
    load_text_variant_in(text, None, limit, runner, variant)
}

/// [`load_text_variant`] for a pack read from folder `dir`: its models' `source:` paths
/// are relative to it.
pub fn load_text_variant_in(
    text: &str,
    dir: Option<&Path>,
    limit: Option<MemoryLimit>,
    runner: &dyn ModelRunner,
    variant: Option<u64>,
) -> Result<(Pack, Option<Variant>, MemoryLimit), PackError> {
    let read = read_pack_variant_in(text, dir, variant)?;
    let (pack, drawn, mut errors, mended) = (read.pack, read.variant, read.errors, read.mended);
    let limit = limit.unwrap_or_else(|| MemoryLimit::choose(None, pack.memory_budget_mib));
    // Every error in one run: the pack's own checks run on a faithfully mended text too.
    if !errors.is_empty() && !read.faithful {
        errors.push(Issue::general(Problem::CheckedAfterFixes));
        return Err(PackError::Invalid(errors));
    }
    // Issues are placed in the text that was read: the variant's.
    let shown = match &drawn {
        Some(v) => std::borrow::Cow::Owned(
            crate::core::variant::instantiate(text, v).unwrap_or_else(|_| text.to_string()),
        ),
        None => std::borrow::Cow::Borrowed(text),
    };
    // Found in the mended text (the one read), placed in the text as written.
    errors.extend(
        validate_text(&pack, Some(&mended.text), limit, runner)
            .into_iter()
            .map(|mut i| {
                i.at = i.at.map(|spot| mended.place(&shown, spot));
                i
            }),
    );
    let issues = errors;
    if issues.is_empty() {
        Ok((pack, drawn, limit))
    } else {
        Err(PackError::Invalid(issues))
    }
}

/// The variants `check` tries: the first fifty and a few far ones.
pub fn sampled_variants() -> Vec<u64> {
    let far = [
        1_000,
        31_337,
        123_456,
        500_000,
        777_777,
        crate::core::variant::VARIANTS - 1,
    ];
    (0..50).chain(far).collect()
}

/// One sampled variant that does not load: its number, its values when it could be
/// drawn, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct BadVariant {
    pub number: u64,
    pub values: Option<Variant>,
    pub error: PackError,
}

/// Load every variant of `numbers` of a pack's text as a student would get it (drawn,
/// every model run, every expected answer compared) and list those that fail. Variants
/// that draw the same values are checked once. A pack without variables has nothing to
/// sample: the list is empty.
pub fn sample_variants(
    text: &str,
    limit: Option<MemoryLimit>,
    runner: &dyn ModelRunner,
    numbers: &[u64],
) -> Vec<BadVariant> {
    sample_variants_in(text, None, limit, runner, numbers)
}

/// [`sample_variants`] for a pack read from folder `dir` (`source:` paths are relative to it).
pub fn sample_variants_in(
    text: &str,
    dir: Option<&Path>,
    limit: Option<MemoryLimit>,
    runner: &dyn ModelRunner,
    numbers: &[u64],
) -> Vec<BadVariant> {
    if !crate::core::pack::has_variants(text) {
        return Vec::new();
    }
    let mut seen: std::collections::HashMap<
        std::collections::BTreeMap<String, i64>,
        Option<PackError>,
    > = std::collections::HashMap::new();
    let mut bad = Vec::new();
    for &n in numbers {
        let d = parse_pack_variant_in(text, dir, Some(n));
        let (values, error) = match d {
            Err(e) => (None, Some(e)),
            Ok((_, None)) => (None, None),
            Ok((_, Some(v))) => {
                let error = seen
                    .entry(v.values.clone())
                    .or_insert_with(|| {
                        load_text_variant_in(text, dir, limit, runner, Some(n)).err()
                    })
                    .clone();
                (Some(v), error)
            }
        };
        if let Some(error) = error {
            bad.push(BadVariant {
                number: n,
                values,
                error,
            });
        }
    }
    bad
}

/// Semantic checks; computed questions are computed with candle and compared with what the
/// teacher expects.
pub fn validate(pack: &Pack, budget: u64, runner: &dyn ModelRunner) -> Vec<Issue> {
    validate_text(pack, None, MemoryLimit::given(budget), runner)
}

/// [`validate`], each issue placed at its value in `text` (the pack's source) when given.
pub fn validate_text(
    pack: &Pack,
    text: Option<&str>,
    limit: MemoryLimit,
    runner: &dyn ModelRunner,
) -> Vec<Issue> {
    let budget = limit.bytes;
    let mut issues = Vec::new();
    let mut general = |problem: Problem, path: &[Step]| {
        let issue = Issue::general(problem);
        issues.push(match text {
            Some(t) => issue.at_path(t, path),
            None => issue,
        });
    };
    if pack.questions.is_empty() {
        general(Problem::NoQuestions, &[Field("questions")]);
    }
    let id_len = pack.meta.id.chars().count();
    if id_len > MAX_PACK_ID_CHARS {
        general(
            Problem::PackIdTooLong {
                len: id_len,
                max: MAX_PACK_ID_CHARS,
            },
            &[Field("meta"), Field("id")],
        );
    } else if pack.meta.id.trim().is_empty() || pack.meta.id.chars().any(char::is_control) {
        general(Problem::BadPackId, &[Field("meta"), Field("id")]);
    }
    match pack.memory_budget_mib {
        Some(0) => general(Problem::BudgetZero, &[Field("memory_budget_mib")]),
        Some(mib) if mib > MAX_BUDGET_MIB => general(
            Problem::BudgetOverCeiling {
                mib,
                ceiling: MAX_BUDGET_MIB,
            },
            &[Field("memory_budget_mib")],
        ),
        Some(_) | None => {}
    }
    let mut model_ids = std::collections::HashSet::new();
    // Models that validation refused: nothing is computed from them (evidence, answers),
    // since building one can allocate terabytes or panic in the engine.
    let mut refused = std::collections::HashSet::new();
    // Models of the pack's own `models` list come first; built-in ones follow it.
    let written = pack.models.len() - pack.builtin_models.len().min(pack.models.len());
    for (k, m) in pack.models.iter().enumerate() {
        let model_path = |rest: &[Step]| -> Vec<Step> {
            if k < written {
                let mut p = vec![Field("models"), Index(k)];
                p.extend_from_slice(rest);
                p
            } else {
                vec![Field("builtin_models"), Index(k - written)]
            }
        };
        if !model_ids.insert(m.id.as_str()) {
            general(
                Problem::ModelIdTwice { id: m.id.clone() },
                &model_path(&[Field("id")]),
            );
        }
        if let Err(e) = m.validate() {
            let at = match &e.layer {
                Some(LayerAt {
                    position,
                    module: Some(mi),
                    ..
                }) => model_path(&[
                    Field("modules"),
                    Index(usize::from(*mi)),
                    Field("layers"),
                    Index((*position as usize).saturating_sub(1)),
                ]),
                Some(l) => model_path(&[
                    Field("layers"),
                    Index((l.position as usize).saturating_sub(1)),
                ]),
                None => model_path(&[]),
            };
            general(Problem::BadModel(e), &at);
            refused.insert(m.id.as_str());
        } else if let Err(why) = plan(m, &Shape(m.input.clone()), 2, budget) {
            // A shape that does not fit: the layer it reaches; over the limit: the model.
            let at = match &why {
                // The position counts leaf layers: placed where the leaf is written, in
                // its class's forward or the model's.
                PlanError::Mismatch(mm) => {
                    let graph = crate::core::spec::lower_or_chain(m);
                    match graph.nodes.get(mm.position.saturating_sub(1)) {
                        Some(n) => match n.module {
                            Some(mi) => model_path(&[
                                Field("modules"),
                                Index(mi),
                                Field("layers"),
                                Index(n.position.saturating_sub(1)),
                            ]),
                            None => {
                                model_path(&[Field("layers"), Index(n.position.saturating_sub(1))])
                            }
                        },
                        None => model_path(&[Field("id")]),
                    }
                }
                PlanError::OverBudget { .. } => model_path(&[Field("id")]),
            };
            general(
                Problem::ModelDoesNotRun {
                    model: m.id.clone(),
                    why,
                    limit,
                },
                &at,
            );
            refused.insert(m.id.as_str());
        }
    }
    let mut computed = ComputedCache::default();
    let mut ids = std::collections::HashSet::new();
    for (j, q) in pack.questions.iter().enumerate() {
        let mut issue = |problem: Problem, rest: &[Step]| {
            let i = Issue::of_question(&q.id, problem);
            issues.push(match text {
                Some(t) => {
                    let mut p = vec![Field("questions"), Index(j)];
                    p.extend_from_slice(rest);
                    i.at_path(t, &p)
                }
                None => i,
            });
        };
        if q.id.trim().is_empty() {
            issue(Problem::EmptyId, &[Field("id")]);
        }
        if !ids.insert(q.id.as_str()) {
            issue(Problem::IdTwice, &[Field("id")]);
        }
        if q.statement.trim().is_empty() {
            issue(Problem::EmptyStatement, &[Field("statement")]);
        }
        if let Some(c) = &q.code {
            if pack.model(c).is_none() {
                issue(
                    Problem::UnknownCodeModel {
                        model: c.clone(),
                        known: known(pack),
                    },
                    &[Field("code")],
                );
            }
        }
        if let Some(Evidence::LinearFormula(m)) = &q.evidence {
            match pack.model(m) {
                None => issue(
                    Problem::UnknownEvidenceModel {
                        model: m.clone(),
                        known: known(pack),
                    },
                    &[Field("evidence")],
                ),
                // A refused model is reported on its own above.
                Some(spec) if refused.contains(spec.id.as_str()) => {}
                Some(spec) => {
                    if let Err(e) = runner.linear_evidence(spec, 0) {
                        issue(Problem::Evidence(e), &[Field("evidence")]);
                    }
                }
            }
        }
        // The lab falls back on the pack's first model: a pack without models has none.
        if q.lab.is_some() && pack.models.is_empty() {
            issue(Problem::LabWithoutModel, &[Field("lab")]);
        }
        for (e, mut path) in kind_issues(pack, &q.kind, budget, runner, &refused, &mut computed) {
            path.insert(0, Field("kind"));
            issue(e, &path);
        }
    }
    issues
}

/// The longest pack id accepted: progress files are named after it (`<id>.<mode>.json`)
/// and most file systems stop at 255 bytes.
pub const MAX_PACK_ID_CHARS: usize = 64;

/// Each model's facts, inspected once for all the questions that use it (a pack with
/// 50,000 computed questions on one model inspects it once).
#[derive(Default)]
struct ComputedCache {
    facts: std::collections::HashMap<String, Option<crate::core::summary::Summary>>,
    /// What comparing a teacher's expectation found, by model, ask and expectation
    /// (an `InputShape` comparison runs the model).
    disagreements: std::collections::HashMap<(String, String, String), Option<Disagreement>>,
}

/// The ids of the pack's models.
fn known(pack: &Pack) -> Vec<String> {
    pack.models.iter().map(|m| m.id.clone()).collect()
}

fn kind_issues(
    pack: &Pack,
    kind: &Kind,
    budget: u64,
    runner: &dyn ModelRunner,
    refused: &std::collections::HashSet<&str>,
    cache: &mut ComputedCache,
) -> Vec<(Problem, Vec<Step>)> {
    let mut out = Vec::new();
    match kind {
        Kind::Open { reference, .. } => {
            if reference.trim().is_empty() {
                out.push((Problem::NoReference, vec![Field("reference")]));
            }
        }
        Kind::Choice {
            multiple,
            options,
            need,
        } => {
            let correct = options.iter().filter(|o| o.correct).count();
            if options.len() < 2 {
                out.push((Problem::FewOptions, vec![Field("options")]));
            }
            if correct == 0 {
                out.push((Problem::NoCorrectOption, vec![Field("options")]));
            }
            if let Some(n) = need {
                if *n == 0 || *n > correct {
                    out.push((
                        Problem::NeedOutOfRange { need: *n, correct },
                        vec![Field("need")],
                    ));
                }
            }
            for (i, o) in options.iter().enumerate() {
                if let Some(c) = o.credit.filter(|c| !(-100.0..=100.0).contains(c)) {
                    out.push((
                        Problem::BadCredit { credit: c },
                        vec![Field("options"), Index(i), Field("credit")],
                    ));
                }
            }
            if !multiple && correct > 1 {
                out.push((
                    Problem::SingleWithManyCorrect { correct },
                    vec![Field("options")],
                ));
            }
        }
        Kind::Numeric { target, .. } => match target {
            NumericTarget::Value { value, abs, rel } => {
                if !value.is_finite() || *abs < 0.0 || *rel < 0.0 {
                    out.push((Problem::BadNumericValue, vec![Field("target")]));
                }
            }
            NumericTarget::Range { min, max } => {
                if !(min.is_finite() && max.is_finite() && min <= max) {
                    out.push((
                        Problem::BadNumericRange {
                            min: *min,
                            max: *max,
                        },
                        vec![Field("target")],
                    ));
                }
            }
        },
        Kind::Order { steps } => {
            if steps.len() < 2 {
                out.push((Problem::FewSteps, vec![Field("steps")]));
            }
        }
        Kind::ShortAnswer { answers, .. } => {
            if !answers.iter().any(|a| a.credit >= 100.0) {
                out.push((Problem::NoFullCredit, vec![Field("answers")]));
            }
            for (i, a) in answers.iter().enumerate() {
                if !(-100.0..=100.0).contains(&a.credit) {
                    out.push((
                        Problem::BadCredit { credit: a.credit },
                        vec![Field("answers"), Index(i), Field("credit")],
                    ));
                }
            }
        }
        Kind::Matching { pairs } => {
            if pairs.iter().filter(|p| !p.left.is_empty()).count() < 2 {
                out.push((Problem::FewPairs, vec![Field("pairs")]));
            }
        }
        Kind::Description => {}
        Kind::Computed {
            model,
            ask,
            expected,
        } => {
            let Some(spec) = pack.model(model) else {
                out.push((
                    Problem::UnknownModel {
                        model: model.clone(),
                        known: known(pack),
                    },
                    vec![Field("model")],
                ));
                return out;
            };
            let facts = if refused.contains(spec.id.as_str()) {
                None
            } else {
                cache
                    .facts
                    .entry(spec.id.clone())
                    .or_insert_with(|| runner.inspect(spec, None, 1, budget).ok())
                    .as_ref()
            };
            let Some(facts) = facts else {
                out.push((
                    Problem::UsesBrokenModel {
                        model: model.clone(),
                    },
                    vec![Field("model")],
                ));
                return out;
            };
            match computed_answer(spec, facts, ask) {
                Err(e) => {
                    let at = compute_at(ask, &e);
                    out.push((Problem::Compute(e), at))
                }
                Ok(answer) => {
                    if let Some(exp) = expected {
                        let key = (spec.id.clone(), format!("{ask:?}"), format!("{exp:?}"));
                        let found = cache.disagreements.entry(key).or_insert_with(|| {
                            disagreement(spec, ask, &answer, exp, budget, runner)
                        });
                        if let Some(d) = found {
                            out.push((Problem::Disagrees(d.clone()), disagreement_at(exp, d)));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Where in `ask` the layer a computation could not find is named.
fn compute_at(ask: &Ask, e: &ComputeError) -> Vec<Step> {
    let ComputeError::NoLayer { layer, .. } = e;
    match ask {
        Ask::ParameterCount { layers } => match layers.iter().position(|l| l == layer) {
            Some(k) => vec![Field("ask"), Field("layers"), Index(k)],
            None => vec![Field("ask")],
        },
        Ask::OutputShape { .. } => vec![Field("ask"), Field("after")],
        Ask::ParameterFree | Ask::InputShape => vec![Field("ask")],
    }
}

/// Where in `expected` a disagreement is: the unknown layer it names, or the value.
fn disagreement_at(exp: &Expected, d: &Disagreement) -> Vec<Step> {
    match (exp, d) {
        (Expected::Layers(names), Disagreement::UnknownLayer { layer, .. }) => {
            match names.iter().position(|n| n == layer) {
                Some(k) => vec![Field("expected"), Index(0), Index(k)],
                None => vec![Field("expected")],
            }
        }
        _ => vec![Field("expected")],
    }
}
