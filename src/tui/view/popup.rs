//! What is drawn over, or instead of, a screen: the confirmation popup and the message for
//! a terminal too small to lay out.

use super::layout::MIN_SIZE;
use super::theme::Theme;
use crate::core::i18n::Lang;
use crate::tr;
use crate::tui::state::{Confirm, State};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub(super) fn draw_too_small(f: &mut Frame, area: Rect, lang: Lang) {
    let msg = tr!(
        lang,
        "view-too-small",
        width = area.width.to_string(),
        height = area.height.to_string(),
        min_width = MIN_SIZE.0.to_string(),
        min_height = MIN_SIZE.1.to_string(),
    );
    f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
}

fn confirm_question(s: &State, c: Confirm, lang: Lang) -> String {
    match c {
        Confirm::Quit => tr!(lang, "view-confirm-quit"),
        Confirm::QuitUnsaved => tr!(lang, "tuih-confirm-quit-unsaved"),
        Confirm::ResetQuestion => tr!(lang, "view-confirm-reset-question"),
        Confirm::ResetAll => tr!(lang, "view-confirm-reset-all"),
        Confirm::Submit => match s.unanswered() {
            0 => tr!(lang, "view-confirm-submit"),
            n => tr!(lang, "exam-confirm-submit-unanswered", count = n),
        },
    }
}

/// The student's name, asked at the start of an exam.
pub(super) fn draw_naming(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let Some(input) = &s.exam.naming else {
        return;
    };
    let w = 60.min(area.width);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + area.height / 2 - 3,
        w,
        6,
    );
    f.render_widget(Clear, popup);
    let text = vec![
        Line::raw(tr!(s.lang, "exam-name-prompt")),
        Line::styled(format!("> {}", input.text()), t.accent()),
        Line::styled(tr!(s.lang, "exam-name-keys"), t.dim()),
    ];
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(
            Block::bordered()
                .borders(Borders::ALL)
                .border_style(t.partial()),
        ),
        popup,
    );
}

pub(super) fn draw_confirm(f: &mut Frame, area: Rect, s: &State, c: Confirm, t: Theme) {
    let w = 60.min(area.width);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + area.height / 2 - 3,
        w,
        5,
    );
    f.render_widget(Clear, popup);
    let text = vec![
        Line::raw(confirm_question(s, c, s.lang)),
        Line::styled(super::keys::confirm_keys(s.lang), t.accent()),
    ];
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(
            Block::bordered()
                .borders(Borders::ALL)
                .border_style(t.partial()),
        ),
        popup,
    );
}
