//! Issue 16, hardening: every hostile input a user can have (files, arguments, packs, save
//! files) is refused or repaired with a message, without a panic, a hang or a memory
//! blow-up. Expected values come from the issue's measurements, not from the code.

use mltutor::core::check::load_pack;
use mltutor::core::grade::Answer;
use mltutor::core::pack::{escape_cost, parse_pack, terminal_safe, Problem};
use mltutor::core::progress::{
    acquire_lock, load, progress_path, save, Loaded, LockError, Mode, Progress, ProgressError,
    Repair, SavedQuestion,
};
use mltutor::engine::data::{load_local_within, DataError};
use mltutor::engine::train::Setting;
use mltutor::engine::CandleRunner;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BUDGET: u64 = 512 << 20;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hardening")
        .join(name)
}

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

fn pack_text(meta_id: &str, models: &str, questions: &str) -> String {
    format!(
        "(version: 1, meta: (id: \"{meta_id}\", title: \"T\", language: \"en\"), models: [{models}], questions: [{questions}])"
    )
}

// ---- 3. Packs ------------------------------------------------------------------------

#[test]
fn evidence_is_not_built_for_a_refused_model() {
    // Each panicked (101) or aborted (134) in check and answers before the fix.
    for f in [
        "evidence_huge_linear.ron",
        "evidence_kernel_zero.ron",
        "evidence_batchnorm_huge.ron",
        "evidence_huge_conv.ron",
    ] {
        let path = fixture(f);
        let path = path.to_str().unwrap();
        let (code, _, err) = mltutor(&["check", path]);
        assert_eq!(code, 1, "{f}: {err}");
        assert!(err.contains("model `m`"), "{f}: {err}");
        assert!(!err.contains("panicked"), "{f}: {err}");
        let (code, _, err) = mltutor(&["answers", "--pack", path]);
        assert_eq!(code, 2, "{f}: {err}");
    }
}

fn problems(text: &str) -> Vec<Problem> {
    let pack = parse_pack(text).unwrap();
    mltutor::core::check::validate(&pack, BUDGET, &CandleRunner)
        .into_iter()
        .map(|i| i.problem)
        .collect()
}

const CHOICE: &str = r#"(id: "q", statement: "S", kind: Choice(options: [(text: "a", correct: true), (text: "b")]))"#;

#[test]
fn a_pack_id_too_long_for_a_file_name_is_refused() {
    let long = "p".repeat(300);
    let found = problems(&pack_text(&long, "", CHOICE));
    assert!(
        found.contains(&Problem::PackIdTooLong { len: 300, max: 64 }),
        "{found:?}"
    );
    assert!(problems(&pack_text("ok-id", "", CHOICE)).is_empty());
}

#[test]
fn a_lab_without_any_model_is_refused() {
    let lab = r#"(id: "q", statement: "S", lab: Some(Train), kind: Choice(options: [(text: "a", correct: true), (text: "b")]))"#;
    let found = problems(&pack_text("p", "", lab));
    assert_eq!(found, vec![Problem::LabWithoutModel]);
    // The built-in exams (labs on questions without their own model) still pass.
    for text in [mltutor::core::pack::EXAM_EN, mltutor::core::pack::EXAM_FR] {
        assert!(problems(text).is_empty());
    }
}

#[test]
fn control_characters_from_a_pack_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("esc.ron");
    let hostile = "Title\\u{1b}]0;pwned\\u{7}\\u{1b}[2J and \\u{9b}31m";
    std::fs::write(
        &path,
        pack_text(
            "esc",
            "",
            &format!(
                r#"(id: "q", title: "{hostile}", statement: "{hostile}", kind: Choice(options: [(text: "{hostile}", correct: true), (text: "b")]))"#
            ),
        ),
    )
    .unwrap();
    let (code, out, err) = mltutor(&["answers", "--pack", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Title\\u{1b}]0;pwned"), "{out}");
    assert!(
        !out.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{out:?}"
    );
    assert_eq!(terminal_safe("a\tb\nc"), "a\tb\nc");
    assert_eq!(terminal_safe("a\u{1b}[1m"), "a\\u{1b}[1m");
}

