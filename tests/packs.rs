//! `check` on broken packs (one defect each), and the built-in packs.

use mltutor::core::check::load_pack;
use mltutor::core::grade::computed_answer;
use mltutor::core::pack::{parse_pack, PackError, BUDGET, EXAM_EN, EXAM_FR};
use std::path::Path;

fn check(name: &str) -> Result<(), PackError> {
    load_pack(
        &Path::new("tests/packs").join(name),
        BUDGET,
        &mltutor::engine::CandleRunner,
    )
    .map(|_| ())
}

fn syntax_at(name: &str) -> (usize, usize, String) {
    match check(name) {
        Err(PackError::Syntax {
            line, col, message, ..
        }) => (line, col, message.to_string()),
        other => panic!("{name}: expected a syntax error, got {other:?}"),
    }
}

fn issues(name: &str) -> Vec<(Option<String>, String)> {
    match check(name) {
        Err(PackError::Invalid(v)) => v
            .into_iter()
            .map(|i| (i.question, i.problem.to_string()))
            .collect(),
        other => panic!("{name}: expected validation issues, got {other:?}"),
    }
}

#[test]
fn control_pack_is_clean() {
    check("ok.ron").unwrap();
}

#[test]
fn syntax_errors_have_line_and_column() {
    // `title: "A broken pack"` ends at column 48 of line 4; the comma is missing before `language`.
    let (line, col, msg) = syntax_at("missing_comma.ron");
    assert_eq!((line, col), (4, 49), "{msg}");
    assert!(msg.to_lowercase().contains("comma"), "{msg}");
    // `statment` starts at column 13 of line 15.
    let (line, col, msg) = syntax_at("unknown_field.ron");
    assert_eq!((line, col), (15, 13));
    assert!(msg.contains("did you mean `statement`"), "{msg}");
    // `Choise` starts at column 19 of line 16.
    let (line, col, msg) = syntax_at("unknown_variant.ron");
    assert_eq!((line, col), (16, 19));
    assert!(msg.contains("did you mean `Choice`"), "{msg}");
}

#[test]
fn semantic_errors_name_the_question() {
    let one = |name: &str, q: &str, needle: &str| {
        let v = issues(name);
        assert!(
            v.iter()
                .any(|(qq, m)| qq.as_deref() == Some(q) && m.contains(needle)),
            "{name}: no issue on `{q}` mentioning `{needle}`: {v:?}"
        );
    };
    one("duplicate_id.ron", "count", "used by another question");
    one("unknown_model.ron", "count", "unknown model `cnn`");
    one("choice_no_correct.ron", "pick", "no correct option");
    one("order_one_step.ron", "pick", "at least two steps");
    // The exam correction's 53,600 against the computed 53,300.
    one(
        "wrong_expected_count.ron",
        "count",
        "expects 53600, but the model has 53300",
    );
    one("model_does_not_run.ron", "count", "does not run");
    one("over_budget.ron", "count", "does not run");
    let v = issues("model_does_not_run.ron");
    assert!(
        v.iter()
            .any(|(q, m)| q.is_none() && m.contains("10x8x8 = 640")),
        "{v:?}"
    );
    let v = issues("over_budget.ron");
    assert!(
        v.iter()
            .any(|(_, m)| m.contains("Refused before allocating")),
        "{v:?}"
    );
    let v = issues("unknown_version.ron");
    assert!(v[0].1.contains("unsupported pack version 2"), "{v:?}");
}

#[test]
fn builtin_packs_pass_check() {
    for p in ["questions/ml-test1.en.ron", "questions/ml-test1.fr.ron"] {
        load_pack(Path::new(p), BUDGET, &mltutor::engine::CandleRunner)
            .unwrap_or_else(|e| panic!("{}", e.render(p)));
    }
}

#[test]
fn french_and_english_packs_agree() {
    let en = parse_pack(EXAM_EN).unwrap();
    let fr = parse_pack(EXAM_FR).unwrap();
    let ids = |p: &mltutor::core::pack::Pack| {
        p.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&en), ids(&fr));
    // The exam's numbering: 1 to 8 without 7, with 4a, 4b and 4c.
    let numbers: Vec<&str> = en.questions.iter().map(|q| q.number.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3", "4a", "4b", "4c", "5", "6", "8"]);
    let (fe, ff) = (
        mltutor::engine::facts(&en, BUDGET),
        mltutor::engine::facts(&fr, BUDGET),
    );
    for (a, b) in en.questions.iter().zip(&fr.questions) {
        assert_eq!(
            std::mem::discriminant(&a.kind),
            std::mem::discriminant(&b.kind),
            "{}",
            a.id
        );
        if let (
            mltutor::core::pack::Kind::Computed {
                model: ma, ask: aa, ..
            },
            mltutor::core::pack::Kind::Computed {
                model: mb, ask: ab, ..
            },
        ) = (&a.kind, &b.kind)
        {
            let (sa, xa) = &fe.models[ma];
            let (sb, xb) = &ff.models[mb];
            assert_eq!(
                computed_answer(sa, xa, aa),
                computed_answer(sb, xb, ab),
                "{}",
                a.id
            );
        }
    }
}

#[test]
fn check_never_writes_to_the_pack() {
    let p = Path::new("tests/packs/wrong_expected_count.ron");
    let before = std::fs::read(p).unwrap();
    let _ = load_pack(p, BUDGET, &mltutor::engine::CandleRunner);
    assert_eq!(std::fs::read(p).unwrap(), before);
}

/// Each issue is data: the same issue reads in English or in French.
#[test]
fn issues_render_in_each_language() {
    use mltutor::core::i18n::Lang;
    use mltutor::core::pack::Problem;
    let Err(PackError::Invalid(v)) = check("choice_no_correct.ron") else {
        panic!("expected validation issues");
    };
    let issue = v
        .iter()
        .find(|i| i.problem == Problem::NoCorrectOption)
        .unwrap_or_else(|| panic!("{v:?}"));
    assert_eq!(
        issue.render(Lang::en()),
        "question `pick`: a choice with no correct option"
    );
    assert_eq!(
        issue.render(Lang::fr()),
        "question `pick`\u{a0}: un choix sans option correcte"
    );
    assert_eq!(issue.to_string(), issue.render(Lang::en()));
}
