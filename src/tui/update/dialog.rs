//! Yes/no dialogs (quit, reset, submit the exam).

use crate::tr;
use crate::tui::keymap::ConfirmAction;
use crate::tui::msg::Effect;
use crate::tui::state::{Confirm, State};

pub(super) fn on_confirm(s: &mut State, a: ConfirmAction) -> Vec<Effect> {
    let Some(c) = s.confirm.take() else {
        return Vec::new();
    };
    match a {
        ConfirmAction::Yes => confirmed(s, c),
        ConfirmAction::No => Vec::new(),
    }
}

fn confirmed(s: &mut State, c: Confirm) -> Vec<Effect> {
    match c {
        Confirm::Quit | Confirm::QuitUnsaved => s.quit_now(),
        // No reset in an exam (the keys are not bound there either).
        Confirm::ResetQuestion | Confirm::ResetAll
            if s.mode == crate::core::progress::Mode::Exam =>
        {
            Vec::new()
        }
        Confirm::ResetQuestion => {
            s.reset_question(s.current);
            s.status = Some(tr!(s.lang, "tui-question-reset"));
            vec![s.save()]
        }
        Confirm::ResetAll => {
            s.reset_all();
            s.status = Some(tr!(s.lang, "tui-all-reset"));
            vec![s.save()]
        }
        Confirm::Submit => s.submit_exam(),
    }
}
