//! The question screen: the statement (with the model's code and the hints shown), the
//! answer widget suited to the kind, the feedback with the correction, and the model panel.

use super::highlight::code_lines;
use super::model::model_text;
use super::theme::Theme;
use crate::core::feedback::{feedback_lines, verdict_text};
use crate::core::pack::{Ask, Evidence, Kind, Question};
use crate::tr;
use crate::tui::state::{Pane, QuestionState, State};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// Whether questions of this kind have a model panel.
pub(super) fn has_model_panel(kind: &Kind) -> bool {
    match kind {
        Kind::Computed { .. } => true,
        Kind::Open { .. } | Kind::Choice { .. } | Kind::Numeric { .. } | Kind::Order { .. } => {
            false
        }
    }
}

fn statement_text(s: &State, q: &Question, t: Theme) -> Text<'static> {
    let l = s.lang;
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::styled(
        tr!(
            l,
            "view-statement-heading",
            number = q.number.to_string(),
            title = q.title.as_str()
        ),
        t.accent(),
    ));
    for line in q.statement.lines() {
        lines.push(Line::raw(line.to_string()));
    }
    if let Some(code) = q.code.as_deref().and_then(|m| s.code.get(m)) {
        lines.push(Line::raw(""));
        lines.extend(code_lines(code, t));
    }
    let st = s.qs();
    if st.hints_shown > 0 {
        lines.push(Line::raw(""));
        for (i, h) in q.hints.iter().take(st.hints_shown).enumerate() {
            lines.push(Line::styled(
                tr!(
                    l,
                    "view-hint",
                    index = (i + 1).to_string(),
                    count = q.hints.len().to_string(),
                    text = h.as_str()
                ),
                t.partial(),
            ));
        }
    }
    Text::from(lines)
}

/// The answer widget: radio buttons or checkboxes, a reorderable list, an editor for open
/// answers (with the reference and key points once revealed), or a one-line field.
fn answer_lines(s: &State, q: &Question, t: Theme) -> Vec<Line<'static>> {
    let st = s.qs();
    let focused = s.focus == Pane::Answer;
    let cursor_style = |i: usize| {
        if focused && i == st.cursor {
            t.selected()
        } else {
            Style::default()
        }
    };
    match &q.kind {
        Kind::Choice { .. }
        | Kind::Computed {
            ask: Ask::ParameterFree,
            ..
        } if !st.options.is_empty() => {
            let radio = match &q.kind {
                Kind::Choice { multiple, .. } => !multiple,
                Kind::Computed { .. }
                | Kind::Open { .. }
                | Kind::Numeric { .. }
                | Kind::Order { .. } => false,
            };
            st.options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let mark = match (radio, st.selected[i]) {
                        (true, true) => "(•)",
                        (true, false) => "( )",
                        (false, true) => "[x]",
                        (false, false) => "[ ]",
                    };
                    Line::styled(format!("{mark} {o}"), cursor_style(i))
                })
                .collect()
        }
        Kind::Order { steps } => st
            .order
            .iter()
            .enumerate()
            .map(|(pos, &step)| {
                // A damaged save may hold any index: show "?" rather than panic.
                let text = steps.get(step).map_or("?", String::as_str);
                Line::styled(format!("{}. {text}", pos + 1), cursor_style(pos))
            })
            .collect(),
        Kind::Open {
            key_points,
            reference,
        } => {
            let mut v: Vec<Line> = st
                .input
                .lines()
                .iter()
                .map(|l| Line::raw(l.clone()))
                .collect();
            if st.input.is_empty() && !s.editing {
                v = vec![Line::styled(tr!(s.lang, "view-open-empty"), t.dim())];
            }
            if st.revealed {
                v.push(Line::raw(""));
                v.push(Line::styled(
                    tr!(s.lang, "view-open-reference", text = reference.as_str()),
                    t.good(),
                ));
                v.push(Line::styled(tr!(s.lang, "view-open-tick"), t.dim()));
                for (i, k) in key_points.iter().enumerate() {
                    let mark = if st.ticked.get(i).copied().unwrap_or(false) {
                        "[x]"
                    } else {
                        "[ ]"
                    };
                    v.push(Line::styled(format!("{mark} {k}"), cursor_style(i)));
                }
            }
            v
        }
        // A choice with no options yet, a number, a computed answer: a one-line field.
        Kind::Choice { .. } | Kind::Numeric { .. } | Kind::Computed { .. } => {
            field_lines(s, st, &q.kind, t)
        }
    }
}

/// A one-line answer field, with the unit or the accepted shape notations under it.
fn field_lines(s: &State, st: &QuestionState, kind: &Kind, t: Theme) -> Vec<Line<'static>> {
    let mut v = vec![Line::from(vec![
        Span::styled("> ", t.accent()),
        Span::raw(st.input.text()),
    ])];
    if st.input.is_empty() && !s.editing {
        v = vec![Line::styled(tr!(s.lang, "view-field-empty"), t.dim())];
    }
    let note = match kind {
        Kind::Numeric { unit, .. } if !unit.is_empty() => {
            Some(tr!(s.lang, "view-field-unit", unit = unit.as_str()))
        }
        Kind::Computed {
            ask: Ask::InputShape,
            ..
        // The accepted forms with an example that is not the answer.
        } => Some(tr!(s.lang, "exam-field-shape-forms")),
        Kind::Numeric { .. }
        | Kind::Computed {
            ask: Ask::ParameterCount { .. } | Ask::ParameterFree | Ask::OutputShape { .. },
            ..
        }
        | Kind::Choice { .. }
        | Kind::Open { .. }
        | Kind::Order { .. } => None,
    };
    if let Some(note) = note {
        v.push(Line::styled(note, t.dim()));
    }
    v
}

