//! Typing an answer: the editor's keys, submitting, leaving.

use crate::tui::keymap::TypingAction;
use crate::tui::msg::Effect;
use crate::tui::state::{Pane, State};
use crossterm::event::{KeyCode, KeyEvent};

pub(super) fn on(s: &mut State, a: TypingAction, k: KeyEvent) -> Vec<Effect> {
    let before = s.qs().input.text();
    let input = &mut s.qs_mut().input;
    match a {
        TypingAction::Submit => return s.submit_current(),
        TypingAction::Stop => {
            s.editing = false;
            return vec![s.save()];
        }
        TypingAction::NextPane => {
            s.editing = false;
            s.focus = Pane::Statement;
            return Vec::new();
        }
        TypingAction::NewLine => input.newline(),
        TypingAction::Insert => {
            if let KeyCode::Char(c) = k.code {
                input.insert(c);
            }
        }
        TypingAction::Backspace => input.backspace(),
        TypingAction::Delete => input.delete(),
        TypingAction::Left => input.left(),
        TypingAction::Right => input.right(),
        TypingAction::Up => input.up(),
        TypingAction::Down => input.down(),
        TypingAction::Home => input.home(),
        TypingAction::End => input.end(),
    }
    if s.qs().input.text() != before {
        return s.trace_effect();
    }
    Vec::new()
}
