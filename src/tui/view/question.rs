//! The question screen: the statement (with the model's code and the hints shown), the
//! answer widget suited to the kind, the feedback with the correction, and the model panel.

use super::highlight::code_lines;
use super::model::model_text;
use super::theme::Theme;
use crate::core::feedback::{feedback_lines, first_try_text, verdict_text};
use crate::core::pack::{Ask, Evidence, Kind, Question};
use crate::core::progress::Mode;
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
        Kind::Open { .. }
        | Kind::Choice { .. }
        | Kind::Numeric { .. }
        | Kind::Order { .. }
        | Kind::ShortAnswer { .. }
        | Kind::Matching { .. }
        | Kind::Description => false,
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
    Text::from(lines)
}

/// The hints asked for so far, shown in their own pane above the answer.
fn hints_text(s: &State, q: &Question, t: Theme) -> Text<'static> {
    let lines: Vec<Line> = q
        .hints
        .iter()
        .take(s.qs().hints_shown)
        .enumerate()
        .map(|(i, h)| {
            Line::styled(
                tr!(
                    s.lang,
                    "view-hint",
                    index = (i + 1).to_string(),
                    count = q.hints.len().to_string(),
                    text = h.as_str()
                ),
                t.partial(),
            )
        })
        .collect();
    Text::from(lines)
}

/// The line of `answer_lines` that holds the cursor: the option, step or key point under
/// it, or the line typed on.
fn cursor_line(s: &State, q: &Question) -> usize {
    let st = s.qs();
    match &q.kind {
        Kind::Open { .. } if s.editing => st.input.cursor().0,
        Kind::Open { .. } if st.revealed => {
            // The answer (or its placeholder), a blank line, the reference, the tick line.
            let answer = if st.input.is_empty() {
                1
            } else {
                st.input.lines().len()
            };
            answer + 3 + st.cursor
        }
        Kind::Open { .. } => 0,
        Kind::Choice { .. }
        | Kind::Order { .. }
        | Kind::Computed { .. }
        | Kind::Numeric { .. }
        | Kind::ShortAnswer { .. }
        | Kind::Description => st.cursor,
        // The line that says how to choose, then one line per left item.
        Kind::Matching { .. } => st.cursor + 1,
    }
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
                | Kind::Order { .. }
                | Kind::ShortAnswer { .. }
                | Kind::Matching { .. }
                | Kind::Description => false,
            };
            // Shown in the student's order; `selected` stays in the pack's indices.
            s.choice_order(s.current)
                .into_iter()
                .enumerate()
                .filter_map(|(pos, i)| Some((pos, i, st.options.get(i)?)))
                .map(|(pos, i, o)| {
                    let chosen = st.selected.get(i).copied().unwrap_or(false);
                    let mark = match (radio, chosen) {
                        (true, true) => "(•)",
                        (true, false) => "( )",
                        (false, true) => "[x]",
                        (false, false) => "[ ]",
                    };
                    Line::styled(format!("{mark} {o}"), cursor_style(pos))
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
        Kind::Matching { pairs } => {
            let (lefts, _, _) = crate::core::grade::match_sides(pairs);
            let width = lefts
                .iter()
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0)
                .min(40);
            let mut v = vec![Line::styled(tr!(s.lang, "moodle-tui-match-how"), t.dim())];
            for (i, left) in lefts.iter().enumerate() {
                let chosen = st
                    .matches
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|c| st.options.get(c))
                    .map_or("…", String::as_str);
                v.push(Line::styled(
                    format!("{left:<width$}  →  [ {chosen} ]"),
                    cursor_style(i),
                ));
            }
            v
        }
        Kind::Description => vec![Line::styled(tr!(s.lang, "moodle-tui-description"), t.dim())],
        // A choice with no options yet, a number, a short answer, a computed answer: a
        // one-line field.
        Kind::Choice { .. }
        | Kind::Numeric { .. }
        | Kind::Computed { .. }
        | Kind::ShortAnswer { .. } => field_lines(s, st, &q.kind, t),
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
        | Kind::Order { .. }
        | Kind::ShortAnswer { .. }
        | Kind::Matching { .. }
        | Kind::Description => None,
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
        // Self-check keeps the first try: the score above is the last answer's.
        if let Some(ft) = st.first_try.filter(|_| s.mode == Mode::SelfCheck) {
            lines.push(Line::styled(first_try_text(ft, l), t.dim()));
        }
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

