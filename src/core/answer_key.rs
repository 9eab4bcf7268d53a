//! The answer key of a pack, with every computed answer computed live.

use crate::core::grade::{computed_answer, ComputedAnswer, Facts};
use crate::core::i18n::Lang;
use crate::core::pack::{Evidence, Kind, NumericTarget, Pack, Question};
use crate::core::runner::LinearEvidence;
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
                out.push(format!("{} {n}:", lang.t("Any", "Au choix")));
            }
            for o in options.iter().filter(|o| o.correct) {
                out.push(format!("  ✓ {}", o.text));
            }
        }
        Kind::Numeric { target, unit } => out.push(match target {
            NumericTarget::Value { value, abs, rel } => {
                let mut s = format!("{}{unit}", crate::core::grade::fmt_num(*value));
                if *abs > 0.0 {
                    s += &format!(" ± {abs}");
                } else if *rel > 0.0 {
                    s += &format!(" ± {}%", rel * 100.0);
                }
                s
            }
            NumericTarget::Range { min, max } => format!(
                "{}{unit} {} {}{unit}",
                crate::core::grade::fmt_num(*min),
                lang.t("to", "à"),
                crate::core::grade::fmt_num(*max)
            ),
        }),
        Kind::Order { steps } => {
            for (i, s) in steps.iter().enumerate() {
                out.push(format!("  {}. {s}", i + 1));
            }
        }
        Kind::Computed { model, ask, .. } => match facts.models.get(model) {
            None => out.push(format!("model `{model}` did not run")),
            Some((spec, summary)) => match computed_answer(spec, summary, ask) {
                Err(e) => out.push(e),
                Ok(ComputedAnswer::Count { total, rows }) => {
                    let parts: Vec<String> = rows
                        .iter()
                        .map(|(l, n)| format!("{l} {}", lang.num(*n)))
                        .collect();
                    out.push(format!(
                        "{} ({} {})",
                        lang.num(total),
                        lang.t("computed with candle:", "calculé avec candle :"),
                        parts.join(" + ")
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
                Ok(ComputedAnswer::Shape(s)) => out.push(s.to_string()),
                Ok(ComputedAnswer::Input(s)) => out.push(format!(
                    "{s} ({})",
                    lang.t(
                        "for example: any input the network runs on is accepted",
                        "par exemple : toute entrée sur laquelle le réseau tourne est acceptée"
                    )
                )),
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
pub fn linear_evidence_lines(evidence: &Result<LinearEvidence, String>, lang: Lang) -> Vec<String> {
    match evidence {
        Err(e) => vec![format!("evidence: {e}")],
        Ok(ev) => {
            let terms: Vec<String> =
                ev.w.iter()
                    .zip(&ev.x)
                    .take(3)
                    .map(|(w, x)| format!("({w:.3})·({x:.3})"))
                    .collect();
            vec![
                lang.t(
                    "Evidence (random x, weights initialised as PyTorch does):",
                    "Preuve (x aléatoire, poids initialisés comme PyTorch) :",
                )
                .to_string(),
                format!("  candle fc(x) = {:.6}", ev.candle_output),
                format!(
                    "  Σ wᵢxᵢ + b ({}) = {} + … ({} {}) + ({:.3}) = {:.6}",
                    lang.t("term by term", "terme à terme"),
                    terms.join(" + "),
                    ev.w.len(),
                    lang.t("terms", "termes"),
                    ev.b,
                    ev.term_by_term
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
        "{} — {}",
        pack.meta.title,
        lang.t("answer key", "corrigé")
    );
    for q in &pack.questions {
        let _ = writeln!(
            out,
            "\n{} {} — {}",
            lang.t("Question", "Question"),
            q.number,
            q.title
        );
        for l in expected_lines(q, facts, lang) {
            let _ = writeln!(out, "  {l}");
        }
    }
    out
}
