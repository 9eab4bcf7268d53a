//! The binary's commands, their output and exit codes.

use std::process::Command;

fn mltutor(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mltutor"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn inspect_exit_codes() {
    let (code, out, _) = mltutor(&["inspect"]);
    assert_eq!(code, 0);
    assert!(out.contains("Total parameters:     53,300"), "{out}");
    let (code, out, _) = mltutor(&["inspect", "--input", "3x32x32"]);
    assert_eq!(code, 1);
    assert!(out.contains("10x8x8 = 640"), "{out}");
    let (code, _, err) = mltutor(&["inspect", "--input", "3xx"]);
    assert_eq!(code, 2);
    assert!(err.contains("3x40x40"), "{err}");
    let (code, _, err) = mltutor(&["inspect", "--pack", "no/such/file.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    let (code, out, _) = mltutor(&["inspect", "--code", "--model", "perceptron"]);
    assert_eq!(code, 0);
    assert!(out.contains("self.fc = nn.Linear(22, 1)") && out.contains("Total parameters:     23"));
}

#[test]
fn check_and_answers() {
    let (code, out, _) = mltutor(&[
        "check",
        "questions/ml-test1.en.ron",
        "questions/ml-test1.fr.ron",
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = mltutor(&["check", "tests/packs/unknown_field.ron"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("tests/packs/unknown_field.ron:15:13:"),
        "{err}"
    );
    let (code, out, _) = mltutor(&["answers", "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "53,300 (computed with candle: conv1 280 + conv2 2,510 + fc1 50,000 + fc2 510)"
        ),
        "{out}"
    );
}

#[test]
fn train_writes_well_formed_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let metrics = dir.path().join("m.jsonl");
    let (code, out, err) = mltutor(&[
        "train",
        "--pack",
        "tests/models/small_cnn.ron",
        "--epochs",
        "2",
        "--train-size",
        "128",
        "--val-size",
        "32",
        "--batch",
        "32",
        "--metrics",
        metrics.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("epoch   2") && out.contains("done: 2 epochs"),
        "{out}"
    );
    let text = std::fs::read_to_string(&metrics).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["epoch"], i + 1);
        assert_eq!(l["step"], 4 * (i + 1)); // 128 samples / 32 per batch
        for k in ["train_loss", "val_loss", "val_accuracy", "samples_per_s"] {
            assert!(l[k].as_f64().is_some_and(f64::is_finite), "{k}: {l}");
        }
    }
}

#[test]
fn cuda_without_the_feature_says_what_to_do() {
    if mltutor::engine::CUDA_BUILT {
        return;
    }
    let (code, _, err) = mltutor(&["train", "--device", "cuda", "--epochs", "1"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("without the `cuda` feature") && err.contains("--device cpu"),
        "{err}"
    );
    let (code, _, err) = mltutor(&["bench", "--device", "cuda"]);
    assert_eq!(code, 1);
    assert!(err.contains("cuda"), "{err}");
}

#[test]
fn bench_prints_the_reference_result_line() {
    let (code, out, _) = mltutor(&[
        "bench",
        "--pack",
        "tests/models/small_cnn.ron",
        "--batch",
        "16",
        "--samples",
        "64",
        "--runs",
        "3",
    ]);
    assert_eq!(code, 0);
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("RESULT mode=train batch=16 optimizer=sgd threads="),
        "{last}"
    );
    assert!(last.contains(" samples_per_s=") && last.contains(" min=") && last.contains(" max="));
}

/// `--lang fr train` speaks French (it used to print English), numbers included.
#[test]
fn train_speaks_french() {
    let (code, out, err) = mltutor(&[
        "--lang",
        "fr",
        "train",
        "--pack",
        "tests/models/small_cnn.ron",
        "--epochs",
        "1",
        "--train-size",
        "64",
        "--val-size",
        "16",
        "--batch",
        "32",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("entraînement de small_cnn sur cpu\u{a0}: 64 échantillons d'entraînement et 16 de validation, 1 époque de 2 étapes"),
        "{out}"
    );
    assert!(out.contains("époque   1  perte d'entraînement "), "{out}");
    assert!(out.contains("terminé\u{a0}: 1 époque en "), "{out}");
    assert!(
        !out.contains("samples/s") && !out.contains("done:"),
        "{out}"
    );
    // A decimal comma in the losses: `perte d'entraînement 2,3026`.
    let loss = out
        .split("perte d'entraînement ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap();
    assert!(loss.contains(',') && !loss.contains('.'), "{loss}");
    // An error, in French too.
    let (code, _, err) = mltutor(&["--lang", "fr", "train", "--epochs", "0"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("erreur\u{a0}: --epochs doit être un nombre entier de 1 à 10\u{202f}000"),
        "{err}"
    );
}

/// A teacher who works in French reads `check`'s findings in French.
#[test]
fn check_speaks_french() {
    let (code, _, err) = mltutor(&[
        "--lang",
        "fr",
        "check",
        "tests/packs/wrong_expected_count.ron",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("question `count`\u{a0}: l'enseignant attend 53600, mais le modèle a 53300 paramètres (conv1 280 + conv2 2510 + fc1 50000 + fc2 510)"),
        "{err}"
    );
    let (code, _, err) = mltutor(&["--lang", "fr", "check", "tests/packs/unknown_field.ron"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("tests/packs/unknown_field.ron:15:13: champ inconnu `statment` (vouliez-vous dire `statement`\u{202f}?)\u{202f}; attendu l'un de\u{a0}: "),
        "{err}"
    );
    let (code, out, _) = mltutor(&["--lang", "fr", "check", "questions/ml-test1.fr.ron"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.trim(),
        "questions/ml-test1.fr.ron\u{a0}: ok — 9 questions, 2 modèles"
    );
    // English stays as it was.
    let (_, out, _) = mltutor(&["--lang", "en", "check", "questions/ml-test1.en.ron"]);
    assert_eq!(
        out.trim(),
        "questions/ml-test1.en.ron: ok — 9 questions, 2 models"
    );
}

/// Issue 11: `--pack FILE --model ID` reads packs and spec files alike.
#[test]
fn inspect_reads_packs_and_specs() {
    let (code, out, err) = mltutor(&["inspect", "--pack", "questions/ml-test1.en.ron"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Total parameters:     53,300"), "{out}");
    let (code, out, err) = mltutor(&[
        "inspect",
        "--pack",
        "questions/ml-test1.fr.ron",
        "--model",
        "perceptron",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("23"), "{out}");
    let (code, _, err) = mltutor(&[
        "inspect",
        "--pack",
        "questions/ml-test1.en.ron",
        "--model",
        "nope",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("exam_cnn, perceptron"), "{err}");
    let (code, out, err) = mltutor(&["inspect", "--pack", "assets/models/perceptron.ron"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Total parameters:     23"), "{out}");
    // Neither a pack nor a spec.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.ron");
    std::fs::write(&f, "(colour: \"red\")").unwrap();
    let (code, _, err) = mltutor(&["inspect", "--pack", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("neither a pack"), "{err}");
}

/// Issue 11: `train` and `bench` honour `--memory-budget`, and a pack's own limit.
#[test]
fn memory_limits_are_honoured_and_named() {
    // The exam CNN's first layer alone, at batch 64: 64 × 10 × 40 × 40 floats = 3.9 MiB.
    for cmd in ["train", "bench"] {
        let (code, _, err) = mltutor(
            &[cmd, "--memory-budget", "1", "--epochs", "1"][..if cmd == "train" { 5 } else { 3 }],
        );
        assert_eq!(code, 1, "{cmd}: {err}");
        assert!(err.contains("--memory-budget 1"), "{cmd}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.ron");
    let pack = std::fs::read_to_string("questions/ml-test1.en.ron")
        .unwrap()
        .replacen("version: 1,", "version: 1,\n    memory_budget_mib: 1,", 1);
    std::fs::write(&f, pack).unwrap();
    let (code, out, _) = mltutor(&["inspect", "--pack", f.to_str().unwrap(), "--batch", "64"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the pack's `memory_budget_mib: 1`"), "{out}");
    // --memory-budget overrides the pack's own limit.
    let (code, out, _) = mltutor(&[
        "inspect",
        "--pack",
        f.to_str().unwrap(),
        "--batch",
        "64",
        "--memory-budget",
        "512",
    ]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_shape_error_inside_a_block_is_placed_where_the_layer_is_written() {
    // By hand: the stem gives 6 channels, `layer1.conv1` (leaf 4) wants 8; it is written
    // in class BasicBlock, line 16 column 17 of the file (`in: 8` is there).
    let (code, _, err) = mltutor(&["--lang", "en", "check", "tests/packs/graph_mismatch.ron"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("tests/packs/graph_mismatch.ron:16:17:"),
        "{err}"
    );
    assert!(err.contains("layer1.conv1"), "{err}");
}

#[test]
fn import_refuses_an_input_the_class_cannot_take() {
    // conv_gru.py's first layer is nn.Conv1d(in_channels=8, ...): by hand, 4 channels cannot
    // feed it, 8 can.
    let file = "tests/fixtures/pytorch/conv_gru.py";
    let (code, out, err) = mltutor(&["--lang", "en", "import", file, "--input", "4x100"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("4x100") && err.contains("8 input channels"),
        "{err}"
    );
    let (code, out, _) = mltutor(&["--lang", "en", "import", file, "--input", "8x100"]);
    assert_eq!(code, 0);
    assert!(out.contains("input: [8, 100]"), "{out}");
}

#[test]
fn a_reader_that_closes_the_pipe_early_gets_no_panic() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mltutor"))
        .args(["--lang", "en", "inspect", "--code"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the pipe before the program writes (it is still starting), as `head` does once
    // it has read enough.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_notebook_cell_without_imports_reads_with_a_note_and_inspect_code_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cell.py");
    std::fs::write(
        &file,
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n\n    def forward(self, x):\n        return F.relu(self.fc(x))\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let (code, out, err) = mltutor(&["--lang", "en", "inspect", "--pytorch", f]);
    assert_eq!(code, 0, "{err}");
    // By hand: Linear(4, 2) has 4·2 + 2 = 10 parameters.
    assert!(out.contains("Total parameters:     10\n"), "{out}");
    assert!(
        err.contains("cell.py:1:1:") && err.contains("imports nothing from torch"),
        "{err}"
    );
    // The printed code carries its imports (so it runs in PyTorch as printed).
    let (code, out, _) = mltutor(&["inspect", "--code"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("import torch\nimport torch.nn as nn\n"),
        "{out}"
    );
}

#[test]
fn a_misspelt_tensor_inside_a_class_is_placed_in_the_class() {
    // The block's Add reads `identiy` (line 21 of the copy, column 17 by hand); before, the
    // error landed on a line of the model's own layers.
    let text = std::fs::read_to_string("tests/packs/graph_mismatch.ron")
        .unwrap()
        .replace("Conv2d(in: 3, out: 6,", "Conv2d(in: 3, out: 8,")
        .replace("BatchNorm2d(features: 6)", "BatchNorm2d(features: 8)")
        .replace(
            r#"from: ["out", "identity"]"#,
            r#"from: ["out", "identiy"]"#,
        );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.ron");
    std::fs::write(&file, &text).unwrap();
    let line = text.lines().position(|l| l.contains("identiy")).unwrap() + 1;
    assert_eq!(line, 21);
    let (code, _, err) = mltutor(&["--lang", "en", "check", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("p.ron:21:17:"), "{err}");
    assert!(err.contains("BasicBlock.forward"), "{err}");
}

/// `check` on a model spec file checks it as `inspect --pack` reads it: every error, then
/// the model run. resnet_mini by hand: stem 3·8·9 + 16 = 232, each block 2·(8·8·9) + 2·16 =
/// 1,184, fc 8·10 + 10 = 90: 232 + 2·1,184 + 90 = 2,690.
#[test]
fn check_reads_a_model_spec_file_as_a_spec() {
    let (code, out, _) = mltutor(&["check", "questions/models/resnet_mini.ron"]);
    assert_eq!(code, 0);
    assert!(out.contains("model spec") && out.contains("2,690"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.ron");
    std::fs::write(
        &spec,
        "(\n    id: \"m\",\n    input: [4],\n    layers: [\n        (name: \"a\", layer: Linear(in: 4, out: 2, baias: True)),\n    ],\n)\n",
    )
    .unwrap();
    let (code, _, err) = mltutor(&["check", spec.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    // Line 5: `        (name: "a", layer: Linear(in: 4, out: 2, ` is 8 + 41 characters.
    assert!(
        err.contains("spec.ron:5:50: unknown field `baias`"),
        "{err}"
    );
    assert!(err.contains("spec.ron:5:57: `True`"), "{err}");
    assert!(!err.contains("version"), "{err}");
}
