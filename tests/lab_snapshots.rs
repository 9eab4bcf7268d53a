//! The training lab on ratatui's TestBackend at 80x24 and 160x48, in English and French:
//! the legend (which curve is training, which validation) at both sizes, the speed
//! setting, a run's curves, and two runs side by side with their colours named.

mod common;
use common::*;
use crossterm::event::KeyCode;
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

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn snap(name: &str, s: &State) {
    let lang = s.lang.code();
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{lang}_{w}x{h}"), render(s, w, h));
    }
}

fn open_lab(s: &mut State, id: &str) {
    open(s, id);
    if s.editing {
        s.update(key(KeyCode::Esc));
    }
    press(s, "t");
    assert_eq!(s.screen, Screen::Lab);
}

/// A run as the worker reports it: a falling training loss, a validation loss that turns
/// up after epoch 3 (numbers made up for the picture, not measured).
fn feed_run(s: &mut State, label: &str, epochs: usize, offset: f64) {
    let steps = 4;
    s.update(Msg::Lab(TrainEvent::Started {
        label: label.into(),
        device: "cpu".into(),
        train_size: 120,
        val_size: 300,
        steps_per_epoch: steps,
        epochs,
    }));
    let mut step = 0;
    for epoch in 1..=epochs {
        for _ in 0..steps {
            step += 1;
            s.update(Msg::Lab(TrainEvent::Step {
                epoch,
                step,
                loss: (2.3 / (1.0 + step as f64 * 0.15) + offset) as f32,
                samples_per_s: 400.0,
                elapsed_s: step as f64 * 0.1,
            }));
        }
        let e = epoch as f64;
        s.update(Msg::Lab(TrainEvent::Epoch(EpochMetrics {
            epoch,
            step,
            train_loss: 2.3 / (1.0 + e * 0.6) + offset,
            val_loss: 1.2 + (e - 3.0).powi(2) * 0.08 + offset,
            val_accuracy: (0.2 + e * 0.1).min(0.8) - offset / 4.0,
            samples_per_s: 400.0,
            elapsed_s: step as f64 * 0.1,
        })));
    }
    s.update(Msg::Lab(TrainEvent::Finished(RunSummary {
        label: label.into(),
        epochs_done: epochs,
        best_epoch: 3,
        best_val_loss: 1.2 + offset,
        final_accuracy: 0.7 - offset / 4.0,
        elapsed_s: step as f64 * 0.1,
        samples_per_s: 400.0,
        stopped: false,
    })));
}

#[test]
fn lab_legend_at_every_size() {
    for lang in [Lang::en(), Lang::fr()] {
        // Idle: the legend is there before any curve.
        let mut s = state(lang, Mode::SelfCheck);
        open_lab(&mut s, "q2");
        snap("lab_q2_idle", &s);
        // One run: the question 5 lab after its run.
        let mut s = state(lang, Mode::SelfCheck);
        open_lab(&mut s, "q5");
        press(&mut s, "s");
        feed_run(&mut s, "run 1", 8, 0.0);
        snap("lab_q5_run", &s);
        // Two runs side by side: each run's colour named in the legend.
        let mut s = state(lang, Mode::SelfCheck);
        open_lab(&mut s, "q8");
        press(&mut s, "s");
        feed_run(&mut s, "clean", 6, 0.0);
        feed_run(&mut s, "flawed", 6, 0.4);
        snap("lab_q8_two_runs", &s);
    }
}

/// The legend's words are on screen at 80x24 (the chart's own legend hid there).
#[test]
fn the_legend_shows_at_80x24() {
    for (lang, train, val) in [
        (Lang::en(), "training loss", "validation loss"),
        (Lang::fr(), "perte d'entraînement", "perte de validation"),
    ] {
        let mut s = state(lang, Mode::SelfCheck);
        open_lab(&mut s, "q5");
        press(&mut s, "s");
        feed_run(&mut s, "run 1", 8, 0.0);
        for (w, h) in [(80, 24), (100, 32), (160, 48)] {
            let screen = render(&s, w, h);
            assert!(
                screen.contains(train) && screen.contains(val),
                "{w}x{h}:\n{screen}"
            );
        }
    }
}