#[test]
fn escapes_are_read_in_linear_time() {
    // 262,144 `\n` escapes took 7 s to check (ron 0.10.1 rescans the string's tail after
    // each escape); the pre-pass refuses them at once.
    let text = pack_text("x", "", "").replace(
        "title: \"T\"",
        &format!("title: \"{}\"", "\\n".repeat(262_144)),
    );
    let t = Instant::now();
    let err = parse_pack(&text).unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    assert!(format!("{err:?}").contains("CostlyEscapes"), "{err:?}");
    // The reproduction kept for ron's maintainers is refused the same way.
    let repro = std::fs::read_to_string(fixture("ron_quadratic_escapes.ron")).unwrap();
    assert!(escape_cost(&repro, u64::MAX).unwrap() > 1 << 26);
    // A normal text with escapes is read, and comments, raw strings and characters
    // do not confuse the count.
    let text = pack_text("x", "", CHOICE)
        .replace("title: \"T\"", "title: \"a\\nb \\\" c\" /* \" */ // \"\n");
    // `"a\nb \" c"`: escapes 8 and 4 bytes before the closing quote.
    assert_eq!(escape_cost(&text, u64::MAX), Ok(12));
    assert_eq!(escape_cost(r##"r#"\\\"#, '"', "\n""##, u64::MAX), Ok(2));
    assert!(parse_pack(mltutor::core::pack::EXAM_FR).is_ok());
}

#[test]
fn check_on_50000_questions_stays_under_5_s() {
    let mut qs = String::new();
    for i in 0..50_000 {
        let kind = match i % 4 {
            0 => r#"Computed(model: "exam_cnn", ask: ParameterCount())"#,
            1 => {
                r#"Computed(model: "exam_cnn", ask: InputShape, expected: Some(Shape("3x40x40")))"#
            }
            2 => r#"Choice(options: [(text: "a", correct: true), (text: "b")])"#,
            _ => r#"Order(steps: ["a", "b", "c"])"#,
        };
        qs.push_str(&format!(
            "(id: \"q{i}\", statement: \"S\", kind: {kind}),\n"
        ));
    }
    let text = format!(
        "(version: 1, meta: (id: \"big\", title: \"Big\", language: \"en\"), builtin_models: [\"exam_cnn\"], questions: [{qs}])"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ron");
    std::fs::write(&path, text).unwrap();
    let t = Instant::now();
    let pack = load_pack(&path, BUDGET, &CandleRunner).unwrap();
    // Measured: over 120 s before the fix (each InputShape comparison ran the model).
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(pack.questions.len(), 50_000);
}

// ---- 4. Progress ---------------------------------------------------------------------

fn saved(answer: Answer) -> SavedQuestion {
    SavedQuestion {
        answer: Some(answer),
        score: Some(1.0),
        ..Default::default()
    }
}

#[test]
fn a_save_file_that_does_not_fit_the_pack_is_repaired() {
    let pack = mltutor::core::pack::builtin_pack("en");
    let order_id = pack
        .questions
        .iter()
        .find(|q| matches!(q.kind, mltutor::core::pack::Kind::Order { .. }))
        .unwrap()
        .id
        .clone();
    let choice_id = pack
        .questions
        .iter()
        .find(|q| matches!(q.kind, mltutor::core::pack::Kind::Choice { .. }))
        .unwrap()
        .id
        .clone();
    let mut p = Progress {
        pack_id: pack.meta.id.clone(),
        last_question: Some("gone".into()),
        ..Default::default()
    };
    // The order answer that panicked the tutor each time question 2 opened.
    p.questions
        .insert(order_id.clone(), saved(Answer::Order(vec![0, 1, 99])));
    p.questions
        .insert(choice_id.clone(), saved(Answer::Choice(vec![1000])));
    p.questions
        .insert("no-such-question".into(), saved(Answer::Typed("1".into())));
    p.questions.insert(
        "q4a".into(),
        SavedQuestion {
            answer: Some(Answer::Typed("53300".into())),
            score: Some(f64::NAN),
            ..Default::default()
        },
    );
    let (fixed, repairs) = p.fit_to(&pack);
    assert!(repairs.contains(&Repair::AnswerDropped {
        id: order_id.clone()
    }));
    assert!(repairs.contains(&Repair::AnswerDropped {
        id: choice_id.clone()
    }));
    assert!(repairs.contains(&Repair::UnknownQuestion {
        id: "no-such-question".into()
    }));
    assert!(repairs.contains(&Repair::ScoreDropped { id: "q4a".into() }));
    assert_eq!(fixed.questions[&order_id].answer, None);
    assert_eq!(fixed.questions[&choice_id].answer, None);
    assert!(!fixed.questions.contains_key("no-such-question"));
    // What fits is kept.
    assert_eq!(
        fixed.questions["q4a"].answer,
        Some(Answer::Typed("53300".into()))
    );
    assert_eq!(fixed.last_question, None);
    // A file that fits is not touched.
    let (again, none) = fixed.fit_to(&pack);
    assert_eq!(again, fixed);
    assert!(none.is_empty(), "{none:?}");
    // The same through the loader the interface calls.
    let dir = tempfile::tempdir().unwrap();
    let path = progress_path(dir.path(), &pack.meta.id, Mode::SelfCheck);
    let mut on_disk = p.clone();
    // JSON has no NaN (serde writes null): a score out of range stands for it on disk.
    on_disk.questions.get_mut("q4a").unwrap().score = Some(2.5);
    std::fs::write(&path, serde_json::to_string(&on_disk).unwrap()).unwrap();
    let (loaded, on_load) = mltutor::core::progress::load_fitted(&path, &pack);
    assert!(matches!(loaded, Loaded::Resumed(q) if q.questions[&order_id].answer.is_none()));
    assert!(
        on_load.contains(&Repair::ScoreDropped { id: "q4a".into() }),
        "{on_load:?}"
    );
    for r in &repairs {
        assert!(!r.render(mltutor::core::i18n::Lang::fr()).is_empty());
    }
}

#[test]
fn two_corrupt_files_in_one_second_keep_two_backups() {
    let dir = tempfile::tempdir().unwrap();
    let path = progress_path(dir.path(), "p", Mode::SelfCheck);
    let mut backups = Vec::new();
    for text in ["{ first", "{ second", "{ third"] {
        std::fs::write(&path, text).unwrap();
        match load(&path) {
            Loaded::MovedAside(to, _) => backups.push(to),
            other => panic!("{other:?}"),
        }
    }
    let texts: Vec<String> = backups
        .iter()
        .map(|b| std::fs::read_to_string(b).unwrap())
        .collect();
    assert_eq!(texts, ["{ first", "{ second", "{ third"]);
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo");
}

/// Run `f` on a thread and fail if it takes longer than `secs` (a hang).
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("hung on a FIFO")
}

#[cfg(unix)]
#[test]
fn a_fifo_as_save_file_is_set_aside_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let path = progress_path(dir.path(), "p", Mode::SelfCheck);
    mkfifo(&path);
    let p2 = path.clone();
    match within(5, move || load(&p2)) {
        Loaded::MovedAside(to, ProgressError::NotAFile) => assert!(to != path && !path.exists()),
        other => panic!("{other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_as_pack_or_model_file_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pack.ron");
    mkfifo(&fifo);
    let f = fifo.clone();
    let e = within(5, move || load_pack(&f, BUDGET, &CandleRunner)).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
    let f = fifo.to_str().unwrap().to_string();
    let (code, _, err) = within(10, move || mltutor(&["inspect", "--pack", &f]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn long_pack_ids_give_bounded_file_names_that_save() {
    let dir = tempfile::tempdir().unwrap();
    let long = "é".repeat(150) + &"x".repeat(300);
    let path = progress_path(dir.path(), &long, Mode::Exam);
    let name = path.file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.len() <= 80, "{name}");
    let other = progress_path(dir.path(), &(long.clone() + "y"), Mode::Exam);
    assert_ne!(path, other, "two ids, two files");
    let p = Progress {
        pack_id: long,
        ..Default::default()
    };
    save(&path, &p).unwrap();
    assert!(matches!(load(&path), Loaded::Resumed(q) if q == p));
}

#[cfg(unix)]
#[test]
fn a_second_instance_is_told_and_stale_locks_are_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let lock = mltutor::core::progress::lock_path(dir.path(), "p", Mode::SelfCheck);
    // A running process holds the lock.
    let mut child = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::write(&lock, child.id().to_string()).unwrap();
    assert_eq!(
        acquire_lock(dir.path(), "p", Mode::SelfCheck).unwrap_err(),
        LockError::Locked { pid: child.id() }
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // Its process is gone (kill -9, a crash): the lock is stale and taken over.
    let guard = acquire_lock(dir.path(), "p", Mode::SelfCheck).unwrap();
    assert_eq!(
        std::fs::read_to_string(&lock).unwrap(),
        std::process::id().to_string()
    );
    // Another pack or mode is another lock.
    let other = acquire_lock(dir.path(), "p", Mode::Exam).unwrap();
    drop(guard);
    assert!(!lock.exists(), "the lock is removed on drop");
    drop(other);
}

// ---- 1. Files ------------------------------------------------------------------------

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A PNG that declares `w` x `h` grey pixels: a header and an empty end, a few bytes.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[]);
    chunk(b"IEND", &[]);
    out
}

#[test]
fn png_headers_are_checked_before_decoding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    std::fs::write(dir.path().join("a/big.png"), png_header(30_000, 30_000)).unwrap();
    std::fs::write(dir.path().join("b/big.png"), png_header(30_000, 30_000)).unwrap();
    // Against a small model: the shape is refused from the header.
    let e = load_local_within(dir.path(), &[1, 8, 8], BUDGET).unwrap_err();
    assert!(matches!(e, DataError::ShapeMismatch { .. }), "{e:?}");
    // Against a model that takes such images: the budget refuses 2 x 3.6 GB.
    let e = load_local_within(dir.path(), &[1, 30_000, 30_000], BUDGET).unwrap_err();
    assert!(matches!(e, DataError::OverBudget { .. }), "{e:?}");
}

#[cfg(unix)]
#[test]
fn links_to_one_big_png_count_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.png");
    std::fs::write(&real, png_header(4000, 4000)).unwrap();
    for class in ["a", "b"] {
        std::fs::create_dir_all(dir.path().join(class)).unwrap();
        for i in 0..50 {
            std::os::unix::fs::symlink(&real, dir.path().join(format!("{class}/{i}.png"))).unwrap();
        }
    }
    // 100 x 16 M values x 4 bytes = 6.4 GB.
    let e = load_local_within(dir.path(), &[1, 4000, 4000], BUDGET).unwrap_err();
    assert!(matches!(e, DataError::OverBudget { .. }), "{e:?}");
    // A link loop is an error, not a hang.
    std::os::unix::fs::symlink(dir.path().join("a/loop.png"), dir.path().join("a/loop.png"))
        .unwrap_or(());
    let e = load_local_within(dir.path(), &[1, 4000, 4000], BUDGET).unwrap_err();
    assert!(!matches!(e, DataError::ShapeMismatch { .. }), "{e:?}");
}

