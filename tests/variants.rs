//! Variants (issue 15): a pack with variables gives each student a model of their own,
//! every answer computed from it; `check` samples variants; reports record theirs.
//! Expected values are worked out by hand in the comments.

use mltutor::core::check::{load_text_variant, sample_variants, sampled_variants};
use mltutor::core::grade::{grade, Answer, Facts};
use mltutor::core::pack::{Pack, BUDGET};
use mltutor::core::progress::{Mode, Progress};
use mltutor::core::report::{regrade, Attempt, ExamReport, QuestionAttempt};
use mltutor::core::variant::student_variant;
use mltutor::engine::CandleRunner;
use std::collections::HashMap;
use std::process::Command;

const SAMPLE: &str = include_str!("../questions/ml-cnn-variants.en.ron");
const WRONG: &str = include_str!("packs/variants_wrong_constraint.ron");

fn variant(text: &str, n: u64) -> (Pack, Facts) {
    let (pack, drawn, _) = load_text_variant(text, None, &CandleRunner, Some(n)).unwrap();
    assert_eq!(drawn.unwrap().number, n);
    let facts = mltutor::engine::facts(&pack, BUDGET);
    (pack, facts)
}

fn score(pack: &Pack, facts: &Facts, id: &str, answer: &str) -> f64 {
    grade(
        pack.question(id).unwrap(),
        &Answer::Typed(answer.into()),
        facts,
    )
    .score
}

#[test]
fn variant_7_of_the_sample_is_computed_as_by_hand() {
    // Variant 7 draws c1=8, c2=8, d=6, h=64, k=5, s=30 (printed by `answers --variant 7`).
    let (pack, facts) = variant(SAMPLE, 7);
    assert_eq!(pack.variant, Some(7));
    let values = mltutor::core::variant::draw(&pack.variables, &pack.constraints, 7).unwrap();
    assert_eq!(values.values_text(), "c1=8, c2=8, d=6, h=64, k=5, s=30");
    // conv1 8·3·5·5 + 8 = 608; conv2 8·8·3·3 + 8 = 584; fc1 64·(8·6·6) + 64 = 18,496;
    // fc2 10·64 + 10 = 650; total 20,338.
    assert_eq!(score(&pack, &facts, "v1", "20338"), 1.0);
    assert_eq!(score(&pack, &facts, "v2", "608"), 1.0);
    // 30 - 5 + 1 = 26; after the pool 13; conv2 keeps 13.
    assert_eq!(score(&pack, &facts, "v3", "8x26x26"), 1.0);
    assert_eq!(score(&pack, &facts, "v4", "8x13x13"), 1.0);
    assert_eq!(score(&pack, &facts, "v5", "3x30x30"), 1.0);
    // 3x28x28: 24 → 12 → 6 as well (any side from 4·6 + 4 = 28 to 31 fits).
    assert_eq!(score(&pack, &facts, "v5", "3x28x28"), 1.0);
    assert_eq!(score(&pack, &facts, "v5", "3x32x32"), 0.0);
    // The statement and correction are the variant's.
    assert!(pack
        .question("v2")
        .unwrap()
        .statement
        .contains("8 filters of size 5x5"));
    assert!(pack.question("v2").unwrap().correction.contains("= 608"));
    // The source hash is the file's, whatever the variant.
    assert_eq!(
        pack.source_hash,
        mltutor::core::pack::sha256_hex(SAMPLE.as_bytes())
    );
    assert_eq!(variant(SAMPLE, 3).0.source_hash, pack.source_hash);
}

#[test]
fn two_students_get_two_models_each_graded_on_their_own() {
    let a = student_variant("ml-cnn-variants", "Ada Lovelace");
    let b = student_variant("ml-cnn-variants", "Alan Turing");
    assert_ne!(a, b);
    let (pa, fa) = variant(SAMPLE, a);
    let (pb, fb) = variant(SAMPLE, b);
    assert_ne!(pa.model("cnn"), pb.model("cnn"), "variants {a} and {b}");
    // Each student's right count, from their own values by hand's formula.
    let count = |p: &Pack| {
        let v = mltutor::core::variant::draw(&p.variables, &p.constraints, p.variant.unwrap())
            .unwrap()
            .values;
        let (c1, c2, d, h, k) = (v["c1"], v["c2"], v["d"], v["h"], v["k"]);
        c1 * 3 * k * k + c1 + c2 * c1 * 9 + c2 + h * c2 * d * d + h + 10 * h + 10
    };
    let (ca, cb) = (count(&pa), count(&pb));
    assert_ne!(ca, cb);
    assert_eq!(score(&pa, &fa, "v1", &ca.to_string()), 1.0);
    assert_eq!(score(&pb, &fb, "v1", &cb.to_string()), 1.0);
    // One student's answer is wrong on the other's model.
    assert_eq!(score(&pa, &fa, "v1", &cb.to_string()), 0.0);
}

