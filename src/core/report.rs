//! Exam reports. [`ExamReport`] (schema 1, documented in `questions/REPORTS.md`) is the
//! evidence a teacher grades and audits: every answer, times, the pack's hash, and how each
//! score was computed. [`Report`] is the interface's older summary, kept until the
//! interface builds an [`ExamReport`].

use crate::core::i18n::Lang;
use crate::tr;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub answered: bool,
    pub score: f64,
    pub hints_used: usize,
    /// Open answers are rated by the student against the reference.
    pub self_rated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub pack_id: String,
    pub title: String,
    pub language: String,
    pub mode: String,
    pub elapsed_secs: u64,
    pub rows: Vec<ReportRow>,
    pub total: f64,
    pub out_of: usize,
}

impl Report {
    /// The report as Markdown, in the report's language (English when it has no messages).
    pub fn markdown(&self) -> String {
        self.markdown_in(Lang::get(&self.language).unwrap_or_else(Lang::en))
    }

    /// The report as Markdown, in `lang`.
    pub fn markdown_in(&self, lang: Lang) -> String {
        let mode = match self.mode.as_str() {
            "exam" => tr!(lang, "core-report-mode-exam"),
            "self-check" => tr!(lang, "core-report-mode-self-check"),
            other => other.to_string(),
        };
        let mut out = tr!(lang, "core-report-title", title = self.title.as_str());
        out += "\n\n";
        out += &tr!(
            lang,
            "core-report-intro",
            pack = self.pack_id.as_str(),
            language = self.language.as_str(),
            mode = mode,
            time = format!("{}:{:02}", self.elapsed_secs / 60, self.elapsed_secs % 60)
        );
        out += "\n\n";
        out += &tr!(lang, "core-report-header");
        out += "\n|---|---|---|---|---|\n";
        for r in &self.rows {
            let score = lang.dec(r.score, 2);
            let score = if r.self_rated {
                tr!(lang, "core-report-self-rated", score = score)
            } else {
                score
            };
            out += &format!(
                "| {} | {} | {} | {} | {} |\n",
                r.number,
                r.title,
                if r.answered {
                    tr!(lang, "core-report-yes")
                } else {
                    tr!(lang, "core-report-no")
                },
                score,
                r.hints_used
            );
        }
        out += "\n";
        out += &tr!(
            lang,
            "core-report-total",
            total = lang.dec(self.total, 2),
            out_of = self.out_of.to_string()
        );
        out += "\n";
        out
    }

    /// Write `<dir>/<pack>.<UTC time now>.report.json` and `.md`, each written whole and
    /// never over an existing file (see [`write_pair`]); return both paths.
    pub fn write(&self, dir: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
        let base = format!(
            "{}.{}.report",
            slug(&self.pack_id, 40, "pack"),
            file_stamp(now_unix())
        );
        let body = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_pair(dir, &base, &body, self.markdown().as_bytes())
    }
}

// ---------------------------------------------------------------------------------------
// The exam report as evidence (schema 1): what a teacher needs to grade and audit an
// attempt. Documented field by field in `questions/REPORTS.md`.
// ---------------------------------------------------------------------------------------

use crate::core::grade::{grade, Answer, Facts, Feedback};
use crate::core::pack::{Kind, Pack, Question};
use crate::core::progress::Mode;
use serde::Deserialize;
use std::io::Write;

/// The report schema this build writes and reads.
pub const REPORT_SCHEMA: u32 = 1;
/// A report file larger than this is refused before it is read.
pub const MAX_REPORT_BYTES: u64 = 4 * 1024 * 1024;
/// Bounds `load` checks: questions per report, answers per question, points per question.
pub const MAX_QUESTIONS: usize = 1000;
pub const MAX_ANSWERS: usize = 1000;
pub const MAX_POINTS: f64 = 1000.0;
/// No attempt lasts longer than ten years (seconds).
pub const MAX_SECONDS: u64 = 10 * 366 * 24 * 3600;

