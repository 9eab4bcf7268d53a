//! A grade's feedback, as lines of text in the student's language.

use crate::core::grade::{CountSlip, Feedback, Verdict};
use crate::core::i18n::Lang;
use crate::core::number::NumberAnswer;
use crate::core::progress::FirstTry;
use crate::tr;

pub fn verdict_text(v: Verdict, lang: Lang) -> String {
    match v {
        Verdict::Correct => tr!(lang, "core-verdict-correct"),
        Verdict::Partial => tr!(lang, "core-verdict-partial"),
        Verdict::Wrong => tr!(lang, "core-verdict-wrong"),
    }
}

/// Self-check: the first graded try's score and how many tries were graded.
pub fn first_try_text(t: FirstTry, lang: Lang) -> String {
    tr!(
        lang,
        "core-first-try",
        score = lang.percent(t.score * 100.0, 0),
        attempts = t.attempts
    )
}

/// The same, short, for a row of the summary.
pub fn first_try_short(t: FirstTry, lang: Lang) -> String {
    tr!(
        lang,
        "core-first-try-short",
        score = lang.percent(t.score * 100.0, 0),
        attempts = t.attempts
    )
}

/// A value or a range (`10 – 100`), written as `lang` writes numbers.
pub fn expected_text(e: &NumberAnswer, lang: Lang) -> String {
    match e {
        NumberAnswer::Value(v) => lang.real(*v),
        NumberAnswer::Range(a, b) => format!("{} – {}", lang.real(*a), lang.real(*b)),
    }
}

/// Feedback as lines of text.
pub fn feedback_lines(f: &Feedback, lang: Lang) -> Vec<String> {
    match f {
        Feedback::Unreadable(why) => vec![tr!(
            lang,
            "core-feedback-unreadable",
            why = why.render(lang)
        )],
        Feedback::KeyPoints { ticked, total } => vec![tr!(
            lang,
            "core-feedback-key-points",
            ticked = *ticked,
            total = *total
        )],
        Feedback::Chose {
            option,
            correct,
            comment,
        } => {
            let mark = if *correct { "✓" } else { "✗" };
            let mut s = format!("{mark} {option}");
            if !comment.is_empty() {
                s += &format!(" — {comment}");
            }
            vec![s]
        }
        Feedback::Missed { option } => {
            vec![tr!(lang, "core-feedback-missed", option = option.as_str())]
        }
        Feedback::NumberRight { got } => {
            vec![tr!(
                lang,
                "core-feedback-accepted",
                got = expected_text(got, lang)
            )]
        }
        Feedback::NumberWrong { got, expected } => vec![tr!(
            lang,
            "core-feedback-number-wrong",
            got = lang.real(*got),
            expected = expected_text(expected, lang)
        )],
        Feedback::Order {
            in_order,
            total,
            first_misplaced,
        } => {
            let mut v = vec![tr!(
                lang,
                "core-feedback-in-order",
                in_order = *in_order,
                total = *total
            )];
            if let Some((pos, put, should)) = first_misplaced {
                v.push(tr!(
                    lang,
                    "core-feedback-first-misplaced",
                    pos = *pos,
                    put = put.as_str(),
                    should = should.as_str()
                ));
            }
            v
        }
        Feedback::Slip(slip) => vec![match slip {
            CountSlip::BiasOfBiasFree { layer, bias } => tr!(
                lang,
                "core-slip-bias-of-bias-free",
                layer = layer.as_str(),
                bias = lang.num(*bias)
            ),
            CountSlip::BiasForgotten { layer, bias } => tr!(
                lang,
                "core-slip-bias-forgotten",
                layer = layer.as_str(),
                bias = lang.num(*bias)
            ),
            CountSlip::AllBiasesForgotten { biases } => {
                tr!(lang, "core-slip-all-biases", biases = lang.num(*biases))
            }
            CountSlip::BuffersCounted { buffers } => {
                tr!(lang, "core-slip-buffers", buffers = lang.num(*buffers))
            }
        }],
        Feedback::BatchDimension { batch, sample } => vec![tr!(
            lang,
            "core-feedback-batch-dimension",
            batch = lang.num(*batch as u64),
            sample = sample.to_string()
        )],
        Feedback::HasParameters { option, count } => vec![tr!(
            lang,
            "core-feedback-has-parameters",
            option = option.as_str(),
            count = *count,
            shown = lang.num(*count)
        )],
        Feedback::Counts { rows, total, got } => {
            let mut v = Vec::new();
            if let Some(g) = got {
                if g == total {
                    v.push(tr!(
                        lang,
                        "core-feedback-count-right",
                        count = *g,
                        shown = lang.num(*g)
                    ));
                } else {
                    v.push(tr!(
                        lang,
                        "core-feedback-count-wrong",
                        got = lang.num(*g),
                        total = lang.num(*total),
                        off = lang.num(g.abs_diff(*total))
                    ));
                }
            }
            v.push(tr!(lang, "core-feedback-counted"));
            for (label, n) in rows {
                v.push(format!("  {label:<10} {:>10}", lang.num(*n)));
            }
            v.push(format!(
                "  {:<10} {:>10}",
                tr!(lang, "core-feedback-total"),
                lang.num(*total)
            ));
            v
        }
        Feedback::ShapeRight { shape } => vec![format!("✓ {shape}")],
        Feedback::ShapeWrong { got, expected } => vec![tr!(
            lang,
            "core-feedback-shape-wrong",
            got = got.to_string(),
            expected = expected.to_string()
        )],
        Feedback::Runs { input, trace } => {
            let mut v = vec![tr!(lang, "core-feedback-runs", input = input.to_string())];
            for (label, s) in trace {
                v.push(format!("  {label:<18} {s}"));
            }
            v
        }
        Feedback::Breaks { input, why } => vec![
            tr!(lang, "core-feedback-breaks", input = input.to_string()),
            why.render(lang),
        ],
        Feedback::Accepted { answer, credit } => vec![tr!(
            lang,
            "moodle-feedback-accepted",
            answer = answer.as_str(),
            credit = lang.percent(*credit, 0)
        )],
        Feedback::NotAccepted { got, best } => vec![tr!(
            lang,
            "moodle-feedback-not-accepted",
            got = got.as_str(),
            best = best.as_str()
        )],
        Feedback::Comment(c) => vec![format!("» {c}")],
        Feedback::Matched {
            left,
            chosen,
            right,
        } => vec![match chosen {
            Some(c) if c == right => format!("✓ {left} → {c}"),
            Some(c) => tr!(
                lang,
                "moodle-feedback-matched-wrong",
                left = left.as_str(),
                chosen = c.as_str(),
                right = right.as_str()
            ),
            None => tr!(
                lang,
                "moodle-feedback-matched-none",
                left = left.as_str(),
                right = right.as_str()
            ),
        }],
        Feedback::NothingToAnswer => vec![tr!(lang, "moodle-feedback-nothing")],
    }
}
