//! The question list, and the per-question state shown there and in the report.

use super::theme::Theme;
use crate::core::feedback::first_try_short;
use crate::core::feedback::verdict_text;
use crate::core::progress::Mode;
use crate::tr;
use crate::tui::state::State;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// What question `i` stands at (unanswered, answered, its verdict and score), and its style.
pub(super) fn state_text(s: &State, i: usize) -> (String, Style) {
    let q = &s.questions[i];
    let t = Theme { color: s.color };
    let l = s.lang;
    if q.pending {
        return (tr!(l, "view-state-computing"), t.dim());
    }
    if q.answer.is_none() {
        return (tr!(l, "view-state-unanswered"), t.dim());
    }
    if !s.feedback_visible() {
        return (tr!(l, "view-state-answered"), Style::default());
    }
    // Open answers of an exam are graded by the teacher.
    if s.mode == crate::core::progress::Mode::Exam
        && matches!(
            s.pack.questions[i].kind,
            crate::core::pack::Kind::Open { .. }
        )
    {
        return (tr!(l, "exam-state-to-grade"), t.partial());
    }
    match q.verdict() {
        Some(v) => (
            tr!(
                l,
                "view-state-graded",
                verdict = verdict_text(v, l),
                score = l.percent(q.score.unwrap_or(0.0) * 100.0, 0)
            ),
            t.verdict(Some(v)),
        ),
        None => (tr!(l, "view-state-to-rate"), t.partial()),
    }
}

/// A row of a question list, highlighted under the cursor.
pub(super) fn cursor_line(spans: Vec<Span<'static>>, selected: bool, t: Theme) -> Line<'static> {
    if selected {
        Line::from(
            spans
                .into_iter()
                .map(|sp| sp.patch_style(t.selected()))
                .collect::<Vec<_>>(),
        )
    } else {
        Line::from(spans)
    }
}

pub(super) fn draw_list(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let block = Block::bordered()
        .title(format!(" {} ", tr!(s.lang, "view-list-title")))
        .border_style(t.border(true));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = Vec::new();
    for (i, q) in s.pack.questions.iter().enumerate() {
        let (state, style) = state_text(s, i);
        // Self-check: the first try beside the last answer's verdict.
        let first = match (s.mode, s.questions[i].first_try) {
            (Mode::SelfCheck, Some(ft)) => format!("{}  ", first_try_short(ft, s.lang)),
            (Mode::SelfCheck, None) | (Mode::Exam, _) => String::new(),
        };
        let state_width = first.chars().count() + state.chars().count();
        let width = inner.width as usize;
        let title = format!("{:>4}  {}", q.number, q.title);
        let pad = width.saturating_sub(title.chars().count() + state_width + 2);
        let spans = vec![
            Span::raw(title),
            Span::raw(" ".repeat(pad)),
            Span::styled(first, t.dim()),
            Span::styled(state, style),
        ];
        lines.push(cursor_line(spans, i == s.list_cursor, t));
    }
    lines.push(Line::raw(""));
    let mode = match s.mode {
        Mode::SelfCheck => tr!(s.lang, "view-list-mode-self-check"),
        Mode::Exam => tr!(s.lang, "view-list-mode-exam"),
    };
    lines.push(Line::styled(mode, t.dim()));
    // The cursor stays in view: the list scrolls under it (one line per question).
    let offset = super::layout::list_offset(s.list_cursor, inner.height);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0)),
        inner,
    );
}
