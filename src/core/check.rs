//! A pack's semantic checks: ids, references, arguments, and every computed answer
//! computed and compared with what the teacher expects.

use crate::core::grade::{computed_answer, disagreement};
use crate::core::issue::Disagreement;
use crate::core::pack::{
    parse_pack, Evidence, Issue, Kind, NumericTarget, Pack, PackError, Problem,
};
use crate::core::plan::plan;
use crate::core::runner::ModelRunner;
use crate::core::shape::Shape;
use std::path::Path;

/// Load and validate a pack file. Never writes to it.
pub fn load_pack(path: &Path, budget: u64, runner: &dyn ModelRunner) -> Result<Pack, PackError> {
    let text = crate::core::pack::read_text_file(path, crate::core::pack::MAX_PACK_BYTES)
        .map_err(|e| PackError::Io(e.to_string()))?;
    let pack = parse_pack(&text)?;
    let issues = validate(&pack, budget, runner);
    if issues.is_empty() {
        Ok(pack)
    } else {
        Err(PackError::Invalid(issues))
    }
}

/// Semantic checks; computed questions are computed with candle and compared with what the
/// teacher expects.
pub fn validate(pack: &Pack, budget: u64, runner: &dyn ModelRunner) -> Vec<Issue> {
    let mut issues = Vec::new();
    let general = |problem: Problem| Issue {
        question: None,
        problem,
    };
    if pack.questions.is_empty() {
        issues.push(general(Problem::NoQuestions));
    }
    let id_len = pack.meta.id.chars().count();
    if id_len > MAX_PACK_ID_CHARS {
        issues.push(general(Problem::PackIdTooLong {
            len: id_len,
            max: MAX_PACK_ID_CHARS,
        }));
    } else if pack.meta.id.trim().is_empty() || pack.meta.id.chars().any(char::is_control) {
        issues.push(general(Problem::BadPackId));
    }
    let mut model_ids = std::collections::HashSet::new();
    // Models that validation refused: nothing is computed from them (evidence, answers),
    // since building one can allocate terabytes or panic in the engine.
    let mut refused = std::collections::HashSet::new();
    for m in &pack.models {
        if !model_ids.insert(m.id.as_str()) {
            issues.push(general(Problem::ModelIdTwice { id: m.id.clone() }));
        }
        if let Err(e) = m.validate() {
            issues.push(general(Problem::BadModel(e)));
            refused.insert(m.id.as_str());
        } else if let Err(why) = plan(m, &Shape(m.input.clone()), 2, budget) {
            issues.push(general(Problem::ModelDoesNotRun {
                model: m.id.clone(),
                why,
            }));
            refused.insert(m.id.as_str());
        }
    }
    let mut computed = ComputedCache::default();
    let mut ids = std::collections::HashSet::new();
    for q in &pack.questions {
        let mut issue = |problem: Problem| {
            issues.push(Issue {
                question: Some(q.id.clone()),
                problem,
            })
        };
        if q.id.trim().is_empty() {
            issue(Problem::EmptyId);
        }
        if !ids.insert(q.id.as_str()) {
            issue(Problem::IdTwice);
        }
        if q.statement.trim().is_empty() {
            issue(Problem::EmptyStatement);
        }
        if let Some(c) = &q.code {
            if pack.model(c).is_none() {
                issue(Problem::UnknownCodeModel {
                    model: c.clone(),
                    known: known(pack),
                });
            }
        }
        if let Some(Evidence::LinearFormula(m)) = &q.evidence {
            match pack.model(m) {
                None => issue(Problem::UnknownEvidenceModel {
                    model: m.clone(),
                    known: known(pack),
                }),
                // A refused model is reported on its own above.
                Some(spec) if refused.contains(spec.id.as_str()) => {}
                Some(spec) => {
                    if let Err(e) = runner.linear_evidence(spec, 0) {
                        issue(Problem::Evidence(e));
                    }
                }
            }
        }
        // The lab falls back on the pack's first model: a pack without models has none.
        if q.lab.is_some() && pack.models.is_empty() {
            issue(Problem::LabWithoutModel);
        }
        for e in kind_issues(pack, &q.kind, budget, runner, &refused, &mut computed) {
            issue(e);
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
) -> Vec<Problem> {
    let mut out = Vec::new();
    match kind {
        Kind::Open { reference, .. } => {
            if reference.trim().is_empty() {
                out.push(Problem::NoReference);
            }
        }
        Kind::Choice {
            multiple,
            options,
            need,
        } => {
            let correct = options.iter().filter(|o| o.correct).count();
            if options.len() < 2 {
                out.push(Problem::FewOptions);
            }
            if correct == 0 {
                out.push(Problem::NoCorrectOption);
            }
            if let Some(n) = need {
                if *n == 0 || *n > correct {
                    out.push(Problem::NeedOutOfRange { need: *n, correct });
                }
            }
            if !multiple && correct > 1 {
                out.push(Problem::SingleWithManyCorrect { correct });
            }
        }
        Kind::Numeric { target, .. } => match target {
            NumericTarget::Value { value, abs, rel } => {
                if !value.is_finite() || *abs < 0.0 || *rel < 0.0 {
                    out.push(Problem::BadNumericValue);
                }
            }
            NumericTarget::Range { min, max } => {
                if !(min.is_finite() && max.is_finite() && min <= max) {
                    out.push(Problem::BadNumericRange {
                        min: *min,
                        max: *max,
                    });
                }
            }
        },
        Kind::Order { steps } => {
            if steps.len() < 2 {
                out.push(Problem::FewSteps);
            }
        }
        Kind::Computed {
            model,
            ask,
            expected,
        } => {
            let Some(spec) = pack.model(model) else {
                out.push(Problem::UnknownModel {
                    model: model.clone(),
                    known: known(pack),
                });
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
                out.push(Problem::UsesBrokenModel {
                    model: model.clone(),
                });
                return out;
            };
            match computed_answer(spec, facts, ask) {
                Err(e) => out.push(Problem::Compute(e)),
                Ok(answer) => {
                    if let Some(exp) = expected {
                        let key = (spec.id.clone(), format!("{ask:?}"), format!("{exp:?}"));
                        let found = cache.disagreements.entry(key).or_insert_with(|| {
                            disagreement(spec, ask, &answer, exp, budget, runner)
                        });
                        if let Some(d) = found {
                            out.push(Problem::Disagrees(d.clone()));
                        }
                    }
                }
            }
        }
    }
    out
}
