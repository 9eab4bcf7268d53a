//! The tutor's state: what the interface holds, and the questions it answers about it.
//! Changes are made by `update` only.

use super::keymap::Action;
use super::lab::LabState;
use super::msg::{Effect, LiveTrace};
use super::text::TextInput;
use crate::core::grade::{computed_answer, Answer, ComputedAnswer, Facts, Feedback, Verdict};
use crate::core::i18n::Lang;
use crate::core::pack::{Ask, Kind, Pack, Question};
use crate::core::progress::{FirstTry, Mode, Progress, SavedQuestion};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Question,
    Report,
    Lab,
}

/// The panes of the question screen that Tab moves between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Answer,
    Statement,
    Feedback,
    Model,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Quit,
    /// Quit although the last save failed.
    QuitUnsaved,
    ResetQuestion,
    ResetAll,
    Submit,
}

/// How a question is answered on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    /// Free text on several lines, then ticks against the reference.
    Open,
    /// A list of options to select.
    Choose,
    /// Steps to put in order.
    Order,
    /// One line: a number, a shape or a short answer.
    Field,
    /// Each left item matched to a right item.
    Match,
}

/// The widget of a question's kind.
pub fn widget(q: &Question) -> Widget {
    match &q.kind {
        Kind::Open { .. } => Widget::Open,
        Kind::Choice { .. } => Widget::Choose,
        Kind::Numeric { .. } | Kind::ShortAnswer { .. } => Widget::Field,
        Kind::Order { .. } => Widget::Order,
        Kind::Matching { .. } => Widget::Match,
        // Nothing to pick: Enter marks it read.
        Kind::Description => Widget::Choose,
        Kind::Computed { ask, .. } => match ask {
            Ask::ParameterFree => Widget::Choose,
            Ask::ParameterCount { .. } | Ask::OutputShape { .. } | Ask::InputShape => Widget::Field,
        },
    }
}

/// Whether the question is answered by typing, and on how many lines.
pub fn text_kind(q: &Question) -> Option<bool> {
    match widget(q) {
        Widget::Open => Some(true),
        Widget::Field => Some(false),
        Widget::Choose | Widget::Order | Widget::Match => None,
    }
}

pub(crate) fn is_input_shape(q: &Question) -> bool {
    matches!(
        &q.kind,
        Kind::Computed {
            ask: Ask::InputShape,
            ..
        }
    )
}

/// Everything the interface holds about one question.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionState {
    pub input: TextInput,
    /// Options to choose from: the pack's, or generated from the model.
    pub options: Vec<String>,
    pub selected: Vec<bool>,
    /// Cursor over options, steps or key points.
    pub cursor: usize,
    /// Step indices in the order shown.
    pub order: Vec<usize>,
    /// Matching: per left item, the right item chosen (an index into `options`).
    pub matches: Vec<Option<usize>>,
    pub ticked: Vec<bool>,
    /// Open question: the reference is shown and the student rates their answer.
    pub revealed: bool,
    pub hints_shown: usize,
    /// The last answer given.
    pub answer: Option<Answer>,
    pub score: Option<f64>,
    pub feedback: Vec<Feedback>,
    /// Waiting for a grade computed off the UI thread.
    pub pending: bool,
    pub trace: Option<LiveTrace>,
    pub scroll: [u16; 3],
    /// Self-check: the score of the first graded answer, and how many were graded.
    pub first_try: Option<FirstTry>,
    /// The grade on its way is a new try (not one recomputed at a restart).
    pub counting: bool,
}

/// Exam-mode bookkeeping. Times are wall-clock UNIX seconds, given to `update` by
/// messages (`Msg::Clock`), so the update stays pure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExamState {
    pub limit_secs: Option<u64>,
    pub elapsed_secs: u64,
    pub submitted: bool,
    /// JSON and Markdown report files, once written.
    pub report: Option<(PathBuf, PathBuf)>,
    /// The student's name, once known.
    pub student: Option<String>,
    /// The name being typed at the start, when it was not given with `--student`.
    pub naming: Option<TextInput>,
    /// The clock's last reading.
    pub now: u64,
    pub started_at: Option<u64>,
    /// Set at the start and saved: closing the program does not stop the clock.
    pub deadline: Option<u64>,
    pub ended_at: Option<u64>,
    /// Every answer submitted per question, oldest first.
    pub history: Vec<Vec<Answer>>,
    /// Seconds each question was open.
    pub times: Vec<u64>,
    /// The report was handed to the writer: it is written once, not at every restart.
    pub reported: bool,
}

