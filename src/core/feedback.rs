//! A grade's feedback, as lines of text in the student's language.

use crate::core::grade::{Feedback, Verdict};
use crate::core::i18n::Lang;

pub fn verdict_text(v: Verdict, lang: Lang) -> &'static str {
    match v {
        Verdict::Correct => lang.t("Correct", "Juste"),
        Verdict::Partial => lang.t("Partly right", "Partiellement juste"),
        Verdict::Wrong => lang.t("Wrong", "Faux"),
    }
}

fn fmt_f(v: f64, lang: Lang) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = lang.num(v.abs() as u64);
        if v < 0.0 {
            format!("-{s}")
        } else {
            s
        }
    } else if lang == Lang::fr() {
        format!("{v}").replace('.', ",")
    } else {
        format!("{v}")
    }
}

/// Feedback as lines of text.
pub fn feedback_lines(f: &Feedback, lang: Lang) -> Vec<String> {
    match f {
        Feedback::Unreadable(why) => vec![format!(
            "{} {}",
            lang.t("Could not read the answer:", "Réponse illisible :"),
            why.render(lang)
        )],
        Feedback::KeyPoints { ticked, total } => vec![format!(
            "{} {ticked}/{total}",
            lang.t("Key points covered:", "Points clés couverts :")
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
            vec![format!("{} {option}", lang.t("○ Missed:", "○ Oublié :"))]
        }
        Feedback::NumberRight { got } => vec![format!(
            "{} {}",
            lang.t("✓ Accepted:", "✓ Accepté :"),
            fmt_f(*got, lang)
        )],
        Feedback::NumberWrong { got, expected } => vec![format!(
            "✗ {} {} — {} {expected}",
            lang.t("You gave", "Vous avez donné"),
            fmt_f(*got, lang),
            lang.t("expected", "attendu")
        )],
        Feedback::Order {
            in_order,
            total,
            first_misplaced,
        } => {
            let mut v = vec![format!(
                "{} {in_order}/{total}",
                lang.t("Steps in the right order:", "Étapes dans le bon ordre :")
            )];
            if let Some((pos, put, should)) = first_misplaced {
                v.push(match lang.pick() {
                    crate::core::i18n::Pick::En => format!("First misplaced: at position {pos} you put “{put}”; it should be “{should}”."),
                    crate::core::i18n::Pick::Fr => format!("Première erreur : en position {pos} vous avez mis « {put} » ; il fallait « {should} »."),
                });
            }
            v
        }
        Feedback::Counts { rows, total, got } => {
            let mut v = Vec::new();
            if let Some(g) = got {
                if g == total {
                    v.push(format!(
                        "✓ {} {}",
                        lang.num(*g),
                        lang.t("parameters", "paramètres")
                    ));
                } else {
                    v.push(format!(
                        "✗ {} {} — {} {} ({} {})",
                        lang.t("You gave", "Vous avez donné"),
                        lang.num(*g),
                        lang.t("the model has", "le modèle en a"),
                        lang.num(*total),
                        lang.t("off by", "écart de"),
                        lang.num(g.abs_diff(*total))
                    ));
                }
            }
            v.push(
                lang.t(
                    "Counted from candle's tensors:",
                    "Comptés sur les tenseurs de candle :",
                )
                .to_string(),
            );
            for (label, n) in rows {
                v.push(format!("  {label:<10} {:>10}", lang.num(*n)));
            }
            v.push(format!(
                "  {:<10} {:>10}",
                lang.t("total", "total"),
                lang.num(*total)
            ));
            v
        }
        Feedback::ShapeRight { shape } => vec![format!("✓ {shape}")],
        Feedback::ShapeWrong { got, expected } => vec![format!(
            "✗ {} {got} — {} {expected}",
            lang.t("You gave", "Vous avez donné"),
            lang.t("the forward pass gives", "la passe avant donne")
        )],
        Feedback::Runs { input, trace } => {
            let mut v = vec![format!(
                "✓ {input}: {}",
                lang.t(
                    "the model runs. Shapes from candle's forward pass:",
                    "le modèle tourne. Formes de la passe avant de candle :"
                )
            )];
            for (label, s) in trace {
                v.push(format!("  {label:<18} {s}"));
            }
            v
        }
        Feedback::Breaks { input, why } => vec![
            format!(
                "✗ {input}: {}",
                lang.t("the model does not run.", "le modèle ne tourne pas.")
            ),
            why.render(lang),
        ],
    }
}
