//! What `check` finds wrong in a pack, as data: each problem with its values, rendered in
//! the teacher's language. `Display` gives the English text, from the same messages.

use crate::core::i18n::Lang;
use crate::core::plan::PlanError;
use crate::core::runner::EvidenceError;
use crate::core::shape::{Shape, ShapeParseError};
use crate::core::source_pos::{Spot, Step};
use crate::core::spec::SpecError;
use crate::core::summary::InspectError;
use crate::tr;
use std::fmt;

/// `Display` in English, from the same messages as `render`.
macro_rules! english_display {
    ($($t:ty),+) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.render(Lang::en()))
            }
        }
        impl std::error::Error for $t {}
    )+};
}

/// Why a computed question's answer could not be derived from its model.
#[derive(Debug, Clone, PartialEq)]
pub enum ComputeError {
    /// The question names a layer the model does not have.
    NoLayer { layer: String, model: String },
}

impl ComputeError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            ComputeError::NoLayer { layer, model } => tr!(
                lang,
                "core-compute-no-layer",
                layer = layer.as_str(),
                model = model.as_str()
            ),
        }
    }
}

/// Where a teacher's stated answer disagrees with the computation.
#[derive(Debug, Clone, PartialEq)]
pub enum Disagreement {
    /// The expected parameter count differs from the model's.
    Count {
        expected: u64,
        total: u64,
        rows: Vec<(String, u64)>,
    },
    /// An expected parameter-free layer that the model does not have.
    UnknownLayer { layer: String, options: Vec<String> },
    /// Layers expected free that have parameters (`wrong`), free ones not listed (`missing`).
    FreeLayers {
        wrong: Vec<String>,
        missing: Vec<String>,
    },
    /// The expected shape cannot be read.
    UnreadableShape { text: String, why: ShapeParseError },
    /// The expected output shape differs from the forward pass's.
    Shape { expected: Shape, got: Shape },
    /// The teacher's input shape does not run through the model.
    InputDoesNotRun { input: Shape, why: InspectError },
    /// `expected` is of another kind than the question asks (the ask, as written).
    Unsuited { ask: String },
}

impl Disagreement {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Disagreement::Count {
                expected,
                total,
                rows,
            } => {
                let parts: Vec<String> = rows.iter().map(|(l, c)| format!("{l} {c}")).collect();
                tr!(
                    lang,
                    "core-disagree-count",
                    expected = expected.to_string(),
                    total = total.to_string(),
                    parts = parts.join(" + ")
                )
            }
            Disagreement::UnknownLayer { layer, options } => tr!(
                lang,
                "core-disagree-unknown-layer",
                layer = layer.as_str(),
                options = options.join(", ")
            ),
            Disagreement::FreeLayers { wrong, missing } => {
                let case = match (wrong.is_empty(), missing.is_empty()) {
                    (false, false) => "both",
                    (false, true) => "wrong",
                    (true, false) | (true, true) => "missing",
                };
                tr!(
                    lang,
                    "core-disagree-free",
                    case = case,
                    wrong = wrong.join(", "),
                    missing = missing.join(", ")
                )
            }
            Disagreement::UnreadableShape { text, why } => tr!(
                lang,
                "core-disagree-unreadable-shape",
                text = text.as_str(),
                why = why.render(lang)
            ),
            Disagreement::Shape { expected, got } => tr!(
                lang,
                "core-disagree-shape",
                expected = expected.to_string(),
                got = got.to_string()
            ),
            Disagreement::InputDoesNotRun { input, why } => tr!(
                lang,
                "core-disagree-input",
                input = input.to_string(),
                why = why.render(lang)
            ),
            Disagreement::Unsuited { ask } => {
                tr!(lang, "core-disagree-unsuited", ask = ask.as_str())
            }
        }
    }
}