fn idx(dir: &Path, n: u32, h: u32, w: u32, body: usize) {
    let mut images = vec![0, 0, 8, 3];
    for v in [n, h, w] {
        images.extend(v.to_be_bytes());
    }
    images.extend(std::iter::repeat_n(7u8, body));
    let mut labels = vec![0, 0, 8, 1];
    labels.extend(n.to_be_bytes());
    labels.extend((0..n.min(1 << 20)).map(|i| (i % 2) as u8));
    std::fs::write(dir.join("train-images-idx3-ubyte"), images).unwrap();
    std::fs::write(dir.join("train-labels-idx1-ubyte"), labels).unwrap();
}

#[test]
fn idx_sizes_are_checked_against_the_file_and_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    // A header declaring 4 G pixels in a file of 100 bytes: refused before allocating.
    idx(dir.path(), 1000, 2000, 2000, 100);
    let e = load_local_within(dir.path(), &[1, 2000, 2000], BUDGET).unwrap_err();
    assert_eq!(e, DataError::ImagesShort);
    // A file as long as its header says (sparse) but over the budget once in f32.
    idx(dir.path(), 200, 1000, 1000, 0);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("train-images-idx3-ubyte"))
        .unwrap();
    f.set_len(16 + 200 * 1000 * 1000).unwrap();
    let e = load_local_within(dir.path(), &[1, 1000, 1000], BUDGET).unwrap_err();
    assert!(matches!(e, DataError::OverBudget { .. }), "{e:?}");
}

