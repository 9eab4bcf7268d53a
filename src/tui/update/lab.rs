//! The training lab's keys: choosing and switching settings, runs; typing a setting.

use crate::tui::keymap::{LabAction, LabTypingAction};
use crate::tui::msg::Effect;
use crate::tui::state::State;
use crossterm::event::{KeyCode, KeyEvent};

pub(super) fn on(s: &mut State, a: LabAction) -> Vec<Effect> {
    let lab = &mut s.lab;
    match a {
        LabAction::Up => lab.move_cursor(false),
        LabAction::Down => lab.move_cursor(true),
        LabAction::Edit => lab.edit(),
        LabAction::Switch => lab.cycle(),
        LabAction::LogScale => lab.toggle_log_scale(),
        LabAction::Start => return lab.start(),
        LabAction::Stop => return lab.stop(),
        LabAction::Clear => lab.clear(),
        LabAction::Back => s.screen = s.lab_return,
    }
    Vec::new()
}

pub(super) fn on_typing(s: &mut State, a: LabTypingAction, k: KeyEvent) -> Vec<Effect> {
    let lab = &mut s.lab;
    match a {
        LabTypingAction::Insert => {
            if let KeyCode::Char(c) = k.code {
                lab.type_char(c);
            }
        }
        LabTypingAction::Backspace => lab.erase(),
        LabTypingAction::Done => lab.done_typing(),
    }
    lab.revalidate();
    Vec::new()
}
