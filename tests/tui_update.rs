//! The pure `update`: navigation, answering each kind, both modes, save and resume.

mod common;
use common::*;
use crossterm::event::KeyCode;
use mltutor::core::grade::{Answer, Verdict};
use mltutor::core::i18n::Lang;
use mltutor::core::progress::Mode;
use mltutor::tui::app::{Confirm, Effect, Msg, Pane, Screen};

fn saves(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Save(_)))
}

#[test]
fn navigation_between_list_and_questions() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    assert_eq!(s.screen, Screen::List);
    press(&mut s, "jjj");
    assert_eq!(s.list_cursor, 3);
    press(&mut s, "k");
    assert_eq!(s.list_cursor, 2);
    s.update(key(KeyCode::Enter));
    assert_eq!((s.screen, s.current), (Screen::Question, 2));
    // Questions open browsing, text questions too: n/p move at once.
    assert!(!s.editing);
    press(&mut s, "n");
    assert_eq!(s.current, 3);
    press(&mut s, "p");
    assert_eq!(s.current, 2);
    s.update(key(KeyCode::Esc));
    s.update(key(KeyCode::Esc));
    assert_eq!(s.screen, Screen::List);
    // Help opens and closes.
    press(&mut s, "?");
    assert!(s.help);
    s.update(key(KeyCode::Esc));
    assert!(!s.help);
}

#[test]
fn parameter_count_graded_at_once_in_self_check() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q4a");
    let e = press(&mut s, "53 600\n");
    assert!(saves(&e));
    assert_eq!(s.qs().verdict(), Some(Verdict::Wrong));
    // Retry is allowed.
    s.update(key(KeyCode::Enter));
    for _ in 0..6 {
        s.update(key(KeyCode::Backspace));
    }
    press(&mut s, "5.33e4\n");
    assert_eq!(s.qs().verdict(), Some(Verdict::Correct));
    assert_eq!(s.focus, Pane::Feedback);
}

/// An answer that cannot be read is no attempt in self-check: no score, no answer kept,
/// the correction stays hidden, and the status says why with the accepted forms.
#[test]
fn unreadable_answers_cost_nothing() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q4a");
    for typed in ["abc\n", "53.300\n"] {
        press(&mut s, typed);
        assert_eq!(s.qs().score, None, "{typed}");
        assert!(s.qs().answer.is_none(), "{typed}");
        assert!(!s
            .qs()
            .feedback
            .iter()
            .any(|f| matches!(f, mltutor::core::grade::Feedback::Counts { .. })));
        let status = s.status.clone().unwrap_or_default();
        assert!(status.contains("Could not read"), "{typed}: {status}");
        // Still typing: the field is there to correct.
        assert!(s.editing, "{typed}");
        for _ in 0..8 {
            s.update(key(KeyCode::Backspace));
        }
    }
    press(&mut s, "53300\n");
    assert_eq!(s.qs().verdict(), Some(Verdict::Correct));
}

#[test]
fn empty_answers_are_not_submitted() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q6");
    // Enter starts typing; Enter again submits nothing.
    let e = press(&mut s, "\n\n");
    assert!(e.is_empty());
    assert!(s.qs().answer.is_none());
    assert!(s.status.is_some());
}

/// Select the pack's option `k` with the keys, wherever the student's order shows it
/// (options are shuffled per student, issue 14).
fn pick(s: &mut mltutor::tui::app::State, k: usize) {
    let pos = s
        .choice_order(s.current)
        .iter()
        .position(|&x| x == k)
        .unwrap();
    for _ in 0..s.qs().options.len() {
        press(s, "k");
    }
    for _ in 0..pos {
        press(s, "j");
    }
    press(s, " ");
}

