//! Typing an answer: the editor's keys, submitting, leaving.

use crate::tui::keymap::TypingAction;
use crate::tui::msg::Effect;
use crate::tui::state::{Pane, State};
use crossterm::event::{KeyCode, KeyEvent};

pub(super) fn on(s: &mut State, a: TypingAction, k: KeyEvent) -> Vec<Effect> {
    if let Some(text) = s.exam.naming.as_ref().map(|n| n.text()) {
        return naming(s, a, k, text);
    }
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
        TypingAction::ClearToStart => input.clear_to_start(),
        TypingAction::DeleteWord => input.delete_word(),
    }
    if s.qs().input.text() != before {
        return s.trace_effect();
    }
    Vec::new()
}

/// The student's name, asked at the start of an exam: a one-line editor.
fn naming(s: &mut State, a: TypingAction, k: KeyEvent, text: String) -> Vec<Effect> {
    let Some(input) = s.exam.naming.as_mut() else {
        return Vec::new();
    };
    match a {
        TypingAction::Submit => return s.name_given(text),
        TypingAction::Insert => {
            if let KeyCode::Char(c) = k.code {
                input.insert(c);
            }
        }
        TypingAction::Backspace => input.backspace(),
        TypingAction::Delete => input.delete(),
        TypingAction::Left => input.left(),
        TypingAction::Right => input.right(),
        TypingAction::Home => input.home(),
        TypingAction::End => input.end(),
        TypingAction::ClearToStart => input.clear_to_start(),
        TypingAction::DeleteWord => input.delete_word(),
        TypingAction::NewLine
        | TypingAction::Up
        | TypingAction::Down
        | TypingAction::Stop
        | TypingAction::NextPane => {}
    }
    Vec::new()
}
