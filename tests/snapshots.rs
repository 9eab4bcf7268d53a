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
        press(&mut s, "\nw.x + b");
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
        press(&mut s, "t");
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
        press(&mut s, "t");
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

/// Snapshot a screen changed by issue 14 at 80x24 and a large size.
fn snap_large(name: &str, s: &State) {
    let lang = s.lang.code();
    for (w, h) in [(80, 24), (160, 48)] {
        insta::assert_snapshot!(format!("{name}_{lang}_{w}x{h}"), render(s, w, h));
    }
}

/// Question 1 rated at 80x24: the cursor on the last key point keeps it in view, the
/// hints have their own pane, and the panes are sized to what they hold.
#[test]
fn key_points_follow_the_cursor_and_hints_have_their_pane() {
    each_lang(|l| {
        let mut s = state(l, Mode::SelfCheck);
        open(&mut s, "q1");
        press(&mut s, "hh\nx and y");
        s.update(ctrl('s'));
        assert!(s.qs().revealed);
        press(&mut s, "jjjjj ");
        let screen = render(&s, 80, 24);
        let q = s.question().clone();
        let mltutor::core::pack::Kind::Open { key_points, .. } = &q.kind else {
            panic!("q1 is open")
        };
        for (i, point) in key_points.iter().enumerate().skip(2) {
            // Points 3 to 6 are visible in turn with the cursor on them.
            let mut at = s.clone();
            let c = at.current;
            at.questions[c].cursor = i;
            let shown = render(&at, 80, 24);
            let head: String = point.chars().take(30).collect();
            assert!(shown.contains(&head), "point {} not shown:\n{shown}", i + 1);
        }
        assert!(screen.contains("[x] "), "{screen}");
        snap_large("q1_key_points", &s);
    });
}

/// A choice after submitting at both sizes: the feedback pane shows its verdict and the
/// whole correction when there is room.
#[test]
fn choice_feedback_sized_to_its_content() {
    each_lang(|l| {
        let mut s = state(l, Mode::SelfCheck);
        open(&mut s, "q4b");
        press(&mut s, "j \n");
        let screen = render(&s, 160, 48);
        let q = s.question().clone();
        for line in q.correction.lines() {
            let head: String = line.chars().take(40).collect();
            assert!(screen.contains(&head), "{head:?} missing:\n{screen}");
        }
        snap_large("q4b_feedback", &s);
    });
}

/// No footer line ends with a cut key hint: every hint the keymap shows for a screen
/// (its keys and what they do) is on the footer whole, or not at all, at 80 and 100
/// columns; and `?` (or F1 while typing) is always there.
#[test]
fn footers_never_cut_a_hint() {
    let mut states = Vec::new();
    for l in [Lang::en(), Lang::fr()] {
        let list = state(l, Mode::SelfCheck);
        states.push(list.clone());
        for id in ["q1", "q2", "q4a", "q4b", "q4c", "q5", "q6"] {
            let mut s = list.clone();
            open(&mut s, id);
            states.push(s.clone());
            press(&mut s, "\n");
            states.push(s.clone());
            press(&mut s, "5\n");
            states.push(s);
        }
        let mut s = list.clone();
        s.status = Some(l.tr("tuih-not-saved").repeat(4));
        states.push(s);
        let mut lab = list.clone();
        press(&mut lab, "t");
        states.push(lab);
        states.push(state(l, Mode::Exam));
    }
    for s in &states {
        let shown = mltutor::tui::view::keys(s);
        for width in [80u16, 100] {
            let screen = render(s, width, 32);
            let footer = mltutor::tui::view::keys::Footer::new(s, width);
            let rows: Vec<&str> = screen.lines().collect();
            let n = footer.height() as usize;
            let bottom = &rows[rows.len() - n..];
            for (k, what) in &shown {
                let whole = format!("{k} {what}");
                let on = bottom.iter().any(|r| r.contains(&whole));
                for r in bottom {
                    let r = r.trim_end_matches(['"', ' ']);
                    // A prefix of the hint ending a line, the hint not whole there: cut.
                    for (cut, _) in whole.char_indices().skip(k.chars().count() + 1) {
                        let part = &whole[..cut];
                        assert!(
                            on || !r.ends_with(part) || part.trim_end() == k.as_str(),
                            "{width} columns: `{whole}` cut as `{part}` in {r:?}"
                        );
                    }
                }
            }
            let first = &shown[0].0;
            assert!(
                bottom.iter().any(|r| r.contains(&format!(" {first} "))),
                "{width}: `{first}` missing: {bottom:?}"
            );
            // The status message wraps at spaces: no line is wider than the screen.
            for line in &footer.status {
                assert!(line.chars().count() <= width as usize, "{line}");
            }
        }
    }
}

/// The live model panel counts parameters as the grade does: BatchNorm's running statistics
/// are buffers, totalled apart. By hand for questions/models/resnet_mini.ron: each
/// BatchNorm2d(8) has 16 parameters and 17 buffers (8 + 8 + num_batches_tracked), five of
/// them 85 buffers; parameters 216 + 4·576 + 5·16 + 90 = 2,690.
#[test]
fn the_model_panel_shows_buffers_apart_from_parameters() {
    use mltutor::core::pack::{Ask, Kind, BUDGET};
    use std::sync::Arc;
    let mut pack = mltutor::core::pack::builtin_pack("en");
    let spec =
        mltutor::core::spec::parse_model(include_str!("../questions/models/resnet_mini.ron"))
            .unwrap();
    pack.models = vec![spec];
    let q4a = pack.questions.iter().position(|q| q.id == "q4a").unwrap();
    pack.questions[q4a].kind = Kind::Computed {
        model: "resnet_mini".into(),
        ask: Ask::ParameterCount { layers: vec![] },
        expected: None,
    };
    let pack = Arc::new(pack);
    let facts = Arc::new(mltutor::engine::facts(&pack, BUDGET));
    let mut s = mltutor::tui::app::State::new(pack, facts, Lang::en(), Mode::SelfCheck);
    s.color = false;
    open(&mut s, "q4a");
    let effects = press(&mut s, "\n2690\n");
    run_grades(&mut s, effects);
    let screen = render(&s, 160, 48);
    assert!(screen.contains("buffers (not parameters): 85"), "{screen}");
    assert!(screen.contains("2,690"), "{screen}");
    let bn = screen
        .lines()
        .find(|l| l.contains("stem.1 "))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(bn.contains(" 16") && !bn.contains("33"), "{bn}");
}