impl ExamState {
    /// Seconds left before the deadline (none without a time limit).
    pub fn remaining(&self) -> Option<u64> {
        self.deadline.map(|d| d.saturating_sub(self.now))
    }
}

#[derive(Debug, Clone)]
pub struct State {
    pub pack: Arc<Pack>,
    pub facts: Arc<Facts>,
    pub lang: Lang,
    pub mode: Mode,
    pub color: bool,
    pub screen: Screen,
    pub list_cursor: usize,
    pub current: usize,
    pub questions: Vec<QuestionState>,
    pub focus: Pane,
    pub editing: bool,
    pub help: bool,
    pub confirm: Option<Confirm>,
    pub status: Option<String>,
    pub exam: ExamState,
    pub trace_seq: u64,
    pub quit: bool,
    /// The terminal's size (columns, rows), for mapping mouse clicks to what is drawn.
    pub size: Option<(u16, u16)>,
    pub lab: LabState,
    /// Screen to return to when the lab closes.
    pub lab_return: Screen,
    /// The keymap action the last key triggered (none: the key did nothing).
    pub last_action: Option<Action>,
    /// Why the last save failed; none once a save succeeds.
    pub save_error: Option<String>,
    /// Each model's PyTorch code by name, computed once when the state is built.
    pub code: std::collections::HashMap<String, String>,
    /// Whether this build has CUDA (a constant of the build, passed in so views stay pure).
    pub cuda_built: bool,
    /// This installation's id: what seeds the order of choices and steps in self-check.
    pub install_id: String,
}

fn kind_options(q: &Question, facts: &Facts) -> Vec<String> {
    match &q.kind {
        Kind::Choice { options, .. } => options.iter().map(|o| o.text.clone()).collect(),
        Kind::Computed {
            model,
            ask: Ask::ParameterFree,
            ..
        } => facts
            .models
            .get(model)
            .and_then(|(spec, s)| computed_answer(spec, s, &Ask::ParameterFree).ok())
            .map(|c| match c {
                ComputedAnswer::Free { options, .. } => options,
                ComputedAnswer::Count { .. }
                | ComputedAnswer::Shape(..)
                | ComputedAnswer::Input(_) => Vec::new(),
            })
            .unwrap_or_default(),
        // Matching: the right items, chosen from for each left item.
        Kind::Matching { pairs } => crate::core::grade::match_sides(pairs).1,
        Kind::Computed { .. }
        | Kind::Open { .. }
        | Kind::Numeric { .. }
        | Kind::Order { .. }
        | Kind::ShortAnswer { .. }
        | Kind::Description => Vec::new(),
    }
}

impl QuestionState {
    pub fn new(q: &Question, facts: &Facts) -> Self {
        let options = kind_options(q, facts);
        let (order, ticked) = match &q.kind {
            // Dealt again per student by `State::deal`; never the right order meanwhile.
            Kind::Order { steps } => (
                crate::core::shuffle::initial_order("", "", &q.id, steps.len()),
                Vec::new(),
            ),
            Kind::Open { key_points, .. } => (Vec::new(), vec![false; key_points.len().max(1)]),
            Kind::Choice { .. }
            | Kind::Numeric { .. }
            | Kind::Computed { .. }
            | Kind::ShortAnswer { .. }
            | Kind::Matching { .. }
            | Kind::Description => (Vec::new(), Vec::new()),
        };
        let matches = match &q.kind {
            Kind::Matching { pairs } => vec![None; crate::core::grade::match_sides(pairs).0.len()],
            Kind::Choice { .. }
            | Kind::Numeric { .. }
            | Kind::Computed { .. }
            | Kind::ShortAnswer { .. }
            | Kind::Order { .. }
            | Kind::Open { .. }
            | Kind::Description => Vec::new(),
        };
        Self {
            input: TextInput::new(text_kind(q).unwrap_or(false)),
            selected: vec![false; options.len()],
            options,
            cursor: 0,
            order,
            matches,
            ticked,
            revealed: false,
            hints_shown: 0,
            answer: None,
            score: None,
            feedback: Vec::new(),
            pending: false,
            trace: None,
            scroll: [0; 3],
            first_try: None,
            counting: false,
        }
    }

