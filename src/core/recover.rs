//! Every syntax error of a RON file in one run. ron stops at its first error, so the text is
//! mended where it failed and read again: a misspelt name becomes its did-you-mean, a `#`
//! comment is blanked, `True` becomes `true`, a missing comma is put in, an unknown field
//! without a likely meaning is left out. A mend never adds or removes a line and each
//! one's column shift is kept, so every later error is placed in the file as written. A
//! mend that guesses (a field left out, a fraction cut) makes the value read a guess: the
//! caller then checks nothing further (see [`Reading::faithful`]).

use crate::core::issue::{Issue, Problem, SyntaxMessage};
use crate::core::source_pos::Spot;
use crate::core::spec::ron_options;
use serde::de::DeserializeOwned;

/// What [`read_all`] found in a text.
#[derive(Debug)]
pub struct Reading<T> {
    /// The value read from the mended text; `None` when an error could not be mended.
    pub value: Option<T>,
    /// Every error found, in the order found, each placed in the text as written. When
    /// `value` is `None`, the last one is where reading stopped.
    pub errors: Vec<Issue>,
    /// Whether every mend is what the author surely meant (a did-you-mean, `true` for
    /// `True`): `value` can then be checked further, its findings being the file's own.
    pub faithful: bool,
    /// The text as read, after the mends.
    pub mended: Mended,
}

/// A text after its mends, and how its columns map back to the text as written.
#[derive(Debug, Clone, Default)]
pub struct Mended {
    pub text: String,
    shifts: Vec<Shift>,
    /// Whether a mend kept its line's length (a same_length comment or field): the source
    /// line is then the written one, not the mended one.
    same_length: bool,
}

impl Mended {
    /// `spot`, found in the mended text, placed in `original`: the text as written.
    pub fn place(&self, original: &str, spot: Spot) -> Spot {
        if self.shifts.is_empty() && !self.same_length {
            return spot;
        }
        let source_line = original
            .lines()
            .nth(spot.line.saturating_sub(1))
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        Spot {
            col: original_col(&self.shifts, spot.line, spot.col),
            line: spot.line,
            source_line,
        }
    }
}

/// At most this many errors are collected in one run.
const MAX_ERRORS: usize = 50;
/// ron reads the text once per error: at most this many bytes in all, so a large file
/// full of errors gets fewer of them, not minutes of reading.
const MAX_BYTES_READ: usize = 256 << 20;

/// Read `text` as a `T`, collecting every error ron reports, each mended and read past.
pub fn read_all<T: DeserializeOwned>(text: &str) -> Reading<T> {
    let mut current = text.to_string();
    let mut shifts: Vec<Shift> = Vec::new();
    let mut errors = Vec::new();
    let mut faithful = true;
    let mut same_length = false;
    let rounds = (MAX_BYTES_READ / text.len().max(1)).clamp(1, MAX_ERRORS);
    let mut last: Option<(usize, usize, String)> = None;
    for round in 0..rounds {
        let e = match ron_options().from_str::<T>(&current) {
            Ok(value) => {
                return Reading {
                    value: Some(value),
                    errors,
                    faithful,
                    mended: Mended {
                        text: current,
                        shifts,
                        same_length,
                    },
                }
            }
            Err(e) => e,
        };
        let found = locate(&current, &e);
        let line = found.line;
        let col = original_col(&shifts, line, found.col);
        errors.push(syntax_issue(text, line, col, found.message));
        // A mend that did not move the error on would loop: stop there.
        let key = (line, col, e.code.to_string());
        if last.as_ref() == Some(&key) || round + 1 == rounds {
            break;
        }
        last = Some(key);
        let Some(mend) = found.mend else { break };
        faithful &= mend.faithful;
        match mend.apply(&mut current) {
            Some(shift) => shifts.push(shift),
            None => same_length = true,
        }
    }
    errors.push(Issue::general(Problem::CheckedAfterFixes));
    Reading {
        value: None,
        errors,
        faithful: false,
        mended: Mended {
            text: current,
            shifts,
            same_length,
        },
    }
}

