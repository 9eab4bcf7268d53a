//! The exam report.

use crate::tui::keymap::ReportAction;
use crate::tui::msg::Effect;
use crate::tui::state::{Screen, State};

pub(super) fn on(s: &mut State, a: ReportAction) -> Vec<Effect> {
    match a {
        ReportAction::Up => s.list_cursor = s.list_cursor.saturating_sub(1),
        ReportAction::Down => {
            s.list_cursor = (s.list_cursor + 1).min(s.questions.len().saturating_sub(1))
        }
        ReportAction::Review => s.open_question(s.list_cursor),
        ReportAction::Back => {
            s.screen = Screen::List;
            s.status = None;
        }
    }
    Vec::new()
}
