//! Moodle in and out: GIFT and Moodle XML files as Moodle's documentation shows them import
//! with nothing lost, round trip (import → export → import gives the same questions), and
//! the built-in exam exports with its computed values frozen per variant. Expected values
//! are written by hand from the fixtures and from the exam.

use mltutor::core::grade::Facts;
use mltutor::core::i18n::Lang;
use mltutor::core::moodle::convert::{
    bank_to_pack, pack_to_bank, pack_to_ron, ExportOptions, Loss,
};
use mltutor::core::moodle::{gift, xml, Accept, Body};
use mltutor::core::pack::{Kind, NumericTarget, Pack, Question};
use std::process::Command;
use std::sync::Arc;

const GIFT: &str = include_str!("fixtures/moodle/all-types.gift");
const XML: &str = include_str!("fixtures/moodle/export.xml");

fn facts(pack: &Pack) -> Facts {
    Facts::compute(
        pack,
        mltutor::core::pack::BUDGET,
        Arc::new(mltutor::engine::CandleRunner),
    )
}

fn q<'a>(pack: &'a Pack, title: &str) -> &'a Question {
    pack.questions
        .iter()
        .find(|q| q.title == title)
        .unwrap_or_else(|| panic!("no question {title}"))
}

/// Export a pack to a format and import it back.
fn round_trip(pack: &Pack, as_xml: bool) -> Pack {
    let (bank, _) = pack_to_bank(pack, &facts(pack), &ExportOptions::default());
    let bank = if as_xml {
        xml::parse(&xml::write(&bank)).unwrap()
    } else {
        gift::parse(&gift::write(&bank)).unwrap()
    };
    assert!(bank.skipped.is_empty());
    bank_to_pack(&bank, &pack.meta.id, &pack.meta.title, Lang::en()).0
}

// Moodle's documented example asks for pi to three places: its figures are the point.
#[allow(clippy::approx_constant)]
#[test]
fn every_gift_type_imports_with_nothing_lost() {
    let bank = gift::parse(GIFT).unwrap();
    let (pack, notes) = bank_to_pack(&bank, "all-types", "All types", Lang::en());
    // Nothing lost; the one note asks for the essay's reference answer.
    let what: Vec<(&str, &Loss)> = notes
        .iter()
        .map(|n| (n.question.as_str(), &n.what))
        .collect();
    assert_eq!(what, [("essay", &Loss::NoReference)]);
    assert_eq!(pack.questions.len(), 12);

    let Kind::Choice {
        multiple, options, ..
    } = &q(&pack, "Grant's tomb").kind
    else {
        panic!()
    };
    assert!(!multiple);
    assert_eq!(options.len(), 5);
    let right: Vec<&str> = options
        .iter()
        .filter(|o| o.correct)
        .map(|o| o.text.as_str())
        .collect();
    assert_eq!(right, ["no one"]);
    assert_eq!(options[1].feedback, "Right!");
    assert_eq!(options[0].feedback, "No one is buried there.");

    let Kind::Choice {
        multiple, options, ..
    } = &q(&pack, "Ocean").kind
    else {
        panic!()
    };
    assert!(multiple);
    let credits: Vec<Option<f64>> = options.iter().map(|o| o.credit).collect();
    assert_eq!(
        credits,
        [Some(-100.0), Some(50.0), Some(50.0), Some(-100.0)]
    );

    let Kind::Choice { options, .. } = &q(&pack, "Sun").kind else {
        panic!()
    };
    assert_eq!(
        (options[0].text.as_str(), options[0].correct),
        ("True", true)
    );
    assert_eq!(options[0].feedback, "Right, the East.");
    assert_eq!(options[1].feedback, "The sun rises in the West? No.");

    let Kind::ShortAnswer {
        answers,
        case_sensitive,
    } = &q(&pack, "Two plus two").kind
    else {
        panic!()
    };
    assert!(!case_sensitive);
    let texts: Vec<(&str, f64)> = answers
        .iter()
        .map(|a| (a.text.as_str(), a.credit))
        .collect();
    assert_eq!(texts, [("four", 100.0), ("4", 100.0)]);

    let wedding = q(&pack, "Wedding");
    assert_eq!(
        wedding.statement,
        "Moodle costs _____ to download from moodle.org."
    );

    let Kind::Matching { pairs } = &q(&pack, "Capitals").kind else {
        panic!()
    };
    assert_eq!(pairs.len(), 4);
    assert_eq!(
        (pairs[3].left.as_str(), pairs[3].right.as_str()),
        ("India", "New Delhi")
    );

    let Kind::Numeric { target, others, .. } = &q(&pack, "Grant's birth").kind else {
        panic!()
    };
    assert_eq!(
        *target,
        NumericTarget::Value {
            value: 1822.0,
            abs: 5.0,
            rel: 0.0
        }
    );
    assert!(others.is_empty());
    let Kind::Numeric { target, .. } = &q(&pack, "Pi range").kind else {
        panic!()
    };
    assert_eq!(
        *target,
        NumericTarget::Range {
            min: 3.141,
            max: 3.142
        }
    );
    let Kind::Numeric { target, others, .. } = &q(&pack, "Grant's birth weighted").kind else {
        panic!()
    };
    assert_eq!(
        *target,
        NumericTarget::Value {
            value: 1822.0,
            abs: 0.0,
            rel: 0.0
        }
    );
    assert_eq!(others.len(), 1);
    assert_eq!(others[0].credit, 50.0);
    assert_eq!(
        others[0].target,
        NumericTarget::Value {
            value: 1822.0,
            abs: 2.0,
            rel: 0.0
        }
    );

    assert!(matches!(q(&pack, "Essay").kind, Kind::Open { .. }));
    let intro = q(&pack, "Intro");
    assert_eq!(intro.kind, Kind::Description);
    assert_eq!(intro.category, "$course$/top/GIFT examples/Other");
    assert_eq!(q(&pack, "Sun").category, "$course$/top/GIFT examples");

    let Kind::ShortAnswer { answers, .. } = &q(&pack, "Partial").kind else {
        panic!()
    };
    assert_eq!(answers[3].text, "gr*y");
    assert_eq!(answers[3].credit, 50.0);
    assert_eq!(answers[3].feedback, "Grey is not a colour of the rainbow.");
}

