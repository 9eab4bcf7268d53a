//! Every kind graded right, wrong and partly right, against the built-in exam.

use mltutor::core::grade::{grade, Answer, Facts, Feedback, Verdict};
use mltutor::core::pack::{builtin_pack, BUDGET};
use proptest::prelude::*;

fn setup() -> (mltutor::core::pack::Pack, Facts) {
    let pack = builtin_pack("en");
    let facts = mltutor::engine::facts(&pack, BUDGET);
    (pack, facts)
}

fn score(id: &str, a: Answer) -> (f64, Vec<Feedback>) {
    let (pack, facts) = setup();
    let g = grade(pack.question(id).unwrap(), &a, &facts);
    (g.score, g.feedback)
}

fn typed(s: &str) -> Answer {
    Answer::Typed(s.into())
}

#[test]
fn parameter_count_accepts_every_spelling_of_53300() {
    for s in ["53300", "53 300", "53,300", "5.33e4", "53\u{202f}300"] {
        assert_eq!(score("q4a", typed(s)).0, 1.0, "{s}");
    }
    // The source correction's figure is wrong: graded wrong, with the per-layer evidence.
    let (s, fb) = score("q4a", typed("53600"));
    assert_eq!(s, 0.0);
    match &fb[0] {
        Feedback::Counts { rows, total, got } => {
            assert_eq!(*total, 53_300);
            assert_eq!(*got, Some(53_600));
            let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
            assert_eq!(labels, ["conv1", "conv2", "fc1", "fc2"]);
        }
        other => panic!("{other:?}"),
    }
    for bad in ["", "lots", "😀", "3x40x40"] {
        let (s, fb) = score("q4a", typed(bad));
        assert_eq!(s, 0.0);
        assert!(matches!(fb[0], Feedback::Unreadable(_)), "{bad}: {fb:?}");
    }
}

/// A French student reads why an answer was refused in French, from the same grading.
#[test]
fn unreadable_answers_are_explained_in_the_interface_language() {
    use mltutor::core::feedback::feedback_lines;
    use mltutor::core::i18n::Lang;
    let cases = [
        (
            "q4a",
            "lots",
            "`lots` is not a number",
            "`lots` n'est pas un nombre",
        ),
        ("q4a", "", "no number given", "aucun nombre donné"),
        (
            "q4c",
            "big",
            "`big` is not a whole number",
            "`big` n'est pas un nombre entier",
        ),
        ("q4c", "3x0x4", "a dimension of 0", "une dimension de 0"),
        (
            "q4c",
            "1x2x3x4x5",
            "5 dimensions given",
            "5 dimensions données",
        ),
    ];
    for (id, typed_text, en, fr) in cases {
        let fb = score(id, typed(typed_text)).1;
        assert!(
            matches!(fb[0], Feedback::Unreadable(_)),
            "{typed_text}: {fb:?}"
        );
        let english = feedback_lines(&fb[0], Lang::en()).join(" ");
        let french = feedback_lines(&fb[0], Lang::fr()).join(" ");
        assert!(english.contains(en), "{english}");
        assert!(french.contains(fr), "{french}");
        assert!(french.starts_with("Réponse illisible"), "{french}");
    }
}

