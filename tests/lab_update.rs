//! The training lab through the pure `update`: starting with wrong settings, each lab
//! starting clean, the optimizer's usual learning rate, the help, a run that blows up.

mod common;
use common::*;
use crossterm::event::KeyCode;
use mltutor::core::i18n::Lang;
use mltutor::core::progress::Mode;
use mltutor::engine::train::{RunSummary, TrainError, TrainEvent};
use mltutor::tui::app::{Effect, Msg, Screen, State};
use mltutor::tui::lab::{Field, FIELDS};

/// Open the lab of question `id` (from the question, with `t`).
fn open_lab(s: &mut State, id: &str) {
    open(s, id);
    if s.editing {
        s.update(key(KeyCode::Esc));
    }
    press(s, "t");
    assert_eq!(s.screen, Screen::Lab, "{id}");
}

/// Put the cursor on `field` with the arrow keys.
fn go_to(s: &mut State, field: Field) {
    let want = FIELDS.iter().position(|f| *f == field).unwrap();
    while s.lab.cursor > want {
        s.update(key(KeyCode::Up));
    }
    while s.lab.cursor < want {
        s.update(key(KeyCode::Down));
    }
}

/// Replace a typed setting's text as a student would: Enter, erase, type, Enter.
fn type_setting(s: &mut State, field: Field, text: &str) {
    go_to(s, field);
    s.update(key(KeyCode::Enter));
    assert!(s.lab.editing_field, "{field:?}");
    for _ in 0..30 {
        s.update(key(KeyCode::Backspace));
    }
    press(s, text);
    s.update(key(KeyCode::Enter));
    assert!(!s.lab.editing_field);
}

fn text(s: &State, field: Field) -> &str {
    &s.lab.texts[FIELDS.iter().position(|f| *f == field).unwrap()]
}

fn starts(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::StartTraining(_)))
}

/// `s` with wrong settings starts nothing and says which ones and why, every one, with
/// the ranges of the shared validator (the messages `train` gives, by hand).
#[test]
fn s_with_invalid_settings_names_them() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open_lab(&mut s, "q2");
    type_setting(&mut s, Field::LabelNoise, "2");
    type_setting(&mut s, Field::Batch, "0");
    let e = press(&mut s, "s");
    assert!(!starts(&e), "{e:?}");
    assert!(!s.lab.running);
    let status = s.lab.status.clone().expect("a message on the status line");
    assert_eq!(
        status,
        "not started: batch size must be a whole number from 1 to 4,096 · \
         label noise must be a number from 0 to 0.9"
    );
    // The first is also shown under the settings.
    assert_eq!(
        s.lab.error.as_deref(),
        Some("batch size must be a whole number from 1 to 4,096")
    );
    // Corrected, the run starts and the message goes.
    type_setting(&mut s, Field::LabelNoise, "0.9");
    type_setting(&mut s, Field::Batch, "64");
    let e = press(&mut s, "s");
    assert!(starts(&e));
    assert_eq!(s.lab.status, None);
    assert_eq!(s.lab.error, None);
}

#[test]
fn s_with_invalid_settings_names_them_in_french() {
    let mut s = state(Lang::fr(), Mode::SelfCheck);
    open_lab(&mut s, "q2");
    type_setting(&mut s, Field::Imbalance, "0");
    let e = press(&mut s, "s");
    assert!(!starts(&e));
    let status = s.lab.status.clone().unwrap();
    assert!(
        status.starts_with("non lancé\u{a0}: ")
            && status.contains("doit être un nombre de 0,01 à 1"),
        "{status}"
    );
    // Its lower end, typed as the student would (the f32 bound check refused it).
    type_setting(&mut s, Field::Imbalance, "0,01");
    assert!(starts(&press(&mut s, "s")), "{:?}", s.lab.error);
}

