//! The answer key of a pack, with every computed answer computed live.

use crate::core::grade::{computed_answer, ComputedAnswer, Facts};
use crate::core::i18n::Lang;
use crate::core::pack::{Evidence, Kind, NumericTarget, Pack, Question};
use crate::core::runner::{EvidenceError, LinearEvidence};
use crate::tr;
use std::fmt::Write as _;

/// The expected answer of one question, as lines of text.
pub fn expected_lines(q: &Question, facts: &Facts, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    match &q.kind {
        Kind::Open {
            reference,
            key_points,
        } => {
            out.push(reference.clone());
            for k in key_points {
                out.push(format!("  • {k}"));
            }
        }
        Kind::Choice { options, need, .. } => {
            if let Some(n) = need {
                out.push(tr!(lang, "core-key-any", n = *n));
            }
            for o in options.iter().filter(|o| o.correct) {
                out.push(format!("  ✓ {}", o.text));
            }
        }
        Kind::ShortAnswer { answers, .. } => {
            for a in answers {
                out.push(if a.credit >= 100.0 {
                    format!("  ✓ {}", a.text)
                } else {
                    format!("  {} ({})", a.text, lang.percent(a.credit, 0))
                });
            }
        }
        Kind::Matching { pairs } => {
            for p in pairs.iter().filter(|p| !p.left.is_empty()) {
                out.push(format!("  {} → {}", p.left, p.right));
            }
        }
        Kind::Description => out.push(tr!(lang, "moodle-feedback-nothing")),
        Kind::Numeric {
            target,
            unit,
            others,
            ..
        } => {
            out.push(numeric_text(target, unit, lang));
            for o in others {
                out.push(format!(
                    "  {} ({})",
                    numeric_text(&o.target, unit, lang),
                    lang.percent(o.credit, 0)
                ));
            }
        }
        Kind::Order { steps } => {
            for (i, s) in steps.iter().enumerate() {
                out.push(format!("  {}. {s}", i + 1));
            }
        }
        Kind::Computed { model, ask, .. } => match facts.models.get(model) {
            None => out.push(tr!(
                lang,
                "core-key-model-did-not-run",
                model = model.as_str()
            )),
            Some((spec, summary)) => match computed_answer(spec, summary, ask) {
                Err(e) => out.push(e.render(lang)),
                Ok(ComputedAnswer::Count { total, rows }) => {
                    let parts: Vec<String> = rows
                        .iter()
                        .map(|(l, n)| format!("{l} {}", lang.num(*n)))
                        .collect();
                    out.push(tr!(
                        lang,
                        "core-key-count",
                        total = lang.num(total),
                        parts = parts.join(" + ")
                    ));
                }
                Ok(ComputedAnswer::Free { options, free }) => {
                    let names: Vec<&str> = options
                        .iter()
                        .zip(free)
                        .filter(|(_, f)| *f)
                        .map(|(o, _)| o.as_str())
                        .collect();
                    out.push(names.join(", "));
                }
                Ok(ComputedAnswer::Shape(s, _)) => out.push(s.to_string()),
                Ok(ComputedAnswer::Input(s)) => {
                    out.push(tr!(lang, "core-key-input", shape = s.to_string()))
                }
            },
        },
    }
    if let Some(Evidence::LinearFormula(m)) = &q.evidence {
        if let Some(ev) = facts.evidence.get(m) {
            out.extend(linear_evidence_lines(ev, lang));
        }
    }
    out
}

/// candle's Linear output beside the term-by-term sum.
pub fn linear_evidence_lines(
    evidence: &Result<LinearEvidence, EvidenceError>,
    lang: Lang,
) -> Vec<String> {
    match evidence {
        Err(e) => vec![e.render(lang)],
        Ok(ev) => {
            let terms: Vec<String> = ev
                .w
                .iter()
                .zip(&ev.x)
                .take(3)
                .map(|(w, x)| format!("({})·({})", lang.dec(*w as f64, 3), lang.dec(*x as f64, 3)))
                .collect();
            vec![
                tr!(lang, "core-key-evidence"),
                format!("  candle fc(x) = {}", lang.dec(ev.candle_output as f64, 6)),
                format!(
                    "  {}",
                    tr!(
                        lang,
                        "core-key-evidence-sum",
                        terms = terms.join(" + "),
                        n = ev.w.len(),
                        b = lang.dec(ev.b as f64, 3),
                        sum = lang.dec(ev.term_by_term, 6)
                    )
                ),
            ]
        }
    }
}

/// The whole key as text.
pub fn answer_key(pack: &Pack, facts: &Facts, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        tr!(lang, "core-key-title", title = pack.meta.title.as_str())
    );
    for q in &pack.questions {
        let _ = writeln!(
            out,
            "\n{}",
            tr!(
                lang,
                "core-key-question",
                number = q.number.as_str(),
                title = q.title.as_str()
            )
        );
        for l in expected_lines(q, facts, lang) {
            let _ = writeln!(out, "  {l}");
        }
    }
    out
}

/// A numeric target as the key writes it: a value with its tolerance, or a range.
fn numeric_text(target: &NumericTarget, unit: &str, lang: Lang) -> String {
    match target {
        NumericTarget::Value { value, abs, rel } => {
            let mut s = format!("{}{unit}", lang.real(*value));
            if *abs > 0.0 {
                s += &format!(" ± {}", lang.real(*abs));
            } else if *rel > 0.0 {
                s += &format!(
                    " ± {}",
                    tr!(lang, "format-percent", n = lang.real(rel * 100.0))
                );
            }
            s
        }
        NumericTarget::Range { min, max } => tr!(
            lang,
            "core-key-range",
            min = format!("{}{unit}", lang.real(*min)),
            max = format!("{}{unit}", lang.real(*max))
        ),
    }
}
