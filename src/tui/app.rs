//! The tutor's state, its vocabulary of messages and effects, and the pure `update`.

use super::text::TextInput;
use crate::core::grade::{
    computed_answer, grade, Answer, ComputedAnswer, Facts, Feedback, Verdict,
};
use crate::core::i18n::Lang;
use crate::core::pack::{Ask, Kind, Pack, Question};
use crate::core::progress::{Mode, Progress, SavedQuestion};
use crate::core::shape::Shape;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
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
    ResetQuestion,
    ResetAll,
    Submit,
}

/// A live shape trace for an input-shape question, as the student types.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveTrace {
    Runs(Vec<(String, Shape)>),
    Breaks(crate::core::summary::InspectError),
    Unreadable(crate::core::grade::Unreadable),
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
}

/// Exam-mode bookkeeping.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExamState {
    pub limit_secs: Option<u64>,
    pub elapsed_secs: u64,
    pub submitted: bool,
    /// JSON and Markdown report files, once written.
    pub report: Option<(PathBuf, PathBuf)>,
}

/// Settings of a training run chosen in the lab; the lab module owns the details.
pub use crate::tui::lab::LabState;

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
}

/// Everything that can happen.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The mouse wheel: up or down one step, as the arrow keys.
    Scroll {
        up: bool,
    },
    /// A left click at a cell (0-based column and row).
    Click {
        column: u16,
        row: u16,
    },
    /// One second passed (exam timer, lab clock).
    Tick,
    Graded {
        index: usize,
        answer: Answer,
        score: f64,
        feedback: Vec<Feedback>,
    },
    Traced {
        index: usize,
        seq: u64,
        trace: LiveTrace,
    },
    Saved(Result<PathBuf, String>),
    Exported(Result<(PathBuf, PathBuf), String>),
    Lab(crate::engine::train::TrainEvent),
}

/// Work for the runtime: done off the pure update, results come back as messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Save(Progress),
    /// Grade an answer that needs a forward pass.
    Grade {
        index: usize,
        answer: Answer,
    },
    /// Run the live shape trace of an input-shape question.
    Trace {
        index: usize,
        seq: u64,
        text: String,
    },
    Export(crate::core::report::Report),
    StartTraining(crate::engine::train::TrainConfig),
    StopTraining,
    Quit,
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
                _ => Vec::new(),
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A fixed shuffle of `n` steps that is never the right order (seeded by the question id).
fn shuffled(n: usize, id: &str) -> Vec<usize> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let seed = id.bytes().fold(1469598103934665603u64, |h, b| {
        (h ^ b as u64).wrapping_mul(1099511628211)
    });
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut v: Vec<usize> = (0..n).collect();
    for _ in 0..8 {
        v.shuffle(&mut rng);
        if n < 2 || v.iter().enumerate().any(|(i, s)| i != *s) {
            break;
        }
    }
    if n >= 2 && v.iter().enumerate().all(|(i, s)| i == *s) {
        v.reverse();
    }
    v
}

/// Whether the question is answered by typing, and on how many lines.
pub fn text_kind(q: &Question) -> Option<bool> {
    match &q.kind {
        Kind::Open { .. } => Some(true),
        Kind::Numeric { .. } => Some(false),
        Kind::Computed { ask, .. } if *ask != Ask::ParameterFree => Some(false),
        _ => None,
    }
}

fn is_input_shape(q: &Question) -> bool {
    matches!(
        &q.kind,
        Kind::Computed {
            ask: Ask::InputShape,
            ..
        }
    )
}

impl QuestionState {
    fn new(q: &Question, facts: &Facts) -> Self {
        let options = kind_options(q, facts);
        let (order, ticked) = match &q.kind {
            Kind::Order { steps } => (shuffled(steps.len(), &q.id), Vec::new()),
            Kind::Open { key_points, .. } => (Vec::new(), vec![false; key_points.len().max(1)]),
            _ => (Vec::new(), Vec::new()),
        };
        Self {
            input: TextInput::new(text_kind(q).unwrap_or(false)),
            selected: vec![false; options.len()],
            options,
            cursor: 0,
            order,
            ticked,
            revealed: false,
            hints_shown: 0,
            answer: None,
            score: None,
            feedback: Vec::new(),
            pending: false,
            trace: None,
            scroll: [0; 3],
        }
    }