fn feedback_text(s: &State, q: &Question, t: Theme) -> Text<'static> {
    let l = s.lang;
    let st = s.qs();
    let mut lines: Vec<Line> = Vec::new();
    if st.pending {
        lines.push(Line::styled(tr!(l, "view-feedback-running"), t.dim()));
    }
    if let (Some(v), true) = (st.verdict(), s.feedback_visible()) {
        lines.push(Line::styled(
            tr!(
                l,
                "view-feedback-verdict",
                verdict = verdict_text(v, l),
                score = l.percent(st.score.unwrap_or(0.0) * 100.0, 0)
            ),
            t.verdict(Some(v)).add_modifier(Modifier::BOLD),
        ));
        for fb in &st.feedback {
            for line in feedback_lines(fb, l) {
                let style = if line.starts_with('✓') {
                    t.good()
                } else if line.starts_with('✗') {
                    t.bad()
                } else {
                    Style::default()
                };
                lines.push(Line::styled(line, style));
            }
        }
        if !q.correction.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(tr!(l, "view-feedback-correction"), t.accent()));
            for line in q.correction.lines() {
                lines.push(Line::raw(line.to_string()));
            }
        }
        // Question 3's evidence was computed once with the facts: only read here.
        match &q.evidence {
            Some(Evidence::LinearFormula(m)) => {
                if let Some(ev) = s.facts.evidence.get(m) {
                    lines.push(Line::raw(""));
                    for line in crate::core::answer_key::linear_evidence_lines(ev, l) {
                        lines.push(Line::raw(line));
                    }
                }
            }
            None => {}
        }
    }
    Text::from(lines)
}

fn pane_block(title: String, focused: bool, t: Theme) -> Block<'static> {
    Block::bordered()
        .title(title)
        .border_style(t.border(focused))
}

pub(super) fn draw_question(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let l = s.lang;
    let q = s.question();
    let st = s.qs();
    let computed = has_model_panel(&q.kind);
    let wide = area.width >= 110;
    let (main, side) = if computed && wide {
        let [m, sd] = Layout::horizontal([Constraint::Min(60), Constraint::Length(44)]).areas(area);
        (m, Some(sd))
    } else {
        (area, None)
    };
    let show_feedback = s.feedback_visible() && (st.score.is_some() || st.pending);
    let lines = answer_lines(s, q, t);
    let answer_h = (lines.len() as u16 + 2).clamp(3, main.height / 2);
    let constraints = if show_feedback {
        vec![
            Constraint::Percentage(40),
            Constraint::Length(answer_h),
            Constraint::Min(4),
        ]
    } else {
        vec![Constraint::Min(4), Constraint::Length(answer_h)]
    };
    let parts = Layout::vertical(constraints).split(main);
    let model_title = format!(" {} ", tr!(l, "view-pane-model"));
    // On narrow screens the model pane replaces the statement while it has the focus.
    let (top_title, top_text, top_scroll, top_focused) = if side.is_none() && s.focus == Pane::Model
    {
        (model_title.clone(), model_text(s, q, t), st.scroll[2], true)
    } else {
        let statement = tr!(
            l,
            "view-pane-statement",
            index = (s.current + 1).to_string(),
            count = s.questions.len().to_string()
        );
        let title = if computed && side.is_none() {
            format!(" {statement} — {} ", tr!(l, "view-pane-model-key"))
        } else {
            format!(" {statement} ")
        };
        (
            title,
            statement_text(s, q, t),
            st.scroll[0],
            s.focus == Pane::Statement,
        )
    };
    f.render_widget(
        Paragraph::new(top_text)
            .wrap(Wrap { trim: false })
            .scroll((top_scroll, 0))
            .block(pane_block(top_title, top_focused, t)),
        parts[0],
    );
    let answer_title = if q.hints.is_empty() {
        format!(" {} ", tr!(l, "view-pane-answer"))
    } else {
        let hints = tr!(
            l,
            "view-pane-hints",
            shown = st.hints_shown.to_string(),
            count = q.hints.len().to_string()
        );
        format!(" {} · {hints} ", tr!(l, "view-pane-answer"))
    };
    let answer_block = pane_block(answer_title, s.focus == Pane::Answer, t);
    let inner = answer_block.inner(parts[1]);
    // Keep the cursor line visible in long lists.
    let scroll = (st.cursor as u16).saturating_sub(inner.height.saturating_sub(1));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(answer_block),
        parts[1],
    );
    if s.editing && inner.width > 2 {
        let (row, col) = st.input.cursor();
        let prefix = if st.input.multiline { 0 } else { 2 };
        let x = inner.x + ((prefix + col) as u16).min(inner.width - 1);
        let y = inner.y + (row as u16).min(inner.height.saturating_sub(1));
        f.set_cursor_position((x, y));
    }
    if show_feedback {
        f.render_widget(
            Paragraph::new(feedback_text(s, q, t))
                .wrap(Wrap { trim: false })
                .scroll((st.scroll[1], 0))
                .block(pane_block(
                    format!(" {} ", tr!(l, "view-pane-feedback")),
                    s.focus == Pane::Feedback,
                    t,
                )),
            parts[2],
        );
    }
    if let Some(side) = side {
        f.render_widget(
            Paragraph::new(model_text(s, q, t))
                .wrap(Wrap { trim: false })
                .scroll((st.scroll[2], 0))
                .block(pane_block(model_title, s.focus == Pane::Model, t)),
            side,
        );
    }
}