#[test]
fn a_set_too_small_to_split_is_refused() {
    for n in [0, 1] {
        let dir = tempfile::tempdir().unwrap();
        idx(dir.path(), n, 8, 8, 64 * n as usize);
        let e = load_local_within(dir.path(), &[1, 8, 8], BUDGET).unwrap_err();
        assert_eq!(e, DataError::TooFewSamples { count: n as usize });
    }
    let dir = tempfile::tempdir().unwrap();
    idx(dir.path(), 2, 8, 8, 128);
    assert_eq!(
        load_local_within(dir.path(), &[1, 8, 8], BUDGET)
            .unwrap()
            .len(),
        2
    );
}

#[cfg(unix)]
#[test]
fn fifos_as_data_files_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    idx(dir.path(), 4, 8, 8, 256);
    std::fs::remove_file(dir.path().join("train-images-idx3-ubyte")).unwrap();
    mkfifo(&dir.path().join("train-images-idx3-ubyte"));
    let d = dir.path().to_path_buf();
    let e = within(5, move || load_local_within(&d, &[1, 8, 8], BUDGET)).unwrap_err();
    assert!(matches!(e, DataError::NotAFile { .. }), "{e:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    mkfifo(&dir.path().join("a/x.png"));
    let d = dir.path().to_path_buf();
    let e = within(5, move || load_local_within(&d, &[1, 8, 8], BUDGET)).unwrap_err();
    assert!(matches!(e, DataError::NotAFile { .. }), "{e:?}");
}

