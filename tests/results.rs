//! The teacher's side of an exam: reports as evidence, `mltutor grade` and `mltutor
//! results`. Every figure is computed by hand in the comments.

use mltutor::core::grade::{Answer, Facts};
use mltutor::core::grading_file::{Grades, GradingError, LineError};
use mltutor::core::pack::{builtin_pack, parse_pack, Pack, BUDGET, EXAM_EN};
use mltutor::core::progress::Mode;
use mltutor::core::report::{
    md_escape, regrade, Attempt, ExamReport, QuestionAttempt, ReportError,
};
use mltutor::core::results::{csv_field, histogram, histogram_lines, Class, Column, Row};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// The built-in English exam and its facts, computed once for the whole test binary.
fn exam() -> &'static (Pack, Facts) {
    static EXAM: OnceLock<(Pack, Facts)> = OnceLock::new();
    EXAM.get_or_init(|| {
        let pack = builtin_pack("en");
        let facts = mltutor::engine::facts(&pack, BUDGET);
        (pack, facts)
    })
}

fn typed(s: &str) -> Answer {
    Answer::Typed(s.into())
}

fn q(id: &str, answers: Vec<Answer>) -> QuestionAttempt {
    QuestionAttempt {
        id: id.into(),
        answers,
        hints_used: 1,
        time_secs: 75,
    }
}

/// 2024-11-22T09:00:00Z and a 50-minute exam.
const START: u64 = 1_732_266_000;

fn attempt(student: &str, questions: Vec<QuestionAttempt>) -> Attempt {
    Attempt {
        student: student.into(),
        started: START,
        ended: START + 3000,
        mode: Mode::Exam,
        questions,
    }
}

fn report(student: &str, questions: Vec<QuestionAttempt>) -> ExamReport {
    let (pack, facts) = exam();
    ExamReport::new(pack, facts, &attempt(student, questions))
}

fn score(r: &ExamReport, id: &str) -> Option<f64> {
    r.questions.iter().find(|q| q.id == id).unwrap().score
}

#[test]
fn the_report_holds_the_evidence() {
    let r = report(
        "Ada",
        vec![
            q(
                "q1",
                vec![Answer::Open {
                    text: "inputs, targets".into(),
                    ticked: vec![0, 1],
                }],
            ),
            q("q4a", vec![typed("53600"), typed("53 300")]),
            // Steps 0 1 3 2 4: the longest ordered run 0 1 2 4 (or 0 1 3 4) has 4 of 5.
            q("q2", vec![Answer::Order(vec![0, 1, 3, 2, 4])]),
            // q8 needs 2 correct picks: options 0 and 1 are correct → 2 of 2.
            q("q8", vec![Answer::Choice(vec![0, 1])]),
        ],
    );
    assert_eq!(r.schema, 1);
    assert_eq!(
        (r.started.as_str(), r.ended.as_str()),
        ("2024-11-22T09:00:00Z", "2024-11-22T09:50:00Z")
    );
    assert_eq!(r.pack_hash, exam().0.source_hash);
    assert_eq!(r.pack_hash.len(), 64);
    assert_eq!(r.mltutor_version, env!("CARGO_PKG_VERSION"));
    // Open questions in exam mode wait for the teacher, ticks or not.
    assert_eq!(score(&r, "q1"), None);
    assert_eq!(score(&r, "q3"), None);
    assert_eq!(r.to_grade, 2);
    let q4a = r.questions.iter().find(|q| q.id == "q4a").unwrap();
    assert_eq!(q4a.answers.len(), 2, "every submitted answer is kept");
    assert_eq!(q4a.score, Some(1.0), "the last answer is graded");
    assert_eq!(
        q4a.how,
        "computed: 53,300 parameters counted from the model"
    );
    let q2 = r.questions.iter().find(|q| q.id == "q2").unwrap();
    // 0,1,3,4 in order: k = 4 of 5 steps → (4 − 1) / (5 − 1) (questions/README.md).
    assert_eq!(q2.score, Some(0.75));
    assert!(
        q2.answers[0].text.starts_with("Sample a batch"),
        "{}",
        q2.answers[0].text
    );
    assert_eq!(score(&r, "q8"), Some(1.0));
    // 1 (q4a) + 0.75 (q2) + 1 (q8) = 2.75 out of 9 questions.
    assert!((r.total - 2.75).abs() < 1e-9);
    assert_eq!(r.out_of, 9.0);
    // The JSON reads back as it was written.
    let json = serde_json::to_vec(&r).unwrap();
    assert_eq!(ExamReport::from_json(&json).unwrap(), r);
}