#[test]
fn parameter_free_operations_partial_credit() {
    let (pack, facts) = setup();
    let q = pack.question("q4b").unwrap();
    // Options are generated from the model, in forward order of first appearance.
    let (spec, summary) = &facts.models["exam_cnn"];
    let ask = match &q.kind {
        mltutor::core::pack::Kind::Computed { ask, .. } => ask,
        _ => unreachable!(),
    };
    let options = match mltutor::core::grade::computed_answer(spec, summary, ask).unwrap() {
        mltutor::core::grade::ComputedAnswer::Free { options, .. } => options,
        _ => unreachable!(),
    };
    assert_eq!(
        options,
        [
            "conv1",
            "F.relu",
            "F.max_pool2d",
            "conv2",
            "x.view(-1, 1000)",
            "fc1",
            "fc2"
        ]
    );
    let idx = |name: &str| options.iter().position(|o| o == name).unwrap();
    let g = |sel: Vec<usize>| grade(q, &Answer::Choice(sel), &facts);
    assert_eq!(
        g(vec![
            idx("F.relu"),
            idx("F.max_pool2d"),
            idx("x.view(-1, 1000)")
        ])
        .verdict(),
        Verdict::Correct
    );
    // The correction's "F.relu and max_pool2d": 2 of 3.
    let two = g(vec![idx("F.relu"), idx("F.max_pool2d")]);
    assert!((two.score - 2.0 / 3.0).abs() < 1e-9);
    // A layer with weights picked costs a correct one.
    let with_wrong = g(vec![idx("F.relu"), idx("F.max_pool2d"), idx("conv1")]);
    assert!((with_wrong.score - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(g(vec![idx("fc1")]).verdict(), Verdict::Wrong);
}

#[test]
fn input_shape_is_checked_by_running_the_model() {
    for ok in ["3x40x40", "(3, 20, 80)", "3 80 20", "3x41x43"] {
        let (s, fb) = score("q4c", typed(ok));
        assert_eq!(s, 1.0, "{ok}: {fb:?}");
        assert!(matches!(&fb[0], Feedback::Runs { trace, .. } if trace.len() == 10));
    }
    let (s, fb) = score("q4c", typed("3x32x32"));
    assert_eq!(s, 0.0);
    match &fb[0] {
        Feedback::Breaks { why, .. } => {
            let en = why.render(mltutor::core::i18n::Lang::en());
            let fr = why.render(mltutor::core::i18n::Lang::fr());
            assert!(en.contains("640") && en.contains("needs"), "{en}");
            assert!(fr.contains("640") && fr.contains("attend"), "{fr}");
        }
        other => panic!("{other:?}"),
    }
    let (s, fb) = score("q4c", typed("3x99999x99999"));
    assert_eq!(s, 0.0);
    assert!(
        matches!(&fb[0], Feedback::Breaks { why, .. } if why.to_string().contains("budget")),
        "{fb:?}"
    );
    assert!(matches!(
        score("q4c", typed("big")).1[0],
        Feedback::Unreadable(_)
    ));
}

#[test]
fn numeric_range_for_the_gpu_speed_up() {
    for ok in [
        "x10",
        "×100",
        "50",
        "10 to 100",
        "entre 10 et 100",
        "10-100",
    ] {
        assert_eq!(score("q6", typed(ok)).0, 1.0, "{ok}");
    }
    assert_eq!(score("q6", typed("x2")).0, 0.0);
    assert_eq!(score("q6", typed("1000")).0, 0.0);
    // A range reaching beyond the target: half credit.
    assert_eq!(score("q6", typed("10 to 1000")).0, 0.5);
}

#[test]
fn order_partial_credit_by_longest_ordered_subsequence() {
    assert_eq!(score("q2", Answer::Order(vec![0, 1, 2, 3, 4])).0, 1.0);
    // Swapping the loss and the gradients: 0,1,3,4 stay in order, k = 4 → (4-1)/(5-1).
    let (s, fb) = score("q2", Answer::Order(vec![0, 1, 3, 2, 4]));
    assert!((s - 0.75).abs() < 1e-9);
    match &fb[0] {
        Feedback::Order {
            first_misplaced: Some((pos, put, should)),
            ..
        } => {
            assert_eq!(*pos, 3);
            assert!(
                put.contains("gradients") && should.contains("loss"),
                "{put} / {should}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Fully reversed: only one step is "in order" by itself → nothing.
    assert_eq!(score("q2", Answer::Order(vec![4, 3, 2, 1, 0])).0, 0.0);
    // Not a permutation.
    assert_eq!(score("q2", Answer::Order(vec![0, 0, 1, 2, 3])).0, 0.0);
}

#[test]
fn single_choice() {
    assert_eq!(score("q5", Answer::Choice(vec![0])).0, 1.0);
    let (s, fb) = score("q5", Answer::Choice(vec![1]));
    assert_eq!(s, 0.0);
    assert!(fb.iter().any(|f| matches!(f, Feedback::Chose { correct: false, comment, .. } if comment.contains("training data"))));
    assert_eq!(score("q5", Answer::Choice(vec![0, 1])).0, 0.0);
    assert_eq!(score("q5", Answer::Choice(vec![])).0, 0.0);
}

#[test]
fn multiple_choice_with_two_needed() {
    // Any two of the four qualities earn full credit; one earns half; a wrong pick costs half.
    assert_eq!(score("q8", Answer::Choice(vec![0, 1])).0, 1.0);
    assert_eq!(score("q8", Answer::Choice(vec![2, 3])).0, 1.0);
    assert_eq!(score("q8", Answer::Choice(vec![0])).0, 0.5);
    assert_eq!(score("q8", Answer::Choice(vec![0, 4])).0, 0.0);
    assert_eq!(score("q8", Answer::Choice(vec![0, 1, 4])).0, 0.5);
    assert_eq!(score("q8", Answer::Choice(vec![99])).0, 0.0);
}

#[test]
fn open_questions_are_self_rated_by_key_points() {
    // Question 1 has six key points.
    let a = |t: Vec<usize>| Answer::Open {
        text: "f links x to y".into(),
        ticked: t,
    };
    assert_eq!(score("q1", a(vec![0, 1, 2, 3, 4, 5])).0, 1.0);
    assert!((score("q1", a(vec![0, 2, 4])).0 - 0.5).abs() < 1e-9);
    assert_eq!(score("q1", a(vec![])).0, 0.0);
}

proptest! {
    #[test]
    fn number_parser_never_panics(s in "\\PC{0,40}") {
        let _ = mltutor::core::number::parse_number_answer(&s);
    }

    #[test]
    fn number_parser_never_panics_on_numberish(s in "[0-9 ,.eE+x×^*−-]{0,24}") {
        let _ = mltutor::core::number::parse_number_answer(&s);
    }

    #[test]
    fn grouped_integers_read_back(n in 0u64..10_000_000_000) {
        let grouped = mltutor::core::numfmt::group(n, ' ');
        prop_assert_eq!(mltutor::core::number::parse_number(&grouped).unwrap(), n as f64);
        let commas = mltutor::core::numfmt::group(n, ',');
        prop_assert_eq!(mltutor::core::number::parse_number(&commas).unwrap(), n as f64);
    }
}

#[test]
fn output_shape_questions() {
    use mltutor::core::pack::{Ask, Kind, Question};
    let (pack, facts) = setup();
    let q = |after: &str| Question {
        id: "shape".into(),
        number: String::new(),
        title: String::new(),
        statement: "Output shape?".into(),
        code: None,
        hints: vec![],
        correction: String::new(),
        evidence: None,
        lab: None,
        category: String::new(),
        tags: vec![],
        kind: Kind::Computed {
            model: "exam_cnn".into(),
            ask: Ask::OutputShape {
                after: after.into(),
            },
            expected: None,
        },
    };
    let _ = pack;
    // After conv2: 10 channels of 20x20 (padding 2 keeps 20 = 40/2).
    for ok in ["10x20x20", "(10, 20, 20)", "1x10x20x20"] {
        assert_eq!(grade(&q("conv2"), &typed(ok), &facts).score, 1.0, "{ok}");
    }
    assert_eq!(grade(&q("conv2"), &typed("10x40x40"), &facts).score, 0.0);
    // The final output: 10 scores.
    assert_eq!(grade(&q(""), &typed("10"), &facts).score, 1.0);
}

/// Wrong counts that a common slip explains are told so, derived from the model. By hand,
/// from the exam's CNN: conv1 3·10·9 + 10 = 280, conv2 10·10·25 + 10 = 2,510,
/// fc1 1000·50 = 50,000 (bias=False), fc2 50·10 + 10 = 510; total 53,300.
#[test]
fn count_slips_are_named() {
    use mltutor::core::grade::CountSlip;
    let slips = |got: &str| -> Vec<CountSlip> {
        let (s, fb) = score("q4a", typed(got));
        assert_eq!(s, 0.0, "{got}");
        fb.into_iter()
            .filter_map(|f| match f {
                Feedback::Slip(s) => Some(s),
                _ => None,
            })
            .collect()
    };
    // 53,300 + 50: fc1's bias counted although fc1 has bias=False.
    assert_eq!(
        slips("53350"),
        vec![CountSlip::BiasOfBiasFree {
            layer: "fc1".into(),
            bias: 50
        }]
    );
    // 53,300 − 10: the bias of conv1, conv2 or fc2 (10 outputs each) forgotten.
    let forgot: Vec<String> = slips("53290")
        .into_iter()
        .map(|s| match s {
            CountSlip::BiasForgotten { layer, bias: 10 } => layer,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(forgot, ["conv1", "conv2", "fc2"]);
    // 53,300 − 30: every bias forgotten.
    assert_eq!(
        slips("53270"),
        vec![CountSlip::AllBiasesForgotten { biases: 30 }]
    );
    // A number no slip explains gets none.
    assert!(slips("53600").is_empty());
    // Told in words, in both languages.
    let (_, fb) = score("q4a", typed("53350"));
    let slip = fb.iter().find(|f| matches!(f, Feedback::Slip(_))).unwrap();
    use mltutor::core::feedback::feedback_lines;
    use mltutor::core::i18n::Lang;
    let en = feedback_lines(slip, Lang::en()).join(" ");
    assert!(en.contains("fc1") && en.contains("bias=False"), "{en}");
    let fr = feedback_lines(slip, Lang::fr()).join(" ");
    assert!(fr.contains("fc1") && fr.contains("biais"), "{fr}");
}

/// An operation with weights picked as parameter-free is explained with its count
/// (conv1: 280 parameters, by hand above).
#[test]
fn a_weighted_operation_picked_as_free_is_explained() {
    let (pack, facts) = setup();
    let q = pack.question("q4b").unwrap();
    let options = match &q.kind {
        mltutor::core::pack::Kind::Computed { model, ask, .. } => {
            let (spec, summary) = &facts.models[model];
            match mltutor::core::grade::computed_answer(spec, summary, ask).unwrap() {
                mltutor::core::grade::ComputedAnswer::Free { options, .. } => options,
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    };
    let conv1 = options.iter().position(|o| o == "conv1").unwrap();
    let g = grade(q, &Answer::Choice(vec![conv1]), &facts);
    assert!(g.score < 1.0);
    assert!(
        g.feedback.contains(&Feedback::HasParameters {
            option: "conv1".into(),
            count: 280
        }),
        "{:?}",
        g.feedback
    );
}

/// PyTorch runs `1x3x40x40` on the exam's CNN: a batch of one 3x40x40 sample. Such an answer
/// is accepted for its sample shape, with a note; a leading dimension whose sample does not
/// run stays wrong.
#[test]
fn an_input_with_a_batch_dimension_is_accepted_with_a_note() {
    for (typed_shape, batch) in [("1x3x40x40", 1usize), ("64x3x40x40", 64)] {
        let (s, fb) = score("q4c", typed(typed_shape));
        assert_eq!(s, 1.0, "{typed_shape}: {fb:?}");
        match &fb[0] {
            Feedback::BatchDimension { batch: b, sample } => {
                assert_eq!((*b, sample.to_string()), (batch, "3x40x40".to_string()))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&fb[1], Feedback::Runs { trace, .. } if trace.len() == 10));
    }
    let (s, fb) = score("q4c", typed("1x3x32x32"));
    assert_eq!(s, 0.0);
    assert!(matches!(&fb[0], Feedback::Breaks { .. }), "{fb:?}");
    let note = mltutor::core::feedback::feedback_lines(
        &score("q4c", typed("1x3x40x40")).1[0],
        mltutor::core::i18n::Lang::en(),
    )
    .join(" ");
    assert!(note.contains("batch") && note.contains("3x40x40"), "{note}");
}

/// Asked, not guessed: `53.300` is 53,300 with dots between thousands or 53.3; neither is
/// graded, and it costs nothing (score 0 with an unreadable verdict, like "abc").
#[test]
fn ambiguous_dots_are_asked_about() {
    use mltutor::core::grade::Unreadable;
    for (text, grouped) in [("53.300", 53300.0), ("1.000.000", 1_000_000.0)] {
        let (s, fb) = score("q4a", typed(text));
        assert_eq!(s, 0.0);
        match &fb[0] {
            Feedback::Unreadable(Unreadable::Ambiguous { grouped: g, .. }) => {
                assert_eq!(*g, grouped)
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    let (_, fb) = score("q4a", typed("53.300"));
    let en =
        mltutor::core::feedback::feedback_lines(&fb[0], mltutor::core::i18n::Lang::en()).join(" ");
    assert!(en.contains("53,300") && en.contains("53.3"), "{en}");
    // Not ambiguous: a plain decimal, or digits not in groups of three.
    assert!(mltutor::core::grade::ambiguous_grouping("5.5").is_none());
    assert!(mltutor::core::grade::ambiguous_grouping("53.30").is_none());
    assert!(mltutor::core::grade::ambiguous_grouping("0.500").is_none());
}

/// A range answer that is accepted is echoed as the range the student gave.
#[test]
fn an_accepted_range_is_echoed_as_a_range() {
    use mltutor::core::number::NumberAnswer;
    let (s, fb) = score("q6", typed("10 to 100"));
    assert_eq!(s, 1.0);
    assert_eq!(
        fb[0],
        Feedback::NumberRight {
            got: NumberAnswer::Range(10.0, 100.0)
        }
    );
}

/// An open answer needs text before its key points can be rated; a damaged save file
/// listing one key point six times earns it once.
#[test]
fn open_answers_need_text_and_each_key_point_counts_once() {
    let (s, fb) = score(
        "q1",
        Answer::Open {
            text: "  ".into(),
            ticked: vec![0, 1, 2, 3, 4, 5],
        },
    );
    assert_eq!(s, 0.0);
    assert!(matches!(
        fb[0],
        Feedback::Unreadable(mltutor::core::grade::Unreadable::NoText)
    ));
    let (s, _) = score(
        "q1",
        Answer::Open {
            text: "f links x to y".into(),
            ticked: vec![0, 0, 0, 0, 0, 0],
        },
    );
    assert!((s - 1.0 / 6.0).abs() < 1e-9, "{s}");
}

// Issue 14: order credit is (k - 1) / (n - 1) for a longest run of k steps in the right
// relative order; values worked out by hand for question 2's five steps.
#[test]
fn order_credit_by_hand() {
    use mltutor::core::grade::order_credit;
    let s = |o: Vec<usize>| score("q2", Answer::Order(o)).0;
    assert_eq!(s(vec![0, 1, 2, 3, 4]), 1.0);
    // Reversed: no two steps in the right relative order → nothing.
    assert_eq!(s(vec![4, 3, 2, 1, 0]), 0.0);
    // The first step moved to the end: 1,2,3,4 in order, k = 4 → 3/4.
    assert!((s(vec![1, 2, 3, 4, 0]) - 0.75).abs() < 1e-9);
    // Two neighbours swapped: 0,2,3,4 (or 1,2,3,4), k = 4 → 3/4.
    assert!((s(vec![1, 0, 2, 3, 4]) - 0.75).abs() < 1e-9);
    // 2,0,1,4,3: longest run 0,1,4 (or 0,1,3, or 2,4...), k = 3 → 2/4.
    assert!((s(vec![2, 0, 1, 4, 3]) - 0.5).abs() < 1e-9);
    // 4,0,3,1,2: 0,1,2, k = 3 → 1/2.
    assert!((s(vec![4, 0, 3, 1, 2]) - 0.5).abs() < 1e-9);
    assert_eq!(order_credit(1, 1), 1.0);
    assert_eq!(order_credit(0, 0), 1.0);
    assert_eq!(order_credit(2, 3), 0.5);
}

// The steps as first shown are not an answer, whatever credit they would earn.
#[test]
fn an_order_as_first_shown_is_not_answered() {
    use mltutor::core::grade::order_answered;
    use mltutor::core::shuffle::initial_order;
    let shown = initial_order("Ada Lovelace", "enm-ml-test1", "q2", 5);
    assert!(!order_answered(&shown, &shown));
    let mut moved = shown.clone();
    moved.swap(0, 1);
    assert!(order_answered(&shown, &moved));
    // Never the right order, for any student.
    for i in 0..500 {
        let o = initial_order(&format!("student {i}"), "enm-ml-test1", "q2", 5);
        assert_ne!(o, vec![0, 1, 2, 3, 4]);
    }
}

// Question 5's options in a per-student order. The orders below were printed once and
// checked by hand against the pack: Ada sees the right answer (pack option 0) first, Alan
// third; each name always gets the same order.
#[test]
fn choices_are_shuffled_per_student_and_stable() {
    use mltutor::core::shuffle::choice_order;
    let ada = choice_order("Ada Lovelace", "enm-ml-test1", "q5", 4);
    let alan = choice_order("Alan Turing", "enm-ml-test1", "q5", 4);
    assert_eq!(ada, vec![0, 1, 3, 2]);
    assert_eq!(alan, vec![1, 2, 0, 3]);
    assert_ne!(ada, alan);
    assert_eq!(ada, choice_order("Ada Lovelace", "enm-ml-test1", "q5", 4));
    // The right answer is not always first.
    assert_ne!(alan[0], 0);
    // Another question or pack: another order for the same student.
    let firsts: std::collections::BTreeSet<usize> = (0..40)
        .map(|i| choice_order("Ada Lovelace", "enm-ml-test1", &format!("q{i}"), 4)[0])
        .collect();
    assert!(firsts.len() > 1);
}

/// A block (a sub-module or an nn.Sequential) may be asked about by its name. By hand on
/// 3x10x10: `features` = Conv2d(3, 4, 3) (4·3·3·3 + 4 = 112), ReLU, MaxPool2d(2): 4x8x8 then
/// 4x4x4; `head` = Flatten then Linear(64, 2) (130).
#[test]
fn a_block_is_asked_about_by_its_name() {
    use mltutor::core::grade::{computed_answer, ComputedAnswer};
    use mltutor::core::pack::Ask;
    use mltutor::core::shape::Shape;
    let spec = mltutor::core::spec::parse_model(
        r#"(id: "m", input: [3, 10, 10], layers: [
            (name: "features", layer: Sequential([Conv2d(in: 3, out: 4, kernel: 3), ReLU, MaxPool2d(kernel: 2)])),
            (name: "head", layer: Sequential([Flatten, Linear(in: 64, out: 2)])),
        ])"#,
    )
    .unwrap();
    let summary = mltutor::engine::inspect(&spec, None, 1, BUDGET).unwrap();
    let count = |names: &[&str]| match computed_answer(
        &spec,
        &summary,
        &Ask::ParameterCount {
            layers: names.iter().map(|s| s.to_string()).collect(),
        },
    ) {
        Ok(ComputedAnswer::Count { total, .. }) => total,
        other => panic!("{other:?}"),
    };
    assert_eq!(count(&["features"]), 112);
    assert_eq!(count(&["head"]), 130);
    assert_eq!(count(&["features", "head"]), 242);
    let after =
        |name: &str| computed_answer(&spec, &summary, &Ask::OutputShape { after: name.into() });
    assert_eq!(
        after("features"),
        Ok(ComputedAnswer::Shape(Shape(vec![4, 4, 4]), 0))
    );
    assert!(after("nothing").is_err());
}

/// A final state is `D·layers x N x H` in PyTorch (its docs): a bidirectional one-layer LSTM
/// of 48 gives 2 x N x 48. Without the batch `2x48`; with a batch of one where PyTorch puts
/// it, `2x1x48`; a 1 anywhere else is another shape.
#[test]
fn a_final_state_shape_takes_the_batch_in_the_middle() {
    let text = r#"(
        version: 1,
        meta: (id: "t", title: "T", language: "en"),
        models: [(id: "m", input: [5, 3], layers: [
            (name: "lstm", layer: LSTM(input_size: 3, hidden_size: 48, batch_first: true, bidirectional: true, returns: "h_n"), to: "h"),
            (layer: FinalState(index: -1), from: "h"),
            (name: "fc", layer: Linear(in: 48, out: 2)),
        ])],
        questions: [(id: "q", statement: "h_n?", kind: Computed(model: "m", ask: OutputShape(after: "lstm")))],
    )"#;
    let pack = mltutor::core::pack::parse_pack(text).unwrap();
    let facts = mltutor::engine::facts(&pack, BUDGET);
    let q = pack.question("q").unwrap();
    for (answer, score) in [
        ("2x48", 1.0),
        ("2x1x48", 1.0),
        ("1x2x48", 0.0),
        ("2x48x1", 0.0),
    ] {
        assert_eq!(grade(q, &typed(answer), &facts).score, score, "{answer}");
    }
}