/// `text` read strictly: the value, or every error found (see [`read_all`]).
pub fn read_strict<T: DeserializeOwned>(text: &str) -> Result<T, Vec<Issue>> {
    let reading = read_all::<T>(text);
    match reading.value {
        Some(v) if reading.errors.is_empty() => Ok(v),
        _ => Err(reading.errors),
    }
}

/// An error placed at `line`:`col` of `text` as written.
fn syntax_issue(text: &str, line: usize, col: usize, message: SyntaxMessage) -> Issue {
    let source_line = text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string();
    Issue {
        question: None,
        problem: Problem::Syntax(message),
        at: Some(Spot {
            line,
            col,
            source_line,
        }),
    }
}

/// A change of one line's length by a mend: columns after it move by `new - old`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shift {
    line: usize,
    /// The first column of the mended span (1-based, characters).
    col: usize,
    old: usize,
    new: usize,
}

/// The column in the text as written of column `col` of `line` in the mended text.
fn original_col(shifts: &[Shift], line: usize, mut col: usize) -> usize {
    for s in shifts.iter().rev().filter(|s| s.line == line) {
        if col >= s.col + s.new {
            col = col + s.old - s.new;
        } else if col > s.col {
            col = s.col;
        }
    }
    col
}

/// A change to the text being read: `range` (bytes) becomes `with`.
#[derive(Debug)]
struct Mend {
    range: std::ops::Range<usize>,
    with: String,
    faithful: bool,
}

impl Mend {
    /// Make the change; the shift it makes to its line, if the line's length changes.
    fn apply(self, text: &mut String) -> Option<Shift> {
        let old = text[self.range.clone()].chars().count();
        let new = self.with.chars().count();
        let start = self.range.start;
        text.replace_range(self.range, &self.with);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        (old != new).then(|| Shift {
            line: text[..start].matches('\n').count() + 1,
            col: text[line_start..start].chars().count() + 1,
            old,
            new,
        })
    }

    /// `range` of `text` made blank, its line breaks kept.
    fn blank(text: &str, range: std::ops::Range<usize>) -> Mend {
        let with = text[range.clone()]
            .chars()
            .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
            .collect();
        Mend {
            range,
            with,
            faithful: false,
        }
    }
}

/// One ron error: where (in the mended text), what it means, and how to read past it.
struct Located {
    line: usize,
    col: usize,
    message: SyntaxMessage,
    mend: Option<Mend>,
}

/// The byte offset of column `col` (1-based, characters) of line `line` of `text`.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    text[start..]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(text.len(), |(i, _)| start + i)
}

fn locate(text: &str, e: &ron::error::SpannedError) -> Located {
    let line = e.position.line;
    let line_text = {
        let start = offset_of(text, line, 1);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        text[start..end].trim_end_matches('\r')
    };
    let col = token_start(&e.code, line_text, e.position.col);
    let at = offset_of(text, line, col);
    if let Some((col, message)) = slip(&e.code, line_text, col) {
        let at = offset_of(text, line, col);
        let mend = mend_slip(text, at, &message);
        return Located {
            line,
            col,
            message,
            mend,
        };
    }
    let message = explain_ron_error(&e.code);
    let mend = match (&e.code, &message) {
        (
            _,
            SyntaxMessage::UnknownField {
                found,
                suggestion: Some(s),
                ..
            }
            | SyntaxMessage::UnknownVariant {
                found,
                suggestion: Some(s),
                ..
            },
        ) if text[at..].starts_with(found.as_str()) => Some(Mend {
            range: at..at + found.len(),
            with: s.clone(),
            faithful: true,
        }),
        (
            _,
            SyntaxMessage::UnknownField {
                found,
                suggestion: None,
                ..
            },
        ) if text[at..].starts_with(found.as_str()) => {
            crate::core::source_pos::field_end(text, at + found.len())
                .map(|end| Mend::blank(text, at..end))
        }
        (ron::Error::DuplicateStructField { field, .. }, _) if text[at..].starts_with(*field) => {
            crate::core::source_pos::field_end(text, at + field.len())
                .map(|end| Mend::blank(text, at..end))
        }
        // Two values without a comma between them: one is put in.
        (ron::Error::ExpectedComma, _) => Some(Mend {
            range: at..at,
            with: ",".to_string(),
            faithful: true,
        }),
        _ => None,
    };
    Located {
        line,
        col,
        message,
        mend,
    }
}

