//! `mltutor import` and `inspect --pytorch` on PyTorch source, through the built binary.
//! Expected figures are PyTorch's, worked out by hand from each layer's formula.

use std::process::Command;

fn mltutor(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mltutor"))
        .args(args)
        .env("MLTUTOR_DATA_DIR", std::env::temp_dir())
        .output()
        .expect("run mltutor");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const LENET: &str = "tests/fixtures/pytorch/lenet.py";

#[test]
fn lenet_is_counted_as_pytorch_counts_it() {
    let (code, out, err) = mltutor(&[
        "--lang", "en", "inspect", "--pytorch", LENET, "--input", "1x28x28",
    ]);
    assert_eq!(code, 0, "{err}");
    // conv1 6·(1·25)+6 = 156, conv2 16·(6·25)+16 = 2,416, fc1 256·120+120 = 30,840,
    // fc2 120·84+84 = 10,164, fc3 84·10+10 = 850: 44,426 in all.
    for figure in ["156", "2,416", "30,840", "10,164", "850", "44,426"] {
        assert!(out.contains(figure), "{figure} missing:\n{out}");
    }
    // 28 → conv 5 → 24 → pool → 12 → conv 5 → 8 → pool → 4: 16·4·4 = 256 features.
    assert!(out.contains("1x16x4x4"), "{out}");
    assert!(out.contains("1x10"), "{out}");
    // The reshape read as a flatten is said, with its place in the file.
    assert!(err.contains("lenet.py:18:"), "{err}");
}

#[test]
fn import_prints_a_spec_that_a_pack_reads() {
    let (code, out, err) = mltutor(&["import", LENET, "--input", "1x28x28"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(name: \"conv1\", layer: Conv2d(in: 1, out: 6, kernel: 5)),"), "{out}");
    assert!(out.contains("Linear(in: 256, out: 120)"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("lenet.ron");
    std::fs::write(&spec, &out).unwrap();
    let (code, summary, err) = mltutor(&[
        "--lang",
        "en",
        "inspect",
        "--pack",
        spec.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(summary.contains("44,426"), "{summary}");
}

#[test]
fn what_is_not_followed_is_refused_with_its_place() {
    let (code, _, err) = mltutor(&[
        "--lang",
        "en",
        "inspect",
        "--pytorch",
        "tests/fixtures/pytorch/loop.py",
        "--input",
        "8",
    ]);
    assert_eq!(code, 1, "{err}");
    // Line 10 is `for _ in range(3):`, the `for` at column 9.
    assert!(err.contains("loop.py:10:9:"), "{err}");
    assert!(err.contains("for _ in range(3):"), "{err}");
    assert!(err.contains("        ^"), "{err}");
    let (code, _, err) = mltutor(&["import", LENET]);
    assert_eq!(code, 1);
    assert!(err.contains("--input"), "{err}");
    let (code, _, _) = mltutor(&["import", "tests/fixtures/pytorch/missing.py"]);
    assert_eq!(code, 2);
}

#[test]
fn a_small_resnet_with_basic_blocks_is_counted_as_pytorch_counts_it() {
    let (code, out, err) = mltutor(&[
        "--lang",
        "en",
        "inspect",
        "--pytorch",
        "tests/fixtures/pytorch/resnet_small.py",
        "--class",
        "SmallResNet",
        "--input",
        "3x32x32",
    ]);
    assert_eq!(code, 0, "{err}");
    // conv1 3·16·9 = 432, bn1 32; per block two 16·16·9 = 2,304 convolutions and two
    // BatchNorm2d(16) of 32: 4,672, twice; fc 16·10+10 = 170. 9,978 in all, as PyTorch's
    // sum of p.numel(); five BatchNorm2d(16) hold 5·(16+16+1) = 165 buffer values.
    assert!(out.contains("9,978"), "{out}");
    assert!(out.contains("165"), "{out}");
    assert!(out.contains("layer2.conv2"), "{out}");
    assert!(out.contains("1x10"), "{out}");
    // `self.relu` is called twice in a block: read as F.relu, and said.
    assert!(err.contains("relu"), "{err}");
}