// ---- 2. Arguments --------------------------------------------------------------------

#[test]
fn numeric_flags_are_validated_with_exit_2() {
    for args in [
        &["bench", "--samples", "1000000000"][..],
        &["bench", "--samples", "18446744073709551615"],
        &["bench", "--batch", "18446744073709551615"],
        &["bench", "--runs", "0"],
        &["train", "--pixel-noise", "nan"],
        &["train", "--label-noise", "nan"],
        &["train", "--imbalance", "nan"],
        &["train", "--duplication", "inf"],
        &["train", "--lr", "nan"],
        &["train", "--momentum", "-1"],
    ] {
        let (code, _, err) = mltutor(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_metrics_write_error_is_reported() {
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/small_cnn.ron");
    let (code, _, err) = mltutor(&[
        "train",
        "--pack",
        pack.to_str().unwrap(),
        "--epochs",
        "1",
        "--train-size",
        "32",
        "--val-size",
        "8",
        "--metrics",
        "/dev/full",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("/dev/full"), "{err}");
}

// ---- 5. Properties: the parsers never panic ---------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn answer_parsers_never_panic(s in "\\PC{0,40}") {
        let _ = mltutor::core::number::parse_number(&s);
        let _ = mltutor::core::number::parse_number_answer(&s);
        let _ = mltutor::core::shape::parse_shape(&s);
    }

    #[test]
    fn pack_parsing_never_panics(cut in 0usize..4000, junk in "[(){}\\[\\]\":,a-z0-9\\\\ ]{0,30}") {
        let text = mltutor::core::pack::EXAM_EN;
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mutated = format!("{}{junk}{}", &text[..at], &text[at..]);
        let _ = escape_cost(&mutated, u64::MAX);
        let _ = parse_pack(&mutated);
    }

    #[test]
    fn save_files_never_panic(
        order in proptest::collection::vec(0usize..50, 0..8),
        picks in proptest::collection::vec(0usize..50, 0..8),
        score in proptest::num::f64::ANY,
        junk in "\\PC{0,30}",
    ) {
        let pack = mltutor::core::pack::builtin_pack("en");
        let mut p = Progress { pack_id: junk.clone(), ..Default::default() };
        for q in &pack.questions {
            p.questions.insert(q.id.clone(), SavedQuestion {
                answer: Some(match q.id.len() % 3 {
                    0 => Answer::Order(order.clone()),
                    1 => Answer::Choice(picks.clone()),
                    _ => Answer::Open { text: junk.clone(), ticked: picks.clone() },
                }),
                score: Some(score),
                hints_shown: order.len() * 3,
                draft: junk.clone(),
            });
        }
        let (fixed, _) = p.fit_to(&pack);
        let (again, repairs) = fixed.fit_to(&pack);
        prop_assert!(repairs.is_empty());
        prop_assert_eq!(again, fixed);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.json");
        std::fs::write(&path, junk.as_bytes()).unwrap();
        let _ = load(&path);
    }
}

/// Every setting refuses what is not a finite number and takes its lower bound; counts
/// must be whole.
#[test]
fn every_setting_refuses_non_numbers() {
    use Setting::*;
    for s in [
        Epochs,
        Batch,
        LearningRate,
        Momentum,
        WeightDecay,
        TrainSize,
        ValSize,
        PixelNoise,
        LabelNoise,
        Imbalance,
        Duplication,
        BenchSamples,
        BenchRuns,
    ] {
        assert!(s.check(f64::NAN).is_err(), "{s:?}");
        assert!(s.check(f64::INFINITY).is_err(), "{s:?}");
        assert!(s.check(s.range().min).is_ok(), "{s:?}");
    }
    assert!(Epochs.check(2.5).is_err());
    assert!(LabelNoise.check(0.3).is_ok());
    // `bench --samples 1000000000` is refused (the bound is 1,048,576).
    assert!(BenchSamples.check(1e9).is_err());
}
