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

use crate::core::grade::{grade, Answer, Feedback};
use crate::core::progress::{Mode, Progress};
use crate::tr;
use crate::tui::bindings;
use crate::tui::keymap::{key_name, Action, Key};
use crate::tui::msg::{Effect, Msg};
use crate::tui::state::{
    exam_report, is_input_shape, widget, Confirm, ExamState, Pane, QuestionState, Screen, State,
    Widget,
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
                    crate::tui::view::list_item_at(
                        size,
                        self.questions.len(),
                        self.list_cursor,
                        column,
                        row,
                    )
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
            Msg::Tick => {
                let t = self.exam.now.saturating_add(1);
                self.on_clock(t)
            }
            Msg::Clock(t) => self.on_clock(t),
            Msg::Graded {
                index,
                answer,
                score,
                feedback,
            } => {
                if self.unreadable_costs_nothing(&feedback) {
                    if let Some(s) = self.questions.get_mut(index) {
                        s.pending = false;
                    }
                    return Vec::new();
                }
                if let Some(s) = self.questions.get_mut(index) {
                    s.pending = false;
                    s.answer = Some(answer);
                    if self.mode == Mode::SelfCheck || self.exam.submitted {
                        s.record(score);
                        s.feedback = feedback;
                        s.scroll[1] = 0;
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
                self.status = Some(tr!(self.lang, "tui-save-failed", why = e.as_str()));
                self.save_error = Some(e);
                Vec::new()
            }
            Msg::Saved(Ok(_)) => {
                self.save_error = None;
                Vec::new()
            }
            Msg::Terminate => self.quit_now(),
            Msg::Exported(r) => {
                match r {
                    Ok(paths) => self.exam.report = Some(paths),
                    Err(e) => {
                        // Not written: the next grade or restart tries again.
                        self.exam.reported = false;
                        self.status = Some(tr!(self.lang, "tui-export-failed", why = e));
                        return vec![self.save()];
                    }
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
        if self.mode == Mode::Exam {
            self.exam.student = p.student.clone().or(self.exam.student.take());
            self.exam.started_at = p.exam_started_at;
            self.exam.deadline = p.exam_deadline;
            self.exam.ended_at = p.exam_ended_at;
            self.exam.reported = p.exam_reported;
            for (i, q) in self.pack.questions.iter().enumerate() {
                if let Some(h) = p.exam_answers.get(&q.id) {
                    self.exam.history[i] = h.clone();
                }
                if let Some(t) = p.exam_times.get(&q.id) {
                    self.exam.times[i] = *t;
                }
            }
        }
        // First tries; the steps dealt for the student now known.
        self.resume_extras(p);
        // Feedback is not saved: recompute it for graded answers. A submitted exam is
        // graded again from its answers, whatever scores the file holds: open answers are
        // the teacher's, unanswered questions score 0.
        let exam = self.mode == Mode::Exam;
        if self.feedback_visible() {
            for i in 0..self.questions.len() {
                let open = widget(&self.pack.questions[i]) == Widget::Open;
                let answer = self.questions[i].answer.clone();
                match answer {
                    _ if exam && open => self.questions[i].score = None,
                    None if exam => self.questions[i].score = Some(0.0),
                    Some(a) if exam || self.questions[i].score.is_some() => {
                        effects.extend(self.grade_now(i, a))
                    }
                    Some(_) | None => {}
                }
            }
        } else if exam {
            for q in &mut self.questions {
                q.score = None;
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
            Action::Question(a) => question::on(self, a, k),
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

    /// Start the exam (or pick it up again) at `now`: the student's name from `--student`
    /// or the saved progress, else asked first; the deadline is set once and saved, and a
    /// deadline passed while the program was closed submits the exam at once.
    pub fn start_exam(&mut self, now: u64, student: Option<String>) -> Vec<Effect> {
        self.exam.now = now;
        if self.mode != Mode::Exam {
            return Vec::new();
        }
        if self.exam.submitted {
            // Submitted, but the report was never written (closed before it was).
            return self.export_if_ready();
        }
        if self.exam.student.is_none() {
            self.exam.student = student
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty());
        }
        if self.exam.student.is_none() {
            self.exam.naming = Some(crate::tui::text::TextInput::new(false));
            return Vec::new();
        }
        self.deal();
        self.begin_exam(now)
    }

    /// The clock starts: once, at the first start; later starts keep the saved deadline.
    fn begin_exam(&mut self, start: u64) -> Vec<Effect> {
        if self.exam.started_at.is_none() {
            self.exam.started_at = Some(start);
            self.exam.deadline = self.exam.limit_secs.map(|l| start + l);
            return vec![self.save()];
        }
        self.check_deadline()
    }

    /// The name typed at the start: the exam begins.
    pub(crate) fn name_given(&mut self, name: String) -> Vec<Effect> {
        let name = name.trim().to_string();
        if name.is_empty() {
            self.status = Some(tr!(self.lang, "exam-name-empty"));
            return Vec::new();
        }
        self.exam.naming = None;
        self.exam.student = Some(name);
        self.deal();
        self.status = None;
        self.begin_exam(self.exam.now)
    }

    fn check_deadline(&mut self) -> Vec<Effect> {
        if self.sealed() && self.exam.remaining() == Some(0) {
            self.exam.ended_at = self.exam.deadline;
            self.status = Some(tr!(self.lang, "tui-time-up"));
            return self.submit_exam();
        }
        Vec::new()
    }

    /// A reading of the wall clock: the time spent on the open question, the elapsed
    /// time, the deadline.
    fn on_clock(&mut self, t: u64) -> Vec<Effect> {
        let before = self.exam.now;
        self.exam.now = t.max(before);
        if !self.sealed() || self.exam.naming.is_some() {
            return Vec::new();
        }
        // A state built without `start_exam` (tests): the clock starts at the last reading.
        let mut effects = if self.exam.started_at.is_none() {
            self.begin_exam(before)
        } else {
            Vec::new()
        };
        effects.extend(self.after_clock(before));
        effects
    }

    fn after_clock(&mut self, before: u64) -> Vec<Effect> {
        // Only time while the program runs counts for a question (at most a few
        // seconds between two readings).
        let step = self.exam.now.saturating_sub(before).min(5);
        if self.screen == Screen::Question {
            if let Some(t) = self.exam.times.get_mut(self.current) {
                *t += step;
            }
        }
        if let Some(start) = self.exam.started_at {
            self.exam.elapsed_secs = self.exam.now.saturating_sub(start);
        }
        self.check_deadline()
    }

    fn ask_quit(&mut self) -> Vec<Effect> {
        if self.save_error.is_some() {
            // The last save failed: quitting now would lose answers.
            self.confirm = Some(Confirm::QuitUnsaved);
            Vec::new()
        } else if self.questions.iter().any(|q| q.draft_dirty()) || self.lab.running() {
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
    /// In self-check, an answer that could not be read is no attempt: the student is told
    /// why (with the accepted forms) in the status line, and nothing is recorded or revealed.
    fn unreadable_costs_nothing(&mut self, feedback: &[Feedback]) -> bool {
        match feedback.first() {
            Some(f @ Feedback::Unreadable(_)) if self.mode == Mode::SelfCheck => {
                self.status = Some(crate::core::feedback::feedback_lines(f, self.lang).join(" "));
                true
            }
            _ => false,
        }
    }

    fn grade_now(&mut self, i: usize, answer: Answer) -> Vec<Effect> {
        let q = &self.pack.questions[i];
        if is_input_shape(q) {
            self.questions[i].pending = true;
            return vec![Effect::Grade { index: i, answer }];
        }
        let g = grade(q, &answer, &self.facts);
        if self.unreadable_costs_nothing(&g.feedback) {
            return Vec::new();
        }
        let s = &mut self.questions[i];
        s.record(g.score);
        s.feedback = g.feedback;
        s.answer = Some(answer);
        // A new answer's feedback is read from its top (its verdict).
        s.scroll[1] = 0;
        Vec::new()
    }

    /// Submit the current question's answer (typed, chosen, ordered or self-rated).
    fn submit_current(&mut self) -> Vec<Effect> {
        let i = self.current;
        let q = self.pack.questions[i].clone();
        let open = widget(&q) == Widget::Open;
        // After submission nothing changes an answer, a choice, an order or a rating.
        if self.frozen() || self.exam.naming.is_some() {
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
            if self.mode == Mode::Exam {
                self.exam.history[i].push(answer.clone());
            }
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
            self.status = None;
            // A new try in self-check (an exam counts only what is submitted).
            self.questions[i].counting = self.mode == Mode::SelfCheck;
            effects.extend(self.grade_now(i, answer));
            if self.status.is_some() {
                // Not read: no attempt; the field stays open to correct it.
                self.editing = true;
            } else {
                // Where the next key makes sense: the options or steps stay under the
                // arrows and Space; after a typed answer, the arrows scroll the feedback.
                self.focus = match widget(&q) {
                    Widget::Field => Pane::Feedback,
                    Widget::Choose | Widget::Order | Widget::Open | Widget::Match => Pane::Answer,
                };
            }
        } else {
            // An exam reveals nothing before submission, but an answer that cannot be read
            // (its form, never its value) is said at once, as in self-check, and not saved.
            if let Some(why) = self.unreadable_in_exam(&q, &answer) {
                self.status = Some(why);
                self.editing = true;
                return Vec::new();
            }
            self.exam.history[i].push(answer.clone());
            let s = &mut self.questions[i];
            s.answer = Some(answer);
            s.score = None;
            self.status = Some(self.saved_text());
        }
        effects.push(self.save());
        effects
    }

    /// Why a typed exam answer cannot be read, from its form alone: a number or a shape
    /// that does not parse, or an ambiguous number. Nothing about its value is computed.
    fn unreadable_in_exam(
        &self,
        q: &crate::core::pack::Question,
        answer: &Answer,
    ) -> Option<String> {
        use crate::core::grade::Unreadable;
        let Answer::Typed(text) = answer else {
            return None;
        };
        let f = if is_input_shape(q) {
            match crate::core::shape::parse_shape(text) {
                Ok(_) => return None,
                Err(e) => Feedback::Unreadable(Unreadable::Shape(e)),
            }
        } else {
            let g = grade(q, answer, &self.facts);
            match g.feedback.into_iter().next() {
                Some(
                    f @ Feedback::Unreadable(
                        Unreadable::Number(_)
                        | Unreadable::Shape(_)
                        | Unreadable::Ambiguous { .. }
                        | Unreadable::NoText,
                    ),
                ) => f,
                _ => return None,
            }
        };
        Some(crate::core::feedback::feedback_lines(&f, self.lang).join(" "))
    }

    fn saved_text(&self) -> String {
        tr!(
            self.lang,
            "tui-answer-saved",
            key = key_name(Key::Plain(KeyCode::Char('s')), self.lang)
        )
    }

    fn submit_exam(&mut self) -> Vec<Effect> {
        // Every draft is submitted as typed.
        for i in 0..self.questions.len() {
            if self.questions[i].draft_dirty() {
                let q = &self.pack.questions[i];
                let answer = self.questions[i].current_answer(q);
                self.exam.history[i].push(answer.clone());
                self.questions[i].answer = Some(answer);
            }
        }
        self.exam.submitted = true;
        self.exam.ended_at.get_or_insert(self.exam.now);
        if let Some(start) = self.exam.started_at {
            self.exam.elapsed_secs = self.exam.ended_at.unwrap_or(start).saturating_sub(start);
        }
        self.confirm = None;
        self.editing = false;
        let mut effects = Vec::new();
        for i in 0..self.questions.len() {
            match self.questions[i].answer.clone() {
                // Open answers are graded by the teacher: no score here.
                Some(Answer::Open { .. }) => self.questions[i].score = None,
                Some(
                    a @ (Answer::Choice(_)
                    | Answer::Typed(_)
                    | Answer::Order(_)
                    | Answer::Matching(_)),
                ) => effects.extend(self.grade_now(i, a)),
                None => self.questions[i].score = Some(0.0),
            }
        }
        self.screen = Screen::Report;
        effects.push(self.save());
        effects.extend(self.export_if_ready());
        effects
    }

    /// The report, once every grade is in; written once (the save after it records that).
    fn export_if_ready(&mut self) -> Vec<Effect> {
        if self.mode == Mode::Exam
            && self.exam.submitted
            && !self.exam.reported
            && self.questions.iter().all(|q| !q.pending)
        {
            self.exam.reported = true;
            vec![Effect::Export(exam_report(self)), self.save()]
        } else {
            Vec::new()
        }
    }

    /// Open question `i`, browsing: typing starts when the student starts it (Enter, or a
    /// character no key binds in a one-line field), so `t`, `h`, `n` keep their meaning.
    fn open_question(&mut self, i: usize) {
        self.current = i.min(self.questions.len().saturating_sub(1));
        self.list_cursor = self.current;
        self.screen = Screen::Question;
        self.focus = Pane::Answer;
        self.editing = false;
        self.status = None;
    }

    fn reset_question(&mut self, i: usize) {
        let q = self.pack.questions[i].clone();
        self.questions[i] = QuestionState::new(&q, &self.facts);
        self.deal_one(i);
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
        // In an exam not yet submitted the live trace would give the answer away.
        if !is_input_shape(self.question()) || self.sealed() {
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