#[test]
fn gift_round_trips_through_both_formats() {
    let bank = gift::parse(GIFT).unwrap();
    let (pack, _) = bank_to_pack(&bank, "all-types", "All types", Lang::en());
    assert_eq!(round_trip(&pack, false).questions, pack.questions);
    // Moodle XML has no ranges: the range comes back as its middle ± half its width.
    let back = round_trip(&pack, true);
    for (a, b) in back.questions.iter().zip(&pack.questions) {
        if a.title != "Pi range" {
            assert_eq!(a, b);
        }
    }
    // The pack as RON reads back as the same pack.
    let text = pack_to_ron(&pack);
    let read = mltutor::core::pack::parse_pack(&text).unwrap();
    assert_eq!(read.questions, pack.questions);
}

#[test]
fn a_moodle_xml_export_imports_and_lists_what_it_cannot_read() {
    let bank = xml::parse(XML).unwrap();
    let (pack, notes) = bank_to_pack(&bank, "export", "Export", Lang::en());
    // The drag-and-drop question is listed with its line; the HTML question is noted.
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        matches!(&notes[0].what, Loss::Skipped(e) if e.line == 257),
        "{notes:?}"
    );
    assert_eq!(notes[1].what, Loss::HtmlAsText);
    assert_eq!(pack.questions.len(), 8);

    let act = q(&pack, "Activation");
    assert_eq!(act.category, "$course$/top/Week 1");
    assert_eq!(act.correction, "<p>ReLU is max(0, x).</p>");
    let Kind::Choice { options, .. } = &q(&pack, "Two qualities").kind else {
        panic!()
    };
    let credits: Vec<f64> = options.iter().map(|o| o.credit_percent()).collect();
    assert_eq!(credits, [50.0, 50.0, -100.0]);
    let Kind::Choice { options, .. } = &q(&pack, "Bias").kind else {
        panic!()
    };
    assert!(options[0].correct && !options[1].correct);
    assert_eq!(options[0].feedback, "Right: bias=True.");
    let Kind::ShortAnswer { answers, .. } = &q(&pack, "Framework").kind else {
        panic!()
    };
    assert_eq!(
        (answers[1].text.as_str(), answers[1].credit),
        ("torch", 50.0)
    );
    let params = q(&pack, "Parameters");
    assert_eq!(params.category, "$course$/top/Week 2");
    let Kind::Numeric { target, others, .. } = &params.kind else {
        panic!()
    };
    assert_eq!(
        *target,
        NumericTarget::Value {
            value: 55.0,
            abs: 0.0,
            rel: 0.0
        }
    );
    assert_eq!(others[0].feedback, "The biases count too.");
    let Kind::Matching { pairs } = &q(&pack, "Layers").kind else {
        panic!()
    };
    // The distractor: a right item with no left item.
    assert_eq!(pairs[2].left, "");
    assert_eq!(pairs[2].right, "normalises");
    let Kind::Open { reference, .. } = &q(&pack, "Overfitting").kind else {
        panic!()
    };
    assert!(reference.starts_with("The model learns"));
    assert_eq!(q(&pack, "Part B").kind, Kind::Description);

    assert_eq!(round_trip(&pack, true).questions, pack.questions);
}

