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

/// The state of a pack imported from the GIFT fixture with every Moodle kind.
pub fn moodle_state(lang: Lang, mode: Mode) -> State {
    let bank =
        mltutor::core::moodle::gift::parse(include_str!("../fixtures/moodle/all-types.gift"))
            .unwrap();
    let (pack, _) = mltutor::core::moodle::convert::bank_to_pack(&bank, "all-types", "All", lang);
    let pack = Arc::new(pack);
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

/// Play an exam as `student` through the real update loop: for each `(question id, keys)`
/// open the question and press the keys (`\n` is Enter), then submit; the report is
/// written to `dir` by the report's writer. Returns the JSON report's path.
pub fn play_exam(
    dir: &std::path::Path,
    student: &str,
    answers: &[(&str, &str)],
) -> std::path::PathBuf {
    let start = 1_700_000_000;
    let mut s = state(Lang::en(), Mode::Exam);
    s.exam.limit_secs = Some(3600);
    let mut effects = s.start_exam(start, Some(student.to_string()));
    for (t, (id, keys)) in answers.iter().enumerate() {
        open(&mut s, id);
        effects.extend(s.update(Msg::Clock(start + 1 + t as u64)));
        effects.extend(press(&mut s, keys));
        // Open answers are multi-line: Ctrl+S submits them.
        if s.editing {
            effects.extend(s.update(ctrl('s')));
        }
    }
    s.update(key(KeyCode::Esc));
    s.update(key(KeyCode::Esc));
    effects.extend(press(&mut s, "s"));
    effects.extend(press(&mut s, "y"));
    let effects = run_grades(&mut s, effects);
    let report = effects
        .iter()
        .rev()
        .find_map(|e| match e {
            Effect::Export(r) => Some(r.clone()),
            _ => None,
        })
        .expect("the exam was submitted and its report exported");
    // Every answer pressed is in the report.
    for (id, _) in answers {
        let q = report.questions.iter().find(|q| q.id == *id).unwrap();
        assert!(!q.answers.is_empty(), "{student}: {id} answered");
    }
    report.write(dir).expect("report written").0
}
