//! The interface never panics: random keys, clicks, wheel steps, resizes and ticks drive the
//! real update over the built-in packs (and one without models), resumed from random save
//! files (valid, damaged, or not parsing at all), and every state is drawn on a
//! `TestBackend` of random size, tiny ones included. Plus the regression tests of the
//! crashes and losses of issue 16 that live in the interface.

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mltutor::core::grade::Answer;
use mltutor::core::i18n::Lang;
use mltutor::core::pack::{builtin_pack, Kind, Pack, BUDGET};
use mltutor::core::progress::{load, save, Loaded, Mode, Progress, SavedQuestion};
use mltutor::engine::train::{EpochMetrics, RunSummary, TrainEvent};
use mltutor::tui::app::{Confirm, Effect, Msg, Screen, State};
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::{Arc, OnceLock};

/// The packs to drive: the built-in exam in English and French, and a pack without models
/// (its computed questions, which need one, removed). Facts are computed once.
type Driven = (Arc<Pack>, Arc<mltutor::core::grade::Facts>, Lang);

fn packs() -> &'static [Driven] {
    static PACKS: OnceLock<Vec<Driven>> = OnceLock::new();
    PACKS.get_or_init(|| {
        let mut bare = builtin_pack("en");
        bare.models.clear();
        bare.questions
            .retain(|q| !matches!(q.kind, Kind::Computed { .. }));
        [
            (builtin_pack("en"), Lang::en()),
            (builtin_pack("fr"), Lang::fr()),
            (bare, Lang::en()),
        ]
        .into_iter()
        .map(|(p, l)| {
            let p = Arc::new(p);
            let f = Arc::new(mltutor::engine::facts(&p, BUDGET));
            (p, f, l)
        })
        .collect()
    })
}

fn state_of(pack: usize, mode: Mode) -> State {
    let (p, f, l) = &packs()[pack];
    let mut s = State::new(p.clone(), f.clone(), *l, mode);
    s.color = false;
    s
}

fn arb_answer() -> impl Strategy<Value = Answer> {
    let idx = || prop::collection::vec(prop_oneof![0usize..12, Just(usize::MAX)], 0..12);
    // Orders mostly of the steps' count (5 in the built-in exam), an index sometimes past them.
    let order_len = prop_oneof![3 => Just(5usize), 1 => 0usize..8];
    prop_oneof![
        2 => "[ -~\\n\u{e9}\u{1b}\u{7}]{0,40}".prop_map(Answer::Typed),
        2 => idx().prop_map(Answer::Choice),
        3 => order_len
            .prop_flat_map(|n| prop::collection::vec(
                prop_oneof![4 => 0usize..6, 1 => Just(usize::MAX)],
                n
            ))
            .prop_map(Answer::Order),
        2 => ("[ -~\\n]{0,40}", idx()).prop_map(|(text, ticked)| Answer::Open { text, ticked }),
    ]
}

fn arb_saved() -> impl Strategy<Value = SavedQuestion> {
    (
        prop::option::weighted(0.8, arb_answer()),
        prop::option::of(prop_oneof![
            0.0f64..=1.0,
            Just(f64::NAN),
            Just(-3.0),
            Just(1e300)
        ]),
        prop_oneof![0usize..5, Just(1000), Just(usize::MAX)],
        "[ -~\\n]{0,20}",
    )
        .prop_map(|(answer, score, hints_shown, draft)| SavedQuestion {
            answer,
            score,
            hints_shown,
            draft,
        })
}

/// A save file: a progress over some of the pack's question ids (and unknown ones), with
/// answers of any kind, or bytes that do not parse.
#[derive(Debug, Clone)]
enum SaveFile {
    /// Answers, last question, submitted, elapsed seconds, and whether it reaches the state
    /// without the repair at load (the views and the update must hold even then).
    Progress(Vec<(usize, SavedQuestion)>, Option<usize>, bool, u64, bool),
    Garbage(Vec<u8>),
    None,
}

fn arb_save() -> impl Strategy<Value = SaveFile> {
    prop_oneof![
        6 => (
            prop::collection::vec((0usize..16, arb_saved()), 0..12),
            prop::option::of(0usize..16),
            any::<bool>(),
            prop_oneof![0u64..4000, Just(u64::MAX)],
            prop::bool::weighted(0.5),
        )
            .prop_map(|(q, last, sub, el, raw)| SaveFile::Progress(q, last, sub, el, raw)),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(SaveFile::Garbage),
        1 => Just(SaveFile::None),
    ]
}