/// Grading the new kinds, by hand.
#[test]
fn new_kinds_grade_as_moodle_does() {
    use mltutor::core::grade::{grade, Answer};
    let bank = gift::parse(GIFT).unwrap();
    let (pack, _) = bank_to_pack(&bank, "all-types", "All types", Lang::en());
    let f = facts(&pack);
    let typed = |t: &str| Answer::Typed(t.into());
    let two = q(&pack, "Two plus two");
    assert_eq!(grade(two, &typed("  FOUR "), &f).score, 1.0);
    assert_eq!(grade(two, &typed("4"), &f).score, 1.0);
    assert_eq!(grade(two, &typed("five"), &f).score, 0.0);
    let partial = q(&pack, "Partial");
    assert_eq!(grade(partial, &typed("grey"), &f).score, 0.5);
    assert_eq!(grade(partial, &typed("gray"), &f).score, 0.5);
    // Ocean: Grant (50) and his wife (50) = 1; Grant and "No one" (-100) floors at 0.
    let ocean = q(&pack, "Ocean");
    assert_eq!(grade(ocean, &Answer::Choice(vec![1, 2]), &f).score, 1.0);
    assert_eq!(grade(ocean, &Answer::Choice(vec![1]), &f).score, 0.5);
    assert_eq!(grade(ocean, &Answer::Choice(vec![0, 1]), &f).score, 0.0);
    // Capitals: Canada, Italy, Japan, India → Ottawa, Rome, Tokyo, New Delhi (right
    // items in that order); two of four right earn half.
    let caps = q(&pack, "Capitals");
    let m = |v: Vec<Option<usize>>| grade(caps, &Answer::Matching(v), &f).score;
    assert_eq!(m(vec![Some(0), Some(1), Some(2), Some(3)]), 1.0);
    assert_eq!(m(vec![Some(0), Some(1), Some(3), Some(2)]), 0.5);
    assert_eq!(m(vec![None, None, None, None]), 0.0);
    // Weighted numerical: 1822 full, 1821 (within 2) half, 1819 nothing.
    let w = q(&pack, "Grant's birth weighted");
    assert_eq!(grade(w, &typed("1822"), &f).score, 1.0);
    assert_eq!(grade(w, &typed("1821"), &f).score, 0.5);
    assert_eq!(grade(w, &typed("1819"), &f).score, 0.0);
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

/// The numerical answers of the items whose name starts with `name`.
fn numbers(bank: &mltutor::core::moodle::Bank, name: &str) -> Vec<f64> {
    bank.items
        .iter()
        .filter(|i| i.name.starts_with(name))
        .flat_map(|i| match &i.body {
            Body::Numerical { answers } => answers
                .iter()
                .map(|a| match a.accept {
                    Accept::Value { value, .. } => value,
                    Accept::Range { min, .. } => min,
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[test]
fn the_exam_exports_with_three_variants_and_the_right_values() {
    for (format, as_xml) in [("gift", false), ("moodle-xml", true)] {
        let (code, out, err) = mltutor(&[
            "--lang",
            "en",
            "export",
            "--format",
            format,
            "--variants",
            "3",
        ]);
        assert_eq!(code, 0, "{err}");
        let bank = if as_xml {
            xml::parse(&out).unwrap()
        } else {
            gift::parse(&out).unwrap()
        };
        // Question 4a of the exam: 53,300 parameters, once per variant.
        let q4a = bank
            .items
            .iter()
            .find(|i| i.text.contains("parameters") && matches!(i.body, Body::Numerical { .. }))
            .expect("4a exported as numerical")
            .name
            .clone();
        let base = q4a.split(" (variant").next().unwrap();
        assert_eq!(numbers(&bank, base), [53_300.0; 3], "{format}");
        for v in 0..3 {
            assert!(
                bank.items
                    .iter()
                    .any(|i| i.name == format!("{base} (variant {v})")),
                "{format}: variant {v}"
            );
        }
        // Question 4c: the model's own input, 3x40x40, among the accepted forms.
        let input = bank.items.iter().any(|i| match &i.body {
            Body::ShortAnswer { answers, .. } => answers.iter().any(|a| a.text == "3x40x40"),
            _ => false,
        });
        assert!(input, "{format}");
        // Question 4b: the parameter-free operations earn marks, the layers lose them.
        let free = bank
            .items
            .iter()
            .find_map(|i| match &i.body {
                Body::MultipleChoice {
                    single: false,
                    answers,
                } if answers.iter().any(|a| a.text.contains("conv")) => Some(answers.clone()),
                _ => None,
            })
            .expect("4b exported");
        for a in &free {
            let weighted = a.text.contains("conv") || a.text.contains("fc");
            assert_eq!(a.fraction < 0.0, weighted, "{}: {}", a.text, a.fraction);
        }
        // What Moodle cannot say is listed.
        assert!(err.contains("hint"), "{err}");
    }
}

#[test]
fn import_gift_end_to_end() {
    let dir = std::env::temp_dir().join(format!("mltutor-moodle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, out, err) = mltutor(&[
        "--lang",
        "en",
        "import-gift",
        "tests/fixtures/moodle/all-types.gift",
    ]);
    assert_eq!(code, 0, "{err}");
    let pack = mltutor::core::pack::parse_pack(&out).unwrap();
    assert_eq!(pack.questions.len(), 12);
    assert!(err.contains("12 questions imported; 1 note above"), "{err}");
    assert!(
        err.contains("essay: an essay without general feedback"),
        "{err}"
    );

    // -o writes the pack; the XML export's pack passes `check`.
    let ron = dir.join("export.ron");
    let (code, _, err) = mltutor(&[
        "--lang",
        "en",
        "import-moodle-xml",
        "tests/fixtures/moodle/export.xml",
        "-o",
        ron.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ddwtos"), "{err}");
    let (code, out, err) = mltutor(&["--lang", "en", "check", ron.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");

    // A broken file: exit 1, with file:line:col.
    let bad = dir.join("bad.gift");
    std::fs::write(&bad, "::A:: fine {=yes ~no}\n\n::B:: broken {=yes\n").unwrap();
    let (code, _, err) = mltutor(&["--lang", "en", "import-gift", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("bad.gift:3:"), "{err}");
    let (code, _, _) = mltutor(&["import-gift", "no/such/file.gift"]);
    assert_eq!(code, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

mod common;

/// Matching in the TUI: Space gives the item under the cursor the next right item (in the
/// student's order), until each left item has its own match.
fn match_all_right(s: &mut mltutor::tui::app::State) {
    let n = s.qs().matches.len();
    for row in 0..n {
        let mut guard = 0;
        while s.qs().matches[row] != Some(row) {
            common::press(s, " ");
            guard += 1;
            assert!(guard < 10, "row {row} never reaches its match");
        }
        common::press(s, "j");
    }
}

#[test]
fn the_new_kinds_are_answered_in_the_tui_in_self_check() {
    use mltutor::core::progress::Mode;
    let mut s = common::moodle_state(Lang::en(), Mode::SelfCheck);
    common::open(&mut s, "capitals");
    // Nothing chosen yet; K on the first row takes the last right item as shown.
    common::press(&mut s, "K");
    let shown = s.choice_order(s.current);
    assert_eq!(s.qs().matches[0], Some(*shown.last().unwrap()));
    common::press(&mut s, " ");
    assert_eq!(s.qs().matches[0], None, "past the last: none");
    match_all_right(&mut s);
    let e = common::press(&mut s, "\n");
    common::run_grades(&mut s, e);
    assert_eq!(s.qs().score, Some(1.0));

    common::open(&mut s, "two-plus-two");
    let e = common::press(&mut s, "Four\n");
    common::run_grades(&mut s, e);
    assert_eq!(s.qs().score, Some(1.0));

    common::open(&mut s, "partial");
    let e = common::press(&mut s, "grey\n");
    common::run_grades(&mut s, e);
    assert_eq!(s.qs().score, Some(0.5));

    common::open(&mut s, "intro");
    let e = common::press(&mut s, "\n");
    common::run_grades(&mut s, e);
    assert_eq!(s.qs().score, Some(1.0), "a description is marked read");
}

#[test]
fn the_exam_stays_sealed_for_the_new_kinds() {
    use mltutor::core::progress::Mode;
    let mut s = common::moodle_state(Lang::en(), Mode::Exam);
    let _ = s.start_exam(1_700_000_000, Some("Ada".to_string()));
    common::open(&mut s, "capitals");
    match_all_right(&mut s);
    let e = common::press(&mut s, "\n");
    assert!(e
        .iter()
        .all(|e| !matches!(e, mltutor::tui::app::Effect::Grade { .. })));
    assert_eq!(s.qs().score, None, "no grade before the exam is submitted");
    let screen = render(&s, 100, 30);
    assert!(
        !screen.contains("Ottawa ✓") && !screen.contains("pairs matched"),
        "{screen}"
    );
    // Submitted: graded.
    common::press(&mut s, "\u{1b}\u{1b}");
    let e = common::press(&mut s, "sy");
    common::run_grades(&mut s, e);
    let i = s
        .pack
        .questions
        .iter()
        .position(|q| q.id == "capitals")
        .unwrap();
    assert_eq!(s.questions[i].score, Some(1.0));
}

fn render(s: &mltutor::tui::app::State, w: u16, h: u16) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| mltutor::tui::view::draw(f, s)).unwrap();
    t.backend().to_string()
}

#[test]
fn matching_and_short_answer_screens() {
    use mltutor::core::progress::Mode;
    for lang in [Lang::en(), Lang::fr()] {
        let mut s = common::moodle_state(lang, Mode::SelfCheck);
        common::open(&mut s, "capitals");
        common::press(&mut s, "  j ");
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(
                format!("matching_{}_{w}x{h}", lang.code()),
                render(&s, w, h)
            );
        }
        common::open(&mut s, "partial");
        let e = common::press(&mut s, "grey\n");
        common::run_grades(&mut s, e);
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(
                format!("short_answer_{}_{w}x{h}", lang.code()),
                render(&s, w, h)
            );
        }
    }
}

/// A pack with variables: every question per variant, each variant's values its own.
/// conv1's count is checked against the filters its statement names: n · (3·k·k + 1).
#[test]
fn a_pack_with_variables_exports_each_variant_with_its_values() {
    let (code, out, err) = mltutor(&[
        "--lang",
        "en",
        "export",
        "--format",
        "moodle-xml",
        "--pack",
        "questions/ml-cnn-variants.en.ron",
        "--variants",
        "3",
    ]);
    assert_eq!(code, 0, "{err}");
    let bank = xml::parse(&out).unwrap();
    let mut filters = Vec::new();
    for v in 0..3 {
        let item = bank
            .items
            .iter()
            .find(|i| i.name == format!("The first convolution (variant {v})"))
            .expect("conv1 per variant");
        assert_eq!(
            item.category.as_deref(),
            Some(format!("ml-cnn-variants/variant {v}").as_str())
        );
        // "It has {n} filters of size {k}x{k} over 3 channels."
        let words: Vec<&str> = item
            .text
            .split("It has ")
            .nth(1)
            .expect("the statement names its filters")
            .split(' ')
            .collect();
        let n: f64 = words[0].parse().unwrap();
        let k: f64 = words[4].split('x').next().unwrap().parse().unwrap();
        filters.push(n);
        assert_eq!(
            numbers(&bank, &item.name),
            [n * (3.0 * k * k + 1.0)],
            "variant {v}"
        );
    }
    filters.dedup();
    assert!(filters.len() > 1, "the variants differ: {filters:?}");
}
