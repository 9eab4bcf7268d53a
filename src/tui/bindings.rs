//! The keymap read against the state: which context the keyboard is in, which rows
//! apply, and what a key does now. Shared by `update` (handling) and `view` (footer, help).

use super::keymap::{self, Action, Context, Row, When};
use super::state::{widget, Screen, State, Widget};
use crate::core::progress::Mode;
use crossterm::event::KeyEvent;

/// The context of the screen and its typing mode, dialogs left aside (what the footer shows).
pub fn screen_context(s: &State) -> Context {
    match s.screen {
        Screen::List => Context::List,
        Screen::Question if s.editing => Context::Typing,
        Screen::Question => Context::Question,
        Screen::Report => Context::Report,
        Screen::Lab if s.lab.editing() => Context::LabTyping,
        Screen::Lab => Context::Lab,
    }
}

/// Where keys go now: a dialog when one is open, else the screen.
pub fn context(s: &State) -> Context {
    if s.confirm.is_some() {
        Context::Confirm
    } else if s.help {
        Context::Help
    } else {
        screen_context(s)
    }
}

/// Whether a row's condition holds in this state.
pub fn holds(s: &State, w: When) -> bool {
    let exam = s.mode == Mode::Exam;
    let on_question = matches!(s.screen, Screen::Question);
    let w_of = || widget(s.question());
    let revealed = on_question && s.qs().revealed;
    match w {
        When::Always => true,
        When::ExamOpen => exam && !s.exam.submitted,
        When::ExamDone => exam && s.exam.submitted,
        When::Choosing => on_question && w_of() == Widget::Choose,
        When::Ordering => on_question && w_of() == Widget::Order,
        When::Rating => on_question && w_of() == Widget::Open && revealed,
        When::Writing => {
            on_question
                && match w_of() {
                    Widget::Open => !revealed,
                    Widget::Field => true,
                    Widget::Choose | Widget::Order => false,
                }
        }
        When::CanReveal => {
            on_question && w_of() == Widget::Open && !revealed && s.feedback_visible()
        }
        When::SingleLine => !s.qs().input.multiline,
        When::MultiLine => s.qs().input.multiline,
        When::Running => s.lab.running(),
        When::Idle => !s.lab.running(),
    }
}

/// What `key` does now, if anything.
pub fn action_for(s: &State, key: &KeyEvent) -> Option<Action> {
    keymap::lookup(context(s), key, |w| holds(s, w)).map(|r| r.action)
}

/// The rows of a context that apply now, in table order.
pub fn active_rows(s: &State, ctx: Context) -> impl Iterator<Item = &'static Row> + '_ {
    keymap::rows(ctx).filter(move |r| holds(s, r.when))
}

/// The rows the footer and the help show for the screen: (keys, what), in the reader's
/// language.
pub fn shown(s: &State) -> Vec<(String, String)> {
    active_rows(s, screen_context(s))
        .filter(|r| !r.shown.is_empty())
        .map(|r| (keymap::keys_label(r.shown, s.lang), s.lang.tr(r.what)))
        .collect()
}