#[test]
fn choice_single_and_multiple() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q5");
    pick(&mut s, 1);
    pick(&mut s, 0); // one pick: replaces the first
    press(&mut s, "\n");
    assert_eq!(s.qs().answer, Some(Answer::Choice(vec![0])));
    assert_eq!(s.qs().verdict(), Some(Verdict::Correct));
    open(&mut s, "q8");
    pick(&mut s, 0); // a quality
    pick(&mut s, 4); // and "sorted by class"
    press(&mut s, "\n");
    assert_eq!(s.qs().answer, Some(Answer::Choice(vec![0, 4])));
    assert_eq!(s.qs().verdict(), Some(Verdict::Wrong));
}

#[test]
fn parameter_free_options_come_from_the_model() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q4b");
    assert_eq!(s.qs().options.len(), 7);
    // F.relu (1), F.max_pool2d (2), x.view (4)
    press(&mut s, "j j jj \n");
    assert_eq!(s.qs().verdict(), Some(Verdict::Correct));
}

#[test]
fn order_steps_are_moved_into_place() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q2");
    let mut order = s.qs().order.clone();
    assert_ne!(order, vec![0, 1, 2, 3, 4], "shown shuffled");
    // Selection sort with K: bring step k to position k.
    for k in 0..order.len() {
        let pos = order.iter().position(|&x| x == k).unwrap();
        while s.qs().cursor < pos {
            press(&mut s, "j");
        }
        while s.qs().cursor > pos {
            press(&mut s, "k");
        }
        for _ in k..pos {
            press(&mut s, "K");
        }
        order = s.qs().order.clone();
        assert_eq!(order[k], k);
    }
    press(&mut s, "\n");
    assert_eq!(s.qs().score, Some(1.0));
}

#[test]
fn open_question_reveal_then_self_rate() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q1");
    assert!(!s.editing);
    press(&mut s, "\n");
    assert!(s.editing && s.qs().input.multiline);
    press(&mut s, "x and y, a function f\nexpressiveness");
    assert_eq!(s.qs().input.text(), "x and y, a function f\nexpressiveness");
    s.update(ctrl('s'));
    assert!(s.qs().revealed);
    assert!(s.qs().score.is_none());
    press(&mut s, " jj \n"); // tick key points 1 and 3 of 6
    assert!((s.qs().score.unwrap() - 2.0 / 6.0).abs() < 1e-9);
}

