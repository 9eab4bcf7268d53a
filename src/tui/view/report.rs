//! The exam report screen: the total, each question's verdict, where the report was written.

use super::header::clock;
use super::list::{cursor_line, state_text};
use super::theme::Theme;
use crate::core::pack::Kind;
use crate::tr;
use crate::tui::state::State;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// Whether the teacher grades answers of this kind (open answers of an exam).
fn to_grade(kind: &Kind) -> bool {
    match kind {
        Kind::Open { .. } => true,
        Kind::Choice { .. }
        | Kind::Numeric { .. }
        | Kind::Order { .. }
        | Kind::Computed { .. }
        | Kind::ShortAnswer { .. }
        | Kind::Matching { .. }
        | Kind::Description => false,
    }
}

pub(super) fn draw_report(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let l = s.lang;
    let block = Block::bordered()
        .title(format!(" {} ", tr!(l, "view-report-title")))
        .border_style(t.border(true));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = Vec::new();
    let (_, total) = s.totals();
    lines.push(Line::styled(
        tr!(
            l,
            "view-report-total",
            score = l.dec(total, 2),
            count = s.questions.len().to_string(),
            time = clock(s.exam.elapsed_secs)
        ),
        t.accent(),
    ));
    if let Some(name) = &s.exam.student {
        lines.push(Line::raw(tr!(
            l,
            "exam-report-student",
            name = name.as_str()
        )));
    }
    lines.push(Line::raw(""));
    for (i, q) in s.pack.questions.iter().enumerate() {
        let (state, style) = state_text(s, i);
        // A visible cursor, with or without colours: `>` before the row.
        let mark = if i == s.list_cursor { '>' } else { ' ' };
        let mut spans = vec![
            Span::raw(format!(
                "{mark}{:>3}  {:<34}",
                q.number,
                q.title.chars().take(33).collect::<String>()
            )),
            Span::styled(state, style),
        ];
        if to_grade(&q.kind) && s.questions[i].answer.is_some() {
            spans.push(Span::styled(
                format!("  {}", tr!(l, "exam-report-to-grade")),
                t.dim(),
            ));
        }
        lines.push(cursor_line(spans, i == s.list_cursor, t));
    }
    lines.push(Line::raw(""));
    match &s.exam.report {
        Some((json, md)) => {
            lines.push(Line::raw(tr!(
                l,
                "view-report-written",
                path = md.display().to_string()
            )));
            lines.push(Line::raw(tr!(
                l,
                "view-report-and",
                path = json.display().to_string()
            )));
        }
        None => lines.push(Line::styled(tr!(l, "view-report-writing"), t.dim())),
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