fn arb_key() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        // The keymap's letters, often; quitting (q, then y) rarely, so runs go deep.
        8 => prop::sample::select("tsen jk?hcrxplgTSERCH0123456789.,-()".chars().collect::<Vec<_>>())
            .prop_map(KeyCode::Char),
        1 => prop::sample::select(vec!['q', 'y', 'Q', 'n']).prop_map(KeyCode::Char),
        1 => any::<char>().prop_map(KeyCode::Char),
        4 => prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::F(1),
        ]),
    ];
    let mods = prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
    ]);
    (code, mods).prop_map(|(c, m)| KeyEvent::new(c, m))
}

/// A number a training run may report: ordinary, zero, huge, or not a number at all.
fn arb_metric() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 0.0f64..10.0,
        1 => Just(0.0),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(1e300),
    ]
}

/// What a training run reports, in any order and with any numbers.
fn arb_train_event() -> impl Strategy<Value = TrainEvent> {
    let count = || prop_oneof![0usize..50, Just(usize::MAX)];
    prop_oneof![
        1 => (count(), count()).prop_map(|(steps_per_epoch, epochs)| TrainEvent::Started {
            label: "run".into(),
            device: "cpu".into(),
            train_size: 100,
            val_size: 20,
            steps_per_epoch,
            epochs,
        }),
        4 => (count(), count(), arb_metric(), arb_metric(), arb_metric()).prop_map(
            |(epoch, step, loss, samples_per_s, elapsed_s)| TrainEvent::Step {
                epoch,
                step,
                loss: loss as f32,
                samples_per_s,
                elapsed_s,
            }
        ),
        2 => (count(), arb_metric(), arb_metric(), arb_metric()).prop_map(
            |(epoch, l, a, t)| TrainEvent::Epoch(EpochMetrics {
                epoch,
                step: epoch,
                train_loss: l,
                val_loss: l,
                val_accuracy: a,
                samples_per_s: t,
                elapsed_s: t,
            })
        ),
        1 => (count(), arb_metric(), any::<bool>()).prop_map(|(n, v, stopped)| {
            TrainEvent::Finished(RunSummary {
                label: "run".into(),
                epochs_done: n,
                best_epoch: n,
                best_val_loss: v,
                final_accuracy: v,
                elapsed_s: v,
                samples_per_s: v,
                stopped,
            })
        }),
    ]
}

fn arb_msg() -> impl Strategy<Value = Msg> {
    prop_oneof![
        12 => arb_key().prop_map(Msg::Key),
        1 => (0u16..250, 0u16..80).prop_map(|(column, row)| Msg::Click { column, row }),
        1 => any::<bool>().prop_map(|up| Msg::Scroll { up }),
        1 => (0u16..220, 0u16..70).prop_map(|(w, h)| Msg::Resize(w, h)),
        1 => Just(Msg::Tick),
        // The wall clock, any time (the exam's deadline is in wall-clock seconds).
        1 => prop_oneof![Just(0u64), 1_700_000_000u64..1_900_000_000, Just(u64::MAX)]
            .prop_map(Msg::Clock),
        1 => "[a-z :]{0,20}".prop_map(|e| Msg::Saved(Err(e))),
        2 => arb_train_event().prop_map(Msg::Lab),
    ]
}

/// Feed `Grade` effects back as the worker would; other effects are dropped.
fn settle(s: &mut State, effects: Vec<Effect>) {
    let mut pending = effects;
    for _ in 0..4 {
        let out = run_grades(s, std::mem::take(&mut pending));
        pending = out
            .into_iter()
            .filter(|e| matches!(e, Effect::Grade { .. }))
            .collect();
        if pending.is_empty() {
            break;
        }
    }
}

fn draw(s: &State, w: u16, h: u16) {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| mltutor::tui::view::draw(f, s)).unwrap();
}

