//! Tensor shapes: parsing what students type, and printing them the way exams write them.

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

/// Why a typed shape was refused; the message shows the accepted forms.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShapeParseError {
    #[error("no shape given. {ACCEPTED}")]
    Empty,
    #[error("`{0}` is not a whole number. {ACCEPTED}")]
    NotANumber(String),
    #[error("`{0}` is not a shape. {ACCEPTED}")]
    Malformed(String),
    #[error("a dimension of 0 holds no data: each dimension must be at least 1")]
    Zero,
    #[error("`{0}` is far too large for a dimension (at most {MAX_DIM})")]
    TooLarge(String),
    #[error("{0} dimensions given: a sample has 1 to {MAX_RANK} (e.g. 3x40x40)")]
    Rank(usize),
}

/// Largest single dimension accepted from a student; the memory budget does the rest.
pub const MAX_DIM: usize = 1 << 20;
/// Most dimensions accepted for one sample.
pub const MAX_RANK: usize = 4;

const ACCEPTED: &str =
    "Write a shape such as 3x40x40, 3×40×40, 3 x 40 x 40, (3, 40, 40), [3,40,40] or 3 40 40.";
const ACCEPTED_FR: &str =
    "Écrivez une forme comme 3x40x40, 3×40×40, 3 x 40 x 40, (3, 40, 40), [3,40,40] ou 3 40 40.";

impl ShapeParseError {
    /// The message in the interface language (`Display` is the English one).
    pub fn render(&self, lang: crate::core::i18n::Lang) -> String {
        match lang.pick() {
            crate::core::i18n::Pick::En => self.to_string(),
            crate::core::i18n::Pick::Fr => match self {
                ShapeParseError::Empty => format!("aucune forme donnée. {ACCEPTED_FR}"),
                ShapeParseError::NotANumber(s) => {
                    format!("`{s}` n'est pas un nombre entier. {ACCEPTED_FR}")
                }
                ShapeParseError::Malformed(s) => format!("`{s}` n'est pas une forme. {ACCEPTED_FR}"),
                ShapeParseError::Zero => "une dimension de 0 ne contient aucune donnée : chaque dimension vaut au moins 1".into(),
                ShapeParseError::TooLarge(s) => {
                    format!("`{s}` est bien trop grand pour une dimension (au plus {MAX_DIM})")
                }
                ShapeParseError::Rank(n) => format!(
                    "{n} dimensions données : un échantillon en a de 1 à {MAX_RANK} (par ex. 3x40x40)"
                ),
            },
        }
    }
}

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