    /// A grade arrived: the score shown, and for a new try, the first try and the count.
    pub(crate) fn record(&mut self, score: f64) {
        self.score = Some(score);
        if std::mem::take(&mut self.counting) {
            self.first_try = Some(match self.first_try {
                None => FirstTry { score, attempts: 1 },
                Some(t) => FirstTry {
                    score: t.score,
                    attempts: t.attempts.saturating_add(1),
                },
            });
        }
    }

    /// Restore the widgets from a saved answer.
    pub(crate) fn restore(&mut self, saved: &SavedQuestion) {
        self.hints_shown = saved.hints_shown;
        self.score = saved.score;
        self.answer = saved.answer.clone();
        match &saved.answer {
            Some(Answer::Typed(t)) => self.input = TextInput::with_text(self.input.multiline, t),
            Some(Answer::Open { text, ticked }) => {
                self.input = TextInput::with_text(true, text);
                for &i in ticked {
                    if let Some(t) = self.ticked.get_mut(i) {
                        *t = true;
                    }
                }
                self.revealed = saved.score.is_some();
            }
            Some(Answer::Choice(sel)) => {
                for &i in sel {
                    if let Some(s) = self.selected.get_mut(i) {
                        *s = true;
                    }
                }
            }
            Some(Answer::Order(o)) if o.len() == self.order.len() => self.order = o.clone(),
            Some(Answer::Matching(m)) if m.len() == self.matches.len() => {
                self.matches = m
                    .iter()
                    .map(|c| c.filter(|c| *c < self.options.len()))
                    .collect()
            }
            // A saved order of another length belongs to another version of the pack.
            Some(Answer::Order(_)) | Some(Answer::Matching(_)) | None => {}
        }
        if !saved.draft.is_empty() {
            self.input = TextInput::with_text(self.input.multiline, &saved.draft);
        }
    }

    /// The answer the widgets currently express.
    pub(crate) fn current_answer(&self, q: &Question) -> Answer {
        let picked = |v: &[bool]| {
            v.iter()
                .enumerate()
                .filter(|(_, t)| **t)
                .map(|(i, _)| i)
                .collect()
        };
        match widget(q) {
            Widget::Open => Answer::Open {
                text: self.input.text(),
                ticked: picked(&self.ticked),
            },
            Widget::Choose => Answer::Choice(picked(&self.selected)),
            Widget::Order => Answer::Order(self.order.clone()),
            Widget::Field => Answer::Typed(self.input.text()),
            Widget::Match => Answer::Matching(self.matches.clone()),
        }
    }

    /// Typed text that has not been submitted.
    pub fn draft_dirty(&self) -> bool {
        if self.input.is_empty() {
            return false;
        }
        match &self.answer {
            Some(Answer::Typed(t)) => *t != self.input.text(),
            Some(Answer::Open { text, .. }) => *text != self.input.text(),
            Some(Answer::Choice(_)) | Some(Answer::Order(_)) | Some(Answer::Matching(_)) | None => {
                true
            }
        }
    }

    pub fn verdict(&self) -> Option<Verdict> {
        self.score.map(crate::core::grade::verdict)
    }
}

impl State {
    pub fn new(pack: Arc<Pack>, facts: Arc<Facts>, lang: Lang, mode: Mode) -> Self {
        let questions: Vec<QuestionState> = pack
            .questions
            .iter()
            .map(|q| QuestionState::new(q, &facts))
            .collect();
        let n = questions.len();
        let code = pack
            .questions
            .iter()
            .flat_map(|q| {
                let computed = match &q.kind {
                    Kind::Computed { model, .. } => Some(model.as_str()),
                    Kind::Open { .. }
                    | Kind::Choice { .. }
                    | Kind::Numeric { .. }
                    | Kind::Order { .. }
                    | Kind::ShortAnswer { .. }
                    | Kind::Matching { .. }
                    | Kind::Description => None,
                };
                q.code.as_deref().into_iter().chain(computed)
            })
            .filter_map(|m| {
                pack.model(m)
                    .map(|spec| (m.to_string(), crate::core::codegen::pytorch_code(spec)))
            })
            .collect();
        Self {
            pack,
            facts,
            lang,
            mode,
            color: true,
            screen: Screen::List,
            list_cursor: 0,
            current: 0,
            questions,
            focus: Pane::Answer,
            editing: false,
            help: false,
            confirm: None,
            status: None,
            exam: ExamState {
                history: vec![Vec::new(); n],
                times: vec![0; n],
                ..Default::default()
            },
            trace_seq: 0,
            quit: false,
            size: None,
            lab: LabState::default(),
            lab_return: Screen::List,
            last_action: None,
            save_error: None,
            code,
            cuda_built: crate::engine::CUDA_BUILT,
            install_id: String::new(),
        }
        .dealt()
    }

