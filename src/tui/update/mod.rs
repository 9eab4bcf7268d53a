//! The pure update: `State::update(Msg) -> Vec<Effect>`, no I/O. A key is looked up in the
//! keymap (`keymap`, read against the state by `bindings`) and its action goes to the file
//! of its screen, which matches that screen's actions exhaustively; what screens share
//! (grading, submitting, opening a question or the lab, quitting) is here.

mod dialog;
mod lab;
mod list;
mod question;
mod report;
mod typing;

use crate::core::grade::{grade, Answer};
use crate::core::progress::{Mode, Progress};
use crate::tr;
use crate::tui::bindings;
use crate::tui::keymap::{key_name, Action, Key};
use crate::tui::msg::{Effect, Msg};
use crate::tui::state::{
    exam_report, is_input_shape, text_kind, widget, Confirm, ExamState, Pane, QuestionState,
    Screen, State, Widget,
};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The pure update as a function: change the state, return the work to do.
pub fn update(s: &mut State, msg: Msg) -> Vec<Effect> {
    s.update(msg)
}

impl State {
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
                    crate::tui::view::list_item_at(size, self.questions.len(), column, row)
                });
                match (hit, self.screen) {
                    // As if the arrows had moved there and Enter was pressed.
                    (Some(i), Screen::List) => {
                        self.list_cursor = i;
                        self.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
                    }
                    (_, Screen::List | Screen::Question | Screen::Report | Screen::Lab) => {
                        Vec::new()
                    }
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
                self.status = Some(tr!(self.lang, "tui-save-failed", why = e));
                Vec::new()
            }
            Msg::Saved(Ok(_)) => Vec::new(),
            Msg::Exported(r) => {
                match r {
                    Ok(paths) => self.exam.report = Some(paths),
                    Err(e) => self.status = Some(tr!(self.lang, "tui-export-failed", why = e)),
                }
                Vec::new()
            }
            Msg::Lab(ev) => self.lab.on_event(ev),
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

    /// A key: looked up in the keymap, then handled by its screen.
    fn on_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let action = bindings::action_for(self, &k);
        self.last_action = action;
        match action {
            Some(a) => self.on_action(a, k),
            None => {
                // Settings are checked after every key typed into one, handled or not.
                if bindings::context(self) == crate::tui::keymap::Context::LabTyping {
                    self.lab.revalidate();
                }
                Vec::new()
            }
        }
    }

    fn on_action(&mut self, a: Action, k: KeyEvent) -> Vec<Effect> {
        match a {
            Action::Help => {
                self.help = true;
                Vec::new()
            }
            Action::Quit => self.ask_quit(),
            Action::List(a) => list::on(self, a),
            Action::Question(a) => question::on(self, a),
            Action::Typing(a) => typing::on(self, a, k),
            Action::Report(a) => report::on(self, a),
            Action::Lab(a) => lab::on(self, a),
            Action::LabTyping(a) => lab::on_typing(self, a, k),
            Action::Confirm(a) => dialog::on_confirm(self, a),
            Action::CloseHelp => {
                self.help = false;
                Vec::new()
            }
        }
    }

    fn on_tick(&mut self) -> Vec<Effect> {
        if self.mode != Mode::Exam || self.exam.submitted {
            return Vec::new();
        }
        self.exam.elapsed_secs += 1;
        match self.exam.limit_secs {
            Some(limit) if self.exam.elapsed_secs >= limit => {
                self.status = Some(tr!(self.lang, "tui-time-up"));
                self.submit_exam()
            }
            _ => Vec::new(),
        }
    }

    fn ask_quit(&mut self) -> Vec<Effect> {
        if self.questions.iter().any(|q| q.draft_dirty()) || self.lab.running() {
            self.confirm = Some(Confirm::Quit);
            Vec::new()
        } else {
            self.quit_now()
        }
    }

    fn quit_now(&mut self) -> Vec<Effect> {
        self.quit = true;
        vec![self.save(), Effect::StopTraining, Effect::Quit]
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

    /// Submit the current question's answer (typed, chosen, ordered or self-rated).
    fn submit_current(&mut self) -> Vec<Effect> {
        let i = self.current;
        let q = self.pack.questions[i].clone();
        let open = widget(&q) == Widget::Open;
        // After submission only the self-rating of open answers may change.
        let rating = open && self.questions[i].revealed;
        if self.mode == Mode::Exam && self.exam.submitted && !rating {
            self.editing = false;
            self.status = Some(tr!(self.lang, "tui-exam-frozen"));
            return Vec::new();
        }
        let answer = self.questions[i].current_answer(&q);
        if matches!(answer, Answer::Typed(ref t) if t.trim().is_empty()) {
            self.status = Some(tr!(self.lang, "tui-type-first"));
            return Vec::new();
        }
        self.editing = false;
        // Open questions in self-check: first reveal the reference, then rate.
        if open {
            let visible = self.feedback_visible();
            let lang = self.lang;
            let s = &mut self.questions[i];
            if !s.revealed {
                s.answer = Some(answer);
                if visible {
                    s.revealed = true;
                    s.cursor = 0;
                    self.status = Some(tr!(
                        lang,
                        "tui-compare-reference",
                        space = key_name(Key::Plain(KeyCode::Char(' ')), lang),
                        enter = key_name(Key::Plain(KeyCode::Enter), lang)
                    ));
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
        tr!(
            self.lang,
            "tui-answer-saved",
            key = key_name(Key::Plain(KeyCode::Char('s')), self.lang)
        )
    }

    fn submit_exam(&mut self) -> Vec<Effect> {
        self.exam.submitted = true;
        self.confirm = None;
        let mut effects = Vec::new();
        for i in 0..self.questions.len() {
            match self.questions[i].answer.clone() {
                // Open answers wait for the student's own rating against the reference.
                Some(Answer::Open { .. }) => self.questions[i].score = Some(0.0),
                Some(a @ (Answer::Choice(_) | Answer::Typed(_) | Answer::Order(_))) => {
                    effects.extend(self.grade_now(i, a))
                }
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

    /// Reset everything: every answer and the exam's state.
    fn reset_all(&mut self) {
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

    fn open_lab(&mut self, from: Option<usize>) {
        self.lab_return = self.screen;
        self.status = None;
        self.editing = false;
        self.lab.lang = self.lang;
        self.lab
            .prepare(from.map(|i| &self.pack.questions[i]), &self.pack);
        self.screen = Screen::Lab;
    }
}
