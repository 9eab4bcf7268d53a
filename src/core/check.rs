//! A pack's semantic checks: ids, references, arguments, and every computed answer
//! computed and compared with what the teacher expects.

use crate::core::grade::{computed_answer, disagreement};
use crate::core::pack::{parse_pack, Evidence, Issue, Kind, NumericTarget, Pack, PackError};
use crate::core::plan::plan;
use crate::core::runner::ModelRunner;
use crate::core::shape::Shape;
use std::path::Path;

/// Load and validate a pack file. Never writes to it.
pub fn load_pack(path: &Path, budget: u64, runner: &dyn ModelRunner) -> Result<Pack, PackError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| PackError::Io(format!("cannot read: {e}")))?;
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
    let general = |m: String| Issue {
        question: None,
        message: m,
    };
    if pack.questions.is_empty() {
        issues.push(general("the pack has no questions".into()));
    }
    let mut model_ids = std::collections::HashSet::new();
    for m in &pack.models {
        if !model_ids.insert(m.id.as_str()) {
            issues.push(general(format!("model id `{}` is used twice", m.id)));
        }
        if let Err(e) = m.validate() {
            issues.push(general(e.to_string()));
        } else if let Err(e) = plan(m, &Shape(m.input.clone()), 2, budget) {
            issues.push(general(format!(
                "model `{}` does not run on its own input: {e}",
                m.id
            )));
        }
    }
    let mut ids = std::collections::HashSet::new();
    for q in &pack.questions {
        let mut issue = |m: String| {
            issues.push(Issue {
                question: Some(q.id.clone()),
                message: m,
            })
        };
        if q.id.trim().is_empty() {
            issue("the id is empty".into());
        }
        if !ids.insert(q.id.as_str()) {
            issue("this id is used by another question".into());
        }
        if q.statement.trim().is_empty() {
            issue("the statement is empty".into());
        }
        if let Some(c) = &q.code {
            if pack.model(c).is_none() {
                issue(format!("code refers to unknown model `{c}`{}", known(pack)));
            }
        }
        if let Some(Evidence::LinearFormula(m)) = &q.evidence {
            match pack.model(m) {
                None => issue(format!(
                    "evidence refers to unknown model `{m}`{}",
                    known(pack)
                )),
                Some(spec) => {
                    if let Err(e) = runner.linear_evidence(spec, 0) {
                        issue(format!("evidence: {e}"));
                    }
                }
            }
        }
        for e in kind_issues(pack, &q.kind, budget, runner) {
            issue(e);
        }
    }
    issues
}

fn known(pack: &Pack) -> String {
    if pack.models.is_empty() {
        " (the pack defines no models)".into()
    } else {
        let ids: Vec<&str> = pack.models.iter().map(|m| m.id.as_str()).collect();
        format!(" (known: {})", ids.join(", "))
    }
}

fn kind_issues(pack: &Pack, kind: &Kind, budget: u64, runner: &dyn ModelRunner) -> Vec<String> {
    let mut out = Vec::new();
    match kind {
        Kind::Open { reference, .. } => {
            if reference.trim().is_empty() {
                out.push("an open question needs a reference answer".into());
            }
        }
        Kind::Choice {
            multiple,
            options,
            need,
        } => {
            let correct = options.iter().filter(|o| o.correct).count();
            if options.len() < 2 {
                out.push("a choice needs at least two options".into());
            }
            if correct == 0 {
                out.push("a choice with no correct option".into());
            }
            if let Some(n) = need {
                if *n == 0 || *n > correct {
                    out.push(format!(
                        "`need: {n}` must be between 1 and the {correct} correct options"
                    ));
                }
            }
            if !multiple && correct > 1 {
                out.push(format!(
                    "a single-answer choice has {correct} correct options: set `multiple: true` or keep one"
                ));
            }
        }
        Kind::Numeric { target, .. } => match target {
            NumericTarget::Value { value, abs, rel } => {
                if !value.is_finite() || *abs < 0.0 || *rel < 0.0 {
                    out.push("a numeric value must be finite with non-negative tolerances".into());
                }
            }
            NumericTarget::Range { min, max } => {
                if !(min.is_finite() && max.is_finite() && min <= max) {
                    out.push(format!(
                        "a numeric range needs min ≤ max (got {min} to {max})"
                    ));
                }
            }
        },
        Kind::Order { steps } => {
            if steps.len() < 2 {
                out.push("an order question needs at least two steps".into());
            }
        }
        Kind::Computed {
            model,
            ask,
            expected,
        } => {
            let Some(spec) = pack.model(model) else {
                out.push(format!("unknown model `{model}`{}", known(pack)));
                return out;
            };
            let facts = match runner.inspect(spec, None, 1, budget) {
                Ok(f) => f,
                Err(_) => {
                    out.push(format!(
                        "uses model `{model}`, which does not run (see above)"
                    ));
                    return out;
                }
            };
            match computed_answer(spec, &facts, ask) {
                Err(e) => out.push(e),
                Ok(answer) => {
                    if let Some(exp) = expected {
                        if let Some(e) = disagreement(spec, ask, &answer, exp, budget, runner) {
                            out.push(e);
                        }
                    }
                }
            }
        }
    }
    out
}