#[test]
fn check_catches_a_constraint_that_some_variants_break() {
    let numbers = sampled_variants();
    assert!(numbers.len() >= 50 && numbers.contains(&999_999));
    assert_eq!(
        sample_variants(SAMPLE, None, &CandleRunner, &numbers),
        Vec::new()
    );
    let bad = sample_variants(WRONG, None, &CandleRunner, &numbers);
    // Variant 0 draws c1=8, c2=8, d=8, h=50, k=5, s=32: 32 / 4 == 8 holds, but the side is
    // (32 - 5 + 1) / 2 / 2 = 7, so the view of 8·8·8 = 512 features gets 8·7·7 = 392.
    let first = &bad[0];
    assert_eq!(first.number, 0);
    assert_eq!(
        first.values.as_ref().unwrap().values_text(),
        "c1=8, c2=8, d=8, h=50, k=5, s=32"
    );
    let text = first
        .error
        .render_in("wrong.ron", mltutor::core::i18n::Lang::en());
    assert!(text.contains("512") && text.contains("392"), "{text}");
    // With k = 3 the constraint is right whenever s % 4 != 3 (s - 2 has the same quarter):
    // some variants pass, so not every sampled one is reported.
    assert!(bad.len() < numbers.len(), "{}", bad.len());
    // A pack without variables has nothing to sample.
    assert!(
        sample_variants(mltutor::core::pack::EXAM_EN, None, &CandleRunner, &numbers).is_empty()
    );
}

#[test]
fn reports_record_the_variant_and_grade_re_grades_with_it() {
    let (pack, facts) = variant(SAMPLE, 7);
    let attempt = Attempt {
        student: "Ada".into(),
        started: 1_732_266_000,
        ended: 1_732_269_000,
        mode: Mode::Exam,
        questions: vec![QuestionAttempt {
            id: "v1".into(),
            answers: vec![Answer::Typed("20338".into())],
            hints_used: 0,
            time_secs: 60,
        }],
    };
    let report = ExamReport::new(&pack, &facts, &attempt);
    assert_eq!(report.variant, Some(7));
    assert_eq!(report.questions[0].score, Some(1.0));
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"variant\":7"));
    assert!(report.markdown().contains("Variant: 7"));
    // Re-graded on its own variant: nothing edited. On another variant the count is wrong.
    let same = regrade(&report, &pack, &facts, &HashMap::new());
    assert!(same.edited.is_empty(), "{:?}", same.edited);
    let (other, other_facts) = variant(SAMPLE, 3);
    let wrong = regrade(&report, &other, &other_facts, &HashMap::new());
    assert_eq!(wrong.edited.len(), 1);
    // A schema-1 report written before variants (no field) still loads, without one.
    let old = json.replace(",\"variant\":7", "");
    assert!(!old.contains("\"variant\""));
    let back: ExamReport = serde_json::from_str(&old).unwrap();
    assert_eq!(back.variant, None);
    // A report of a pack without variables has no variant field at all.
    let exam = mltutor::core::pack::builtin_pack("en");
    let exam_facts = mltutor::engine::facts(&exam, BUDGET);
    let plain = ExamReport::new(&exam, &exam_facts, &attempt);
    assert!(!serde_json::to_string(&plain)
        .unwrap()
        .contains("\"variant\""));
}

#[test]
fn grade_command_uses_the_reports_variant() {
    let dir = tempfile::tempdir().unwrap();
    let (pack, facts) = variant(SAMPLE, 7);
    let attempt = Attempt {
        student: "Ada".into(),
        started: 1_732_266_000,
        ended: 1_732_269_000,
        mode: Mode::Exam,
        questions: vec![QuestionAttempt {
            id: "v2".into(),
            answers: vec![Answer::Typed("608".into())],
            hints_used: 0,
            time_secs: 60,
        }],
    };
    let report = ExamReport::new(&pack, &facts, &attempt);
    let (json, _) = report.write(dir.path()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mltutor"))
        .args([
            "grade",
            "--lang",
            "en",
            "--pack",
            "questions/ml-cnn-variants.en.ron",
        ])
        .arg(&json)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Graded on variant 7 (608 is right there), nothing flagged: exit 0.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1.00"), "{stdout}");
}

#[test]
fn the_command_line_prints_a_variants_key_and_refuses_a_bad_number() {
    let bin = env!("CARGO_BIN_EXE_mltutor");
    let out = Command::new(bin)
        .args([
            "answers",
            "--lang",
            "en",
            "--pack",
            "questions/ml-cnn-variants.en.ron",
        ])
        .args(["--variant", "7"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.starts_with("Variant 7 (c1=8, c2=8, d=6, h=64, k=5, s=30)"),
        "{stdout}"
    );
    assert!(stdout.contains("20,338"), "{stdout}");
    for bad in ["1000000", "-3", "seven"] {
        let out = Command::new(bin)
            .args(["answers", "--variant", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let out = Command::new(bin)
        .args([
            "check",
            "--lang",
            "en",
            "tests/packs/variants_wrong_constraint.ron",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("variant 0 (c1=8, c2=8, d=8, h=50, k=5, s=32)"),
        "{stderr}"
    );
    let out = Command::new(bin)
        .args(["check", "--lang", "en", "questions/ml-cnn-variants.en.ron"])
        .args(["questions/ml-cnn-variants.fr.ron"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_save_records_its_variant_and_old_saves_load_without_one() {
    let p = Progress {
        pack_id: "ml-cnn-variants".into(),
        variant: Some(7),
        ..Default::default()
    };
    let json = serde_json::to_string(&p).unwrap();
    let back: Progress = serde_json::from_str(&json).unwrap();
    assert_eq!(back.variant, Some(7));
    let old: Progress = serde_json::from_str(r#"{"pack_id":"x","mode":"self-check"}"#).unwrap();
    assert_eq!(old.variant, None);
}