/// A run's curves, as the worker reports them.
fn feed_a_run(s: &mut State) {
    s.update(Msg::Lab(TrainEvent::Started {
        label: "run 1".into(),
        device: "cpu".into(),
        train_size: 1500,
        val_size: 300,
        steps_per_epoch: 2,
        epochs: 1,
    }));
    for step in 1..=2 {
        s.update(Msg::Lab(TrainEvent::Step {
            epoch: 1,
            step,
            loss: 2.0,
            samples_per_s: 100.0,
            elapsed_s: 0.5,
        }));
    }
    s.update(Msg::Lab(TrainEvent::Finished(RunSummary {
        label: "run 1".into(),
        epochs_done: 1,
        best_epoch: 1,
        best_val_loss: 1.9,
        final_accuracy: 0.3,
        elapsed_s: 1.0,
        samples_per_s: 100.0,
        stopped: false,
    })));
}

/// Curves of one lab never show in another: each lab opens clean (its own preset, its
/// own settings, no run, no message); back to the same lab, its curves are still there.
#[test]
fn each_lab_starts_clean() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open_lab(&mut s, "q2");
    type_setting(&mut s, Field::Lr, "0.2");
    assert!(starts(&press(&mut s, "s")));
    feed_a_run(&mut s);
    assert!(!s.lab.running);
    assert_eq!(s.lab.runs.len(), 1);
    assert!(!s.lab.runs[0].train_loss.points().is_empty());
    // The same lab again: as it was left.
    s.update(key(KeyCode::Esc));
    press(&mut s, "t");
    assert_eq!(s.lab.runs.len(), 1);
    assert_eq!(text(&s, Field::Lr), "0.2");
    // The question 5 lab: nothing of question 2's.
    s.update(key(KeyCode::Esc));
    open_lab(&mut s, "q5");
    assert!(s.lab.runs.is_empty(), "{:?}", s.lab.runs);
    assert_eq!(text(&s, Field::Epochs), "40");
    assert_eq!(text(&s, Field::Lr), "0.05");
    assert_eq!((s.lab.status.clone(), s.lab.error.clone()), (None, None));
    // Question 4a's lab has the preset of question 2's, but is another lab: clean too.
    s.update(key(KeyCode::Esc));
    open_lab(&mut s, "q2");
    assert!(starts(&press(&mut s, "s")));
    feed_a_run(&mut s);
    s.update(key(KeyCode::Esc));
    open_lab(&mut s, "q4a");
    assert!(s.lab.runs.is_empty());
    assert_eq!(s.lab.cursor, 0);
}

/// Switching the optimizer proposes its usual learning rate (AdamW 1e-3, PyTorch's
/// default; SGD the lab's 0.05), unless the student typed one.
#[test]
fn the_optimizer_brings_its_usual_learning_rate() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open_lab(&mut s, "q2");
    assert_eq!(text(&s, Field::Lr), "0.05");
    go_to(&mut s, Field::Optimizer);
    press(&mut s, " ");
    assert_eq!(text(&s, Field::Optimizer), "adamw");
    assert_eq!(text(&s, Field::Lr), "0.001");
    assert_eq!(
        s.lab.status.as_deref(),
        Some("learning rate set to 0.001, the usual one for adamw")
    );
    let cfg = s.lab.parsed().unwrap();
    assert_eq!(cfg.lr, 0.001);
    press(&mut s, " ");
    assert_eq!(text(&s, Field::Lr), "0.05");
    // Typed by the student: kept, and the status line says what the optimizer takes.
    type_setting(&mut s, Field::Lr, "0.01");
    go_to(&mut s, Field::Optimizer);
    press(&mut s, " ");
    assert_eq!(text(&s, Field::Lr), "0.01");
    assert_eq!(
        s.lab.status.as_deref(),
        Some("learning rate 0.01 kept (you typed it); adamw usually takes 0.001")
    );
    assert_eq!(s.lab.parsed().unwrap().lr, 0.01);
    // Another lab: the typed value is forgotten with the rest.
    s.update(key(KeyCode::Esc));
    open_lab(&mut s, "q5");
    go_to(&mut s, Field::Optimizer);
    press(&mut s, " ");
    assert_eq!(text(&s, Field::Lr), "0.001");
}

#[test]
fn the_french_lab_proposes_in_french() {
    let mut s = state(Lang::fr(), Mode::SelfCheck);
    open_lab(&mut s, "q2");
    go_to(&mut s, Field::Optimizer);
    press(&mut s, " ");
    assert_eq!(
        s.lab.status.as_deref(),
        Some("taux d'apprentissage réglé à 0,001, l'habituel pour adamw")
    );
}

