//! Training runs on the generated data set.

use mltutor::core::spec::parse_model;
use mltutor::engine::data::DataConfig;
use mltutor::engine::train::{run, SettingsError, TrainConfig, TrainError, TrainEvent};
use mltutor::engine::{open_device, DeviceChoice, OptimizerKind};
use std::sync::atomic::{AtomicBool, Ordering};

fn small_config() -> TrainConfig {
    let spec = parse_model(include_str!("models/small_cnn.ron")).unwrap();
    TrainConfig {
        epochs: 6,
        batch: 32,
        lr: 0.05,
        data: DataConfig {
            train_size: 600,
            val_size: 200,
            pixel_noise: 0.1,
            ..Default::default()
        },
        ..TrainConfig::new(spec)
    }
}

#[test]
fn a_seeded_run_learns_well_above_chance() {
    for optimizer in [OptimizerKind::Sgd, OptimizerKind::AdamW] {
        let mut cfg = small_config();
        cfg.optimizer = optimizer;
        if optimizer == OptimizerKind::AdamW {
            cfg.lr = 3e-3;
        }
        let mut epochs = Vec::new();
        let stop = AtomicBool::new(false);
        let summary = run(&cfg, &stop, &mut |e| {
            if let TrainEvent::Epoch(m) = e {
                epochs.push(m)
            }
        })
        .unwrap();
        assert_eq!(epochs.len(), 6);
        let (first, last) = (&epochs[0], epochs.last().unwrap());
        // Ten classes: chance is 10% accuracy and a loss of ln 10 ≈ 2.30.
        assert!(
            last.train_loss < 0.7 * first.train_loss,
            "{optimizer}: {epochs:?}"
        );
        assert!(
            last.val_accuracy > 0.5,
            "{optimizer}: accuracy {} — {epochs:?}",
            last.val_accuracy
        );
        assert_eq!(summary.epochs_done, 6);
        assert!(!summary.stopped);
    }
}

#[test]
fn a_stop_takes_effect_within_a_step() {
    let mut cfg = small_config();
    cfg.epochs = 50;
    let stop = AtomicBool::new(false);
    let mut steps = 0;
    let summary = run(&cfg, &stop, &mut |e| {
        if let TrainEvent::Step { .. } = e {
            steps += 1;
            if steps == 3 {
                stop.store(true, Ordering::Relaxed);
            }
        }
    })
    .unwrap();
    assert_eq!(steps, 3);
    assert!(summary.stopped);
    assert_eq!(summary.epochs_done, 0);
}

#[test]
fn a_stop_from_another_thread_through_the_handle() {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut cfg = small_config();
    cfg.epochs = 50;
    let handle = mltutor::engine::train::spawn(cfg, tx, |e| e);
    let mut steps_after_stop = 0;
    let mut stopped = false;
    for ev in rx.iter() {
        match ev {
            TrainEvent::Step { .. } if !stopped => {
                handle.stop();
                stopped = true;
            }
            TrainEvent::Step { .. } => steps_after_stop += 1,
            TrainEvent::Finished(s) => {
                assert!(s.stopped);
                break;
            }
            TrainEvent::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
    // The flag is read before each step: at most the step already under way completes.
    assert!(steps_after_stop <= 1, "{steps_after_stop}");
    handle.join();
}

#[test]
fn cuda_without_the_feature_is_a_clear_error() {
    if mltutor::engine::CUDA_BUILT {
        return;
    }
    let e = open_device(DeviceChoice::Cuda).unwrap_err().to_string();
    assert!(
        e.contains("without the `cuda` feature") && e.contains("--device cpu"),
        "{e}"
    );
    let mut cfg = small_config();
    cfg.device = DeviceChoice::Cuda;
    let err = run(&cfg, &AtomicBool::new(false), &mut |_| {}).unwrap_err();
    assert!(matches!(err, TrainError::Device(_)), "{err:?}");
    assert!(err.to_string().contains("cuda"), "{err}");
}

#[test]
fn bad_settings_are_refused_with_a_reason() {
    let mut cfg = small_config();
    cfg.batch = 0;
    let err = run(&cfg, &AtomicBool::new(false), &mut |_| {}).unwrap_err();
    assert_eq!(err, TrainError::Settings(SettingsError::Batch));
    assert!(err.to_string().contains("batch"), "{err}");
    let mut cfg = small_config();
    cfg.lr = f64::NAN;
    let err = run(&cfg, &AtomicBool::new(false), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("learning rate"), "{err}");
    // The same error, for a French student.
    let fr = err.render(mltutor::core::i18n::Lang::fr());
    assert!(fr.contains("taux d'apprentissage"), "{fr}");
    // The perceptron has one output: not a classifier the lab can train.
    let p = mltutor::core::spec::builtin_models()
        .into_iter()
        .find(|m| m.id == "perceptron")
        .unwrap();
    let err = run(&TrainConfig::new(p), &AtomicBool::new(false), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("at least 2 outputs"), "{err}");
}

#[test]
fn the_lab_presets_show_what_they_teach() {
    // Validation lab: a tiny set trained long enough overfits — the best validation loss
    // comes before the last epoch.
    let mut cfg = small_config();
    cfg.data.train_size = 40;
    cfg.data.pixel_noise = 0.8;
    cfg.epochs = 30;
    cfg.batch = 8;
    let s = run(&cfg, &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert!(s.best_epoch < 30, "{s:?}");
}