#[test]
fn how_a_choice_was_scored_counts_right_and_wrong() {
    // q8: options 0 and 4 picked; 0 is correct, 4 is not ("need: 2") → (1 − 1) / 2 = 0.
    let r = report("Ada", vec![q("q8", vec![Answer::Choice(vec![0, 4])])]);
    let q8 = r.questions.iter().find(|q| q.id == "q8").unwrap();
    assert_eq!(q8.score, Some(0.0));
    assert_eq!(q8.how, "1 of 2 correct options, 1 wrong");
}

#[test]
fn markdown_cannot_be_broken_by_a_title() {
    let (pack, facts) = exam();
    let mut pack = pack.clone();
    pack.meta.title = "Test | one\n# two".into();
    pack.questions[0].title = "a | b\nc".into();
    let r = ExamReport::new(
        &pack,
        facts,
        &attempt("Eve |\n| x", vec![q("q4a", vec![typed("1 | 2\n|3")])]),
    );
    let md = r.markdown();
    let unescaped = |l: &str| {
        let b = l.as_bytes();
        (0..b.len())
            .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
            .count()
    };
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    // The header, the rule and one row per question: 2 + 9 lines of 7 cell borders.
    assert_eq!(table.len(), 11, "{md}");
    for l in &table {
        assert_eq!(unescaped(l), 7, "{l}");
    }
    assert!(md.starts_with("# Test \\| one \\# two — report\n"), "{md}");
    assert!(md.contains("| a \\| b c |"), "{md}");
    assert!(md.contains("> 1 \\| 2\n> \\|3\n"), "{md}");
    assert_eq!(md_escape("x_1 *y* `z`"), "x\\_1 \\*y\\* \\`z\\`");
}

#[test]
fn reports_get_unique_names_and_are_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let r = report("Zoé O'Neil/../x", vec![]);
    let (j1, m1) = r.write(dir.path()).unwrap();
    assert_eq!(
        j1.file_name().unwrap().to_str().unwrap(),
        "enm-ml-test1.zoe-o-neil-x.20241122T095000Z.json"
    );
    assert_eq!(m1.extension().unwrap(), "md");
    let first = std::fs::read(&j1).unwrap();
    let mut other = r.clone();
    other.total = 0.5;
    let (j2, _) = other.write(dir.path()).unwrap();
    assert_eq!(
        j2.file_name().unwrap().to_str().unwrap(),
        "enm-ml-test1.zoe-o-neil-x.20241122T095000Z-2.json"
    );
    let (j3, _) = other.write(dir.path()).unwrap();
    assert!(j3.to_str().unwrap().ends_with("-3.json"));
    assert_eq!(
        std::fs::read(&j1).unwrap(),
        first,
        "the first report is untouched"
    );
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 6);
}