    fn dealt(mut self) -> Self {
        self.deal();
        self
    }

    /// Who the orders are drawn for: the student in an exam, else this installation.
    pub fn shuffle_key(&self) -> &str {
        match (self.mode, &self.exam.student) {
            (Mode::Exam, Some(name)) => name,
            (Mode::Exam, None) | (Mode::SelfCheck, _) => &self.install_id,
        }
    }

    /// The order question `i` shows its options in: `order[k]` is the pack index of the
    /// option at position `k`. Choice questions are shuffled per student; the operations of
    /// a model stay in the model's order.
    pub fn choice_order(&self, i: usize) -> Vec<usize> {
        let n = self.questions.get(i).map_or(0, |q| q.options.len());
        match self.pack.questions.get(i).map(|q| (&q.kind, &q.id)) {
            // Matching: the right items, shuffled as choices are.
            Some((Kind::Choice { .. } | Kind::Matching { .. }, id)) => {
                crate::core::shuffle::choice_order(self.shuffle_key(), &self.pack.meta.id, id, n)
            }
            Some((
                Kind::Computed { .. }
                | Kind::Open { .. }
                | Kind::Numeric { .. }
                | Kind::Order { .. }
                | Kind::ShortAnswer { .. }
                | Kind::Description,
                _,
            ))
            | None => (0..n).collect(),
        }
    }

    /// The order question `i`'s steps are first shown in (never the right one).
    pub fn initial_order(&self, i: usize) -> Vec<usize> {
        let n = self.questions.get(i).map_or(0, |q| q.order.len());
        let id = self.pack.questions.get(i).map_or("", |q| q.id.as_str());
        crate::core::shuffle::initial_order(self.shuffle_key(), &self.pack.meta.id, id, n)
    }

    /// Whether question `i` is an order question whose steps are as first shown: submitting
    /// that is not an answer.
    pub fn order_untouched(&self, i: usize) -> bool {
        let order = match (self.pack.questions.get(i), self.questions.get(i)) {
            (Some(q), Some(st)) => match &q.kind {
                Kind::Order { .. } => &st.order,
                Kind::Open { .. }
                | Kind::Choice { .. }
                | Kind::Numeric { .. }
                | Kind::Computed { .. }
                | Kind::ShortAnswer { .. }
                | Kind::Matching { .. }
                | Kind::Description => return false,
            },
            (None, _) | (_, None) => return false,
        };
        !crate::core::grade::order_answered(&self.initial_order(i), order)
    }

    /// Deal the steps of unanswered order questions for whoever the orders are drawn for
    /// now (called when that becomes known: start, restart, the name typed, a reset).
    pub(crate) fn deal(&mut self) {
        for i in 0..self.questions.len() {
            self.deal_one(i);
        }
    }

    pub(crate) fn deal_one(&mut self, i: usize) {
        let order = self.initial_order(i);
        if let Some(q) = self.questions.get_mut(i) {
            if q.answer.is_none() && q.order.len() == order.len() {
                q.order = order;
            }
        }
    }

    /// What was saved beyond the answers: self-check's first tries; then the steps dealt.
    pub(crate) fn resume_extras(&mut self, p: &Progress) {
        for (q, st) in self.pack.questions.iter().zip(self.questions.iter_mut()) {
            st.first_try = p.first_tries.get(&q.id).copied();
        }
        self.deal();
    }

    /// Whether this is an exam that has not been submitted: nothing may reveal an answer.
    pub fn sealed(&self) -> bool {
        self.mode == Mode::Exam && !self.exam.submitted
    }

