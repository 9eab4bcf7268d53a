//! Every screen rendered on ratatui's TestBackend, at 80x24 and 120x40, in English and
//! French, plus a tiny area. Snapshots are reviewed text files under tests/snapshots/.

mod common;
use common::*;
use crossterm::event::KeyCode;
use mltutor::core::i18n::Lang;
use mltutor::core::progress::Mode;
use mltutor::tui::app::State;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn render(s: &State, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| mltutor::tui::view::draw(f, s)).unwrap();
    t.backend().to_string()
}

/// Snapshot a screen at both sizes.
fn snap(name: &str, s: &State) {
    let lang = s.lang.code();
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("{name}_{lang}_{w}x{h}"), render(s, w, h));
    }
}

fn each_lang(f: impl Fn(Lang)) {
    f(Lang::en());
    f(Lang::fr());
}

#[test]
fn question_list() {
    each_lang(|l| {
        let mut s = state(l, Mode::SelfCheck);
        open(&mut s, "q4a");
        press(&mut s, "53300\n\u{1b}");
        open(&mut s, "q5");
        press(&mut s, "j \n\u{1b}");
        snap("list", &s);
    });
}

#[test]
fn computed_question_with_feedback() {
    each_lang(|l| {
        let mut s = state(l, Mode::SelfCheck);
        open(&mut s, "q4a");
        press(&mut s, "53600\n");
        snap("q4a_feedback", &s);
    });
}

#[test]
fn input_shape_question_typing() {
    each_lang(|l| {
        let mut s = state(l, Mode::SelfCheck);
        open(&mut s, "q4c");
        press(&mut s, "3x32x32");
        let spec = s.facts.models["exam_cnn"].0.clone();
        let why = mltutor::engine::inspect(
            &spec,
            Some(&mltutor::core::shape::parse_shape("3x32x32").unwrap()),
            1,
            mltutor::core::pack::BUDGET,
        )
        .unwrap_err();
        let seq = s.trace_seq;
        let i = s.current;
        s.update(mltutor::tui::app::Msg::Traced {
            index: i,
            seq,
            trace: mltutor::tui::app::LiveTrace::Breaks(why),
        });
        snap("q4c_typing", &s);
    });
}

#[test]
fn order_question() {
    each_lang(|l| {
        let mut s = state(l, Mode::SelfCheck);
        open(&mut s, "q2");
        press(&mut s, "h");
        snap("q2_order", &s);
    });
}

#[test]
fn open_question_self_rating() {
    each_lang(|l| {
        let mut s = state(l, Mode::SelfCheck);
        open(&mut s, "q3");
        press(&mut s, "w.x + b");
        s.update(ctrl('s'));
        press(&mut s, " ");
        snap("q3_rating", &s);
    });
}

#[test]
fn exam_report() {
    each_lang(|l| {
        let mut s = state(l, Mode::Exam);
        s.exam.limit_secs = Some(1800);
        s.start_exam(1_700_000_000, Some("Ada Lovelace".into()));
        open(&mut s, "q4a");
        press(&mut s, "53300\n\u{1b}");
        snap("exam_question", &s);
        press(&mut s, "\u{1b}s");
        snap("exam_submit_unanswered", &s);
        press(&mut s, "y");
        snap("exam_report", &s);
    });
}

/// The exam screens that must not give an answer away: the input-shape question being
/// typed (neutral hint, the model panel with the code only) and the validation lab.
#[test]
fn exam_sealed_screens() {
    each_lang(|l| {
        let mut s = state(l, Mode::Exam);
        s.exam.limit_secs = Some(1800);
        assert!(s.start_exam(1_700_000_000, None).is_empty());
        snap("exam_name", &s);
        press(&mut s, "Ada\n");
        open(&mut s, "q4c");
        press(&mut s, "3x32x32");
        snap("exam_q4c_typing", &s);
        s.update(key(KeyCode::Esc));
        s.update(key(KeyCode::Tab));
        s.update(key(KeyCode::Tab));
        snap("exam_q4c_model", &s);
        open(&mut s, "q5");
        press(&mut s, "t");
        snap("exam_lab_validation", &s);
        let mut s = state(l, Mode::Exam);
        open(&mut s, "q6");
        press(&mut s, "\u{1b}t");
        snap("exam_lab_speedup", &s);
    });
}

#[test]
fn help_and_confirm() {
    each_lang(|l| {
        let mut s = state(l, Mode::SelfCheck);
        press(&mut s, "?");
        snap("help_list", &s);
        s.update(key(KeyCode::Esc));
        press(&mut s, "R");
        snap("confirm_reset", &s);
    });
}

#[test]
fn training_lab() {
    each_lang(|l| {
        let mut s = state(l, Mode::SelfCheck);
        open(&mut s, "q8");
        press(&mut s, "t");
        snap("lab_idle", &s);
        let mut s = state(l, Mode::SelfCheck);
        open(&mut s, "q6");
        press(&mut s, "\u{1b}t");
        snap("lab_speedup", &s);
    });
}

#[test]
fn tiny_terminal_gets_a_message_not_a_garbled_screen() {
    for l in [Lang::en(), Lang::fr()] {
        let s = state(l, Mode::SelfCheck);
        for (w, h) in [(79, 24), (80, 23), (20, 5), (1, 1)] {
            let out = render(&s, w, h);
            if w >= 20 {
                assert!(out.contains("80x24"), "{w}x{h}: {out}");
            }
        }
        insta::assert_snapshot!(format!("tiny_{}", l.code()), render(&s, 40, 8));
    }
}
