//! Parsing numbers as students type them: `53300`, `53 300`, `53,300`, `5.33e4`, `x10`,
//! `×100`, `5,5` (a French decimal comma), `10^2`, ranges such as `10 to 100`.

use crate::core::i18n::Lang;

/// Why a typed number was refused. `Display` gives the English message, from the same
/// Fluent text as [`NumberError::render`].
#[derive(Debug, Clone, PartialEq)]
pub enum NumberError {
    Empty,
    Unreadable(String),
    BadGrouping(String),
    TooLarge(String),
}

impl NumberError {
    /// The message in the interface language.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            NumberError::Empty => crate::tr!(lang, "core-number-empty"),
            NumberError::Unreadable(s) => {
                crate::tr!(lang, "core-number-unreadable", text = s.as_str())
            }
            NumberError::BadGrouping(s) => {
                crate::tr!(lang, "core-number-bad-grouping", text = s.as_str())
            }
            NumberError::TooLarge(s) => {
                crate::tr!(lang, "core-number-too-large", text = s.as_str())
            }
        }
    }
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for NumberError {}

/// A typed numeric answer: one value, or a range given as `10 to 100`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumberAnswer {
    Value(f64),
    Range(f64, f64),
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Parse a value or a range (`10 to 100`, `10 à 100`, `entre 10 et 100`, `10-100`, `10..100`).
pub fn parse_number_answer(input: &str) -> Result<NumberAnswer, NumberError> {
    let s = input.trim();
    let lower = s.to_lowercase();
    let body = lower
        .strip_prefix("between ")
        .or_else(|| lower.strip_prefix("entre "))
        .unwrap_or(&lower);
    for sep in [" to ", " à ", " a ", " and ", " et ", "..", "–", "—"] {
        if let Some((a, b)) = body.split_once(sep) {
            let (a, b) = (parse_number(a)?, parse_number(b)?);
            return Ok(NumberAnswer::Range(a.min(b), a.max(b)));
        }
    }
    // `10-100`: a dash between two numbers, not a leading minus sign nor an exponent's.
    if let Some(i) = body.char_indices().skip(1).find_map(|(i, c)| {
        let prev = body[..i].chars().last()?;
        (c == '-' && prev.is_ascii_digit()).then_some(i)
    }) {
        let (a, b) = (parse_number(&body[..i])?, parse_number(&body[i + 1..])?);
        return Ok(NumberAnswer::Range(a.min(b), a.max(b)));
    }
    parse_number(s).map(NumberAnswer::Value)
}

/// Parse one number.
pub fn parse_number(input: &str) -> Result<f64, NumberError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    // A speed-up written as a factor: `x10`, `×100`, `10x`.
    let s = s
        .strip_prefix(['x', 'X', '×', '*'])
        .or_else(|| s.strip_suffix(['x', 'X', '×']))
        .map(str::trim)
        .unwrap_or(s);
    if s.is_empty() {
        return Err(NumberError::Unreadable(clip(input)));
    }
    // Powers of ten: `10^4`, `5.33×10^4`, `5.33 * 10**4`.
    for pow in ["10^", "10**"] {
        if let Some(i) = s.find(pow) {
            let before = s[..i].trim_end();
            if !(before.is_empty() || before.ends_with(['x', 'X', '×', '*', '·'])) {
                return Err(NumberError::Unreadable(clip(input)));
            }
            let mantissa = s[..i]
                .trim()
                .trim_end_matches(['x', 'X', '×', '*', '·', '.'])
                .trim();
            let m = if mantissa.is_empty() {
                1.0
            } else {
                parse_plain(mantissa, input)?
            };
            let e: i32 = s[i + pow.len()..]
                .trim()
                .replace('−', "-")
                .parse()
                .map_err(|_| NumberError::Unreadable(clip(input)))?;
            return finite(m * 10f64.powi(e.clamp(-400, 400)), input);
        }
    }
    parse_plain(s, input)
}

fn finite(v: f64, input: &str) -> Result<f64, NumberError> {
    if v.is_finite() && v.abs() < 1e300 {
        Ok(v)
    } else {
        Err(NumberError::TooLarge(clip(input)))
    }
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}' || c == '_' || c == '\''
}