/// One problem found in a pack.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The text could not be read there (RON syntax, an unknown name, a wrong type).
    Syntax(SyntaxMessage),
    /// After syntax errors that could only be read past by guessing: the rest of the pack
    /// is checked once they are fixed.
    CheckedAfterFixes,
    /// The pack's `version` is not the one this build reads.
    UnsupportedVersion {
        found: u32,
        supported: u32,
    },
    /// The pack has no `version` field.
    NoVersion {
        supported: u32,
    },
    UnknownBuiltin {
        id: String,
        builtins: Vec<String>,
    },
    NoQuestions,
    ModelIdTwice {
        id: String,
    },
    BadModel(SpecError),
    ModelDoesNotRun {
        model: String,
        why: PlanError,
        /// The limit in force, named when the model is over it.
        limit: crate::core::limit::MemoryLimit,
    },
    /// The pack's `memory_budget_mib` is over the ceiling (MiB).
    BudgetOverCeiling {
        mib: u64,
        ceiling: u64,
    },
    /// The pack's `memory_budget_mib` is 0.
    BudgetZero,
    EmptyId,
    IdTwice,
    EmptyStatement,
    /// `code:` names a model the pack does not have (`known`: the pack's models).
    UnknownCodeModel {
        model: String,
        known: Vec<String>,
    },
    /// `evidence:` names a model the pack does not have.
    UnknownEvidenceModel {
        model: String,
        known: Vec<String>,
    },
    Evidence(EvidenceError),
    NoReference,
    FewOptions,
    NoCorrectOption,
    NeedOutOfRange {
        need: usize,
        correct: usize,
    },
    SingleWithManyCorrect {
        correct: usize,
    },
    BadNumericValue,
    BadNumericRange {
        min: f64,
        max: f64,
    },
    FewSteps,
    /// A short answer question none of whose answers earns full credit.
    NoFullCredit,
    /// A credit outside -100 to 100 percent.
    BadCredit {
        credit: f64,
    },
    /// A matching question needs two pairs or more.
    FewPairs,
    /// A computed question's model is not in the pack.
    UnknownModel {
        model: String,
        known: Vec<String>,
    },
    /// A computed question's model does not run (reported on its own above).
    UsesBrokenModel {
        model: String,
    },
    Compute(ComputeError),
    Disagrees(Disagreement),
    /// The pack's variables, constraints or `{expr}` placeholders (issue 15).
    Variant(crate::core::variant::VariantError),
    /// A section draws more questions than its category has (or none).
    DrawTooLarge {
        category: String,
        count: usize,
        available: usize,
    },
    /// The pack's id is longer than a save file's name allows.
    PackIdTooLong {
        len: usize,
        max: usize,
    },
    /// The pack's id is empty or holds control characters.
    BadPackId,
    /// A question has a lab but the pack has no model to train.
    LabWithoutModel,
    /// A string whose escapes would take the parser quadratic time (line of the string).
    CostlyEscapes {
        line: usize,
    },
    /// A model's `source:` (a Python file beside the pack) that could not be read.
    ModelSource {
        model: String,
        error: crate::core::model_source::SourceError,
    },
}

/// ` (known: a, b)`, or that the pack has no models.
fn known_text(known: &[String], lang: Lang) -> String {
    tr!(
        lang,
        "core-check-known",
        count = known.len(),
        known = known.join(", ")
    )
}

