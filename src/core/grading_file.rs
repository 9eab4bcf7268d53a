//! The teacher's grading file: scores of open questions, one line per student and
//! question, as CSV (`student,question,score` with that header, RFC 4180 quoting) or RON
//! (`[(student: "Ada", question: "q1", score: 0.5)]`). Scores are out of the question's
//! points (1 for every question of a pack). Every problem is refused with its line.

use crate::core::i18n::Lang;
use crate::core::pack::{Kind, Pack};
use crate::tr;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A grading file larger than this is refused before it is read.
pub const MAX_GRADES_BYTES: u64 = 4 * 1024 * 1024;

/// The points of any question of a pack.
pub const QUESTION_POINTS: f64 = 1.0;

/// One score the teacher gave.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeacherScore {
    pub student: String,
    pub question: String,
    pub score: f64,
    /// Where it was written (1-based).
    #[serde(skip)]
    pub line: usize,
}

/// A whole grading file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grades {
    pub scores: Vec<TeacherScore>,
}

/// What is wrong on a line of a grading file.
#[derive(Debug, Clone, PartialEq)]
pub enum LineError {
    /// The first line is not `student,question,score`.
    Header {
        found: String,
    },
    /// Not three fields.
    Fields {
        found: usize,
    },
    /// A quoted field that never ends, or text after a closing quote.
    Quote,
    Score {
        text: String,
    },
    Range {
        score: f64,
        out_of: f64,
    },
    EmptyStudent,
    UnknownQuestion {
        id: String,
    },
    /// Only open questions are graded by the teacher.
    NotOpen {
        id: String,
    },
    Duplicate {
        first: usize,
    },
    /// RON syntax.
    Ron {
        why: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum GradingError {
    #[error("{}", self.render(Lang::en()))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.render(Lang::en()))]
    TooLarge { size: u64, limit: u64 },
    #[error("{}", self.render(Lang::en()))]
    Line { line: usize, why: LineError },
}

impl GradingError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            GradingError::Io { path, source } => tr!(
                lang,
                "report-error-io",
                path = path.display().to_string(),
                why = source.to_string()
            ),
            GradingError::TooLarge { size, limit } => tr!(
                lang,
                "report-error-too-large",
                size = lang.num(*size),
                limit = lang.num(*limit)
            ),
            GradingError::Line { line, why } => tr!(
                lang,
                "grade-file-line",
                line = *line,
                why = why.render(lang)
            ),
        }
    }
}

impl LineError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            LineError::Header { found } => {
                tr!(lang, "grade-file-header", found = found.as_str())
            }
            LineError::Fields { found } => tr!(lang, "grade-file-fields", found = *found),
            LineError::Quote => tr!(lang, "grade-file-quote"),
            LineError::Score { text } => tr!(lang, "grade-file-score", text = text.as_str()),
            LineError::Range { score, out_of } => tr!(
                lang,
                "grade-file-range",
                score = lang.real(*score),
                out_of = lang.real(*out_of)
            ),
            LineError::EmptyStudent => tr!(lang, "grade-file-empty-student"),
            LineError::UnknownQuestion { id } => {
                tr!(lang, "grade-file-unknown-question", id = id.as_str())
            }
            LineError::NotOpen { id } => tr!(lang, "grade-file-not-open", id = id.as_str()),
            LineError::Duplicate { first } => tr!(lang, "grade-file-duplicate", first = *first),
            LineError::Ron { why } => tr!(lang, "grade-file-ron", why = why.as_str()),
        }
    }
}

fn at(line: usize, why: LineError) -> GradingError {
    GradingError::Line { line, why }
}

/// Split CSV text into records (RFC 4180: `"` quotes, `""` inside quotes, line breaks
/// inside quotes), each with the line it starts on. Blank lines are skipped.
pub fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, GradingError> {
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    let end_record = |fields: &mut Vec<String>,
                      field: &mut String,
                      was_quoted: bool,
                      records: &mut Vec<(usize, Vec<String>)>,
                      start: usize| {
        fields.push(std::mem::take(field));
        let blank = fields.len() == 1 && fields[0].trim().is_empty() && !was_quoted;
        if !blank {
            records.push((start, std::mem::take(fields)));
        }
        fields.clear();
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    match chars.peek() {
                        None | Some(',') | Some('\n') | Some('\r') => {}
                        Some(_) => return Err(at(line, LineError::Quote)),
                    }
                }
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                end_record(&mut fields, &mut field, was_quoted, &mut records, start);
                was_quoted = false;
                line += 1;
                start = line;
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err(at(start, LineError::Quote));
    }
    end_record(&mut fields, &mut field, was_quoted, &mut records, start);
    Ok(records)
}

fn parse_score(text: &str, line: usize) -> Result<f64, GradingError> {
    let t = text.trim().replace(',', ".");
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(at(
            line,
            LineError::Score {
                text: text.to_string(),
            },
        )),
    }
}