fn resume(s: &mut State, save_file: &SaveFile, dir: &std::path::Path) {
    let path = dir.join("progress.json");
    let loaded = match save_file {
        SaveFile::None => Loaded::Fresh,
        SaveFile::Garbage(bytes) => {
            std::fs::write(&path, bytes).unwrap();
            load(&path)
        }
        SaveFile::Progress(qs, last, submitted, elapsed, raw) => {
            let ids = |i: usize| {
                s.pack
                    .questions
                    .get(i)
                    .map_or_else(|| format!("gone-{i}"), |q| q.id.clone())
            };
            let p = Progress {
                pack_id: s.pack.meta.id.clone(),
                mode: s.mode,
                last_question: last.map(ids),
                exam_submitted: *submitted,
                exam_elapsed_secs: *elapsed,
                questions: qs.iter().map(|(i, q)| (ids(*i), q.clone())).collect(),
                ..Default::default()
            };
            if *raw {
                let effects = s.resume(&p);
                settle(s, effects);
                return;
            }
            // Through the file, as the tutor reads it.
            save(&path, &p).unwrap();
            load(&path)
        }
    };
    let effects = mltutor::tui::apply_loaded(s, loaded);
    settle(s, effects);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_message_over_any_save_file_panics(
        pack in 0usize..3,
        exam in any::<bool>(),
        save_file in arb_save(),
        msgs in prop::collection::vec((arb_msg(), 0u16..160, 0u16..50), 1..60),
    ) {
        let mode = if exam { Mode::Exam } else { Mode::SelfCheck };
        let mut s = state_of(pack, mode);
        let dir = tempfile::tempdir().unwrap();
        resume(&mut s, &save_file, dir.path());
        // Every question drawn once, whatever was resumed into it.
        let (screen, current) = (s.screen, s.current);
        for i in 0..s.questions.len() {
            (s.current, s.list_cursor, s.screen) = (i, i, Screen::Question);
            draw(&s, 100, 30);
        }
        (s.current, s.list_cursor, s.screen) = (current, current, screen);
        draw(&s, 100, 30);
        for (msg, w, h) in msgs {
            let (w, h) = match msg {
                Msg::Resize(w, h) => (w, h),
                _ => (w, h),
            };
            let effects = s.update(msg);
            settle(&mut s, effects);
            draw(&s, w, h);
            if s.quit {
                break;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// In the lab with a run started: training reports with any numbers (NaN, infinite,
    /// huge counts), interleaved with keys and resizes, are drawn without a panic.
    #[test]
    fn any_training_report_draws_in_the_lab(
        pack in 0usize..2,
        events in prop::collection::vec(
            prop_oneof![3 => arb_train_event().prop_map(Msg::Lab), 1 => arb_msg()],
            1..40,
        ),
        sizes in prop::collection::vec((0u16..200, 0u16..60), 40),
    ) {
        let mut s = state_of(pack, Mode::SelfCheck);
        press(&mut s, "t");
        let e = press(&mut s, "s");
        prop_assert!(e.iter().any(|e| matches!(e, Effect::StartTraining(_))));
        for (msg, (w, h)) in events.into_iter().zip(sizes) {
            let effects = s.update(msg);
            settle(&mut s, effects);
            draw(&s, w, h);
            draw(&s, 120, 40);
            if s.quit {
                break;
            }
        }
    }
}

// ---- Regression tests of issue 16's interface crashes and losses. ----

/// A save file whose order answer holds an index past the steps panicked the tutor each
/// time question 2 opened; now the answer is set aside with a message and the question draws.
#[test]
fn an_order_answer_past_the_steps_is_set_aside_and_the_question_draws() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    let (i, q) = s
        .pack
        .questions
        .iter()
        .enumerate()
        .find(|(_, q)| matches!(q.kind, Kind::Order { .. }))
        .map(|(i, q)| (i, q.clone()))
        .expect("the built-in exam has an order question");
    let Kind::Order { steps } = &q.kind else {
        unreachable!()
    };
    let n = steps.len();
    // Right length, one index out of range: the case that panicked.
    let mut bad: Vec<usize> = (0..n).collect();
    bad[0] = n + 5;
    let mut p = Progress {
        pack_id: s.pack.meta.id.clone(),
        last_question: Some(q.id.clone()),
        ..Default::default()
    };
    p.questions.insert(
        q.id.clone(),
        SavedQuestion {
            answer: Some(Answer::Order(bad)),
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    save(&path, &p).unwrap();
    let effects = mltutor::tui::apply_loaded(&mut s, load(&path));
    settle(&mut s, effects);
    let status = s.status.clone().unwrap_or_default();
    assert!(
        status.contains("did not fit") && status.contains(&q.id),
        "{status}"
    );
    assert_eq!(s.questions[i].answer, None);
    // The order shown is a permutation of the steps.
    let mut order = s.questions[i].order.clone();
    order.sort_unstable();
    assert_eq!(order, (0..n).collect::<Vec<_>>());
    s.current = i;
    s.list_cursor = i;
    press(&mut s, "\n");
    assert_eq!(s.screen, Screen::Question);
    draw(&s, 120, 40);
}

/// A pack without models: the lab opens, and Space or `s` say there is nothing to train.
#[test]
fn the_lab_of_a_pack_without_models_says_there_is_nothing_to_train() {
    let mut s = state_of(2, Mode::SelfCheck);
    press(&mut s, "t");
    assert_eq!(s.screen, Screen::Lab);
    for keys in [" ", "s", "e", "\n", "j j k", "x"] {
        let e = press(&mut s, keys);
        assert!(
            !e.iter().any(|e| matches!(e, Effect::StartTraining(_))),
            "{keys:?} {e:?}"
        );
        draw(&s, 120, 40);
    }
    let e = press(&mut s, "s");
    assert!(e.is_empty());
    assert!(
        s.lab
            .error
            .as_deref()
            .is_some_and(|e| e.contains("no model to train")),
        "{:?}",
        s.lab.error
    );
}

/// A failed save stays visible, and `q` asks before quitting.
#[test]
fn after_a_failed_save_q_asks_before_quitting() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    s.update(Msg::Saved(Err(
        "/ro/progress.json: Read-only file system".into()
    )));
    // Another message replaces the status: the warning stays in the footer.
    press(&mut s, "\n\u{1b}");
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    t.draw(|f| mltutor::tui::view::draw(f, &s)).unwrap();
    let screen: String = t
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("Answers NOT saved"), "{screen}");
    let e = press(&mut s, "q");
    assert!(!s.quit, "q quit at once with unsaved answers: {e:?}");
    assert_eq!(s.confirm, Some(Confirm::QuitUnsaved));
    t.draw(|f| mltutor::tui::view::draw(f, &s)).unwrap();
    let screen: String = t
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("not saved: quit anyway?"), "{screen}");
    // No: the tutor stays; yes: it quits (and tries to save once more).
    press(&mut s, "n");
    assert!(!s.quit && s.confirm.is_none());
    press(&mut s, "q");
    let e = press(&mut s, "y");
    assert!(s.quit);
    assert!(e.iter().any(|e| matches!(e, Effect::Save(_))));
}

/// Once a save succeeds again, `q` quits at once as before.
#[test]
fn a_later_successful_save_clears_the_warning() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    s.update(Msg::Saved(Err("disk full".into())));
    s.update(Msg::Saved(Ok("/tmp/p.json".into())));
    assert_eq!(s.save_error, None);
    press(&mut s, "q");
    assert!(s.quit);
}