#[test]
fn input_shape_is_graded_off_thread_and_traced_live() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q4c");
    let typed = press(&mut s, "3x20x80");
    let seqs: Vec<u64> = typed
        .iter()
        .filter_map(|e| match e {
            Effect::Trace { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect();
    assert_eq!(seqs.len(), 7, "one trace per edit");
    // A stale trace is ignored; the newest is kept.
    s.update(Msg::Traced {
        index: s.current,
        seq: seqs[0],
        trace: mltutor::tui::app::LiveTrace::Unreadable(
            mltutor::core::grade::Unreadable::WrongKind,
        ),
    });
    assert!(s.qs().trace.is_none());
    let e = press(&mut s, "\n");
    assert!(s.qs().pending);
    run_grades(&mut s, e);
    assert!(!s.qs().pending);
    assert_eq!(s.qs().verdict(), Some(Verdict::Correct));
}

#[test]
fn hints_one_at_a_time_and_counted() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q4a");
    press(&mut s, "h");
    assert_eq!(s.qs().hints_shown, 1);
    press(&mut s, "hhhh");
    assert_eq!(s.qs().hints_shown, 3);
}

#[test]
fn exam_mode_defers_feedback_until_submission() {
    let mut s = state(Lang::en(), Mode::Exam);
    open(&mut s, "q4a");
    press(&mut s, "53300\n");
    assert!(s.qs().answer.is_some() && s.qs().score.is_none());
    assert!(!s.feedback_visible());
    open(&mut s, "q4c");
    let e = press(&mut s, "3x40x40\n");
    assert!(
        !e.iter().any(|e| matches!(e, Effect::Grade { .. })),
        "no grading before submission"
    );
    s.update(key(KeyCode::Esc));
    s.update(key(KeyCode::Esc));
    press(&mut s, "s");
    assert_eq!(s.confirm, Some(Confirm::Submit));
    let e = press(&mut s, "y");
    assert_eq!(s.screen, Screen::Report);
    // The input shape is graded by the worker; the report waits for it.
    assert!(!e.iter().any(|e| matches!(e, Effect::Export(_))));
    let e = run_grades(&mut s, e);
    let report = e.iter().find_map(|e| match e {
        Effect::Export(r) => Some(r.clone()),
        _ => None,
    });
    let report = report.expect("exported once every grade is in");
    assert_eq!(report.total, 2.0);
    assert_eq!(report.out_of, 9.0);
    let q4a = report.questions.iter().find(|r| r.id == "q4a").unwrap();
    assert_eq!(q4a.score, Some(1.0));
    assert!(report.markdown().contains("**Total: 2.00 / 9**"));
    // Answers are frozen, open answers included: nothing changes after submission.
    open(&mut s, "q6");
    press(&mut s, "\nx10\n");
    assert!(s.qs().answer.is_none());
    open(&mut s, "q1");
    s.update(key(KeyCode::Esc));
    press(&mut s, "r \n");
    assert_eq!(s.qs().score, Some(0.0), "unanswered: nothing to rate");
    assert_eq!(s.totals().1, 2.0);
}

#[test]
fn exam_time_limit_submits() {
    let mut s = state(Lang::en(), Mode::Exam);
    s.exam.limit_secs = Some(3);
    s.update(Msg::Tick);
    s.update(Msg::Tick);
    assert!(!s.exam.submitted);
    let e = s.update(Msg::Tick);
    assert!(s.exam.submitted);
    assert!(e.iter().any(|e| matches!(e, Effect::Export(_))));
}

#[test]
fn save_and_resume() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q4a");
    press(&mut s, "53300\n");
    open(&mut s, "q5");
    pick(&mut s, 0);
    press(&mut s, "\n");
    open(&mut s, "q6");
    press(&mut s, "x1"); // a draft, not submitted
    let p = s.progress();
    assert_eq!(p.questions.len(), 3);
    assert_eq!(p.questions["q6"].draft, "x1");
    assert_eq!(p.last_question.as_deref(), Some("q6"));
    let json = serde_json::to_string(&p).unwrap();

    let mut r = state(Lang::en(), Mode::SelfCheck);
    let effects = r.resume(&serde_json::from_str(&json).unwrap());
    assert!(effects.is_empty(), "cheap grades are rebuilt at once");
    let pack = r.pack.clone();
    let i = |id: &str| pack.questions.iter().position(|q| q.id == id).unwrap();
    assert_eq!(r.questions[i("q4a")].verdict(), Some(Verdict::Correct));
    assert!(
        !r.questions[i("q4a")].feedback.is_empty(),
        "feedback rebuilt"
    );
    assert_eq!(r.questions[i("q5")].score, Some(1.0));
    assert_eq!(r.questions[i("q6")].input.text(), "x1");
    assert_eq!(r.current, i("q6"));
    // Continue opens the first unanswered question from where the student left off.
    press(&mut r, "c");
    assert_eq!(r.current, i("q6"));
}

#[test]
fn quitting_asks_first_while_an_answer_is_typed() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q6");
    press(&mut s, "10");
    s.update(key(KeyCode::Esc));
    press(&mut s, "q");
    assert_eq!(s.confirm, Some(Confirm::Quit));
    press(&mut s, "n");
    assert!(!s.quit && s.confirm.is_none());
    press(&mut s, "q");
    let e = press(&mut s, "y");
    assert!(s.quit);
    assert!(saves(&e) && e.contains(&Effect::Quit));
    // Nothing typed: q quits at once.
    let mut t = state(Lang::en(), Mode::SelfCheck);
    let e = press(&mut t, "q");
    assert!(t.quit && e.contains(&Effect::Quit));
}

