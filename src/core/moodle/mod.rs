//! Moodle's question formats, GIFT and Moodle XML, read and written through one model of a
//! question bank ([`Bank`]). Converting a bank to a pack, and a pack to a bank, is the
//! business of [`convert`]; this module knows only the formats.
//!
//! Both readers are strict: what they cannot read is an error with its line, never dropped.

pub mod convert;
pub mod gift;
pub mod xml;

use crate::core::i18n::Lang;
use crate::tr;
use std::fmt;

/// The most questions one bank may hold: a file past this is refused before it is read on.
pub const MAX_ITEMS: usize = 10_000;

/// A question bank as GIFT and Moodle XML both describe it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bank {
    pub items: Vec<Item>,
    /// Questions of a kind the reader does not know, each with its position: listed to the
    /// teacher, never dropped without a word.
    pub skipped: Vec<FormatError>,
}

/// One question, with the category it was filed under.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Moodle's category path (`$course$/top/Week 1`), when the file sets one.
    pub category: Option<String>,
    pub name: String,
    /// The question's text. For a "missing word" question, [`Item::blank`] marks where the
    /// answers stood.
    pub text: String,
    pub format: TextFormat,
    /// Byte offset in `text` where a GIFT answer block sat inside the sentence.
    pub blank: Option<usize>,
    /// Shown to every student after answering.
    pub general_feedback: String,
    pub body: Body,
}

/// How a question's text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextFormat {
    #[default]
    Moodle,
    Html,
    Markdown,
    Plain,
}

impl TextFormat {
    /// The name both formats use (`[html]` in GIFT, `format="html"` in XML).
    pub fn name(self) -> &'static str {
        match self {
            TextFormat::Moodle => "moodle_auto_format",
            TextFormat::Html => "html",
            TextFormat::Markdown => "markdown",
            TextFormat::Plain => "plain_text",
        }
    }

    pub fn gift_name(self) -> &'static str {
        match self {
            TextFormat::Moodle => "moodle",
            TextFormat::Html => "html",
            TextFormat::Markdown => "markdown",
            TextFormat::Plain => "plain",
        }
    }

    pub fn from_name(name: &str) -> Option<TextFormat> {
        match name {
            "moodle" | "moodle_auto_format" => Some(TextFormat::Moodle),
            "html" => Some(TextFormat::Html),
            "markdown" => Some(TextFormat::Markdown),
            "plain" | "plain_text" => Some(TextFormat::Plain),
            _ => None,
        }
    }
}

/// What a question asks, in Moodle's kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// One pick (`single`) or several; each answer weighs a fraction of the mark.
    MultipleChoice {
        single: bool,
        answers: Vec<Weighted>,
    },
    TrueFalse {
        correct: bool,
        /// Shown to a student who answered true.
        feedback_true: String,
        /// Shown to a student who answered false.
        feedback_false: String,
    },
    ShortAnswer {
        answers: Vec<Weighted>,
        case_sensitive: bool,
    },
    Numerical {
        answers: Vec<NumericalAnswer>,
    },
    Matching {
        pairs: Vec<Pair>,
    },
    Essay,
    /// Text only, no answer.
    Description,
}

/// An answer and the fraction of the mark it earns, in percent (-100 to 100).
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    pub text: String,
    pub fraction: f64,
    pub feedback: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NumericalAnswer {
    pub accept: Accept,
    pub fraction: f64,
    pub feedback: String,
}

/// A numerical answer: a value with its tolerance, or a closed range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Accept {
    Value { value: f64, tolerance: f64 },
    Range { min: f64, max: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub question: String,
    pub answer: String,
}

/// Where a file could not be read, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatError {
    /// 1-based; 0 when the file as a whole is at fault.
    pub line: usize,
    pub column: usize,
    pub problem: FormatProblem,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FormatProblem {
    /// A `{` without its `}`.
    UnclosedBrace,
    /// A `}` with no `{` before it.
    StrayBrace,
    /// Text that is neither an answer nor feedback where an answer was expected.
    ExpectedAnswer(String),
    /// A `%n%` weight that is not a number from -100 to 100.
    BadWeight(String),
    /// A number that cannot be read.
    BadNumber(String),
    /// Matching pairs mixed with other answers, or a pair without `->`.
    BadPair(String),
    /// Answers of several kinds in one block.
    MixedAnswers,
    /// An unknown `[format]`.
    UnknownFormat(String),
    /// Two answer blocks in one question.
    TwoBlocks,
    /// Not well-formed XML.
    Xml(String),
    /// A `<question type>` this reader does not know.
    UnknownType(String),
    /// A required element is missing.
    Missing(&'static str),
    TooManyItems,
}

impl FormatError {
    pub fn render(&self, lang: Lang) -> String {
        let why = match &self.problem {
            FormatProblem::UnclosedBrace => tr!(lang, "moodle-unclosed-brace"),
            FormatProblem::StrayBrace => tr!(lang, "moodle-stray-brace"),
            FormatProblem::ExpectedAnswer(t) => {
                tr!(lang, "moodle-expected-answer", text = t.as_str())
            }
            FormatProblem::BadWeight(t) => tr!(lang, "moodle-bad-weight", text = t.as_str()),
            FormatProblem::BadNumber(t) => tr!(lang, "moodle-bad-number", text = t.as_str()),
            FormatProblem::BadPair(t) => tr!(lang, "moodle-bad-pair", text = t.as_str()),
            FormatProblem::MixedAnswers => tr!(lang, "moodle-mixed-answers"),
            FormatProblem::UnknownFormat(t) => {
                tr!(lang, "moodle-unknown-format", text = t.as_str())
            }
            FormatProblem::TwoBlocks => tr!(lang, "moodle-two-blocks"),
            FormatProblem::Xml(t) => tr!(lang, "moodle-xml", text = t.as_str()),
            FormatProblem::UnknownType(t) => tr!(lang, "moodle-unknown-type", text = t.as_str()),
            FormatProblem::Missing(t) => tr!(lang, "moodle-missing", text = *t),
            FormatProblem::TooManyItems => {
                tr!(lang, "moodle-too-many", max = lang.num(MAX_ITEMS as u64))
            }
        };
        if self.line == 0 {
            why
        } else {
            tr!(
                lang,
                "moodle-at",
                line = self.line as u64,
                column = self.column as u64,
                why = why
            )
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for FormatError {}

/// A number as Moodle writes it: finite, `.` or `,` as the decimal mark.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim().replace(',', ".");
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(v)
}

/// A number written back without a needless `.0`.
pub(crate) fn write_number(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