    /// Restore the widgets from a saved answer.
    fn restore(&mut self, saved: &SavedQuestion) {
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
            _ => {}
        }
        if !saved.draft.is_empty() {
            self.input = TextInput::with_text(self.input.multiline, &saved.draft);
        }
    }

    /// The answer the widgets currently express.
    fn current_answer(&self, q: &Question) -> Option<Answer> {
        match &q.kind {
            Kind::Open { .. } => Some(Answer::Open {
                text: self.input.text(),
                ticked: self
                    .ticked
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| **t)
                    .map(|(i, _)| i)
                    .collect(),
            }),
            Kind::Choice { .. }
            | Kind::Computed {
                ask: Ask::ParameterFree,
                ..
            } => Some(Answer::Choice(
                self.selected
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| **s)
                    .map(|(i, _)| i)
                    .collect(),
            )),
            Kind::Order { .. } => Some(Answer::Order(self.order.clone())),
            _ => Some(Answer::Typed(self.input.text())),
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
            _ => true,
        }
    }

    pub fn verdict(&self) -> Option<Verdict> {
        self.score.map(crate::core::grade::verdict)
    }
}

impl State {
    pub fn new(pack: Arc<Pack>, facts: Arc<Facts>, lang: Lang, mode: Mode) -> Self {
        let questions = pack
            .questions
            .iter()
            .map(|q| QuestionState::new(q, &facts))
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
            exam: ExamState::default(),
            trace_seq: 0,
            quit: false,
            size: None,
            lab: LabState::default(),
            lab_return: Screen::List,
        }
    }

    /// Apply saved progress; returns the grading work needed to rebuild feedback.
    pub fn resume(&mut self, p: &Progress) -> Vec<Effect> {
        let mut effects = Vec::new();
        for (i, q) in self.pack.questions.iter().enumerate() {
            if let Some(saved) = p.questions.get(&q.id) {
                self.questions[i].restore(saved);
            }
        }
        if let Some(last) = &p.last_question {
            if let Some(i) = self.pack.questions.iter().position(|q| &q.id == last) {
                self.list_cursor = i;
                self.current = i;
            }
        }
        self.exam.submitted = p.exam_submitted;
        self.exam.elapsed_secs = p.exam_elapsed_secs;
        // Feedback is not saved: recompute it for graded answers.
        if self.feedback_visible() {
            for i in 0..self.questions.len() {
                if self.questions[i].score.is_some() {
                    if let Some(a) = self.questions[i].answer.clone() {
                        effects.extend(self.grade_now(i, a));
                    }
                }
            }
        }
        effects
    }

    pub fn question(&self) -> &Question {
        &self.pack.questions[self.current]
    }
    pub fn qs(&self) -> &QuestionState {
        &self.questions[self.current]
    }
    fn qs_mut(&mut self) -> &mut QuestionState {
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
            ..Default::default()
        };
        for (q, s) in self.pack.questions.iter().zip(&self.questions) {
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

    fn save(&self) -> Effect {
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

    /// Grade `answer` for question `i`: at once when it is cheap, else as an effect.
    fn grade_now(&mut self, i: usize, answer: Answer) -> Vec<Effect> {
        let q = &self.pack.questions[i];
        if is_input_shape(q) {
            self.questions[i].pending = true;
            return vec![Effect::Grade { index: i, answer }];
        }
        let g = grade(q, &answer, &self.facts);
        let s = &mut self.questions[i];
        s.score = Some(g.score);
        s.feedback = g.feedback;
        s.answer = Some(answer);
        Vec::new()
    }

    fn submit_current(&mut self) -> Vec<Effect> {
        let i = self.current;
        let q = self.pack.questions[i].clone();
        // After submission only the self-rating of open answers may change.
        let rating = matches!(q.kind, Kind::Open { .. }) && self.questions[i].revealed;
        if self.mode == Mode::Exam && self.exam.submitted && !rating {
            self.editing = false;
            self.status = Some(
                self.lang
                    .t(
                        "The exam is submitted: answers can no longer change.",
                        "L'épreuve est remise : les réponses ne peuvent plus changer.",
                    )
                    .into(),
            );
            return Vec::new();
        }
        let Some(answer) = self.questions[i].current_answer(&q) else {
            return Vec::new();
        };
        if matches!(answer, Answer::Typed(ref t) if t.trim().is_empty()) {
            self.status = Some(
                self.lang
                    .t("Type an answer first.", "Saisissez d'abord une réponse.")
                    .into(),
            );
            return Vec::new();
        }
        self.editing = false;
        // Open questions in self-check: first reveal the reference, then rate.
        if let Kind::Open { .. } = q.kind {
            let visible = self.feedback_visible();
            let s = &mut self.questions[i];
            if !s.revealed {
                s.answer = Some(answer);
                if visible {
                    s.revealed = true;
                    s.cursor = 0;
                    self.status = Some(
                        self.lang
                            .t(
                                "Compare with the reference: Space ticks a point covered, Enter records.",
                                "Comparez à la référence : Espace coche un point couvert, Entrée valide.",
                            )
                            .into(),
                    );
                } else {
                    self.status = Some(self.saved_text());
                }
                return vec![self.save()];
            }
        }
        let mut effects = Vec::new();
        if self.feedback_visible() {
            effects.extend(self.grade_now(i, answer));
            self.focus = Pane::Feedback;
            self.status = None;
        } else {
            let s = &mut self.questions[i];
            s.answer = Some(answer);
            s.score = None;
            self.status = Some(self.saved_text());
        }
        effects.push(self.save());
        effects
    }

    fn saved_text(&self) -> String {
        self.lang
            .t("Answer saved. Feedback comes when you submit the exam (s on the list).", "Réponse enregistrée. La correction viendra à la remise de l'épreuve (s sur la liste).")
            .into()
    }

    fn submit_exam(&mut self) -> Vec<Effect> {
        self.exam.submitted = true;
        self.confirm = None;
        let mut effects = Vec::new();
        for i in 0..self.questions.len() {
            match self.questions[i].answer.clone() {
                // Open answers wait for the student's own rating against the reference.
                Some(Answer::Open { .. }) => self.questions[i].score = Some(0.0),
                Some(a) => effects.extend(self.grade_now(i, a)),
                None => self.questions[i].score = Some(0.0),
            }
        }
        self.screen = Screen::Report;
        effects.push(self.save());
        effects.extend(self.export_if_ready());
        effects
    }

    fn export_if_ready(&self) -> Option<Effect> {
        if self.mode == Mode::Exam
            && self.exam.submitted
            && self.questions.iter().all(|q| !q.pending)
        {
            Some(Effect::Export(exam_report(self)))
        } else {
            None
        }
    }

    /// Open question `i`; from the list, an unanswered text question opens ready to type,
    /// while n/p browse without typing (so the next n is not typed into an answer).
    fn open_question(&mut self, i: usize, start_typing: bool) {
        self.current = i.min(self.questions.len().saturating_sub(1));
        self.list_cursor = self.current;
        self.screen = Screen::Question;
        self.focus = Pane::Answer;
        self.editing =
            start_typing && text_kind(self.question()).is_some() && self.qs().answer.is_none();
        self.status = None;
    }

    fn reset_question(&mut self, i: usize) {
        let q = self.pack.questions[i].clone();
        self.questions[i] = QuestionState::new(&q, &self.facts);
    }

    fn trace_effect(&mut self) -> Vec<Effect> {
        if !is_input_shape(self.question()) {
            return Vec::new();
        }
        self.trace_seq += 1;
        let text = self.qs().input.text();
        if text.trim().is_empty() {
            self.qs_mut().trace = None;
            return Vec::new();
        }
        vec![Effect::Trace {
            index: self.current,
            seq: self.trace_seq,
            text,
        }]
    }

    /// The pure update: change the state, return the work to do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(k) if k.kind != KeyEventKind::Release => self.on_key(k),
            Msg::Key(_) => Vec::new(),
            Msg::Resize(w, h) => {
                self.size = Some((w, h));
                Vec::new()
            }
            // A dialog waits for a key: the mouse must not answer it.
            Msg::Scroll { .. } | Msg::Click { .. } if self.confirm.is_some() || self.help => {
                Vec::new()
            }
            Msg::Scroll { up } => {
                let code = if up { KeyCode::Up } else { KeyCode::Down };
                self.on_key(KeyEvent::new(code, KeyModifiers::NONE))
            }
            Msg::Click { column, row } => {
                let hit = self.size.and_then(|size| {
                    super::view::list_item_at(size, self.questions.len(), column, row)
                });
                match hit {
                    // As if the arrows had moved there and Enter was pressed.
                    Some(i) if self.screen == Screen::List => {
                        self.list_cursor = i;
                        self.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
                    }
                    _ => Vec::new(),
                }
            }
            Msg::Tick => self.on_tick(),
            Msg::Graded {
                index,
                answer,
                score,
                feedback,
            } => {
                if let Some(s) = self.questions.get_mut(index) {
                    s.pending = false;
                    s.answer = Some(answer);
                    if self.mode == Mode::SelfCheck || self.exam.submitted {
                        s.score = Some(score);
                        s.feedback = feedback;
                    }
                }
                let mut e = vec![self.save()];
                e.extend(self.export_if_ready());
                e
            }
            Msg::Traced { index, seq, trace } => {
                if seq == self.trace_seq {
                    if let Some(s) = self.questions.get_mut(index) {
                        s.trace = Some(trace);
                    }
                }
                Vec::new()
            }
            Msg::Saved(Err(e)) => {
                self.status = Some(format!(
                    "{} {e}",
                    self.lang.t(
                        "Could not save progress:",
                        "Impossible d'enregistrer la progression :"
                    )
                ));
                Vec::new()
            }
            Msg::Saved(Ok(_)) => Vec::new(),
            Msg::Exported(r) => {
                match r {
                    Ok(paths) => self.exam.report = Some(paths),
                    Err(e) => {
                        self.status = Some(format!(
                            "{} {e}",
                            self.lang.t(
                                "Could not write the report:",
                                "Impossible d'écrire le rapport :"
                            )
                        ))
                    }
                }
                Vec::new()
            }
            Msg::Lab(ev) => self.lab.on_event(ev),
        }
    }

    fn on_tick(&mut self) -> Vec<Effect> {
        if self.mode != Mode::Exam || self.exam.submitted {
            return Vec::new();
        }
        self.exam.elapsed_secs += 1;
        match self.exam.limit_secs {
            Some(limit) if self.exam.elapsed_secs >= limit => {
                self.status = Some(
                    self.lang
                        .t(
                            "Time is up: the exam was submitted.",
                            "Temps écoulé : l'épreuve a été remise.",
                        )
                        .into(),
                );
                self.submit_exam()
            }
            _ => Vec::new(),
        }
    }

    fn on_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if let Some(c) = self.confirm {
            return match k.code {
                KeyCode::Char('y') | KeyCode::Char('o') | KeyCode::Enter => self.confirmed(c),
                _ => {
                    self.confirm = None;
                    Vec::new()
                }
            };
        }
        if self.help {
            if matches!(
                k.code,
                KeyCode::Char('?')
                    | KeyCode::Esc
                    | KeyCode::Char('q')
                    | KeyCode::F(1)
                    | KeyCode::Enter
            ) {
                self.help = false;
            }
            return Vec::new();
        }
        if ctrl && k.code == KeyCode::Char('c') {
            return self.ask_quit();
        }
        if k.code == KeyCode::F(1) {
            self.help = true;
            return Vec::new();
        }
        match self.screen {
            Screen::List => self.on_list_key(k),
            Screen::Question if self.editing => self.on_edit_key(k),
            Screen::Question => self.on_question_key(k),
            Screen::Report => self.on_report_key(k),
            Screen::Lab => self.on_lab_key(k),
        }
    }

    fn ask_quit(&mut self) -> Vec<Effect> {
        if self.questions.iter().any(|q| q.draft_dirty()) || self.lab.running() {
            self.confirm = Some(Confirm::Quit);
            Vec::new()
        } else {
            self.quit = true;
            vec![self.save(), Effect::StopTraining, Effect::Quit]
        }
    }

    fn confirmed(&mut self, c: Confirm) -> Vec<Effect> {
        self.confirm = None;
        match c {
            Confirm::Quit => {
                self.quit = true;
                vec![self.save(), Effect::StopTraining, Effect::Quit]
            }
            Confirm::ResetQuestion => {
                self.reset_question(self.current);
                self.status = Some(
                    self.lang
                        .t("Question reset.", "Question réinitialisée.")
                        .into(),
                );
                vec![self.save()]
            }
            Confirm::ResetAll => {
                for i in 0..self.questions.len() {
                    self.reset_question(i);
                }
                self.exam = ExamState {
                    limit_secs: self.exam.limit_secs,
                    ..Default::default()
                };
                self.list_cursor = 0;
                self.current = 0;
                self.screen = Screen::List;
                self.status = Some(
                    self.lang
                        .t(
                            "All answers were reset.",
                            "Toutes les réponses ont été effacées.",
                        )
                        .into(),
                );
                vec![self.save()]
            }
            Confirm::Submit => self.submit_exam(),
        }
    }

    fn on_list_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let n = self.questions.len();
        match k.code {
            KeyCode::Char('q') => return self.ask_quit(),
            KeyCode::Char('?') => self.help = true,
            KeyCode::Up | KeyCode::Char('k') => {
                self.list_cursor = self.list_cursor.saturating_sub(1)
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.list_cursor = (self.list_cursor + 1).min(n.saturating_sub(1))
            }
            KeyCode::Home | KeyCode::Char('g') => self.list_cursor = 0,
            KeyCode::End | KeyCode::Char('G') => self.list_cursor = n.saturating_sub(1),
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => {
                self.open_question(self.list_cursor, true)
            }
            KeyCode::Char('c') => {
                // Continue: the first unanswered question from where the student left off.
                let start = self.current;
                let next = (0..n)
                    .map(|d| (start + d) % n)
                    .find(|&i| self.questions[i].answer.is_none())
                    .unwrap_or(start);
                self.open_question(next, true);
            }
            KeyCode::Char('s') if self.mode == Mode::Exam && !self.exam.submitted => {
                self.confirm = Some(Confirm::Submit)
            }
            KeyCode::Char('r') if self.mode == Mode::Exam && self.exam.submitted => {
                self.screen = Screen::Report
            }
            KeyCode::Char('R') => self.confirm = Some(Confirm::ResetAll),
            KeyCode::Char('t') => self.open_lab(None),
            _ => {}
        }
        Vec::new()
    }

    fn on_report_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        match k.code {
            KeyCode::Char('q') => return self.ask_quit(),
            KeyCode::Char('?') => self.help = true,
            KeyCode::Esc | KeyCode::Left | KeyCode::Char('h') => {
                self.screen = Screen::List;
                self.status = None;
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.list_cursor = self.list_cursor.saturating_sub(1)
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.list_cursor =
                    (self.list_cursor + 1).min(self.questions.len().saturating_sub(1))
            }
            KeyCode::Enter => self.open_question(self.list_cursor, true),
            _ => {}
        }
        Vec::new()
    }

    fn on_edit_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let ctrl =
            k.modifiers.contains(KeyModifiers::CONTROL) || k.modifiers.contains(KeyModifiers::ALT);
        let multiline = self.qs().input.multiline;
        let before = self.qs().input.text();
        match k.code {
            KeyCode::Esc => {
                self.editing = false;
                return vec![self.save()];
            }
            KeyCode::Tab => {
                self.editing = false;
                self.focus = Pane::Statement;
                return Vec::new();
            }
            KeyCode::Char('s') | KeyCode::Char('d') if ctrl => return self.submit_current(),
            KeyCode::Enter if !multiline || ctrl => return self.submit_current(),
            KeyCode::Enter => self.qs_mut().input.newline(),
            KeyCode::Char(c) if !ctrl => self.qs_mut().input.insert(c),
            KeyCode::Backspace => self.qs_mut().input.backspace(),
            KeyCode::Delete => self.qs_mut().input.delete(),
            KeyCode::Left => self.qs_mut().input.left(),
            KeyCode::Right => self.qs_mut().input.right(),
            KeyCode::Up => self.qs_mut().input.up(),
            KeyCode::Down => self.qs_mut().input.down(),
            KeyCode::Home => self.qs_mut().input.home(),
            KeyCode::End => self.qs_mut().input.end(),
            _ => {}
        }
        if self.qs().input.text() != before {
            return self.trace_effect();
        }
        Vec::new()
    }

    fn on_question_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let q = self.question().clone();
        let shift = k.modifiers.contains(KeyModifiers::SHIFT);
        let n = self.questions.len();
        match k.code {
            KeyCode::Char('q') => return self.ask_quit(),
            KeyCode::Char('?') => self.help = true,
            KeyCode::Esc => {
                self.screen = Screen::List;
                self.list_cursor = self.current;
                self.status = None;
                return vec![self.save()];
            }
            KeyCode::Tab => self.focus = self.next_pane(true),
            KeyCode::BackTab => self.focus = self.next_pane(false),
            KeyCode::Char('n') | KeyCode::Right | KeyCode::PageDown if self.current + 1 < n => {
                self.open_question(self.current + 1, false);
                return vec![self.save()];
            }
            KeyCode::Char('p') | KeyCode::Left | KeyCode::PageUp if self.current > 0 => {
                self.open_question(self.current - 1, false);
                return vec![self.save()];
            }
            KeyCode::Char('h') => {
                let total = q.hints.len();
                let s = self.qs_mut();
                if s.hints_shown < total {
                    s.hints_shown += 1;
                    return vec![self.save()];
                }
                self.status = Some(self.lang.t("No more hints.", "Plus d'indice.").into());
            }
            KeyCode::Char('R') => self.confirm = Some(Confirm::ResetQuestion),
            KeyCode::Char('t') => self.open_lab(Some(self.current)),
            KeyCode::Char('r')
                if matches!(q.kind, Kind::Open { .. }) && self.feedback_visible() =>
            {
                let s = self.qs_mut();
                s.revealed = true;
                if s.answer.is_none() {
                    s.answer = Some(Answer::Open {
                        text: s.input.text(),
                        ticked: Vec::new(),
                    });
                }
                self.focus = Pane::Answer;
            }
            KeyCode::Char('i') | KeyCode::Char('e') if text_kind(&q).is_some() => {
                self.focus = Pane::Answer;
                self.editing = true;
            }
            KeyCode::Up | KeyCode::Char('k') if shift && matches!(q.kind, Kind::Order { .. }) => {
                self.move_step(-1)
            }
            KeyCode::Down | KeyCode::Char('j') if shift && matches!(q.kind, Kind::Order { .. }) => {
                self.move_step(1)
            }
            KeyCode::Char('K') if matches!(q.kind, Kind::Order { .. }) => self.move_step(-1),
            KeyCode::Char('J') if matches!(q.kind, Kind::Order { .. }) => self.move_step(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_cursor(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_cursor(1),
            KeyCode::Char(' ') => self.toggle(&q),
            KeyCode::Enter => {
                if text_kind(&q).is_some()
                    && !(matches!(q.kind, Kind::Open { .. }) && self.qs().revealed)
                {
                    self.focus = Pane::Answer;
                    self.editing = true;
                } else {
                    return self.submit_current();
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn next_pane(&self, forward: bool) -> Pane {
        let mut panes = vec![Pane::Answer, Pane::Statement];
        if self.feedback_visible() && (self.qs().score.is_some() || self.qs().revealed) {
            panes.push(Pane::Feedback);
        }
        if matches!(self.question().kind, Kind::Computed { .. }) {
            panes.push(Pane::Model);
        }
        let i = panes.iter().position(|p| *p == self.focus).unwrap_or(0);
        let n = panes.len();
        panes[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    fn move_cursor(&mut self, d: i32) {
        let focus = self.focus;
        let q = self.question().clone();
        let s = self.qs_mut();
        let scroll_idx = match focus {
            Pane::Statement => Some(0),
            Pane::Feedback => Some(1),
            Pane::Model => Some(2),
            Pane::Answer => None,
        };
        if let Some(i) = scroll_idx {
            s.scroll[i] = if d < 0 {
                s.scroll[i].saturating_sub(1)
            } else {
                s.scroll[i].saturating_add(1).min(500)
            };
            return;
        }
        let len = match &q.kind {
            Kind::Order { steps } => steps.len(),
            Kind::Open { .. } if s.revealed => s.ticked.len(),
            _ => s.options.len(),
        };
        if len == 0 {
            return;
        }
        s.cursor = if d < 0 {
            s.cursor.saturating_sub(1)
        } else {
            (s.cursor + 1).min(len - 1)
        };
    }

    fn move_step(&mut self, d: i32) {
        let s = self.qs_mut();
        let i = s.cursor;
        let j = if d < 0 {
            i.checked_sub(1)
        } else {
            Some(i + 1).filter(|j| *j < s.order.len())
        };
        if let Some(j) = j {
            s.order.swap(i, j);
            s.cursor = j;
        }
    }

    fn toggle(&mut self, q: &Question) {
        let single = matches!(
            q.kind,
            Kind::Choice {
                multiple: false,
                ..
            }
        );
        let s = self.qs_mut();
        match &q.kind {
            Kind::Open { .. } if s.revealed => {
                if let Some(t) = s.ticked.get_mut(s.cursor) {
                    *t = !*t;
                }
            }
            Kind::Choice { .. }
            | Kind::Computed {
                ask: Ask::ParameterFree,
                ..
            } => {
                let c = s.cursor;
                if single {
                    for (i, sel) in s.selected.iter_mut().enumerate() {
                        *sel = i == c;
                    }
                } else if let Some(sel) = s.selected.get_mut(c) {
                    *sel = !*sel;
                }
            }
            _ => {}
        }
    }

    fn open_lab(&mut self, from: Option<usize>) {
        self.lab_return = self.screen;
        self.status = None;
        self.editing = false;
        self.lab.lang = self.lang;
        self.lab
            .prepare(from.map(|i| &self.pack.questions[i]), &self.pack);
        self.screen = Screen::Lab;
    }

    fn on_lab_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        match k.code {
            KeyCode::Char('q') if !self.lab.editing() => self.ask_quit(),
            KeyCode::Char('?') if !self.lab.editing() => {
                self.help = true;
                Vec::new()
            }
            KeyCode::Esc if !self.lab.editing() => {
                self.screen = self.lab_return;
                Vec::new()
            }
            _ => self.lab.on_key(k, &self.pack),
        }
    }
}

/// The exam report of the state as it stands.
pub fn exam_report(s: &State) -> crate::core::report::Report {
    let rows: Vec<crate::core::report::ReportRow> = s
        .pack
        .questions
        .iter()
        .zip(&s.questions)
        .map(|(q, st)| crate::core::report::ReportRow {
            id: q.id.clone(),
            number: q.number.clone(),
            title: q.title.clone(),
            answered: st.answer.is_some(),
            score: st.score.unwrap_or(0.0),
            hints_used: st.hints_shown,
            self_rated: matches!(q.kind, crate::core::pack::Kind::Open { .. }),
        })
        .collect();
    crate::core::report::Report {
        pack_id: s.pack.meta.id.clone(),
        title: s.pack.meta.title.clone(),
        language: s.pack.meta.language.clone(),
        mode: s.mode.slug().into(),
        elapsed_secs: s.exam.elapsed_secs,
        total: rows.iter().map(|r| r.score).fold(0.0, |a, b| a + b),
        out_of: rows.len(),
        rows,
    }
}
