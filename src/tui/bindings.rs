//! The keymap read against the state: which context the keyboard is in, which rows
//! apply, and what a key does now. Shared by `update` (handling) and `view` (footer, help).

use super::keymap::{self, Action, Context, Row, When};
use super::state::{widget, Screen, State, Widget};
use crate::core::progress::Mode;
use crossterm::event::KeyEvent;

/// The context of the screen and its typing mode, dialogs left aside (what the footer shows).
pub fn screen_context(s: &State) -> Context {
    if s.exam.naming.is_some() {
        return Context::Typing;
    }
    match s.screen {
        Screen::List => Context::List,
        Screen::Question if s.editing => Context::Typing,
        Screen::Question => Context::Question,
        Screen::Report => Context::Report,
        Screen::Lab if s.lab.editing() => Context::LabTyping,
        Screen::Lab => Context::Lab,
    }
}

/// Where keys go now: a dialog when one is open, else the screen. The student's name,
/// asked at the start of an exam, is typed like an answer.
pub fn context(s: &State) -> Context {
    if s.exam.naming.is_some() && s.confirm.is_none() && !s.help {
        Context::Typing
    } else if s.confirm.is_some() {
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
        When::Matching => on_question && w_of() == Widget::Match,
        When::Rating => on_question && w_of() == Widget::Open && revealed,
        When::Writing => {
            on_question
                && match w_of() {
                    Widget::Open => !revealed,
                    Widget::Field => true,
                    Widget::Choose | Widget::Order | Widget::Match => false,
                }
        }
        When::Field => on_question && w_of() == Widget::Field,
        When::CanReveal => {
            on_question && w_of() == Widget::Open && !revealed && s.feedback_visible()
        }
        When::SingleLine => s.exam.naming.is_some() || !s.qs().input.multiline,
        When::MultiLine => s.exam.naming.is_none() && s.qs().input.multiline,
        When::Running => s.lab.running(),
        When::Idle => !s.lab.running(),
    }
}

/// Whether the exam's rules allow an action now: no reset during an exam; after
/// submission nothing changes an answer, a choice, an order, a rating or the hints used;
/// while the name is asked, only the line editor's keys.
pub fn allowed(s: &State, a: Action) -> bool {
    use keymap::{ListAction as L, QuestionAction as Q, TypingAction as T};
    let exam = s.mode == Mode::Exam;
    let frozen = s.frozen();
    if s.exam.naming.is_some() && s.confirm.is_none() && !s.help {
        return matches!(
            a,
            Action::Quit
                | Action::Help
                | Action::Typing(
                    T::Submit
                        | T::Insert
                        | T::Backspace
                        | T::Delete
                        | T::Left
                        | T::Right
                        | T::Home
                        | T::End
                        | T::ClearToStart
                        | T::DeleteWord
                )
        );
    }
    match a {
        Action::List(L::ResetAll) | Action::Question(Q::Reset) => !exam,
        Action::Question(
            Q::Toggle
            | Q::StepUp
            | Q::StepDown
            | Q::Submit
            | Q::StartTyping
            | Q::TypeAhead
            | Q::Reveal
            | Q::Hint,
        )
        | Action::Typing(
            T::Submit
            | T::NewLine
            | T::Insert
            | T::Backspace
            | T::Delete
            | T::Left
            | T::Right
            | T::Up
            | T::Down
            | T::Home
            | T::End
            | T::ClearToStart
            | T::DeleteWord,
        ) => !frozen,
        Action::Typing(T::Stop | T::NextPane) => true,
        Action::Help
        | Action::Quit
        | Action::List(_)
        | Action::Question(_)
        | Action::Report(_)
        | Action::Lab(_)
        | Action::LabTyping(_)
        | Action::Confirm(_)
        | Action::CloseHelp => true,
    }
}

/// Whether a row applies now: its condition holds and the exam's rules allow its action.
pub fn applies(s: &State, r: &Row) -> bool {
    holds(s, r.when) && allowed(s, r.action)
}

/// What `key` does now, if anything.
pub fn action_for(s: &State, key: &KeyEvent) -> Option<Action> {
    keymap::lookup(context(s), key, |w| holds(s, w))
        .map(|r| r.action)
        .filter(|a| allowed(s, *a))
}

/// The rows of a context that apply now, in table order.
pub fn active_rows(s: &State, ctx: Context) -> impl Iterator<Item = &'static Row> + '_ {
    keymap::rows(ctx).filter(move |r| applies(s, r))
}

/// The rows the footer and the help show for the screen: (keys, what), in the reader's
/// language.
pub fn shown(s: &State) -> Vec<(String, String)> {
    active_rows(s, screen_context(s))
        .filter(|r| !r.shown.is_empty())
        .map(|r| (keymap::keys_label(r.shown, s.lang), s.lang.tr(r.what)))
        .collect()
}
