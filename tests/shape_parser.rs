use mltutor::core::shape::{parse_shape, MAX_DIM};
use proptest::prelude::*;

proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,64}") {
        let _ = parse_shape(&s);
    }

    #[test]
    fn never_panics_on_shape_like_text(s in "[0-9x×, ()\\[\\]*-]{0,40}") {
        let _ = parse_shape(&s);
    }

    #[test]
    fn round_trips(dims in prop::collection::vec(1usize..=MAX_DIM, 1..=4)) {
        let text = dims.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" x ");
        prop_assert_eq!(parse_shape(&text).unwrap().0, dims.clone());
        let tuple = format!("({})", dims.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "));
        prop_assert_eq!(parse_shape(&tuple).unwrap().0, dims);
    }
}