/// How to read past a common slip at byte `at` of `text`.
fn mend_slip(text: &str, at: usize, message: &SyntaxMessage) -> Option<Mend> {
    let rest = &text[at..];
    let line_end = at + rest.find('\n').unwrap_or(rest.len());
    let replace = |len: usize, with: &str, faithful: bool| Mend {
        range: at..at + len,
        with: with.to_string(),
        faithful,
    };
    match message {
        SyntaxMessage::HashComment => Some(Mend {
            faithful: true,
            ..Mend::blank(text, at..line_end)
        }),
        SyntaxMessage::PythonBool { found, fix } => Some(replace(found.len(), fix, true)),
        SyntaxMessage::NullForNone { found } => Some(replace(found.len(), "None", true)),
        SyntaxMessage::FloatForInteger { found, integer } => {
            // `784.0` is surely 784; `78.4` is a guess.
            let exact = found
                .split_once('.')
                .is_some_and(|(_, frac)| frac.chars().all(|c| c == '0'));
            Some(replace(found.len(), integer, exact))
        }
        SyntaxMessage::SingleQuotes => {
            let inner = &text[at + 1..line_end];
            let close = inner.find('\'')?;
            let body = &inner[..close];
            (!body.contains(['"', '\\'])).then(|| replace(close + 2, &format!("\"{body}\""), true))
        }
        SyntaxMessage::UnknownField { .. }
        | SyntaxMessage::UnknownVariant { .. }
        | SyntaxMessage::Expected { .. }
        | SyntaxMessage::Other(_) => None,
    }
}

/// A common slip at column `col` (1-based, in characters) of `line`: the column to point at
/// and the message naming the fix.
fn slip(code: &ron::Error, line: &str, col: usize) -> Option<(usize, SyntaxMessage)> {
    let chars: Vec<char> = line.chars().collect();
    let at = col.saturating_sub(1);
    // A `#` outside a string, not an `#![enable(…)]` attribute, up to the error.
    let mut in_string = false;
    let mut k = 0;
    while k < chars.len() && k <= at {
        match chars[k] {
            '\\' if in_string => k += 1,
            '"' => in_string = !in_string,
            '/' if !in_string && chars.get(k + 1) == Some(&'/') => break,
            // `r#"…"#` raw strings and `r#ident` are not comments.
            '#' if !in_string
                && chars.get(k + 1) != Some(&'!')
                && (k == 0 || !matches!(chars[k - 1], 'r' | '#' | '"')) =>
            {
                return Some((k + 1, SyntaxMessage::HashComment));
            }
            _ => {}
        }
        k += 1;
    }
    let word: String = chars[at.min(chars.len())..]
        .iter()
        .take_while(|c| c.is_alphanumeric() || **c == '_')
        .collect();
    match word.as_str() {
        "True" | "TRUE" => {
            return Some((
                col,
                SyntaxMessage::PythonBool {
                    found: word,
                    fix: "true",
                },
            ))
        }
        "False" | "FALSE" => {
            return Some((
                col,
                SyntaxMessage::PythonBool {
                    found: word,
                    fix: "false",
                },
            ))
        }
        "null" | "nil" | "none" | "NULL" | "Null" => {
            return Some((col, SyntaxMessage::NullForNone { found: word }))
        }
        _ => {}
    }
    if chars.get(at) == Some(&'\'') {
        return Some((col, SyntaxMessage::SingleQuotes));
    }
    // `784.0` where an integer is expected: ron stops at the `.` after the digits.
    if matches!(
        code,
        ron::Error::ExpectedComma | ron::Error::ExpectedInteger
    ) && chars.get(at) == Some(&'.')
        && chars.get(at + 1).is_some_and(char::is_ascii_digit)
    {
        let start = chars[..at]
            .iter()
            .rposition(|c| !(c.is_ascii_digit() || *c == '_' || *c == '-' || *c == '+'))
            .map_or(0, |p| p + 1);
        let digits: String = chars[start..at].iter().collect();
        if !digits.is_empty() && digits.chars().any(|c| c.is_ascii_digit()) {
            let end = (at + 1..chars.len())
                .find(|&p| !(chars[p].is_ascii_alphanumeric() || chars[p] == '.'))
                .unwrap_or(chars.len());
            let found: String = chars[start..end].iter().collect();
            return Some((
                start + 1,
                SyntaxMessage::FloatForInteger {
                    found,
                    integer: digits.replace('_', ""),
                },
            ));
        }
    }
    None
}