impl Problem {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Problem::Syntax(message) => message.render(lang),
            Problem::CheckedAfterFixes => tr!(lang, "core-pack-checked-after-fixes"),
            Problem::UnsupportedVersion { found, supported } => tr!(
                lang,
                "core-pack-unsupported-version",
                found = found.to_string(),
                supported = supported.to_string()
            ),
            Problem::NoVersion { supported } => tr!(
                lang,
                "core-pack-no-version",
                field = format!("version: {supported},")
            ),
            Problem::UnknownBuiltin { id, builtins } => tr!(
                lang,
                "core-pack-unknown-builtin",
                id = id.as_str(),
                builtins = builtins.join(", ")
            ),
            Problem::NoQuestions => tr!(lang, "core-check-no-questions"),
            Problem::PackIdTooLong { len, max } => {
                tr!(lang, "hard-pack-id-too-long", len = *len, max = *max)
            }
            Problem::BadPackId => tr!(lang, "hard-pack-id-bad"),
            Problem::LabWithoutModel => tr!(lang, "hard-lab-without-model"),
            Problem::CostlyEscapes { line } => {
                tr!(lang, "hard-costly-escapes", line = *line)
            }
            Problem::ModelSource { model, error } => tr!(
                lang,
                "pack-source-model",
                model = model.as_str(),
                problem = error.render(lang)
            ),
            Problem::ModelIdTwice { id } => {
                tr!(lang, "core-check-model-id-twice", id = id.as_str())
            }
            Problem::BadModel(e) => e.render(lang),
            Problem::ModelDoesNotRun { model, why, limit } => {
                let text = tr!(
                    lang,
                    "core-check-model-does-not-run",
                    model = model.as_str(),
                    why = why.render(lang)
                );
                match why {
                    PlanError::OverBudget { .. } => format!("{text} {}", limit.explain(lang)),
                    PlanError::Mismatch(_) => text,
                }
            }
            Problem::BudgetOverCeiling { mib, ceiling } => tr!(
                lang,
                "pack-budget-over-ceiling",
                code = mib.to_string(),
                ceiling = lang.num(*ceiling)
            ),
            Problem::BudgetZero => tr!(lang, "pack-budget-zero"),
            Problem::EmptyId => tr!(lang, "core-check-empty-id"),
            Problem::IdTwice => tr!(lang, "core-check-id-twice"),
            Problem::EmptyStatement => tr!(lang, "core-check-empty-statement"),
            Problem::UnknownCodeModel { model, known } => tr!(
                lang,
                "core-check-unknown-code-model",
                model = model.as_str(),
                known = known_text(known, lang)
            ),
            Problem::UnknownEvidenceModel { model, known } => tr!(
                lang,
                "core-check-unknown-evidence-model",
                model = model.as_str(),
                known = known_text(known, lang)
            ),
            Problem::Evidence(e) => e.render(lang),
            Problem::NoReference => tr!(lang, "core-check-no-reference"),
            Problem::FewOptions => tr!(lang, "core-check-few-options"),
            Problem::NoCorrectOption => tr!(lang, "core-check-no-correct-option"),
            Problem::NeedOutOfRange { need, correct } => tr!(
                lang,
                "core-check-need-out-of-range",
                field = format!("need: {need}"),
                correct = *correct
            ),
            Problem::SingleWithManyCorrect { correct } => tr!(
                lang,
                "core-check-single-many-correct",
                correct = *correct,
                field = "multiple: true"
            ),
            Problem::BadNumericValue => tr!(lang, "core-check-bad-numeric-value"),
            Problem::BadNumericRange { min, max } => tr!(
                lang,
                "core-check-bad-numeric-range",
                min = min.to_string(),
                max = max.to_string()
            ),
            Problem::FewSteps => tr!(lang, "core-check-few-steps"),
            Problem::NoFullCredit => tr!(lang, "moodle-check-no-full-credit"),
            Problem::BadCredit { credit } => {
                tr!(lang, "moodle-check-bad-credit", credit = credit.to_string())
            }
            Problem::FewPairs => tr!(lang, "moodle-check-few-pairs"),
            Problem::UnknownModel { model, known } => tr!(
                lang,
                "core-check-unknown-model",
                model = model.as_str(),
                known = known_text(known, lang)
            ),
            Problem::UsesBrokenModel { model } => {
                tr!(lang, "core-check-uses-broken-model", model = model.as_str())
            }
            Problem::Compute(e) => e.render(lang),
            Problem::Disagrees(d) => d.render(lang),
            Problem::Variant(e) => e.render(lang),
            Problem::DrawTooLarge {
                category,
                count,
                available,
            } => tr!(
                lang,
                "pack-draw-too-large",
                category = category.as_str(),
                count = *count as u64,
                available = *available as u64
            ),
        }
    }
}

/// A problem found in a pack, the question concerned, if any, and where the offending
/// value is in the pack's text, when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub question: Option<String>,
    pub problem: Problem,
    pub at: Option<Spot>,
}

impl Issue {
    /// A problem of the pack as a whole, not yet placed.
    pub fn general(problem: Problem) -> Issue {
        Issue {
            question: None,
            problem,
            at: None,
        }
    }

    /// A problem of question `id`, not yet placed.
    pub fn of_question(id: &str, problem: Problem) -> Issue {
        Issue {
            question: Some(id.to_string()),
            problem,
            at: None,
        }
    }

    /// Placed at the value at `path` in `text` (or the nearest value on the way).
    pub fn at_path(mut self, text: &str, path: &[Step]) -> Issue {
        self.at = crate::core::source_pos::find(text, path);
        self
    }

    /// `question `q4a`: …` in `lang`, or the problem alone for the pack as a whole.
    pub fn render(&self, lang: Lang) -> String {
        match &self.question {
            Some(q) => tr!(
                lang,
                "core-check-question",
                question = q.as_str(),
                problem = self.problem.render(lang)
            ),
            None => self.problem.render(lang),
        }
    }
}