/// The speed is a setting like the others: shown, switched, checked.
#[test]
fn the_speed_is_a_setting() {
    use mltutor::engine::train::Speed;
    let mut s = state(Lang::fr(), Mode::SelfCheck);
    open_lab(&mut s, "q2");
    assert_eq!(text(&s, Field::Speed), "normale");
    assert_eq!(s.lab.parsed().unwrap().speed, Speed::Normal);
    go_to(&mut s, Field::Speed);
    press(&mut s, " ");
    assert_eq!(text(&s, Field::Speed), "rapide");
    press(&mut s, "\n");
    assert_eq!(text(&s, Field::Speed), "max");
    let e = press(&mut s, "s");
    let cfg = e
        .iter()
        .find_map(|e| match e {
            Effect::StartTraining(c) => Some(c.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(cfg.speed, Speed::Max);
    // A speed that is none of them: named.
    let mut lab = s.lab.clone();
    lab.running = false;
    let i = FIELDS.iter().position(|f| *f == Field::Speed).unwrap();
    lab.texts[i] = "warp".into();
    assert_eq!(
        lab.parsed().unwrap_err().render(Lang::fr()),
        "vitesse\u{a0}: `warp`\u{202f}? choisissez lente, normale, rapide, max"
    );
}

/// `?` in the lab lists `x`, idle or running.
#[test]
fn help_lists_the_stop_key() {
    for running in [false, true] {
        let mut s = state(Lang::en(), Mode::SelfCheck);
        open_lab(&mut s, "q2");
        if running {
            assert!(starts(&press(&mut s, "s")));
        }
        press(&mut s, "?");
        assert!(s.help);
        let keys = mltutor::tui::view::keys(&s);
        assert!(
            keys.iter()
                .any(|(k, what)| k == "s x" && what == "start / stop"),
            "{keys:?}"
        );
    }
}

/// A run that blows up says why, on the status line and under its settings.
#[test]
fn a_run_that_blows_up_says_to_lower_the_learning_rate() {
    let mut s = state(Lang::en(), Mode::SelfCheck);
    open_lab(&mut s, "q2");
    assert!(starts(&press(&mut s, "s")));
    s.update(Msg::Lab(TrainEvent::Failed(TrainError::Diverged {
        first: 2.3,
        loss: 40.0,
        epoch: 1,
        lr: 0.05,
    })));
    assert!(!s.lab.running);
    let status = s.lab.status.clone().unwrap();
    assert!(
        status.starts_with("the loss exploded: lower the learning rate"),
        "{status}"
    );
    assert_eq!(s.lab.runs[0].error.as_deref(), Some(status.as_str()));
}

/// The lab of a model that reads token ids or a sequence: it says what the data is and
/// what tells the classes apart, names the noise after the data, and starts with AdamW
/// at 0.003 (SGD at 0.05 stays near chance on these runs: `InputFamily::usual_optimizer`).
#[test]
fn the_lab_of_a_sequence_model_speaks_of_its_data() {
    use mltutor::tui::lab::LabState;
    let lstm = mltutor::core::spec::parse_model(
        r#"(id: "lstm", input: [50], layers: [
            (name: "embedding", layer: Embedding(num_embeddings: 1000, embedding_dim: 32)),
            (name: "lstm", layer: LSTM(input_size: 32, hidden_size: 64, batch_first: true), to: "out"),
            (layer: Select(dim: 1, index: -1)),
            (name: "fc", layer: Linear(in: 64, out: 2), inline: true)])"#,
    )
    .unwrap();
    let gru = mltutor::core::spec::parse_model(
        r#"(id: "convgru", input: [8, 100], layers: [
            (name: "conv", layer: Conv1d(in: 8, out: 16, kernel: 3, padding: 1)),
            (layer: ReLU, inline: true),
            (layer: Transpose(dim0: 1, dim1: 2)),
            (name: "gru", layer: GRU(input_size: 16, hidden_size: 32, batch_first: true), to: "out"),
            (layer: Select(dim: 1, index: -1)),
            (name: "fc", layer: Linear(in: 32, out: 4), inline: true)])"#,
    )
    .unwrap();
    let lab_of = |model: &mltutor::core::spec::ModelSpec, lang: Lang| {
        let mut pack = mltutor::core::pack::builtin_pack("en");
        pack.models = vec![model.clone()];
        let mut lab = LabState {
            lang,
            ..LabState::default()
        };
        lab.prepare(None, &pack);
        lab
    };
    let noise = FIELDS.iter().position(|f| *f == Field::PixelNoise).unwrap();
    let at = |f: Field| FIELDS.iter().position(|g| *g == f).unwrap();

    let lab = lab_of(&lstm, Lang::en());
    assert_eq!(
        lab.data_lines(usize::MAX),
        vec!["data: 50 ids among 1,000", "classes: 2 token pairs"]
    );
    assert_eq!(lab.field_label(Field::PixelNoise), "token swaps");
    assert_eq!(lab.field_label(Field::LabelNoise), "label noise");
    assert_eq!(lab.texts[at(Field::Optimizer)], "adamw");
    assert_eq!(lab.texts[at(Field::Lr)], "0.003");
    // A wrong value is refused under the name the student sees.
    let mut bad = lab.clone();
    bad.texts[noise] = "7".into();
    let e = bad.parsed().unwrap_err();
    assert_eq!(
        e.render_for(Lang::en(), bad.family.as_ref()),
        "token swaps must be a number from 0 to 5"
    );
    bad.revalidate();
    assert_eq!(
        bad.error.as_deref(),
        Some("token swaps must be a number from 0 to 5")
    );

    let lab = lab_of(&gru, Lang::en());
    assert_eq!(
        lab.data_lines(usize::MAX),
        vec![
            "data: 8 channels, 100 steps",
            "classes: burst, step, spike, ramp"
        ]
    );
    assert_eq!(lab.field_label(Field::PixelNoise), "noise");
    // Where the names would wrap in a small pane, their number.
    assert_eq!(lab.data_lines(28)[1], "classes: 4 motifs");
    let fr = lab_of(&gru, Lang::fr());
    assert_eq!(
        fr.data_lines(usize::MAX),
        vec![
            "données\u{a0}: 8 canaux, 100 pas",
            "classes\u{a0}: salve, marche, pic, rampe"
        ]
    );
    assert_eq!(fr.texts[at(Field::Lr)], "0,003");
    let fr = lab_of(&lstm, Lang::fr());
    assert_eq!(fr.field_label(Field::PixelNoise), "substitutions");
    assert_eq!(
        fr.data_lines(usize::MAX)[0],
        "données\u{a0}: 50 ids parmi 1\u{202f}000"
    );

    // The exam's CNN: images, as before (no data line, pixel noise, SGD).
    let pack = mltutor::core::pack::builtin_pack("en");
    let mut lab = LabState::default();
    lab.prepare(None, &pack);
    assert!(lab.data_lines(usize::MAX).is_empty());
    assert_eq!(lab.field_label(Field::PixelNoise), "pixel noise");
    assert_eq!(lab.texts[at(Field::Optimizer)], "sgd");
}

/// `t` on the list opens the lab of the highlighted question's model (the course pack's
/// LSTM question trains the LSTM, not the pack's first model, LeNet).
#[test]
fn the_list_opens_the_lab_of_the_highlighted_question() {
    use mltutor::core::pack::BUDGET;
    use std::sync::Arc;
    let pack = mltutor::core::check::load_pack(
        std::path::Path::new("questions/course-models.en.ron"),
        BUDGET,
        &mltutor::engine::CandleRunner,
    )
    .unwrap();
    let i = pack
        .questions
        .iter()
        .position(|q| q.id == "lstm-params")
        .unwrap();
    let pack = Arc::new(pack);
    let facts = Arc::new(mltutor::engine::facts(&pack, BUDGET));
    let mut s = State::new(pack, facts, Lang::en(), Mode::SelfCheck);
    while s.list_cursor < i {
        s.update(key(KeyCode::Down));
    }
    press(&mut s, "t");
    assert_eq!(s.screen, Screen::Lab);
    let model = &s.lab.config.as_ref().expect("a lab config").model;
    assert_eq!(model.id, "lstm");
}