#[test]
fn reset_one_question_and_the_whole_pack() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q6");
    press(&mut s, "x10\n");
    assert!(s.qs().answer.is_some());
    press(&mut s, "Ry");
    assert!(s.qs().answer.is_none());
    press(&mut s, "\u{1b}\u{1b}");
    open(&mut s, "q5");
    press(&mut s, " \n\u{1b}");
    press(&mut s, "Ry");
    assert_eq!(s.screen, Screen::List);
    assert!(s.questions.iter().all(|q| q.answer.is_none()));
}

#[test]
fn the_lab_opens_from_a_question_with_its_preset() {
    use mltutor::core::pack::LabPreset;
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q5");
    press(&mut s, "t");
    assert_eq!(s.screen, Screen::Lab);
    assert_eq!(s.lab.preset, LabPreset::Validation);
    // Settings are validated as typed.
    press(&mut s, "e");
    s.update(key(KeyCode::Backspace));
    s.update(key(KeyCode::Backspace));
    press(&mut s, "abc");
    assert!(s.lab.error.as_deref().unwrap_or("").contains("epochs"));
    for _ in 0..3 {
        s.update(key(KeyCode::Backspace));
    }
    press(&mut s, "3\n");
    assert!(s.lab.error.is_none());
    let e = press(&mut s, "s");
    let cfg = e
        .iter()
        .find_map(|e| match e {
            Effect::StartTraining(c) => Some(c.clone()),
            _ => None,
        })
        .expect("a run starts");
    assert_eq!(cfg.epochs, 3);
    assert_eq!(
        cfg.data.train_size, 120,
        "the validation lab trains on a tiny set"
    );
    assert!(s.lab.running);
    let e = press(&mut s, "x");
    assert!(e.contains(&Effect::StopTraining));
    s.update(key(KeyCode::Esc));
    assert_eq!(s.screen, Screen::Question);
}

#[test]
fn data_quality_lab_queues_a_clean_and_a_flawed_run() {
    use mltutor::engine::train::{RunSummary, TrainEvent};
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q8");
    press(&mut s, "ts");
    assert_eq!(s.lab.runs.len(), 1);
    assert_eq!(s.lab.runs[0].label, "clean");
    let done = RunSummary {
        label: "clean".into(),
        epochs_done: 1,
        best_epoch: 1,
        best_val_loss: 1.0,
        final_accuracy: 0.5,
        elapsed_s: 1.0,
        samples_per_s: 100.0,
        stopped: false,
    };
    let e = s.update(Msg::Lab(TrainEvent::Finished(done)));
    match &e[..] {
        [Effect::StartTraining(c)] => {
            assert_eq!(c.label, "flawed");
            assert!(c.data.label_noise > 0.0);
        }
        other => panic!("{other:?}"),
    }
}

/// The mouse: the wheel moves as the arrows do, a click on a question's line opens it
/// (the list's lines start below the header and the list's border), and neither answers
/// a dialog that waits for a key.
#[test]
fn the_mouse_scrolls_and_opens_questions() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    s.update(Msg::Resize(80, 24));
    s.update(Msg::Scroll { up: false });
    s.update(Msg::Scroll { up: false });
    assert_eq!(s.list_cursor, 2);
    s.update(Msg::Scroll { up: true });
    assert_eq!(s.list_cursor, 1);
    // Row 0 is the header, row 1 the list's top border, so question 4a (the fourth) is
    // on row 5; the border column and the blank line after the list open nothing.
    s.update(Msg::Click { column: 0, row: 5 });
    s.update(Msg::Click {
        column: 10,
        row: 2 + s.pack.questions.len() as u16,
    });
    assert_eq!(s.screen, Screen::List);
    s.update(Msg::Click { column: 10, row: 5 });
    assert_eq!((s.screen, s.current), (Screen::Question, 3));
    assert_eq!(s.pack.questions[3].id, "q4a");
    // A click elsewhere than the list does nothing on a question screen.
    s.update(Msg::Click { column: 10, row: 5 });
    assert_eq!((s.screen, s.current), (Screen::Question, 3));
    // A confirmation is not answered by the mouse.
    s.update(key(KeyCode::Esc));
    s.update(key(KeyCode::Esc));
    assert_eq!(s.screen, Screen::List);
    press(&mut s, "R");
    assert_eq!(s.confirm, Some(Confirm::ResetAll));
    s.update(Msg::Scroll { up: true });
    s.update(Msg::Click { column: 10, row: 3 });
    assert_eq!(s.confirm, Some(Confirm::ResetAll));
    assert_eq!(s.screen, Screen::List);
    // Below the minimum size nothing is drawn to click on.
    s.update(key(KeyCode::Esc));
    s.update(Msg::Resize(40, 10));
    s.update(Msg::Click { column: 10, row: 3 });
    assert_eq!(s.screen, Screen::List);
}

