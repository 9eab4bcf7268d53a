//! The model panel of computed questions: the layer table and totals from the facts
//! computed once, and for input-shape questions the live trace of what the student types.

use super::theme::Theme;
use crate::core::pack::{Ask, Kind, Question};
use crate::tr;
use crate::tui::msg::LiveTrace;
use crate::tui::state::State;
use ratatui::text::{Line, Text};

/// Whether the parameter counts may be shown: they are the answer of parameter questions,
/// so those show them once graded.
fn params_shown(s: &State, ask: &Ask, graded: bool) -> bool {
    let part_of_the_answer = match ask {
        Ask::ParameterCount { .. } | Ask::ParameterFree => true,
        Ask::OutputShape { .. } | Ask::InputShape => false,
    };
    s.feedback_visible() && (graded || !part_of_the_answer)
}

/// The live model summary: layer table and totals, and for input-shape questions the
/// trace of what the student is typing.
pub(super) fn model_text(s: &State, q: &Question, t: Theme) -> Text<'static> {
    let (model, ask) = match &q.kind {
        Kind::Computed { model, ask, .. } => (model, ask),
        Kind::Open { .. } | Kind::Choice { .. } | Kind::Numeric { .. } | Kind::Order { .. } => {
            return Text::default()
        }
    };
    let l = s.lang;
    // An exam not yet submitted: the code the question gives is all the panel shows; no
    // counts, shapes or run/break verdicts.
    if s.sealed() {
        let mut lines = vec![Line::styled(tr!(l, "exam-model-sealed"), t.dim())];
        if let Some(code) = s.code.get(model.as_str()) {
            lines.push(Line::raw(""));
            lines.extend(super::highlight::code_lines(code, t));
        }
        return Text::from(lines);
    }
    let Some((_, summary)) = s.facts.models.get(model) else {
        return Text::raw(tr!(l, "view-model-unavailable", model = model.as_str()));
    };
    let mut lines = Vec::new();
    let st = s.qs();
    let input_question = match ask {
        Ask::InputShape => true,
        Ask::ParameterCount { .. } | Ask::ParameterFree | Ask::OutputShape { .. } => false,
    };
    if input_question {
        match &st.trace {
            None => lines.push(Line::styled(tr!(l, "view-model-type-shape"), t.dim())),
            Some(LiveTrace::Unreadable(why)) => {
                lines.push(Line::styled(why.render(l), t.partial()))
            }
            Some(LiveTrace::Runs(trace)) => {
                lines.push(Line::styled(tr!(l, "view-model-runs"), t.good()));
                for (label, shape) in trace {
                    lines.push(Line::raw(format!("{label:<18} {shape}")));
                }
            }
            Some(LiveTrace::Breaks(why)) => {
                lines.push(Line::styled(tr!(l, "view-model-breaks"), t.bad()));
                lines.push(Line::raw(why.render(l)));
            }
        }
        lines.push(Line::raw(""));
    }
    let show_params = params_shown(s, ask, st.score.is_some());
    lines.push(Line::styled(
        format!(
            "{:<17}{:<12}{:>9}",
            tr!(l, "view-model-col-layer"),
            tr!(l, "view-model-col-output"),
            tr!(l, "view-model-col-params")
        ),
        t.accent(),
    ));
    for r in &summary.rows {
        let p = if !show_params {
            "?".to_string()
        } else if r.counts.trainable + r.counts.buffers == 0 {
            "—".to_string()
        } else {
            l.num(r.counts.trainable + r.counts.buffers)
        };
        let shape = if input_question && !s.feedback_visible() {
            "…".into()
        } else {
            r.output.to_string()
        };
        lines.push(Line::raw(format!("{:<17}{:<12}{:>9}", r.label, shape, p)));
    }
    if show_params {
        lines.push(Line::styled(
            format!(
                "{:<29}{:>9}",
                tr!(l, "view-model-total"),
                l.num(summary.total_params())
            ),
            t.accent(),
        ));
        lines.push(Line::raw(tr!(
            l,
            "view-model-mult-adds",
            n = l.num(summary.mult_adds())
        )));
    }
    lines.push(Line::styled(tr!(l, "view-model-computed-with"), t.dim()));
    Text::from(lines)
}