    /// Whether answers are frozen: an exam after submission.
    pub fn frozen(&self) -> bool {
        self.mode == Mode::Exam && self.exam.submitted
    }

    /// Questions without an answer.
    pub fn unanswered(&self) -> usize {
        self.questions
            .iter()
            .filter(|q| q.answer.is_none() && !q.draft_dirty())
            .count()
    }

    pub fn question(&self) -> &Question {
        &self.pack.questions[self.current]
    }
    pub fn qs(&self) -> &QuestionState {
        &self.questions[self.current]
    }
    pub(crate) fn qs_mut(&mut self) -> &mut QuestionState {
        &mut self.questions[self.current]
    }

    /// Whether grades and corrections are shown: always in self-check, after submission in exam mode.
    pub fn feedback_visible(&self) -> bool {
        self.mode == Mode::SelfCheck || self.exam.submitted
    }

    /// The progress snapshot to save.
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            pack_id: self.pack.meta.id.clone(),
            mode: self.mode,
            last_question: Some(self.pack.questions[self.current].id.clone()),
            exam_submitted: self.exam.submitted,
            exam_elapsed_secs: self.exam.elapsed_secs,
            student: self.exam.student.clone(),
            exam_started_at: self.exam.started_at,
            exam_deadline: self.exam.deadline,
            exam_ended_at: self.exam.ended_at,
            exam_reported: self.exam.reported,
            ..Default::default()
        };
        for (i, q) in self.pack.questions.iter().enumerate() {
            if let Some(h) = self.exam.history.get(i).filter(|h| !h.is_empty()) {
                p.exam_answers.insert(q.id.clone(), h.clone());
            }
            if let Some(&t) = self.exam.times.get(i).filter(|t| **t > 0) {
                p.exam_times.insert(q.id.clone(), t);
            }
        }
        for (q, s) in self.pack.questions.iter().zip(&self.questions) {
            if let Some(t) = s.first_try {
                p.first_tries.insert(q.id.clone(), t);
            }
            let draft = if s.draft_dirty() {
                s.input.text()
            } else {
                String::new()
            };
            if s.answer.is_some() || s.hints_shown > 0 || !draft.is_empty() {
                p.questions.insert(
                    q.id.clone(),
                    SavedQuestion {
                        answer: s.answer.clone(),
                        score: s.score,
                        hints_shown: s.hints_shown,
                        draft,
                    },
                );
            }
        }
        p
    }

    pub(crate) fn save(&self) -> Effect {
        Effect::Save(self.progress())
    }

    /// Questions answered, and the total score so far.
    pub fn totals(&self) -> (usize, f64) {
        let answered = self.questions.iter().filter(|q| q.answer.is_some()).count();
        // fold from +0.0: an empty float sum is -0.0.
        let score = self
            .questions
            .iter()
            .filter_map(|q| q.score)
            .fold(0.0, |a, b| a + b);
        (answered, score)
    }
}

/// The attempt as plain data, for the report's constructor: every answer submitted
/// (the last one graded), hints, time spent.
pub fn attempt(s: &State) -> crate::core::report::Attempt {
    use crate::core::report::{Attempt, QuestionAttempt};
    Attempt {
        student: s.exam.student.clone().unwrap_or_default(),
        started: s.exam.started_at.unwrap_or(s.exam.now),
        ended: s.exam.ended_at.unwrap_or(s.exam.now),
        mode: s.mode,
        questions: s
            .pack
            .questions
            .iter()
            .zip(&s.questions)
            .enumerate()
            .map(|(i, (q, st))| {
                let mut answers = s.exam.history.get(i).cloned().unwrap_or_default();
                // A last answer not in the history (saved before histories were kept).
                if let Some(a) = &st.answer {
                    if answers.last() != Some(a) {
                        answers.push(a.clone());
                    }
                }
                QuestionAttempt {
                    id: q.id.clone(),
                    answers,
                    hints_used: st.hints_shown,
                    time_secs: s.exam.times.get(i).copied().unwrap_or(0),
                }
            })
            .collect(),
    }
}

/// The exam report of the state as it stands, built by the report's constructor.
pub fn exam_report(s: &State) -> crate::core::report::ExamReport {
    crate::core::report::ExamReport::new(&s.pack, &s.facts, &attempt(s))
}