/// States that between them put the keyboard in every context and make every row's
/// condition hold at least once.
fn keyboard_states() -> Vec<(&'static str, mltutor::tui::state::State)> {
    let mut v = Vec::new();
    let list = state(Lang::en(), Mode::SelfCheck);
    v.push(("list", list.clone()));
    let mut help = list.clone();
    press(&mut help, "?");
    v.push(("help", help));
    let mut confirm = list.clone();
    press(&mut confirm, "R");
    v.push(("confirm", confirm));
    for (name, id) in [("choice", "q5"), ("parameter-free", "q4b"), ("order", "q2")] {
        let mut s = list.clone();
        open(&mut s, id);
        v.push((name, s));
    }
    let mut field = list.clone();
    open(&mut field, "q6");
    press(&mut field, "\n");
    v.push(("typing on one line", field.clone()));
    field.update(key(KeyCode::Esc));
    v.push(("numeric", field));
    let mut open_q = list.clone();
    open(&mut open_q, "q1");
    press(&mut open_q, "\nx");
    v.push(("typing on lines", open_q.clone()));
    open_q.update(key(KeyCode::Esc));
    v.push(("open, before the reference", open_q.clone()));
    press(&mut open_q, "\n");
    open_q.update(ctrl('s'));
    assert!(open_q.qs().revealed);
    v.push(("open, rating", open_q));
    // Moodle's kinds: a matching question has its own rows.
    let mut matching = moodle_state(Lang::en(), Mode::SelfCheck);
    open(&mut matching, "capitals");
    v.push(("matching", matching));
    let mut lab = list.clone();
    press(&mut lab, "t");
    v.push(("lab", lab.clone()));
    let mut typing = lab.clone();
    press(&mut typing, "e");
    assert!(typing.lab.editing());
    v.push(("lab, typing", typing));
    press(&mut lab, "s");
    assert!(lab.lab.running());
    v.push(("lab, running", lab));
    let mut exam = state(Lang::en(), Mode::Exam);
    v.push(("list, exam", exam.clone()));
    press(&mut exam, "sy");
    assert_eq!(exam.screen, Screen::Report);
    v.push(("report", exam.clone()));
    exam.update(key(KeyCode::Esc));
    v.push(("list, exam submitted", exam));
    v
}