/// A stop signal becomes `Terminate`: the run stops, progress is saved, the tutor quits,
/// with no dialog even while training.
#[test]
fn terminate_stops_training_saves_and_quits_without_asking() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    press(&mut s, "t");
    let e = press(&mut s, "s");
    assert!(e.iter().any(|e| matches!(e, Effect::StartTraining(_))));
    assert!(s.lab.running());
    let e = s.update(Msg::Terminate);
    assert!(s.quit);
    assert!(s.confirm.is_none());
    assert!(e.iter().any(|e| matches!(e, Effect::Save(_))));
    assert!(e.iter().any(|e| matches!(e, Effect::StopTraining)));
    assert!(e.iter().any(|e| matches!(e, Effect::Quit)));
}

/// The lab's settings errors are typed, and out-of-range or non-finite numbers are refused.
#[test]
fn lab_settings_refuse_non_finite_and_out_of_range_numbers() {
    use mltutor::tui::lab::{Field, LabError, FIELDS};
    let mut s = state(Lang::en(), Mode::SelfCheck);
    press(&mut s, "t");
    let at = |f: Field| FIELDS.iter().position(|g| *g == f).unwrap();
    for (field, text) in [
        (Field::PixelNoise, "nan"),
        (Field::LabelNoise, "inf"),
        (Field::Imbalance, "0"),
        (Field::Lr, "-1"),
        (Field::Epochs, "0"),
        (Field::Batch, "1e9"),
    ] {
        let mut lab = s.lab.clone();
        lab.texts[at(field)] = text.into();
        match lab.parsed() {
            Err(LabError::OutOfRange { field: f, .. })
            | Err(LabError::NotANumber { field: f, .. }) => {
                assert_eq!(f, field, "{text}")
            }
            other => panic!("{field:?} = {text}: {other:?}"),
        }
    }
    assert!(s.lab.parsed().is_ok());
}

