//! The question list.

use crate::tui::keymap::ListAction;
use crate::tui::msg::Effect;
use crate::tui::state::{Confirm, Screen, State};

pub(super) fn on(s: &mut State, a: ListAction) -> Vec<Effect> {
    let n = s.questions.len();
    match a {
        ListAction::Up => s.list_cursor = s.list_cursor.saturating_sub(1),
        ListAction::Down => s.list_cursor = (s.list_cursor + 1).min(n.saturating_sub(1)),
        ListAction::First => s.list_cursor = 0,
        ListAction::Last => s.list_cursor = n.saturating_sub(1),
        ListAction::Open => s.open_question(s.list_cursor),
        ListAction::Continue => {
            // The first unanswered question from where the student left off.
            let start = s.current;
            let next = (0..n)
                .map(|d| (start + d) % n)
                .find(|&i| s.questions[i].answer.is_none())
                .unwrap_or(start);
            s.open_question(next);
        }
        ListAction::SubmitExam => s.confirm = Some(Confirm::Submit),
        ListAction::Report => s.screen = Screen::Report,
        // The highlighted question's lab when it has a model, else the general one.
        ListAction::Lab => {
            let highlighted = Some(s.list_cursor).filter(|&i| {
                s.pack
                    .questions
                    .get(i)
                    .is_some_and(|q| q.lab_model(&s.pack).is_some())
            });
            s.open_lab(highlighted)
        }
        ListAction::ResetAll => s.confirm = Some(Confirm::ResetAll),
    }
    Vec::new()
}