/// The line of the `k`-th element (0-based) of a RON list: its opening `(`, outside
/// strings and comments.
fn ron_element_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let (mut line, mut depth) = (1, 0i32);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        '\n' => line += 1,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            '[' | '(' | '{' => {
                if c == '(' && depth == 1 {
                    lines.push(line);
                }
                depth += 1;
            }
            ']' | ')' | '}' => depth -= 1,
            _ => {}
        }
    }
    lines
}

impl Grades {
    /// Parse CSV text (the header `student,question,score` first).
    pub fn from_csv(text: &str) -> Result<Self, GradingError> {
        let records = csv_records(text)?;
        let mut it = records.into_iter();
        let Some((hl, header)) = it.next() else {
            return Ok(Self::default());
        };
        let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        if names != ["student", "question", "score"] {
            return Err(at(
                hl,
                LineError::Header {
                    found: header.join(","),
                },
            ));
        }
        let mut scores = Vec::new();
        for (line, f) in it {
            if f.len() != 3 {
                return Err(at(line, LineError::Fields { found: f.len() }));
            }
            scores.push(TeacherScore {
                student: f[0].trim().to_string(),
                question: f[1].trim().to_string(),
                score: parse_score(&f[2], line)?,
                line,
            });
        }
        let g = Self { scores };
        g.check_lines()?;
        Ok(g)
    }

    /// Parse RON text: a list of `(student: …, question: …, score: …)`.
    pub fn from_ron(text: &str) -> Result<Self, GradingError> {
        let mut scores: Vec<TeacherScore> = ron::from_str(text).map_err(|e| {
            at(
                e.position.line,
                LineError::Ron {
                    why: e.code.to_string(),
                },
            )
        })?;
        let lines = ron_element_lines(text);
        for (i, s) in scores.iter_mut().enumerate() {
            s.line = lines.get(i).copied().unwrap_or(0);
            if !s.score.is_finite() {
                return Err(at(
                    s.line,
                    LineError::Score {
                        text: s.score.to_string(),
                    },
                ));
            }
        }
        let g = Self { scores };
        g.check_lines()?;
        Ok(g)
    }

    fn check_lines(&self) -> Result<(), GradingError> {
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for s in &self.scores {
            if s.student.is_empty() {
                return Err(at(s.line, LineError::EmptyStudent));
            }
            if let Some(first) = seen.insert((&s.student, &s.question), s.line) {
                return Err(at(s.line, LineError::Duplicate { first }));
            }
        }
        Ok(())
    }

    /// Read a grading file (RON when its name ends in `.ron`, CSV otherwise); its size is
    /// bounded before it is read.
    pub fn load(path: &Path) -> Result<Self, GradingError> {
        let io = |source| GradingError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes =
            crate::core::files::read_bounded(path, MAX_GRADES_BYTES).map_err(|e| match e {
                crate::core::files::BoundedReadError::Io(e) => io(e),
                crate::core::files::BoundedReadError::TooLarge { size, limit } => {
                    GradingError::TooLarge { size, limit }
                }
            })?;
        let text = String::from_utf8(bytes)
            .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ron"))
        {
            Self::from_ron(&text)
        } else {
            Self::from_csv(&text)
        }
    }

    /// Every score names an open question of `pack` and lies in 0..=its points.
    pub fn validate(&self, pack: &Pack) -> Result<(), GradingError> {
        for s in &self.scores {
            let q = pack.question(&s.question).ok_or_else(|| {
                at(
                    s.line,
                    LineError::UnknownQuestion {
                        id: s.question.clone(),
                    },
                )
            })?;
            if !matches!(q.kind, Kind::Open { .. }) {
                return Err(at(
                    s.line,
                    LineError::NotOpen {
                        id: s.question.clone(),
                    },
                ));
            }
            if !(0.0..=QUESTION_POINTS).contains(&s.score) {
                return Err(at(
                    s.line,
                    LineError::Range {
                        score: s.score,
                        out_of: QUESTION_POINTS,
                    },
                ));
            }
        }
        Ok(())
    }

    /// The scores given to `student` (names compared after trimming), by question id.
    pub fn for_student(&self, student: &str) -> HashMap<String, f64> {
        let student = student.trim();
        self.scores
            .iter()
            .filter(|s| s.student == student)
            .map(|s| (s.question.clone(), s.score))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_lines() {
        let text =
            "student,question,score\r\n\"Doe, \"\"J\"\"\",q1,0.5\n\n\"multi\nline\",q3,\"0,25\"\n";
        let g = Grades::from_csv(text).unwrap();
        assert_eq!(g.scores[0].student, "Doe, \"J\"");
        assert_eq!((g.scores[0].line, g.scores[0].score), (2, 0.5));
        assert_eq!(g.scores[1].student, "multi\nline");
        assert_eq!((g.scores[1].line, g.scores[1].score), (4, 0.25));
    }

    #[test]
    fn ron_lines_are_found() {
        let text = "[\n  (student: \"A (x)\", question: \"q1\", score: 1.0),\n\n  (student: \"B\", question: \"q3\", score: 0.5),\n]";
        let g = Grades::from_ron(text).unwrap();
        assert_eq!(g.scores.iter().map(|s| s.line).collect::<Vec<_>>(), [2, 4]);
    }
}