#[test]
fn untrusted_reports_are_refused_with_a_reason() {
    let r = report("Ada", vec![q("q4a", vec![typed("53300")])]);
    let mut v = serde_json::to_value(&r).unwrap();
    v["schema"] = 2.into();
    assert!(matches!(
        ExamReport::from_json(v.to_string().as_bytes()),
        Err(ReportError::Schema { .. })
    ));
    let mut v = serde_json::to_value(&r).unwrap();
    v["questions"][3]["score"] = 5.0.into();
    match ExamReport::from_json(v.to_string().as_bytes()) {
        Err(ReportError::Invalid { field, .. }) => assert_eq!(field, "questions[3].score"),
        other => panic!("{other:?}"),
    }
    let mut v = serde_json::to_value(&r).unwrap();
    v["ended"] = "yesterday".into();
    assert!(matches!(
        ExamReport::from_json(v.to_string().as_bytes()),
        Err(ReportError::Invalid { .. })
    ));
    assert!(matches!(
        ExamReport::from_json(b"{\"schema\": 1,"),
        Err(ReportError::Json { .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; 4 * 1024 * 1024 + 1]).unwrap();
    assert!(matches!(
        ExamReport::load(&big),
        Err(ReportError::TooLarge { .. })
    ));
}

#[test]
fn an_edited_score_is_graded_back() {
    let (pack, facts) = exam();
    // q6 asks for a range 10–100: "5" is wrong (0), "53300" right for q4a (1).
    let r = report(
        "Ada",
        vec![q("q4a", vec![typed("53300")]), q("q6", vec![typed("5")])],
    );
    assert_eq!(score(&r, "q6"), Some(0.0));
    let mut v = serde_json::to_value(&r).unwrap();
    // The student raises q6 to 1 and the total with it (1 → 2), consistently.
    let i6 = r.questions.iter().position(|q| q.id == "q6").unwrap();
    v["questions"][i6]["score"] = 1.0.into();
    v["total"] = 2.0.into();
    let edited = ExamReport::from_json(v.to_string().as_bytes()).unwrap();
    let g = regrade(&edited, pack, facts, &HashMap::new());
    assert!(g.hash_matches);
    assert!(!g.total_edited);
    assert_eq!(g.report.total, 1.0, "re-graded from the answers: q4a only");
    assert_eq!(g.edited.len(), 1);
    assert_eq!(
        (
            g.edited[0].id.as_str(),
            g.edited[0].stored,
            g.edited[0].regraded
        ),
        ("q6", Some(1.0), Some(0.0))
    );
    assert!(g.flagged());
    // The untouched report is not flagged.
    assert!(!regrade(&r, pack, facts, &HashMap::new()).flagged());
}

#[test]
fn a_report_from_another_pack_version_is_flagged() {
    let (pack, facts) = exam();
    let v2 = parse_pack(&format!("{EXAM_EN}\n// version 2: a typo fixed\n")).unwrap();
    assert_ne!(v2.source_hash, pack.source_hash);
    let r = ExamReport::new(
        &v2,
        facts,
        &attempt("Ada", vec![q("q4a", vec![typed("53300")])]),
    );
    let g = regrade(&r, pack, facts, &HashMap::new());
    assert!(!g.hash_matches);
    assert!(g.edited.is_empty());
    assert!(g.flagged());
}

#[test]
fn the_teachers_grades_fill_open_questions() {
    let (pack, facts) = exam();
    let grades = Grades::load(Path::new("tests/fixtures/grades_ok.ron")).unwrap();
    grades.validate(pack).unwrap();
    assert_eq!(
        grades.scores.iter().map(|s| s.line).collect::<Vec<_>>(),
        [3, 4]
    );
    let r = report(
        "Ada",
        vec![q(
            "q1",
            vec![Answer::Open {
                text: "x".into(),
                ticked: vec![],
            }],
        )],
    );
    let g = regrade(&r, pack, facts, &grades.for_student("Ada"));
    assert_eq!(score(&g.report, "q1"), Some(0.5));
    assert_eq!(score(&g.report, "q3"), Some(1.0));
    assert_eq!(g.report.to_grade, 0);
    assert!(!g.flagged(), "{:?}", g.edited);
}

#[test]
fn a_malformed_grading_file_is_refused_with_its_line() {
    let (pack, _) = exam();
    let g = Grades::load(Path::new("tests/fixtures/grades_out_of_range.csv")).unwrap();
    match g.validate(pack) {
        Err(GradingError::Line {
            line: 3,
            why: LineError::Range { score, .. },
        }) => assert_eq!(score, 1.5),
        other => panic!("{other:?}"),
    }
    let line = |text: &str| match Grades::from_csv(text).and_then(|g| g.validate(pack).map(|_| g)) {
        Err(GradingError::Line { line, why }) => (line, why),
        other => panic!("{text}: {other:?}"),
    };
    assert!(matches!(line("name,q,s\n").1, LineError::Header { .. }));
    assert_eq!(
        line("student,question,score\nAda,q1\n"),
        (2, LineError::Fields { found: 2 })
    );
    assert_eq!(line("student,question,score\nAda,q1,half\n").0, 2);
    assert_eq!(
        line("student,question,score\n\nAda,q1,1\nAda,q1,0\n"),
        (4, LineError::Duplicate { first: 3 })
    );
    assert_eq!(
        line("student,question,score\nAda,q4a,1\n"),
        (2, LineError::NotOpen { id: "q4a".into() })
    );
    assert_eq!(
        line("student,question,score\nAda,q99,1\n"),
        (2, LineError::UnknownQuestion { id: "q99".into() })
    );
    assert_eq!(line("student,question,score\n\"Ada,q1,1\n").0, 2);
    let ron = Grades::from_ron("[\n  (student: \"Ada\", question: \"q1\", score: 0.5),\n  (student: \"Bo\", question: \"q1\", score: 2.0),\n]");
    match ron.unwrap().validate(pack) {
        Err(GradingError::Line { line: 3, .. }) => {}
        other => panic!("{other:?}"),
    }
    let e =
        Grades::from_ron("[\n (student: \"Ada\", question: \"q1\" score: 0.5),\n]").unwrap_err();
    assert!(matches!(e, GradingError::Line { line: 2, .. }), "{e:?}");
}

/// A toy class: 4 students, 3 questions of 1 point.
///        q1  q2  q3  total
///   A     1   1   1    3
///   B     1   1   0    2
///   C     1   0   0    1
///   D     0   0   0    0
fn toy() -> Class {
    let col = |id: &str| Column {
        id: id.into(),
        number: id.into(),
        out_of: 1.0,
        computed: false,
    };
    let row = |s: &str, v: [f64; 3]| Row {
        student: s.into(),
        scores: v.iter().map(|x| Some(*x)).collect(),
        answers: vec![None; 3],
    };
    Class {
        columns: vec![col("q1"), col("q2"), col("q3")],
        rows: vec![
            row("A", [1.0, 1.0, 1.0]),
            row("B", [1.0, 1.0, 0.0]),
            row("C", [1.0, 0.0, 0.0]),
            row("D", [0.0, 0.0, 0.0]),
        ],
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 0.01)
}

#[test]
fn facility_and_discrimination_by_hand() {
    let s = toy().stats();
    // Facility: mean / max × 100: q1 3/4 = 75 %, q2 2/4 = 50 %, q3 1/4 = 25 %.
    assert!(close(s[0].facility, 75.0) && close(s[1].facility, 50.0) && close(s[2].facility, 25.0));
    // q1: x = 1 1 1 0, rest = total − x = 2 1 0 0; means 0.75 and 0.75.
    //   dx = .25 .25 .25 −.75, dy = 1.25 .25 −.75 −.75
    //   Σdxdy = .3125 + .0625 − .1875 + .5625 = .75; Σdx² = .75; Σdy² = 2.75
    //   r = .75 / √(.75 × 2.75) = .75 / 1.43614 = .52223 → 52.22
    assert!(close(s[0].discrimination, 52.22), "{:?}", s[0]);
    // q2: x = 1 1 0 0, rest = 2 1 1 0; means .5 and 1.
    //   dx = .5 .5 −.5 −.5, dy = 1 0 0 −1: Σdxdy = 1, Σdx² = 1, Σdy² = 2 → r = 1/√2 → 70.71
    assert!(close(s[1].discrimination, 70.71), "{:?}", s[1]);
    // q3: x = 1 0 0 0, rest = 2 2 1 0; means .25 and 1.25.
    //   dx = .75 −.25 −.25 −.25, dy = .75 .75 −.25 −1.25
    //   Σdxdy = .5625 − .1875 + .0625 + .3125 = .75; Σdx² = .75; Σdy² = 2.75 → 52.22
    assert!(close(s[2].discrimination, 52.22), "{:?}", s[2]);
    // A question everyone got right has no variance: no discrimination, shown as "—".
    let mut c = toy();
    for r in &mut c.rows {
        r.scores[2] = Some(1.0);
    }
    let s = c.stats();
    assert_eq!(s[2].discrimination, None);
    assert!(close(s[2].facility, 100.0));
    // An ungraded score leaves the student out of that question: q1 over A, B, C = 100 %.
    let mut c = toy();
    c.rows[3].scores[0] = None;
    assert_eq!(c.stats()[0].n, 3);
    assert!(close(c.stats()[0].facility, 100.0));
}

#[test]
fn histogram_buckets() {
    // 9 buckets of 1 point over [0, 9]: 0 and 0.5 in [0, 1); 1 in [1, 2); 2.5 in [2, 3);
    // 3 in [3, 4); 8.99 and 9 in the last, closed bucket [8, 9].
    let b = histogram(&[0.0, 0.5, 1.0, 2.5, 3.0, 9.0, 8.99], 9.0, 9);
    let counts: Vec<usize> = b.iter().map(|b| b.count).collect();
    assert_eq!(counts, [2, 1, 1, 1, 0, 0, 0, 0, 2]);
    assert_eq!((b[3].lo, b[3].hi), (3.0, 4.0));
    // The longest bar is 4 cells for 2 students; 1 student gets ⌈4 × 1 / 2⌉ = 2.
    let lines = histogram_lines(&b, 4, mltutor::core::i18n::Lang::en());
    assert_eq!(lines[0], "0–1 │ ████ 2");
    assert_eq!(lines[1], "1–2 │ ██ 1");
    assert_eq!(lines[4], "4–5 │ 0");
}

#[test]
fn gradebook_csv_is_quoted_and_neutralised() {
    assert_eq!(csv_field("Doe, Jane"), "\"Doe, Jane\"");
    assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_field("=1+1"), "'=1+1");
    assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(csv_field("-2"), "'-2");
    assert_eq!(csv_field("+33 6"), "'+33 6");
    assert_eq!(
        csv_field("=HYPERLINK(\"x\",\"y\")"),
        "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
    );
    assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    let mut c = toy();
    c.rows[0].student = "Doe, Jane".into();
    c.rows[1].student = "=cmd".into();
    c.rows[2].scores[1] = Some(0.5);
    c.rows[3].scores[2] = None;
    assert_eq!(
        c.gradebook_csv(),
        "student,total,q1,q2,q3\r\n\"Doe, Jane\",3,1,1,1\r\n'=cmd,2,1,1,0\r\nC,1.5,1,0.5,0\r\nD,0,0,0,\r\n"
    );
}

fn mltutor(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mltutor"))
        .args(args)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Four students on the built-in exam, only q4a and q6 answered (open questions to grade):
///          q4a          q6        total
///   Ada    53300   1    50   1      2
///   Bo     53 300  1    20   1      2
///   "Doe"  53600   0    5    0      0
///   =cmd   53600   0    50   1      1
fn class_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (s, a, b) in [
        ("Ada", "53300", "50"),
        ("Bo", "53 300", "20"),
        ("Doe, Jane", "53600", "5"),
        ("=cmd", "53,600", "50"),
    ] {
        report(s, vec![q("q4a", vec![typed(a)]), q("q6", vec![typed(b)])])
            .write(dir.path())
            .unwrap();
    }
    dir
}

#[test]
fn results_of_a_class() {
    let dir = class_dir();
    let csv = dir.path().join("out").join("gradebook.csv");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let (code, out, err) = mltutor(&[
        "results",
        dir.path().to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    // q4a: facility 2/4 = 50 %. x = 1 1 0 0, rest (q6) = 1 1 0 1; means .5 and .75:
    //   dx = .5 .5 −.5 −.5, dy = .25 .25 −.75 .25; Σdxdy = .125 + .125 + .375 − .125 = .5,
    //   Σdx² = 1, Σdy² = .75 → r = .5 / √.75 = .57735 → 57.7.
    // q6: facility 3/4 = 75 %; by symmetry (rest = q4a) also 57.7.
    // q1 and q3 are still to grade: no score, no statistics.
    let line = |n: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{n} ")))
            .unwrap_or_else(|| panic!("{out}"))
    };
    let cells = |n: &str| {
        line(n)
            .split_whitespace()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(cells("4a"), ["4a", "50.0%", "57.7", "4"]);
    assert_eq!(cells("6"), ["6", "75.0%", "57.7", "4"]);
    assert_eq!(cells("1"), ["1", "—", "—", "0"]);
    // Unanswered everywhere: 0 %, and no variance.
    assert_eq!(cells("5"), ["5", "0.0%", "—", "4"]);
    // Totals 2 2 0 1 out of 9: [0, 1) 1, [1, 2) 1, [2, 3) 2.
    assert!(out.contains("0–1 │ ████████████████████ 1"), "{out}");
    assert!(
        out.contains("2–3 │ ████████████████████████████████████████ 2"),
        "{out}"
    );
    // "53600" and "53,600" are the same wrong answer.
    assert!(out.contains("4a: `53600` × 2"), "{out}");
    // q6 is a numeric question, not a computed one: its wrong answers are not listed.
    assert!(!out.contains("6: `5`"), "{out}");
    let book = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        book.split("\r\n").next().unwrap(),
        "student,total,q1,q2,q3,q4a,q4b,q4c,q5,q6,q8"
    );
    assert!(
        book.contains("\r\n\"Doe, Jane\",0,,0,,0,0,0,0,0,0\r\n"),
        "{book}"
    );
    assert!(book.contains("\r\n'=cmd,1,,0,,0,0,0,0,1,0\r\n"), "{book}");
    // The gradebook is never overwritten.
    let (code, _, err) = mltutor(&[
        "results",
        dir.path().to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn grade_flags_edited_reports_and_other_pack_versions() {
    let dir = class_dir();
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let arg = |p: &Path| p.to_str().unwrap().to_string();
    let (code, out, err) = mltutor(&["grade", &arg(&files[0]), &arg(&files[1])]);
    assert_eq!(code, 0, "{out}\n{err}");
    // Raise the "Doe, Jane" report's q4a to 1, and change its pack hash.
    let doe = files.iter().find(|p| arg(p).contains("doe-jane")).unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(doe).unwrap()).unwrap();
    v["questions"][3]["score"] = 1.0.into();
    v["pack_hash"] = "0".repeat(64).into();
    std::fs::write(doe, v.to_string()).unwrap();
    let out_dir = dir.path().join("regraded");
    let (code, out, err) = mltutor(&["grade", &arg(doe), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("Doe, Jane — 0.00 / 9, 2 to grade"), "{out}");
    assert!(
        out.contains("question 4a: stored 1.00, re-graded 0.00 (edited?)"),
        "{out}"
    );
    assert!(
        out.contains("the stored total 0.00 is not the sum of the stored scores"),
        "{out}"
    );
    assert!(
        out.contains("another version of the pack (report 000000000000…"),
        "{out}"
    );
    let written: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
    assert_eq!(written.len(), 2);
    // A malformed grading file: the usage exit code and its line.
    let (code, _, err) = mltutor(&[
        "grade",
        &arg(doe),
        "--grades",
        "tests/fixtures/grades_out_of_range.csv",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 3: score 1.5 is not between 0 and 1"),
        "{err}"
    );
    // A file that is not a report.
    let (code, _, err) = mltutor(&["grade", "Cargo.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("Cargo.toml: not a report"), "{err}");
}

/// A report edited to say "self-check" cannot turn its own ticks into points: it is graded
/// as an exam (the open answer waits for the teacher) and flagged.
#[test]
fn a_report_edited_to_self_check_is_graded_as_an_exam_and_flagged() {
    let (pack, facts) = exam();
    let stored = report(
        "Eve",
        vec![q(
            "q1",
            vec![Answer::Open {
                text: "inputs, targets".into(),
                ticked: vec![0, 1, 2, 3, 4, 5],
            }],
        )],
    );
    let mut v = serde_json::to_value(&stored).unwrap();
    v["mode"] = serde_json::json!("self-check");
    let edited = ExamReport::from_json(v.to_string().as_bytes()).unwrap();
    assert_eq!(edited.mode, Mode::SelfCheck);
    let g = regrade(&edited, pack, facts, &HashMap::new());
    assert!(g.not_an_exam && g.flagged());
    assert_eq!(score(&g.report, "q1"), None, "to grade by the teacher");
    // The same report as written: not flagged.
    assert!(!regrade(&stored, pack, facts, &HashMap::new()).flagged());
}