/// A plain decimal: sign, digits with optional grouping, decimal point or comma, exponent.
fn parse_plain(s: &str, input: &str) -> Result<f64, NumberError> {
    let unreadable = || NumberError::Unreadable(clip(input));
    let s = s.replace('−', "-");
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s.strip_prefix('+').unwrap_or(&s)),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mant = mant.trim();
    if mant.is_empty()
        || !mant
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || is_space(c))
    {
        return Err(unreadable());
    }
    let digits = normalise_mantissa(mant).ok_or_else(|| NumberError::BadGrouping(clip(input)))?;
    let mut text = format!("{sign}{digits}");
    if let Some(e) = exp {
        let e = e.trim();
        let ok = !e.is_empty()
            && e.trim_start_matches(['+', '-'])
                .chars()
                .all(|c| c.is_ascii_digit())
            && e.trim_start_matches(['+', '-']).len() <= 4;
        if !ok {
            return Err(unreadable());
        }
        text = format!("{text}e{e}");
    }
    let v: f64 = text.parse().map_err(|_| unreadable())?;
    finite(v, input)
}

/// Groups of three separated by spaces or commas become plain digits; a comma that cannot
/// be a thousands separator is a decimal comma. `None` when the grouping is inconsistent.
fn normalise_mantissa(m: &str) -> Option<String> {
    let (int, frac) = match (m.contains('.'), m.contains(',')) {
        (true, _) => {
            let (i, f) = m.split_once('.')?;
            if f.contains(['.', ',']) {
                return None;
            }
            (i.to_string(), Some(f.to_string()))
        }
        (false, true) => {
            let parts: Vec<&str> = m.split(',').collect();
            let grouped =
                parts.len() >= 2 && groups_ok(&parts) && !parts[0].trim().starts_with('0');
            if grouped {
                (parts.concat(), None)
            } else if parts.len() == 2 {
                (parts[0].to_string(), Some(parts[1].to_string()))
            } else {
                return None;
            }
        }
        (false, false) => (m.to_string(), None),
    };
    let int_groups: Vec<&str> = int.split(is_space).collect();
    if int_groups.len() > 1 && !groups_ok(&int_groups) {
        return None;
    }
    let int: String = int_groups.concat();
    let int = if int.is_empty() { "0".to_string() } else { int };
    let frac: Option<String> = frac.map(|f| f.chars().filter(|c| !is_space(*c)).collect());
    if !int.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match frac {
        Some(f) if !f.chars().all(|c| c.is_ascii_digit()) => None,
        Some(f) if f.is_empty() => Some(int),
        Some(f) => Some(format!("{int}.{f}")),
        None => Some(int),
    }
}

/// First group 1–3 digits, the others exactly 3.
fn groups_ok(groups: &[&str]) -> bool {
    let digits = |g: &str| g.chars().all(|c| c.is_ascii_digit());
    groups
        .first()
        .is_some_and(|g| (1..=3).contains(&g.len()) && digits(g))
        && groups[1..].iter().all(|g| g.len() == 3 && digits(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_53300() {
        for s in [
            "53300",
            "53 300",
            "53,300",
            "5.33e4",
            "5,33e4",
            "53\u{202f}300",
            "5.33×10^4",
            "53300.0",
        ] {
            assert_eq!(parse_number(s), Ok(53300.0), "{s}");
        }
    }

    #[test]
    fn factors_and_commas() {
        assert_eq!(parse_number("x10"), Ok(10.0));
        assert_eq!(parse_number("×100"), Ok(100.0));
        assert_eq!(parse_number("10x"), Ok(10.0));
        assert_eq!(parse_number("5,5"), Ok(5.5));
        assert_eq!(parse_number("0,300"), Ok(0.3));
        assert_eq!(parse_number("1,234,567"), Ok(1_234_567.0));
        assert_eq!(parse_number("10^2"), Ok(100.0));
        assert_eq!(parse_number("-3"), Ok(-3.0));
    }

    #[test]
    fn refusals() {
        assert_eq!(parse_number(""), Err(NumberError::Empty));
        for s in [
            "abc", "inf", "NaN", "5e", "1.2.3", "x", "😀", "12 34", "1,23,4", "1e99999", "110^2",
        ] {
            assert!(parse_number(s).is_err(), "{s} should be refused");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(
            parse_number_answer("10 to 100"),
            Ok(NumberAnswer::Range(10.0, 100.0))
        );
        assert_eq!(
            parse_number_answer("entre 10 et 100"),
            Ok(NumberAnswer::Range(10.0, 100.0))
        );
        assert_eq!(
            parse_number_answer("10-100"),
            Ok(NumberAnswer::Range(10.0, 100.0))
        );
        assert_eq!(parse_number_answer("-5"), Ok(NumberAnswer::Value(-5.0)));
        assert_eq!(parse_number_answer("5e-3"), Ok(NumberAnswer::Value(0.005)));
    }
}
