//! Helpers shared by the interface tests.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use mltutor::core::i18n::Lang;
use mltutor::core::pack::{builtin_pack, BUDGET};
use mltutor::core::progress::Mode;
use mltutor::tui::app::{Effect, Msg, State};
use std::sync::Arc;

pub fn state(lang: Lang, mode: Mode) -> State {
    let pack = Arc::new(builtin_pack(lang.code()));
    let facts = Arc::new(mltutor::engine::facts(&pack, BUDGET));
    let mut s = State::new(pack, facts, lang, mode);
    s.color = false;
    s
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Press keys; a string is typed character by character, `\n` is Enter.
pub fn press(s: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\u{1b}' => KeyCode::Esc,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        effects.extend(s.update(key(code)));
    }
    effects
}

/// Run `Grade` effects as the runtime's worker would, feeding the results back.
pub fn run_grades(s: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
    let mut out = Vec::new();
    for e in effects {
        if let Effect::Grade { index, answer } = e {
            let g = mltutor::core::grade::grade(&s.pack.questions[index], &answer, &s.facts);
            out.extend(s.update(Msg::Graded {
                index,
                answer,
                score: g.score,
                feedback: g.feedback,
            }));
        } else {
            out.push(e);
        }
    }
    out
}

/// Open the question with this id from the list.
pub fn open(s: &mut State, id: &str) {
    let i = s.pack.questions.iter().position(|q| q.id == id).unwrap();
    s.update(key(KeyCode::Esc));
    s.update(key(KeyCode::Esc));
    while s.list_cursor > i {
        s.update(key(KeyCode::Up));
    }
    while s.list_cursor < i {
        s.update(key(KeyCode::Down));
    }
    s.update(key(KeyCode::Enter));
    assert_eq!(s.current, i);
}