/// What ron reported about a pack's syntax, with a did-you-mean for unknown names.
#[derive(Debug, Clone, PartialEq)]
pub enum SyntaxMessage {
    UnknownField {
        found: String,
        suggestion: Option<String>,
        expected: Vec<String>,
    },
    UnknownVariant {
        found: String,
        suggestion: Option<String>,
        expected: Vec<String>,
    },
    /// A `#` comment: RON's comments are `//`.
    HashComment,
    /// Python's `True`/`False`: RON writes `true`/`false` (`fix`).
    PythonBool { found: String, fix: &'static str },
    /// A fraction where an integer is expected (`784.0`; `integer`: `784`).
    FloatForInteger { found: String, integer: String },
    /// A string in single quotes: RON's strings are in double quotes.
    SingleQuotes,
    /// `null`, `nil`, `none`: RON writes `None` (or the field is left out).
    NullForNone { found: String },
    /// A value or punctuation of a kind was expected here (`what`: `comma`, `integer`,
    /// `number`, `string`, `boolean`, `list`, `colon`, `closing`, `end`).
    Expected { what: &'static str },
    /// ron's own message (in English).
    Other(String),
}

impl SyntaxMessage {
    pub fn render(&self, lang: Lang) -> String {
        let suggest = |s: &Option<String>| match s {
            Some(c) => tr!(lang, "core-pack-did-you-mean", name = c.as_str()),
            None => String::new(),
        };
        match self {
            SyntaxMessage::UnknownField {
                found,
                suggestion,
                expected,
            } => tr!(
                lang,
                "core-pack-unknown-field",
                found = found.as_str(),
                suggestion = suggest(suggestion),
                expected = expected.join(", ")
            ),
            SyntaxMessage::UnknownVariant {
                found,
                suggestion,
                expected,
            } => tr!(
                lang,
                "core-pack-unknown-variant",
                found = found.as_str(),
                suggestion = suggest(suggestion),
                expected = expected.join(", ")
            ),
            SyntaxMessage::HashComment => tr!(lang, "pack-slip-hash-comment"),
            SyntaxMessage::PythonBool { found, fix } => tr!(
                lang,
                "pack-slip-python-bool",
                found = found.as_str(),
                fix = *fix
            ),
            SyntaxMessage::FloatForInteger { found, integer } => tr!(
                lang,
                "pack-slip-float-for-integer",
                found = found.as_str(),
                integer = integer.as_str()
            ),
            SyntaxMessage::SingleQuotes => tr!(lang, "pack-slip-single-quotes"),
            SyntaxMessage::NullForNone { found } => {
                tr!(lang, "pack-slip-null", found = found.as_str())
            }
            SyntaxMessage::Expected { what } => tr!(lang, "pack-expected", what = *what),
            SyntaxMessage::Other(m) => m.clone(),
        }
    }
}

/// What goes before a caret under column `col` of `line`: a space per character, a tab
/// for a tab, so that the caret lands under the column however tabs are shown.
fn caret_pad(line: &str, col: usize) -> String {
    line.chars()
        .chain(std::iter::repeat(' '))
        .take(col.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect()
}

/// Why a pack could not be loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum PackError {
    /// The file could not be read (the system's reason).
    Io(String),
    Invalid(Vec<Issue>),
}

impl PackError {
    /// `file:line:col: message`, then the line and a caret; or one line per issue.
    pub fn render_in(&self, file: &str, lang: Lang) -> String {
        match self {
            PackError::Io(why) => tr!(
                lang,
                "core-pack-cannot-read",
                file = file,
                why = why.as_str()
            ),
            PackError::Invalid(issues) => {
                // In the file's order (placed ones by line and column, then the rest).
                let mut issues: Vec<&Issue> = issues.iter().collect();
                issues.sort_by_key(|i| i.at.as_ref().map_or((usize::MAX, 0), |a| (a.line, a.col)));
                issues
                    .into_iter()
                    .map(|i| match &i.at {
                        Some(Spot {
                            line,
                            col,
                            source_line,
                        }) => {
                            let caret = caret_pad(source_line, *col);
                            format!(
                                "{file}:{line}:{col}: {}\n    {source_line}\n    {caret}^",
                                i.render(lang)
                            )
                        }
                        None => format!("{file}: {}", i.render(lang)),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
    }

    /// [`PackError::render_in`] in English.
    pub fn render(&self, file: &str) -> String {
        self.render_in(file, Lang::en())
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&tr!(Lang::en(), "core-pack-the-pack")))
    }
}

impl std::error::Error for PackError {}

english_display!(ComputeError, Disagreement, Problem, Issue, SyntaxMessage);