/// An exam attempt, as a student submitted it: the evidence a teacher grades and audits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamReport {
    /// Always [`REPORT_SCHEMA`].
    pub schema: u32,
    /// The student's name as given (`--student` or asked at the start).
    pub student: String,
    /// Start and end of the attempt, RFC 3339 in UTC (`2024-11-22T09:15:00Z`).
    pub started: String,
    pub ended: String,
    pub pack_id: String,
    pub title: String,
    /// The pack's language (`en`, `fr`); the texts of the report are in it.
    pub language: String,
    /// SHA-256 of the pack's source text, lowercase hex.
    pub pack_hash: String,
    pub mltutor_version: String,
    pub mode: Mode,
    pub questions: Vec<QuestionReport>,
    /// Sum of the scores that are known (questions "to grade" count for nothing yet).
    pub total: f64,
    /// Sum of every question's `out_of`.
    pub out_of: f64,
    /// Questions whose score is null: open answers the teacher grades.
    pub to_grade: usize,
    /// The variant of a pack with variables the student was given (absent otherwise, and
    /// from reports written before variants): `grade` re-grades with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<u64>,
}

/// One question of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionReport {
    pub id: String,
    pub number: String,
    pub title: String,
    /// `open`, `choice`, `numeric`, `order` or `computed`.
    pub kind: String,
    /// Every answer submitted, oldest first; the last one is graded.
    pub answers: Vec<Submitted>,
    pub hints_used: usize,
    pub time_secs: u64,
    /// Null when the teacher has to grade it (open questions in exam mode).
    pub score: Option<f64>,
    pub out_of: f64,
    /// How the score was computed, in the report's language.
    pub how: String,
}

/// One submitted answer: the value that re-grades it and a text a person reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submitted {
    pub answer: Answer,
    pub text: String,
}

/// What the constructor needs: plain data, not an interface's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub student: String,
    /// UNIX seconds (UTC).
    pub started: u64,
    pub ended: u64,
    pub mode: Mode,
    /// Per question id; a question of the pack not listed here was not answered.
    pub questions: Vec<QuestionAttempt>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuestionAttempt {
    pub id: String,
    /// Every answer submitted, oldest first.
    pub answers: Vec<Answer>,
    pub hints_used: usize,
    pub time_secs: u64,
}

/// Why a report file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{}", render_io(path, source, Lang::en()))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tr!(Lang::en(), "report-error-too-large", size = size.to_string(), limit = limit.to_string()))]
    TooLarge { size: u64, limit: u64 },
    #[error("{}", tr!(Lang::en(), "report-error-json", line = *line, col = *col, why = why.as_str()))]
    Json {
        line: usize,
        col: usize,
        why: String,
    },
    #[error("{}", tr!(Lang::en(), "report-error-schema", found = found.clone(), supported = REPORT_SCHEMA))]
    Schema { found: String },
    #[error("{}", tr!(Lang::en(), "report-error-invalid", field = field.as_str(), why = why.render(Lang::en())))]
    Invalid { field: String, why: Invalid },
}

/// What is wrong with a report's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Time,
    TooMany,
    Points,
    Score,
    Duration,
    OutOfSum,
    Total,
}

impl Invalid {
    pub fn render(self, lang: Lang) -> String {
        match self {
            Invalid::Time => tr!(lang, "report-invalid-time"),
            Invalid::TooMany => tr!(lang, "report-invalid-too-many", max = MAX_ANSWERS),
            Invalid::Points => tr!(lang, "report-invalid-points", max = MAX_POINTS),
            Invalid::Score => tr!(lang, "report-invalid-score"),
            Invalid::Duration => tr!(lang, "report-invalid-duration"),
            Invalid::OutOfSum => tr!(lang, "report-invalid-out-of-sum"),
            Invalid::Total => tr!(lang, "report-invalid-total"),
        }
    }
}

fn render_io(path: &Path, e: &std::io::Error, lang: Lang) -> String {
    tr!(
        lang,
        "report-error-io",
        path = path.display().to_string(),
        why = e.to_string()
    )
}

impl ReportError {
    /// The error in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            ReportError::Io { path, source } => render_io(path, source, lang),
            ReportError::TooLarge { size, limit } => tr!(
                lang,
                "report-error-too-large",
                size = lang.num(*size),
                limit = lang.num(*limit)
            ),
            ReportError::Json { line, col, why } => tr!(
                lang,
                "report-error-json",
                line = *line,
                col = *col,
                why = why.as_str()
            ),
            ReportError::Schema { found } => tr!(
                lang,
                "report-error-schema",
                found = found.as_str(),
                supported = REPORT_SCHEMA
            ),
            ReportError::Invalid { field, why } => tr!(
                lang,
                "report-error-invalid",
                field = field.as_str(),
                why = why.render(lang)
            ),
        }
    }
}