/// The lab accepts exactly what `mltutor train` accepts: each numeric field at its range's
/// ends and just past them, checked against `TrainConfig::validate` on the same value.
#[test]
fn lab_settings_agree_with_the_train_command() {
    use mltutor::tui::lab::{setting, LabError, FIELDS};
    let mut s = state(Lang::en(), Mode::SelfCheck);
    press(&mut s, "t");
    let base = s.lab.parsed().expect("the preset's settings are valid");
    for (i, &field) in FIELDS.iter().enumerate() {
        let Some(set) = setting(field) else { continue };
        let r = set.range();
        for v in [r.min, r.max, r.min - 1.0, r.max * 2.0 + 1.0, 5000.0, 1.5] {
            let mut lab = s.lab.clone();
            lab.texts[i] = v.to_string();
            let lab_ok = lab.parsed();
            // The same value through the train command's validator.
            let mut cfg = base.clone();
            match field {
                mltutor::tui::lab::Field::Epochs => cfg.epochs = v as usize,
                mltutor::tui::lab::Field::Batch => cfg.batch = v as usize,
                mltutor::tui::lab::Field::Lr => cfg.lr = v,
                mltutor::tui::lab::Field::TrainSize => cfg.data.train_size = v as usize,
                mltutor::tui::lab::Field::PixelNoise => cfg.data.pixel_noise = v as f32,
                mltutor::tui::lab::Field::LabelNoise => cfg.data.label_noise = v as f32,
                mltutor::tui::lab::Field::Imbalance => cfg.data.imbalance = v as f32,
                mltutor::tui::lab::Field::Duplication => cfg.data.duplication = v as f32,
                _ => unreachable!(),
            }
            let whole = v.fract() == 0.0 || !r.integer;
            let train_ok = v >= 0.0 && whole && cfg.validate().is_ok();
            assert_eq!(lab_ok.is_ok(), train_ok, "{field:?} = {v}: {lab_ok:?}");
            if let Err(e) = lab_ok {
                assert!(matches!(e, LabError::OutOfRange { .. }), "{e:?}");
            }
        }
    }
    // A count with a fraction is refused with its own message.
    let mut lab = s.lab.clone();
    lab.texts[0] = "2.5".into();
    assert_eq!(
        lab.parsed().unwrap_err().render(Lang::en()),
        "epochs must be a whole number"
    );
}

/// Through the runtime: a save into a folder that cannot hold it comes back as a failed
/// save, which the state keeps until a save succeeds.
#[test]
fn a_save_that_fails_in_the_runtime_is_kept_in_the_state() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    let dir = tempfile::tempdir().unwrap();
    // A file where the data folder should be: nothing can be written under it.
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut rt = mltutor::tui::runtime::Runtime::new(
        tx,
        s.pack.clone(),
        s.facts.clone(),
        blocker.join("progress.json"),
        dir.path().join("reports"),
    );
    rt.execute(Effect::Save(s.progress()));
    let msg = rx
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("the runtime answers a save");
    assert!(matches!(msg, Msg::Saved(Err(_))), "{msg:?}");
    s.update(msg);
    assert!(s.save_error.is_some());
    press(&mut s, "q");
    assert!(!s.quit);
    assert_eq!(s.confirm, Some(Confirm::QuitUnsaved));
}

/// A save file holding a huge draft (2 MB) resumes at once: the editor keeps its longest
/// answer and stops reading there.
#[test]
fn a_huge_saved_draft_resumes_quickly() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    let id = s.pack.questions[0].id.clone();
    let mut p = Progress {
        pack_id: s.pack.meta.id.clone(),
        ..Default::default()
    };
    p.questions.insert(
        id,
        SavedQuestion {
            draft: "x".repeat(2_000_000),
            ..Default::default()
        },
    );
    let t = std::time::Instant::now();
    let effects = mltutor::tui::apply_loaded(&mut s, Loaded::Resumed(p));
    settle(&mut s, effects);
    draw(&s, 120, 40);
    assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
    assert!(s.questions[0].input.text().chars().count() <= 10_000);
}