/// ron reports an unknown name's position just after it; point at its first character.
fn token_start(code: &ron::Error, line: &str, col: usize) -> usize {
    let found = match code {
        ron::Error::NoSuchStructField { found, .. }
        | ron::Error::NoSuchEnumVariant { found, .. } => found.as_str(),
        ron::Error::DuplicateStructField { field, .. } => *field,
        _ => return col,
    };
    let chars: Vec<char> = line.chars().collect();
    let end = col.saturating_sub(1).min(chars.len());
    let before: String = chars[..end].iter().collect();
    match before.rfind(found) {
        Some(byte) => before[..byte].chars().count() + 1,
        None => col,
    }
}

/// The name among `expected` that `found` most likely means: the same name in other
/// letter case (`Relu` for `ReLU`), else the closest one that is close enough.
pub fn did_you_mean(found: &str, expected: &[&str]) -> Option<String> {
    if let Some(same) = expected.iter().find(|c| c.eq_ignore_ascii_case(found)) {
        return Some(same.to_string());
    }
    expected
        .iter()
        .map(|c| (strsim::jaro_winkler(found, c), *c))
        .filter(|(s, _)| *s > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

/// ron's message, with a did-you-mean for unknown names.
fn explain_ron_error(code: &ron::Error) -> SyntaxMessage {
    let names = |e: &[&str]| e.iter().map(|s| s.to_string()).collect();
    match code {
        ron::Error::NoSuchStructField {
            expected, found, ..
        } => SyntaxMessage::UnknownField {
            found: found.clone(),
            suggestion: did_you_mean(found, expected),
            expected: names(expected),
        },
        ron::Error::NoSuchEnumVariant {
            expected, found, ..
        } => SyntaxMessage::UnknownVariant {
            found: found.clone(),
            suggestion: did_you_mean(found, expected),
            expected: names(expected),
        },
        ron::Error::ExpectedComma => SyntaxMessage::Expected { what: "comma" },
        ron::Error::ExpectedInteger | ron::Error::IntegerOutOfBounds => {
            SyntaxMessage::Expected { what: "integer" }
        }
        ron::Error::ExpectedFloat => SyntaxMessage::Expected { what: "number" },
        ron::Error::ExpectedString | ron::Error::ExpectedStringEnd => {
            SyntaxMessage::Expected { what: "string" }
        }
        ron::Error::ExpectedBoolean => SyntaxMessage::Expected { what: "boolean" },
        ron::Error::ExpectedArray => SyntaxMessage::Expected { what: "list" },
        ron::Error::ExpectedMapColon => SyntaxMessage::Expected { what: "colon" },
        ron::Error::ExpectedArrayEnd
        | ron::Error::ExpectedStructLikeEnd
        | ron::Error::ExpectedMapEnd => SyntaxMessage::Expected { what: "closing" },
        ron::Error::Eof => SyntaxMessage::Expected { what: "end" },
        other => SyntaxMessage::Other(other.to_string()),
    }
}