/// Rows a text takes in a pane of `inner` columns, wrapped as drawn.
fn rows(text: &Text<'static>, inner: u16) -> u16 {
    let n = Paragraph::new(text.clone())
        .wrap(Wrap { trim: false })
        .line_count(inner.max(1));
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// The question screen's panes, top to bottom, with their texts and scrolls.
struct Panes {
    /// The model panel beside the others (wide screens only).
    side: Option<Rect>,
    /// (area, rows of content, scroll) of the statement (or the model), the hints, the
    /// answer, the feedback; a pane not shown has no area.
    top: (Rect, u16, u16),
    hints: Option<Rect>,
    answer: (Rect, u16),
    feedback: Option<(Rect, u16, u16)>,
}

/// Rows a scrolled pane may scroll before its last line reaches its bottom.
fn max_scroll(content: u16, area: Rect) -> u16 {
    content.saturating_sub(area.height.saturating_sub(2))
}

fn top_text(s: &State, q: &Question, narrow: bool, t: Theme) -> (Text<'static>, u16) {
    let st = s.qs();
    if narrow && s.focus == Pane::Model {
        (model_text(s, q, t), st.scroll[2])
    } else {
        (statement_text(s, q, t), st.scroll[0])
    }
}

/// Lay the question screen out in `area`: each pane sized to its content, rows shared
/// fairly when they are short (see `layout::share_heights`).
fn panes(s: &State, area: Rect, t: Theme) -> Panes {
    let q = s.question();
    let st = s.qs();
    let computed = has_model_panel(&q.kind);
    let (main, side) = if computed && area.width >= 110 {
        let [m, sd] = Layout::horizontal([Constraint::Min(60), Constraint::Length(44)]).areas(area);
        (m, Some(sd))
    } else {
        (area, None)
    };
    let inner_w = main.width.saturating_sub(2);
    let (top, top_scroll) = top_text(s, q, side.is_none(), t);
    let top_rows = rows(&top, inner_w);
    let hint_rows = (st.hints_shown > 0).then(|| rows(&hints_text(s, q, t), inner_w));
    let answer_rows = rows(&Text::from(answer_lines(s, q, t)), inner_w);
    let show_feedback = s.feedback_visible() && (st.score.is_some() || st.pending);
    let feedback_rows = show_feedback.then(|| rows(&feedback_text(s, q, t), inner_w));
    let mut wants = vec![top_rows + 2];
    wants.extend(hint_rows.map(|r| r + 2));
    wants.push(answer_rows + 2);
    wants.extend(feedback_rows.map(|r| r + 2));
    let heights = super::layout::share_heights(main.height, &wants, 3, 0);
    let rects = Layout::vertical(heights.iter().map(|h| Constraint::Length(*h))).split(main);
    let mut at = rects.iter().copied();
    let top_area = at.next().unwrap_or_default();
    let hints = hint_rows.and_then(|_| at.next());
    let answer_area = at.next().unwrap_or_default();
    let feedback = feedback_rows.map(|r| {
        let a = at.next().unwrap_or_default();
        (a, r, st.scroll[1].min(max_scroll(r, a)))
    });
    Panes {
        side,
        top: (
            top_area,
            top_rows,
            top_scroll.min(max_scroll(top_rows, top_area)),
        ),
        hints,
        answer: (answer_area, answer_rows),
        feedback,
    }
}

/// How far each scrolled pane (statement, feedback, model) may scroll on a terminal of
/// `size`, as drawn: the update keeps the scrolls within these.
pub fn scroll_limits(s: &State, size: (u16, u16)) -> [u16; 3] {
    let area = Rect::new(0, 0, size.0, size.1);
    let footer = super::keys::Footer::new(s, size.0).height();
    let [_, body, _] = super::layout::frame_areas(area, footer);
    let t = Theme { color: false };
    let p = panes(s, body, t);
    let q = s.question();
    let top = max_scroll(p.top.1, p.top.0);
    let (statement, model) = match p.side {
        // On a narrow screen the model shows in the statement's place while focused.
        None if s.focus == Pane::Model => (s.qs().scroll[0], top),
        None => (top, s.qs().scroll[2]),
        Some(side) if has_model_panel(&q.kind) => {
            let w = side.width.saturating_sub(2);
            (top, max_scroll(rows(&model_text(s, q, t), w), side))
        }
        Some(_) => (top, 0),
    };
    let feedback = p.feedback.map_or(0, |(a, r, _)| max_scroll(r, a));
    [statement, feedback, model]
}

pub(super) fn draw_question(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let l = s.lang;
    let q = s.question();
    let st = s.qs();
    let computed = has_model_panel(&q.kind);
    let p = panes(s, area, t);
    let model_title = format!(" {} ", tr!(l, "view-pane-model"));
    // On narrow screens the model pane replaces the statement while it has the focus.
    let (top_title, top_focused) = if p.side.is_none() && s.focus == Pane::Model {
        (model_title.clone(), true)
    } else {
        let statement = tr!(
            l,
            "view-pane-statement",
            index = (s.current + 1).to_string(),
            count = s.questions.len().to_string()
        );
        let title = if computed && p.side.is_none() {
            format!(" {statement} — {} ", tr!(l, "view-pane-model-key"))
        } else {
            format!(" {statement} ")
        };
        (title, s.focus == Pane::Statement)
    };
    let (top_text, _) = top_text(s, q, p.side.is_none(), t);
    f.render_widget(
        Paragraph::new(top_text)
            .wrap(Wrap { trim: false })
            .scroll((p.top.2, 0))
            .block(pane_block(top_title, top_focused, t)),
        p.top.0,
    );
    if let Some(area) = p.hints {
        let title = tr!(
            l,
            "view-pane-hints-title",
            shown = st.hints_shown.to_string(),
            count = q.hints.len().to_string()
        );
        f.render_widget(
            Paragraph::new(hints_text(s, q, t))
                .wrap(Wrap { trim: false })
                .block(pane_block(format!(" {title} "), false, t)),
            area,
        );
    }
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
    let inner = answer_block.inner(p.answer.0);
    let lines = answer_lines(s, q, t);
    // Keep the cursor's line (an option, a step, a key point, the line typed on) in view,
    // counting the rows that wrapped lines take.
    let at = cursor_line(s, q).min(lines.len().saturating_sub(1));
    let before: u16 = lines[..at]
        .iter()
        .map(|line| rows(&Text::from(line.clone()), inner.width))
        .sum();
    let own = lines
        .get(at)
        .map_or(1, |line| rows(&Text::from(line.clone()), inner.width));
    let scroll = (before + own)
        .saturating_sub(inner.height)
        .min(before)
        .min(max_scroll(p.answer.1, p.answer.0));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(answer_block),
        p.answer.0,
    );
    if s.editing && inner.width > 2 && inner.height > 0 {
        let (_, col) = st.input.cursor();
        let prefix = if st.input.multiline { 0 } else { 2 };
        let x = inner.x + ((prefix + col) as u16).min(inner.width - 1);
        let y = inner.y + before.saturating_sub(scroll).min(inner.height - 1);
        f.set_cursor_position((x, y));
    }
    if let Some((area, _, scroll)) = p.feedback {
        f.render_widget(
            Paragraph::new(feedback_text(s, q, t))
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0))
                .block(pane_block(
                    format!(" {} ", tr!(l, "view-pane-feedback")),
                    s.focus == Pane::Feedback,
                    t,
                )),
            area,
        );
    }
    if let Some(side) = p.side {
        let w = side.width.saturating_sub(2);
        let text = model_text(s, q, t);
        let scroll = st.scroll[2].min(max_scroll(rows(&text, w), side));
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0))
                .block(pane_block(model_title, s.focus == Pane::Model, t)),
            side,
        );
    }
}
