//! The training lab of models that read sequences and token ids, on ratatui's TestBackend
//! at 80x24 and 160x48, in English and French: what the data is, what tells the classes
//! apart, the noise named after the data, and a finished run still on screen at 80x24.

mod common;
use common::*;
use mltutor::core::i18n::Lang;
use mltutor::core::progress::Mode;
use mltutor::engine::train::{EpochMetrics, RunSummary, TrainEvent};
use mltutor::tui::app::{Msg, Screen, State};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn render(s: &State, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| mltutor::tui::view::draw(f, s)).unwrap();
    t.backend().to_string()
}

const LSTM: &str = r#"(id: "lstm", input: [50], layers: [
    (name: "embedding", layer: Embedding(num_embeddings: 1000, embedding_dim: 32)),
    (name: "lstm", layer: LSTM(input_size: 32, hidden_size: 64, batch_first: true), to: "out"),
    (layer: Select(dim: 1, index: -1)),
    (name: "fc", layer: Linear(in: 64, out: 2), inline: true)])"#;

const CONV_GRU: &str = r#"(id: "convgru", input: [8, 100], layers: [
    (name: "conv", layer: Conv1d(in: 8, out: 16, kernel: 3, padding: 1)),
    (layer: ReLU, inline: true),
    (layer: Transpose(dim0: 1, dim1: 2)),
    (name: "gru", layer: GRU(input_size: 16, hidden_size: 32, batch_first: true), to: "out"),
    (layer: Select(dim: 1, index: -1)),
    (name: "fc", layer: Linear(in: 32, out: 4), inline: true)])"#;

/// The lab opened from the menu of a pack whose only model is `ron`.
fn lab_of(ron: &str, lang: Lang) -> State {
    let mut s = state(lang, Mode::SelfCheck);
    let mut pack = mltutor::core::pack::builtin_pack("en");
    pack.models = vec![mltutor::core::spec::parse_model(ron).unwrap()];
    s.lab.lang = lang;
    s.lab.prepare(None, &pack);
    s.screen = Screen::Lab;
    s
}

/// A finished run as the worker reports it (numbers made up for the picture).
fn feed_run(s: &mut State) {
    press(s, "s");
    s.update(Msg::Lab(TrainEvent::Started {
        label: "run 1".into(),
        device: "cpu".into(),
        train_size: 1500,
        val_size: 300,
        steps_per_epoch: 2,
        epochs: 5,
    }));
    let mut step = 0;
    for epoch in 1..=5 {
        for _ in 0..2 {
            step += 1;
            s.update(Msg::Lab(TrainEvent::Step {
                epoch,
                step,
                loss: 0.7 / step as f32,
                samples_per_s: 500.0,
                elapsed_s: step as f64,
            }));
        }
        s.update(Msg::Lab(TrainEvent::Epoch(EpochMetrics {
            epoch,
            step,
            train_loss: 0.7 / epoch as f64,
            val_loss: 0.7 / epoch as f64,
            val_accuracy: 0.5 + 0.09 * epoch as f64,
            samples_per_s: 500.0,
            elapsed_s: step as f64,
        })));
    }
    s.update(Msg::Lab(TrainEvent::Finished(RunSummary {
        label: "run 1".into(),
        epochs_done: 5,
        best_epoch: 5,
        best_val_loss: 0.14,
        final_accuracy: 0.95,
        elapsed_s: 15.2,
        samples_per_s: 500.0,
        stopped: false,
    })));
}

#[test]
fn the_lab_of_sequence_models_at_every_size() {
    for lang in [Lang::en(), Lang::fr()] {
        let code = lang.code();
        for (name, ron) in [("lstm", LSTM), ("convgru", CONV_GRU)] {
            let mut s = lab_of(ron, lang);
            for (w, h) in [(80, 24), (160, 48)] {
                insta::assert_snapshot!(
                    format!("lab_{name}_idle_{code}_{w}x{h}"),
                    render(&s, w, h)
                );
            }
            feed_run(&mut s);
            insta::assert_snapshot!(format!("lab_{name}_run_{code}_80x24"), render(&s, 80, 24));
        }
    }
}

/// At 80x24 the data lines, every setting and the finished run's result all show.
#[test]
fn the_data_and_the_run_fit_at_80x24() {
    for (lang, data, noise, result) in [
        (
            Lang::en(),
            "data: 50 ids among 1,000",
            "token swaps",
            "95.0%",
        ),
        (
            Lang::fr(),
            "données\u{a0}: 50 ids parmi 1\u{202f}000",
            "substitutions",
            "95,0\u{a0}%",
        ),
    ] {
        let mut s = lab_of(LSTM, lang);
        feed_run(&mut s);
        let screen = render(&s, 80, 24);
        for want in [data, noise, result] {
            assert!(screen.contains(want), "{want}:\n{screen}");
        }
    }
}