/// The keymap is the only way a key acts: in every context, each key of each row that
/// applies triggers that row's action through the real update loop; every key the footer
/// and the help show is handled; a key in no row changes nothing. Every row of the table
/// is exercised by some state, so a new row or context cannot escape this test.
#[test]
fn the_keymap_table_is_what_the_keys_do() {
    use mltutor::tui::bindings::{applies, context, screen_context};
    use mltutor::tui::keymap::{lookup, rows, CONTEXTS};
    use std::collections::BTreeSet;
    let mut covered = BTreeSet::new();
    for (name, s0) in keyboard_states() {
        let ctx = context(&s0);
        for (i, row) in rows(ctx).enumerate() {
            if !applies(&s0, row) {
                continue;
            }
            covered.insert(format!("{ctx:?} {i}"));
            for k in row.keys {
                let mut s = s0.clone();
                s.update(Msg::Key(k.example()));
                assert_eq!(
                    s.last_action,
                    Some(row.action),
                    "{name}: {k:?} should {}",
                    row.what
                );
            }
        }
        // What the footer and the help show (the screen's rows, under any dialog).
        let screen = screen_context(&s0);
        if screen == ctx {
            for row in rows(ctx).filter(|r| applies(&s0, r)) {
                for k in row.shown {
                    let mut s = s0.clone();
                    s.update(Msg::Key(k.example()));
                    let done = s.last_action.expect("a shown key is handled");
                    assert!(
                        rows(ctx)
                            .any(|r| applies(&s0, r) && r.keys.contains(k) && r.action == done),
                        "{name}: {k:?} shown for `{}` does {done:?}",
                        row.what
                    );
                }
            }
        }
        // Keys bound nowhere in this context do nothing at all.
        let unbound: Vec<_> = [
            KeyCode::Char('z'),
            KeyCode::F(5),
            KeyCode::Insert,
            KeyCode::Char('Z'),
        ]
        .into_iter()
        .map(|c| crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::NONE))
        .filter(|e| lookup(ctx, e, |_| true).is_none())
        .collect();
        assert!(
            !unbound.is_empty() || ctx == mltutor::tui::keymap::Context::Confirm,
            "{name}: every sample key is bound"
        );
        for e in unbound {
            let mut s = s0.clone();
            let before = format!("{:?}", s);
            let effects = s.update(Msg::Key(e));
            assert!(effects.is_empty(), "{name}: {e:?}");
            assert_eq!(s.last_action, None);
            s.last_action = s0.last_action;
            assert_eq!(format!("{s:?}"), before, "{name}: {e:?} changed the state");
        }
    }
    for ctx in CONTEXTS {
        for (i, row) in rows(ctx).enumerate() {
            assert!(
                covered.contains(&format!("{ctx:?} {i}")),
                "{ctx:?}: no test state makes the row {row:?} apply"
            );
        }
    }
}

/// Every row's description and every key's name is a message in both languages.
#[test]
fn every_key_is_described_in_every_language() {
    use mltutor::tui::keymap::{key_name, rows, CONTEXTS};
    for lang in [Lang::en(), Lang::fr()] {
        for ctx in CONTEXTS {
            for row in rows(ctx) {
                assert_ne!(lang.tr(row.what), row.what, "{:?}", lang);
                for k in row.keys.iter().chain(row.shown) {
                    let name = key_name(*k, lang);
                    assert!(!name.contains("key-"), "{k:?}: {name}");
                }
            }
        }
    }
    // French names its keys in French.
    let fr: Vec<(String, String)> = {
        let mut s = state(Lang::fr(), Mode::SelfCheck);
        open(&mut s, "q4a");
        press(&mut s, "\n");
        mltutor::tui::view::keys(&s)
    };
    assert!(
        fr.iter()
            .any(|(k, what)| k == "Entrée" && what == "valider"),
        "{fr:?}"
    );
    assert!(fr.iter().any(|(k, _)| k == "Échap"), "{fr:?}");
    assert_eq!(
        mltutor::tui::view::keys::confirm_keys(Lang::en()),
        "y o: yes   any other key: no"
    );
    assert_eq!(
        mltutor::tui::view::keys::confirm_keys(Lang::fr()),
        "y o\u{a0}: oui   autre touche\u{a0}: non"
    );
}

/// Opening a question does not start typing: `h`, `n`, `t` keep their meaning; on a
/// one-line field a character bound to nothing (a digit) starts typing with itself.
#[test]
fn opening_a_question_does_not_start_typing() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q1");
    assert!(!s.editing);
    press(&mut s, "h");
    assert_eq!(
        (s.qs().hints_shown, s.qs().input.text()),
        (1, String::new())
    );
    press(&mut s, "n");
    assert_eq!(s.pack.questions[s.current].id, "q2");
    open(&mut s, "q4a");
    press(&mut s, "t");
    assert_eq!(s.screen, Screen::Lab);
    open(&mut s, "q4a");
    assert!(!s.editing);
    press(&mut s, "53300");
    assert!(s.editing);
    assert_eq!(s.qs().input.text(), "53300");
    // An open answer starts with Enter (its text may start with any letter).
    open(&mut s, "q1");
    press(&mut s, "x");
    assert!(!s.editing && s.qs().input.is_empty());
    press(&mut s, "\nx");
    assert_eq!((s.editing, s.qs().input.text()), (true, "x".to_string()));
}

