//! Question banks: an exam section draws N questions of a category per student.

use mltutor::core::pack::{parse_pack_variant, PackError, Problem};
use mltutor::core::variant::student_variant;
use std::collections::BTreeSet;

fn pack(draws: &str) -> String {
    let q = |id: &str, cat: &str| {
        format!(
            "(id: \"{id}\", statement: \"{id}?\", category: \"{cat}\", kind: Numeric(target: Value(value: 1.0))),"
        )
    };
    format!(
        "(version: 1, meta: (id: \"bank\", title: \"Bank\", language: \"en\"), draws: [{draws}], questions: [{}{}{}{}{}{}{}{}])",
        q("intro", ""),
        q("a1", "Week 1"),
        q("a2", "Week 1"),
        q("a3", "Week 1/CNN"),
        q("a4", "Week 1/CNN"),
        q("b1", "Week 2"),
        q("b2", "Week 2"),
        q("b3", "Week 2"),
    )
}

fn ids(text: &str, variant: u64) -> Vec<String> {
    let (p, _) = parse_pack_variant(text, Some(variant)).expect("the pack reads");
    p.questions.into_iter().map(|q| q.id).collect()
}

#[test]
fn each_student_gets_their_own_draw_every_time() {
    let text = pack("(category: \"Week 1\", count: 2), (category: \"Week 2\", count: 1)");
    let mut seen = BTreeSet::new();
    for name in [
        "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John",
    ] {
        let v = student_variant("bank", name);
        let got = ids(&text, v);
        assert_eq!(got, ids(&text, v), "{name}: the same draw at every start");
        // The question outside any section, 2 of Week 1 (its sub-category included), 1 of
        // Week 2, in the pack's order.
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], "intro");
        assert_eq!(got.iter().filter(|i| i.starts_with('a')).count(), 2);
        assert_eq!(got.iter().filter(|i| i.starts_with('b')).count(), 1);
        let order = ["intro", "a1", "a2", "a3", "a4", "b1", "b2", "b3"];
        let in_order: Vec<String> = order
            .iter()
            .filter(|i| got.contains(&i.to_string()))
            .map(|i| i.to_string())
            .collect();
        assert_eq!(got, in_order, "kept in the pack's order");
        seen.insert(got);
    }
    // 6 ways for Week 1 times 3 for Week 2: eight students do not all share one exam.
    assert!(seen.len() >= 4, "{seen:?}");
}

#[test]
fn a_section_larger_than_its_category_is_refused() {
    let text = pack("(category: \"Week 2\", count: 4)");
    match parse_pack_variant(&text, Some(0)) {
        Err(PackError::Invalid(issues)) => assert!(
            issues.iter().any(|i| matches!(
                &i.problem,
                Problem::DrawTooLarge {
                    count: 4,
                    available: 3,
                    ..
                }
            )),
            "{issues:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(parse_pack_variant(&pack("(category: \"Week 3\", count: 1)"), Some(0)).is_err());
}
