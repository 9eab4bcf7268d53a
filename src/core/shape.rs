//! Tensor shapes: parsing what students type, and printing them the way exams write them.

use crate::core::i18n::Lang;
use std::fmt;

/// Dimensions of a tensor, outermost first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Shape(pub Vec<usize>);

impl Shape {
    pub fn dims(&self) -> &[usize] {
        &self.0
    }
    /// Number of elements, or `None` when it does not fit in a u64.
    pub fn elements(&self) -> Option<u64> {
        self.0
            .iter()
            .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|d| d.to_string()).collect();
        f.write_str(&parts.join("x"))
    }
}

/// Why a typed shape was refused; the message shows the accepted forms. `Display` gives
/// the English message, from the same Fluent text as [`ShapeParseError::render`].
#[derive(Debug, Clone, PartialEq)]
pub enum ShapeParseError {
    Empty,
    NotANumber(String),
    Malformed(String),
    Zero,
    TooLarge(String),
    Rank(usize),
}

/// Largest single dimension accepted from a student; the memory budget does the rest.
pub const MAX_DIM: usize = 1 << 20;
/// Most dimensions accepted for one sample.
pub const MAX_RANK: usize = 4;

impl ShapeParseError {
    /// The message in the interface language.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            ShapeParseError::Empty => crate::tr!(lang, "core-shape-empty"),
            ShapeParseError::NotANumber(s) => {
                crate::tr!(lang, "core-shape-not-a-number", text = s.as_str())
            }
            ShapeParseError::Malformed(s) => {
                crate::tr!(lang, "core-shape-malformed", text = s.as_str())
            }
            ShapeParseError::Zero => crate::tr!(lang, "core-shape-zero"),
            ShapeParseError::TooLarge(s) => crate::tr!(
                lang,
                "core-shape-too-large",
                text = s.as_str(),
                max = MAX_DIM.to_string()
            ),
            ShapeParseError::Rank(n) => {
                crate::tr!(lang, "core-shape-rank", n = *n, max = MAX_RANK.to_string())
            }
        }
    }
}

impl fmt::Display for ShapeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for ShapeParseError {}

/// Parse a shape as students write it: `3x40x40`, `3×40×40`, `3 x 40 x 40`, `(3, 40, 40)`,
/// `[3,40,40]`, `3 40 40`, `3*40*40`.
pub fn parse_shape(text: &str) -> Result<Shape, ShapeParseError> {
    let t = text.trim();
    let t = t
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .or_else(|| t.strip_prefix('[').and_then(|s| s.strip_suffix(']')))
        .unwrap_or(t);
    let is_sep = |c: char| c == 'x' || c == 'X' || c == '×' || c == '*' || c == ',';
    let mut parts: Vec<&str> = if t.contains(is_sep) {
        t.split(is_sep).map(str::trim).collect()
    } else {
        t.split_whitespace().collect()
    };
    // A Python tuple may end with a comma: `(3, 40, 40,)`.
    if t.trim_end().ends_with(',') {
        parts.pop();
    }
    if parts.iter().any(|p| p.is_empty()) {
        return Err(ShapeParseError::Malformed(
            text.trim().chars().take(40).collect(),
        ));
    }
    if parts.is_empty() {
        return Err(ShapeParseError::Empty);
    }
    if parts.len() > MAX_RANK {
        return Err(ShapeParseError::Rank(parts.len()));
    }
    let mut dims = Vec::with_capacity(parts.len());
    for p in parts {
        if !p.chars().all(|c| c.is_ascii_digit()) {
            return Err(ShapeParseError::NotANumber(p.chars().take(40).collect()));
        }
        let d: usize = match p.parse() {
            Ok(d) => d,
            Err(_) => return Err(ShapeParseError::TooLarge(p.chars().take(40).collect())),
        };
        if d == 0 {
            return Err(ShapeParseError::Zero);
        }
        if d > MAX_DIM {
            return Err(ShapeParseError::TooLarge(p.to_string()));
        }
        dims.push(d);
    }
    Ok(Shape(dims))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        for s in [
            "3x40x40",
            "3×40×40",
            "3 x 40 x 40",
            "(3, 40, 40)",
            "[3,40,40]",
            "3 40 40",
            "  3X40X40 ",
            "3*40*40",
        ] {
            assert_eq!(parse_shape(s), Ok(Shape(vec![3, 40, 40])), "{s}");
        }
    }

    #[test]
    fn refused_forms() {
        assert_eq!(parse_shape(""), Err(ShapeParseError::Empty));
        assert_eq!(parse_shape("()"), Err(ShapeParseError::Empty));
        for bad in ["3xx", "x3", "3x40x", "3,,40", "3 x x 4"] {
            assert!(
                matches!(parse_shape(bad), Err(ShapeParseError::Malformed(_))),
                "{bad}"
            );
        }
        assert_eq!(parse_shape("(3, 40, 40,)"), Ok(Shape(vec![3, 40, 40])));
        assert!(matches!(
            parse_shape("3x-40"),
            Err(ShapeParseError::NotANumber(_))
        ));
        assert!(matches!(
            parse_shape("3.5x4"),
            Err(ShapeParseError::NotANumber(_))
        ));
        assert_eq!(parse_shape("3x0x4"), Err(ShapeParseError::Zero));
        assert!(matches!(
            parse_shape("99999999999999999999999x2"),
            Err(ShapeParseError::TooLarge(_))
        ));
        assert_eq!(parse_shape("1x2x3x4x5"), Err(ShapeParseError::Rank(5)));
        let msg = parse_shape("trois").unwrap_err().to_string();
        assert!(
            msg.contains("3x40x40") && msg.contains("(3, 40, 40)"),
            "{msg}"
        );
    }
}