/// The kind of a question, as reports name it.
pub fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Open { .. } => "open",
        Kind::Choice { .. } => "choice",
        Kind::Numeric { .. } => "numeric",
        Kind::Order { .. } => "order",
        Kind::ShortAnswer { .. } => "short-answer",
        Kind::Matching { .. } => "matching",
        Kind::Description => "description",
        Kind::Computed { .. } => "computed",
    }
}

/// The language of a pack's texts (English when it has no messages).
pub fn pack_lang(pack: &Pack) -> Lang {
    Lang::get(&pack.meta.language).unwrap_or_else(Lang::en)
}

/// A readable text of `answer` to question `q`: option and step texts, not indices.
pub fn answer_text(q: &Question, answer: &Answer, facts: &Facts) -> String {
    let pick = |names: &[String], i: usize| names.get(i).cloned().unwrap_or(format!("#{i}"));
    match answer {
        Answer::Open { text, .. } | Answer::Typed(text) => text.clone(),
        Answer::Choice(sel) => {
            let names: Vec<String> = match &q.kind {
                Kind::Choice { options, .. } => options.iter().map(|o| o.text.clone()).collect(),
                Kind::Computed { model, ask, .. } => facts
                    .models
                    .get(model)
                    .and_then(|(spec, s)| crate::core::grade::computed_answer(spec, s, ask).ok())
                    .map(|c| match c {
                        crate::core::grade::ComputedAnswer::Free { options, .. } => options,
                        crate::core::grade::ComputedAnswer::Count { .. }
                        | crate::core::grade::ComputedAnswer::Shape(..)
                        | crate::core::grade::ComputedAnswer::Input(_) => Vec::new(),
                    })
                    .unwrap_or_default(),
                // No options to name: listed, so that a new kind is flagged here.
                Kind::Open { .. }
                | Kind::Numeric { .. }
                | Kind::Order { .. }
                | Kind::ShortAnswer { .. }
                | Kind::Matching { .. }
                | Kind::Description => Vec::new(),
            };
            sel.iter()
                .map(|i| pick(&names, *i))
                .collect::<Vec<_>>()
                .join("; ")
        }
        Answer::Order(order) => {
            let steps: Vec<String> = match &q.kind {
                Kind::Order { steps } => steps.clone(),
                Kind::Open { .. }
                | Kind::Choice { .. }
                | Kind::Numeric { .. }
                | Kind::Computed { .. }
                | Kind::ShortAnswer { .. }
                | Kind::Matching { .. }
                | Kind::Description => Vec::new(),
            };
            order
                .iter()
                .map(|i| pick(&steps, *i))
                .collect::<Vec<_>>()
                .join(" → ")
        }
        Answer::Matching(chosen) => {
            let (lefts, rights) = match &q.kind {
                Kind::Matching { pairs } => {
                    let (l, r, _) = crate::core::grade::match_sides(pairs);
                    (l, r)
                }
                Kind::Open { .. }
                | Kind::Choice { .. }
                | Kind::Numeric { .. }
                | Kind::Computed { .. }
                | Kind::ShortAnswer { .. }
                | Kind::Order { .. }
                | Kind::Description => (Vec::new(), Vec::new()),
            };
            chosen
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    format!(
                        "{} → {}",
                        pick(&lefts, i),
                        c.map_or("?".to_string(), |c| pick(&rights, c))
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

/// A question's score out of 1 and how it was computed, in `lang`. `teacher` is the
/// teacher's score for an open question graded by hand.
fn score_question(
    q: &Question,
    last: Option<&Answer>,
    facts: &Facts,
    mode: Mode,
    teacher: Option<f64>,
    lang: Lang,
) -> (Option<f64>, String) {
    if matches!(q.kind, Kind::Open { .. }) {
        if let Some(t) = teacher {
            return (Some(t), tr!(lang, "report-how-teacher"));
        }
        if mode == Mode::Exam {
            return (None, tr!(lang, "report-how-to-grade"));
        }
    }
    if matches!(q.kind, Kind::Description) {
        return (Some(0.0), tr!(lang, "moodle-feedback-nothing"));
    }
    let Some(answer) = last else {
        return (Some(0.0), tr!(lang, "report-how-unanswered"));
    };
    let g = grade(q, answer, facts);
    (Some(g.score), how(q, &g.feedback, lang))
}

fn how(q: &Question, feedback: &[Feedback], lang: Lang) -> String {
    let right = feedback
        .iter()
        .filter(|f| matches!(f, Feedback::Chose { correct: true, .. }))
        .count();
    let wrong = feedback
        .iter()
        .filter(|f| matches!(f, Feedback::Chose { correct: false, .. }))
        .count();
    let missed = feedback
        .iter()
        .filter(|f| matches!(f, Feedback::Missed { .. }))
        .count();
    let choices = right + wrong + missed > 0
        || matches!(q.kind, Kind::Choice { .. })
            && feedback
                .iter()
                .all(|f| !matches!(f, Feedback::Unreadable(_)));
    if choices {
        let needed = match &q.kind {
            Kind::Choice { need: Some(n), .. } => *n,
            Kind::Choice { need: None, .. }
            | Kind::Computed { .. }
            | Kind::Open { .. }
            | Kind::Numeric { .. }
            | Kind::Order { .. }
            | Kind::ShortAnswer { .. }
            | Kind::Matching { .. }
            | Kind::Description => right + missed,
        };
        return tr!(
            lang,
            "report-how-choices",
            right = right,
            needed = needed,
            wrong = wrong
        );
    }
    let Some(first) = feedback.first() else {
        return String::new();
    };
    match first {
        Feedback::Unreadable(u) => tr!(lang, "report-how-unreadable", why = u.render(lang)),
        Feedback::KeyPoints { ticked, total } => tr!(
            lang,
            "report-how-key-points",
            ticked = *ticked,
            total = *total
        ),
        Feedback::NumberRight { got } => tr!(
            lang,
            "report-how-number-right",
            got = crate::core::feedback::expected_text(got, lang)
        ),
        Feedback::NumberWrong { got, expected } => tr!(
            lang,
            "report-how-number-wrong",
            got = lang.real(*got),
            expected = match expected {
                crate::core::number::NumberAnswer::Value(v) => lang.real(*v),
                crate::core::number::NumberAnswer::Range(a, b) =>
                    format!("{}–{}", lang.real(*a), lang.real(*b)),
            }
        ),
        Feedback::Order {
            in_order, total, ..
        } => tr!(
            lang,
            "report-how-order",
            in_order = *in_order,
            total = *total
        ),
        Feedback::Counts { total, .. } => {
            tr!(lang, "report-how-count", total = lang.num(*total))
        }
        // Explanations that follow a first line; told as the student reads them.
        Feedback::Slip(_) | Feedback::HasParameters { .. } | Feedback::BatchDimension { .. } => {
            crate::core::feedback::feedback_lines(first, lang).join(" ")
        }
        Feedback::ShapeRight { shape } => {
            tr!(lang, "report-how-shape-right", shape = shape.to_string())
        }
        Feedback::ShapeWrong { got, expected } => tr!(
            lang,
            "report-how-shape-wrong",
            got = got.to_string(),
            expected = expected.to_string()
        ),
        Feedback::Runs { input, .. } => {
            tr!(lang, "report-how-runs", input = input.to_string())
        }
        Feedback::Breaks { input, .. } => {
            tr!(lang, "report-how-breaks", input = input.to_string())
        }
        Feedback::Chose { .. } | Feedback::Missed { .. } => String::new(),
        Feedback::Accepted { .. }
        | Feedback::NotAccepted { .. }
        | Feedback::Comment(_)
        | Feedback::NothingToAnswer => crate::core::feedback::feedback_lines(first, lang).join(" "),
        Feedback::Matched { .. } => {
            let pairs = feedback
                .iter()
                .filter_map(|f| match f {
                    Feedback::Matched { chosen, right, .. } => Some(chosen.as_ref() == Some(right)),
                    _ => None,
                })
                .collect::<Vec<bool>>();
            tr!(
                lang,
                "moodle-how-matched",
                right = pairs.iter().filter(|r| **r).count(),
                total = pairs.len()
            )
        }
    }
}

impl ExamReport {
    /// Grade `attempt` against `pack` (computed questions with `facts`) and build its
    /// report. Open questions in exam mode are left "to grade" (score null).
    pub fn new(pack: &Pack, facts: &Facts, attempt: &Attempt) -> Self {
        Self::graded(pack, facts, attempt, &HashMap::new())
    }

    /// As [`ExamReport::new`], with the teacher's scores (out of 1) of open questions by id.
    pub fn graded(
        pack: &Pack,
        facts: &Facts,
        attempt: &Attempt,
        teacher: &HashMap<String, f64>,
    ) -> Self {
        let lang = pack_lang(pack);
        let questions: Vec<QuestionReport> = pack
            .questions
            .iter()
            .map(|q| {
                let a = attempt.questions.iter().find(|a| a.id == q.id);
                let answers: Vec<Submitted> = a
                    .map(|a| {
                        a.answers
                            .iter()
                            .map(|ans| Submitted {
                                answer: ans.clone(),
                                text: answer_text(q, ans, facts),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let (score, how) = score_question(
                    q,
                    answers.last().map(|s| &s.answer),
                    facts,
                    attempt.mode,
                    teacher.get(&q.id).copied(),
                    lang,
                );
                QuestionReport {
                    id: q.id.clone(),
                    number: q.number.clone(),
                    title: q.title.clone(),
                    kind: kind_name(&q.kind).into(),
                    answers,
                    hints_used: a.map_or(0, |a| a.hints_used),
                    time_secs: a.map_or(0, |a| a.time_secs),
                    score,
                    // A description is worth no marks.
                    out_of: match q.kind {
                        Kind::Description => 0.0,
                        Kind::Open { .. }
                        | Kind::Choice { .. }
                        | Kind::Numeric { .. }
                        | Kind::Order { .. }
                        | Kind::ShortAnswer { .. }
                        | Kind::Matching { .. }
                        | Kind::Computed { .. } => 1.0,
                    },
                    how,
                }
            })
            .collect();
        let total = questions
            .iter()
            .filter_map(|q| q.score)
            .fold(0.0, |a, b| a + b);
        let out_of = questions.iter().map(|q| q.out_of).fold(0.0, |a, b| a + b);
        let to_grade = questions.iter().filter(|q| q.score.is_none()).count();
        Self {
            schema: REPORT_SCHEMA,
            student: attempt.student.clone(),
            started: rfc3339(attempt.started),
            ended: rfc3339(attempt.ended),
            pack_id: pack.meta.id.clone(),
            title: pack.meta.title.clone(),
            language: pack.meta.language.clone(),
            pack_hash: pack.source_hash.clone(),
            mltutor_version: env!("CARGO_PKG_VERSION").into(),
            mode: attempt.mode,
            questions,
            total,
            out_of,
            to_grade,
            variant: pack.variant,
        }
    }

    /// The attempt this report records (its answers, hints and times), to grade it again.
    pub fn attempt(&self) -> Attempt {
        Attempt {
            student: self.student.clone(),
            started: parse_rfc3339(&self.started).unwrap_or(0),
            ended: parse_rfc3339(&self.ended).unwrap_or(0),
            mode: self.mode,
            questions: self
                .questions
                .iter()
                .map(|q| QuestionAttempt {
                    id: q.id.clone(),
                    answers: q.answers.iter().map(|s| s.answer.clone()).collect(),
                    hints_used: q.hints_used,
                    time_secs: q.time_secs,
                })
                .collect(),
        }
    }

    /// The report as Markdown, in its language (English when it has no messages).
    pub fn markdown(&self) -> String {
        self.markdown_in(Lang::get(&self.language).unwrap_or_else(Lang::en))
    }

    /// The report as Markdown in `lang`; every text from the report is escaped, so a title
    /// with `|` or a newline cannot break the table.
    pub fn markdown_in(&self, lang: Lang) -> String {
        let mode = match self.mode {
            Mode::Exam => tr!(lang, "core-report-mode-exam"),
            Mode::SelfCheck => tr!(lang, "core-report-mode-self-check"),
        };
        let score_of = |s: Option<f64>| match s {
            Some(s) => lang.dec(s, 2),
            None => tr!(lang, "report-to-grade"),
        };
        let mut out = tr!(lang, "core-report-title", title = md_escape(&self.title));
        out += "\n\n";
        for line in [
            tr!(
                lang,
                "report-md-student",
                student = md_escape(&self.student)
            ),
            tr!(
                lang,
                "report-md-times",
                started = md_escape(&self.started),
                ended = md_escape(&self.ended)
            ),
            tr!(
                lang,
                "report-md-pack",
                pack = md_escape(&self.pack_id),
                language = md_escape(&self.language),
                hash = md_escape(&self.pack_hash)
            ),
            tr!(
                lang,
                "report-md-version",
                version = md_escape(&self.mltutor_version),
                mode = mode
            ),
        ] {
            out += &format!("- {line}\n");
        }
        if let Some(n) = self.variant {
            out += &format!(
                "- {}\n",
                tr!(lang, "variant-report-line", number = n.to_string())
            );
        }
        out += "\n";
        out += &tr!(lang, "report-md-header");
        out += "\n|---|---|---|---|---|---|\n";
        for q in &self.questions {
            out += &format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                md_escape(&q.number),
                md_escape(&q.title),
                score_of(q.score),
                md_escape(&q.how),
                q.hints_used,
                format_duration(q.time_secs)
            );
        }
        out += "\n";
        out += &tr!(
            lang,
            "report-md-total",
            total = lang.dec(self.total, 2),
            out_of = lang.real(self.out_of),
            to_grade = self.to_grade
        );
        out += "\n\n";
        out += &tr!(lang, "report-md-answers");
        out += "\n";
        for q in &self.questions {
            out += "\n";
            out += &tr!(
                lang,
                "report-md-question",
                number = md_escape(&q.number),
                title = md_escape(&q.title),
                score = score_of(q.score)
            );
            out += "\n\n";
            if q.answers.is_empty() {
                out += &tr!(lang, "report-md-no-answer");
                out += "\n";
            }
            for (i, a) in q.answers.iter().enumerate() {
                if q.answers.len() > 1 {
                    out += &tr!(lang, "report-md-attempt", n = i + 1);
                    out += "\n";
                }
                for line in a.text.lines() {
                    out += &format!("> {}\n", md_escape(line));
                }
                if a.text.lines().next().is_none() {
                    out += ">\n";
                }
                out += "\n";
            }
        }
        out
    }

    /// Write the report as `<pack>.<student>.<UTC end time>.json` and `.md` in `dir`, each
    /// written whole under a temporary name then linked into place: an existing file is
    /// never overwritten (the name gets `-2`, `-3`…). Returns both paths.
    pub fn write(&self, dir: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let stamp = parse_rfc3339(&self.ended)
            .map(file_stamp)
            .unwrap_or_else(|| "undated".into());
        let base = format!(
            "{}.{}.{}",
            slug(&self.pack_id, 40, "pack"),
            slug(&self.student, 40, "anonymous"),
            stamp
        );
        write_pair(dir, &base, &json, self.markdown().as_bytes())
    }

    /// Read a report from an untrusted file: its size is bounded before it is read, its
    /// schema checked, and every number finite and in range.
    pub fn load(path: &Path) -> Result<Self, ReportError> {
        let io = |source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes =
            crate::core::files::read_bounded(path, MAX_REPORT_BYTES).map_err(|e| match e {
                crate::core::files::BoundedReadError::Io(e) => io(e),
                crate::core::files::BoundedReadError::TooLarge { size, limit } => {
                    ReportError::TooLarge { size, limit }
                }
            })?;
        Self::from_json(&bytes)
    }

    /// Parse and validate a report's JSON (see [`ExamReport::load`]).
    pub fn from_json(bytes: &[u8]) -> Result<Self, ReportError> {
        let json_err = |e: serde_json::Error| ReportError::Json {
            line: e.line(),
            col: e.column(),
            why: e.to_string(),
        };
        // The schema first, so a newer report says so instead of naming unknown fields.
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(json_err)?;
        match value.get("schema") {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(REPORT_SCHEMA as u64) => {}
            Some(other) => {
                return Err(ReportError::Schema {
                    found: other.to_string(),
                })
            }
            None => {
                return Err(ReportError::Schema {
                    found: "—".into()
                })
            }
        }
        let r: ExamReport = serde_json::from_slice(bytes).map_err(json_err)?;
        r.validate()?;
        Ok(r)
    }

    fn validate(&self) -> Result<(), ReportError> {
        let bad = |field: String, why: Invalid| Err(ReportError::Invalid { field, why });
        for (field, v) in [("started", &self.started), ("ended", &self.ended)] {
            if parse_rfc3339(v).is_none() {
                return bad(field.into(), Invalid::Time);
            }
        }
        if self.questions.len() > MAX_QUESTIONS {
            return bad("questions".into(), Invalid::TooMany);
        }
        let mut sum_out_of = 0.0;
        for (i, q) in self.questions.iter().enumerate() {
            let field = |f: &str| format!("questions[{i}].{f}");
            if !(q.out_of.is_finite() && q.out_of > 0.0 && q.out_of <= MAX_POINTS) {
                return bad(field("out_of"), Invalid::Points);
            }
            if let Some(s) = q.score {
                if !(s.is_finite() && (0.0..=q.out_of).contains(&s)) {
                    return bad(field("score"), Invalid::Score);
                }
            }
            if q.answers.len() > MAX_ANSWERS {
                return bad(field("answers"), Invalid::TooMany);
            }
            if q.time_secs > MAX_SECONDS {
                return bad(field("time_secs"), Invalid::Duration);
            }
            sum_out_of += q.out_of;
        }
        if !(self.out_of.is_finite() && (self.out_of - sum_out_of).abs() < 1e-6) {
            return bad("out_of".into(), Invalid::OutOfSum);
        }
        if !(self.total.is_finite() && self.total >= 0.0 && self.total <= self.out_of + 1e-9) {
            return bad("total".into(), Invalid::Total);
        }
        Ok(())
    }
}

/// A question whose stored score is not what its answers give.
#[derive(Debug, Clone, PartialEq)]
pub struct Edited {
    pub id: String,
    pub number: String,
    pub stored: Option<f64>,
    pub regraded: Option<f64>,
}

/// A report graded again from its answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Regraded {
    /// The report as the pack grades it now (stored scores ignored).
    pub report: ExamReport,
    /// The report's `pack_hash` is the pack's.
    pub hash_matches: bool,
    /// Stored scores that differ from the re-graded ones.
    pub edited: Vec<Edited>,
    /// The stored total is not the sum of the stored scores.
    pub total_edited: bool,
    /// Question ids of the report that the pack does not have.
    pub unknown_questions: Vec<String>,
    /// The report says it was not an exam (exam reports are the only ones mltutor writes).
    pub not_an_exam: bool,
}

impl Regraded {
    /// Something a teacher must look at: another pack version, edited scores or questions
    /// the pack does not know.
    pub fn flagged(&self) -> bool {
        !self.hash_matches
            || !self.edited.is_empty()
            || self.total_edited
            || !self.unknown_questions.is_empty()
            || self.not_an_exam
    }
}

/// Grade `stored` again from its answers with `pack`; open questions take the teacher's
/// scores (`teacher`, by question id). The stored scores are only compared, never used.
pub fn regrade(
    stored: &ExamReport,
    pack: &Pack,
    facts: &Facts,
    teacher: &HashMap<String, f64>,
) -> Regraded {
    // Whatever mode the file claims, the teacher grades open answers: a report edited to say
    // "self-check" cannot turn its own ticks into points.
    let mut attempt = stored.attempt();
    attempt.mode = crate::core::progress::Mode::Exam;
    let report = ExamReport::graded(pack, facts, &attempt, teacher);
    let mut edited = Vec::new();
    for q in &report.questions {
        let before = stored.questions.iter().find(|s| s.id == q.id);
        let stored_score = before.and_then(|s| s.score);
        let same = match (stored_score, q.score) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (None, None) => true,
            // The teacher's score for an answer left "to grade".
            (None, Some(_)) => teacher.contains_key(&q.id) || before.is_none(),
            (Some(_), None) => false,
        };
        if !same {
            edited.push(Edited {
                id: q.id.clone(),
                number: q.number.clone(),
                stored: stored_score,
                regraded: q.score,
            });
        }
    }
    let sum = stored
        .questions
        .iter()
        .filter_map(|q| q.score)
        .fold(0.0, |a, b| a + b);
    Regraded {
        not_an_exam: stored.mode != crate::core::progress::Mode::Exam,
        hash_matches: stored.pack_hash == pack.source_hash,
        total_edited: (sum - stored.total).abs() > 1e-6,
        unknown_questions: stored
            .questions
            .iter()
            .filter(|q| pack.question(&q.id).is_none())
            .map(|q| q.id.clone())
            .collect(),
        edited,
        report,
    }
}

/// Escape a text for a Markdown table cell or line: Markdown's special characters get a
/// backslash, `|` cannot end a cell, and line breaks become spaces.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push(' ');
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{0085}' => out.push(' '),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `m:ss`, or `h:mm:ss` from an hour on.
fn format_duration(secs: u64) -> String {
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// A file-name-safe form of `s`: ASCII letters and digits in lowercase, other runs of
/// characters as one `-`, at most `max` bytes; `empty` when nothing is left.
pub fn slug(s: &str, max: usize, empty: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'í' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            if out.len() >= max {
                break;
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') && out.len() < max {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        empty.to_string()
    } else {
        out.to_string()
    }
}

/// Write `<base>.json` and `<base>.md` in `dir`, adding `-2`, `-3`… to `base` until
/// neither exists; never overwrites.
pub fn write_pair(
    dir: &Path,
    base: &str,
    json: &[u8],
    md: &[u8],
) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    for n in 1..10_000u32 {
        let name = if n == 1 {
            base.to_string()
        } else {
            format!("{base}-{n}")
        };
        let (j, m) = (
            dir.join(format!("{name}.json")),
            dir.join(format!("{name}.md")),
        );
        if j.exists() || m.exists() {
            continue;
        }
        match write_new(&j, json) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        match write_new(&m, md) {
            Ok(()) => return Ok((j, m)),
            Err(e) => {
                // The JSON is ours, just written: take it back so the pair stays whole.
                let _ = std::fs::remove_file(&j);
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    continue;
                }
                return Err(e);
            }
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "no free report name",
    ))
}

/// Write `bytes` to the new file `path`, atomically: a temporary file is written and
/// synced, then hard-linked to `path` (which fails if `path` exists). Where links are not
/// supported, the file is created with `create_new` and written in place.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let write = |p: &Path| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(p)?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    let _ = std::fs::remove_file(&tmp);
    write(&tmp)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => write(path),
    }
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn split_time(unix: u64) -> (i64, u32, u32, u64, u64, u64) {
    let (y, mo, d) = civil_from_days((unix / 86_400) as i64);
    let s = unix % 86_400;
    (y, mo, d, s / 3600, s / 60 % 60, s % 60)
}

/// UNIX seconds as RFC 3339 in UTC: `2024-11-22T09:15:00Z`.
pub fn rfc3339(unix: u64) -> String {
    let (y, mo, d, h, mi, s) = split_time(unix);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// UNIX seconds as a file-name time stamp: `20241122T091500Z`.
pub fn file_stamp(unix: u64) -> String {
    let (y, mo, d, h, mi, s) = split_time(unix);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// Read back what [`rfc3339`] writes (UTC, whole seconds, years 1970 to 9999).
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = &s[r];
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())
            .flatten()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if y < 1970 || !(1..=12).contains(&mo) || d == 0 || d > month_days[mo as usize - 1] {
        return None;
    }
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let days = days_from_civil(y as i64, mo, d);
    Some(days as u64 * 86_400 + h as u64 * 3600 + mi as u64 * 60 + sec as u64)
}

/// The time now, in UNIX seconds.
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod evidence_tests {
    use super::*;

    #[test]
    fn times_round_trip_against_known_dates() {
        // 2024-11-22T09:15:00Z: 20049 days after 1970-01-01 (54 years, 13 leap days:
        // 54×365 + 13 = 19723 to 2024-01-01, + 326 days to 22 November) = 1732266900 s.
        assert_eq!(rfc3339(1_732_266_900), "2024-11-22T09:15:00Z");
        assert_eq!(parse_rfc3339("2024-11-22T09:15:00Z"), Some(1_732_266_900));
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(file_stamp(951_782_400), "20000229T000000Z");
        for bad in [
            "2023-02-29T00:00:00Z",
            "2024-11-22 09:15:00Z",
            "2024-13-01T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn slugs_are_safe_and_bounded() {
        assert_eq!(slug("Élodie O'Brien", 40, "x"), "elodie-o-brien");
        assert_eq!(slug("../../etc/passwd", 40, "x"), "etc-passwd");
        assert_eq!(slug("***", 40, "anonymous"), "anonymous");
        assert_eq!(slug(&"a".repeat(100), 40, "x").len(), 40);
    }
}
