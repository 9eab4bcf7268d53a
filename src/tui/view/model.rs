//! The model panel of computed questions: the layer table and totals from the facts
//! computed once, and for input-shape questions the live trace of what the student types.

use super::theme::Theme;
use crate::core::pack::{Ask, Kind, Question};
use crate::tr;
use crate::tui::msg::LiveTrace;
use crate::tui::state::State;
use ratatui::text::{Line, Text};

/// The shape trace of the text in the field, once a live trace has come back for it: pure
/// arithmetic (`core::plan::trace`), a few layers, cheap enough to draw from.
fn typed_trace(
    s: &State,
    model: &str,
    live: &Option<LiveTrace>,
) -> Option<crate::core::plan::ShapeTrace> {
    match live {
        Some(LiveTrace::Runs(_) | LiveTrace::Breaks(_)) => {}
        Some(LiveTrace::Unreadable(_)) | None => return None,
    }
    let (spec, _) = s.facts.models.get(model)?;
    let input = crate::core::shape::parse_shape(&s.qs().input.text()).ok()?;
    Some(crate::core::plan::trace(spec, &input, s.facts.budget))
}

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
        Kind::Open { .. }
        | Kind::Choice { .. }
        | Kind::Numeric { .. }
        | Kind::Order { .. }
        | Kind::ShortAnswer { .. }
        | Kind::Matching { .. }
        | Kind::Description => return Text::default(),
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
    // The typed input's own shapes, layer by layer up to the layer that refuses it: never
    // the default input's, which would answer the question and mislead a failing one.
    let typed = if input_question {
        typed_trace(s, model, &st.trace)
    } else {
        None
    };
    if input_question {
        match (&st.trace, &typed) {
            (None, _) => lines.push(Line::styled(tr!(l, "view-model-type-shape"), t.dim())),
            (Some(LiveTrace::Unreadable(why)), _) => {
                lines.push(Line::styled(why.render(l), t.partial()))
            }
            // `1x3x40x40`: a batch of one sample, which PyTorch runs (and grading accepts).
            (Some(LiveTrace::Runs(_) | LiveTrace::Breaks(_)), Some(tr))
                if tr.batch.is_some() && tr.failure.is_none() =>
            {
                let sample = crate::core::shape::Shape(tr.input.dims()[1..].to_vec());
                lines.push(Line::styled(
                    tr!(
                        l,
                        "plan-trace-batch",
                        n = tr.batch.unwrap_or(1),
                        batch = l.num(tr.batch.unwrap_or(1) as u64),
                        sample = sample.to_string()
                    ),
                    t.good(),
                ));
            }
            (Some(LiveTrace::Runs(_)), _) => {
                lines.push(Line::styled(tr!(l, "view-model-runs"), t.good()));
            }
            (Some(LiveTrace::Breaks(why)), _) => {
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
    if let Some(tr) = &typed {
        lines.push(Line::raw(format!(
            "{:<17}{:<12}",
            tr!(l, "plan-trace-input"),
            tr.input.to_string()
        )));
    }
    for (i, r) in summary.rows.iter().enumerate() {
        let p = if !show_params {
            "?".to_string()
        } else if r.counts.trainable == 0 {
            // Buffers (BatchNorm's running statistics) are not parameters: totalled apart.
            "—".to_string()
        } else {
            l.num(r.counts.trainable)
        };
        let shape = match (&typed, input_question) {
            (_, false) => r.output.to_string(),
            (None, true) => "…".into(),
            (Some(tr), true) => match tr.steps.get(i) {
                Some((_, shape)) => shape.to_string(),
                None if i == tr.steps.len() && tr.failing_layer().is_some() => {
                    tr!(l, "plan-trace-fails-here")
                }
                None => String::new(),
            },
        };
        // A label longer than its column keeps one space before the shape.
        let label = format!("{:<16} ", r.label);
        lines.push(Line::raw(format!("{label:<17}{shape:<12}{p:>9}")));
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
        if summary.buffers() > 0 {
            lines.push(Line::raw(tr!(
                l,
                "view-model-buffers",
                n = l.num(summary.buffers())
            )));
        }
    }
    lines.push(Line::styled(tr!(l, "view-model-computed-with"), t.dim()));
    Text::from(lines)
}