/// Ctrl+U erases to the line's start, Ctrl+W the previous word, Home and End jump.
#[test]
fn line_editing_keys_in_answer_fields() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q4c");
    press(&mut s, "1x3x40 40");
    s.update(ctrl('w'));
    assert_eq!(s.qs().input.text(), "1x3x40 ");
    s.update(ctrl('w'));
    assert_eq!(s.qs().input.text(), "");
    press(&mut s, "3x40x40");
    s.update(key(KeyCode::Home));
    press(&mut s, "1x");
    assert_eq!(s.qs().input.text(), "1x3x40x40");
    s.update(key(KeyCode::End));
    s.update(key(KeyCode::Left));
    s.update(key(KeyCode::Left));
    s.update(ctrl('u'));
    assert_eq!(s.qs().input.text(), "40");
    assert_eq!(s.qs().input.cursor(), (0, 0));
    s.update(key(KeyCode::Right));
    press(&mut s, "4");
    assert_eq!(s.qs().input.text(), "440");
    // The open answer's editor too, on its current line.
    open(&mut s, "q1");
    press(&mut s, "\nfirst line\nsecond word");
    s.update(ctrl('w'));
    assert_eq!(s.qs().input.text(), "first line\nsecond ");
    s.update(ctrl('u'));
    assert_eq!(s.qs().input.text(), "first line\n");
    // Ctrl+W at a line's start joins it to the line above.
    s.update(ctrl('w'));
    assert_eq!(s.qs().input.text(), "first line");
}

/// After submitting a choice, the options keep the focus: `k` moves and Space selects.
#[test]
fn focus_after_submit_stays_where_the_next_key_acts() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open(&mut s, "q5");
    press(&mut s, "j \n");
    assert!(s.qs().score.is_some());
    assert_eq!(s.focus, Pane::Answer);
    let before = s.qs().selected.clone();
    press(&mut s, "k ");
    assert_eq!(s.qs().cursor, 0);
    assert_ne!(s.qs().selected, before, "Space still selects");
    // The option shown first (options are in the student's order).
    assert!(s.qs().selected[s.choice_order(s.current)[0]]);
    // An order too.
    open(&mut s, "q2");
    press(&mut s, "\n");
    assert_eq!(s.focus, Pane::Answer);
    press(&mut s, "j");
    assert_eq!(s.qs().cursor, 1);
    // A typed answer: the arrows then scroll its feedback.
    open(&mut s, "q4a");
    press(&mut s, "53300\n");
    assert_eq!(s.focus, Pane::Feedback);
}

/// The feedback pane never scrolls past its last line, and a new answer's feedback is
/// shown from its top.
#[test]
fn feedback_scroll_is_clamped_and_reset_by_a_new_answer() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    s.update(Msg::Resize(100, 32));
    open(&mut s, "q4a");
    press(&mut s, "4001\n");
    assert_eq!(s.focus, Pane::Feedback);
    let limits = mltutor::tui::view::question_scroll_limits(&s, (100, 32));
    // 4001 is wrong: verdict, the gap, five lines of counts, the correction (8 lines
    // and a blank one, at 98 columns): more than the pane's rows.
    assert!(limits[1] > 0, "{limits:?}");
    for _ in 0..100 {
        press(&mut s, "j");
    }
    assert_eq!(s.qs().scroll[1], limits[1]);
    // One step up moves at once (no hidden rows past the end to climb back).
    press(&mut s, "k");
    assert_eq!(s.qs().scroll[1], limits[1] - 1);
    // A new answer: the verdict is at the top again.
    press(&mut s, "\n");
    for _ in 0..4 {
        s.update(key(KeyCode::Backspace));
    }
    press(&mut s, "53300\n");
    assert_eq!(s.qs().scroll[1], 0);
}
