//! The small runtime: reads messages, runs `update`, executes its effects and redraws.
//! Generic over the ratatui `Backend`, so tests drive it on `TestBackend`.

use super::msg::{Effect, LiveTrace, Msg};
use super::state::State;
use crate::core::grade::{grade, Answer, Facts, Unreadable};
use crate::core::pack::Pack;
use crate::engine::train::{spawn, TrainHandle};
use ratatui::backend::Backend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;

/// Computation asked for by the interface, done on the worker thread.
enum Job {
    Grade {
        index: usize,
        answer: Answer,
    },
    Trace {
        index: usize,
        seq: u64,
        text: String,
    },
}

/// Executes effects; owns the worker and the training run.
pub struct Runtime {
    tx: Sender<Msg>,
    jobs: Sender<Job>,
    pub progress_path: PathBuf,
    pub report_dir: PathBuf,
    train: Option<TrainHandle>,
    /// The variant of the pack in use (packs with variables): every save records it.
    pub variant: Option<u64>,
    /// An exam on a pack with variables whose student is not known yet: the student's own
    /// variant is drawn from this once the name is typed.
    pub pending_variant: Option<PendingVariant>,
}

/// What drawing a student's variant needs: the pack's text and the memory limit.
pub struct PendingVariant {
    pub source: Arc<str>,
    /// The folder the pack was read from (`source:` paths are relative to it).
    pub dir: Option<std::path::PathBuf>,
    pub budget: u64,
}

impl Runtime {
    /// `tx` is where results come back as messages.
    pub fn new(
        tx: Sender<Msg>,
        pack: Arc<Pack>,
        facts: Arc<Facts>,
        progress_path: PathBuf,
        report_dir: PathBuf,
    ) -> Self {
        let variant = pack.variant;
        let jobs = start_worker(&tx, pack, facts);
        Self {
            tx,
            jobs,
            progress_path,
            report_dir,
            train: None,
            variant,
            pending_variant: None,
        }
    }

    /// After an update: once the name of a student whose variant was waiting for it is
    /// known, the student's own variant replaces the one shown (before any answer: the
    /// name is asked first), for the screens and for the worker that grades.
    pub fn after_update(&mut self, state: &mut State) {
        let Some(name) = state.exam.student.clone() else {
            return;
        };
        let Some(pending) = self.pending_variant.take() else {
            return;
        };
        let number = crate::core::variant::student_variant(&state.pack.meta.id, &name);
        if state.pack.variant == Some(number) {
            return;
        }
        let limit = crate::core::pack::MemoryLimit::given(pending.budget);
        match crate::core::check::load_text_variant_in(
            &pending.source,
            pending.dir.as_deref(),
            Some(limit),
            &crate::engine::CandleRunner,
            Some(number),
        ) {
            Ok((pack, _, _)) => {
                let facts = Arc::new(crate::engine::facts(&pack, pending.budget));
                let pack = Arc::new(pack);
                self.variant = pack.variant;
                self.jobs = start_worker(&self.tx, pack.clone(), facts.clone());
                swap_pack(state, pack, facts);
            }
            Err(e) => {
                state.status = Some(crate::tr!(
                    state.lang,
                    "variant-load-failed",
                    number = number.to_string(),
                    why = e
                        .render_in("", state.lang)
                        .trim_start_matches(':')
                        .trim()
                        .to_string(),
                    shown = state.pack.variant.unwrap_or(0).to_string()
                ));
            }
        }
    }

    pub fn execute(&mut self, e: Effect) {
        match e {
            Effect::Save(mut p) => {
                p.variant = self.variant;
                let r = crate::core::progress::save(&self.progress_path, &p)
                    .map(|_| self.progress_path.clone())
                    .map_err(|e| format!("{}: {e}", self.progress_path.display()));
                let _ = self.tx.send(Msg::Saved(r));
            }
            Effect::Grade { index, answer } => {
                let _ = self.jobs.send(Job::Grade { index, answer });
            }
            Effect::Trace { index, seq, text } => {
                let _ = self.jobs.send(Job::Trace { index, seq, text });
            }
            Effect::Export(report) => {
                let r = report.write(&self.report_dir).map_err(|e| e.to_string());
                let _ = self.tx.send(Msg::Exported(r));
            }
            Effect::StartTraining(cfg) => {
                if let Some(old) = self.train.take() {
                    old.stop();
                }
                self.train = Some(spawn(cfg, self.tx.clone(), Msg::Lab));
            }
            Effect::StopTraining => {
                if let Some(h) = &self.train {
                    h.stop();
                }
            }
            Effect::Quit => {
                if let Some(h) = self.train.take() {
                    h.join();
                }
            }
        }
    }
}

/// Start a worker that grades and traces on `pack`; the jobs' sender (the worker ends
/// when it is dropped).
fn start_worker(tx: &Sender<Msg>, pack: Arc<Pack>, facts: Arc<Facts>) -> Sender<Job> {
    let (jobs, job_rx) = channel::<Job>();
    let back = tx.clone();
    std::thread::Builder::new()
        .name("mltutor-worker".into())
        .spawn(move || worker(job_rx, back, pack, facts))
        .expect("spawn the worker thread");
    jobs
}

/// `state` on another variant of its pack: the same questions with the variant's models.
/// What the student has done so far (the name, the exam's clock) is kept; the name is
/// asked before any answer, so there is no answer to carry over.
fn swap_pack(state: &mut State, pack: Arc<Pack>, facts: Arc<Facts>) {
    let mut fresh = State::new(pack, facts, state.lang, state.mode);
    fresh.color = state.color;
    fresh.install_id = std::mem::take(&mut state.install_id);
    fresh.exam = std::mem::take(&mut state.exam);
    fresh.status = state.status.take();
    fresh.size = state.size;
    fresh.screen = state.screen;
    fresh.save_error = state.save_error.take();
    fresh.deal();
    *state = fresh;
}

fn worker(rx: Receiver<Job>, tx: Sender<Msg>, pack: Arc<Pack>, facts: Arc<Facts>) {
    while let Ok(first) = rx.recv() {
        // Only the newest trace matters: skip the ones typed over since.
        let mut jobs = vec![first];
        jobs.extend(rx.try_iter());
        let last_trace = jobs.iter().rposition(|j| matches!(j, Job::Trace { .. }));
        for (i, job) in jobs.into_iter().enumerate() {
            match job {
                Job::Grade { index, answer } => {
                    let Some(q) = pack.questions.get(index) else {
                        continue;
                    };
                    let g = grade(q, &answer, &facts);
                    let _ = tx.send(Msg::Graded {
                        index,
                        answer,
                        score: g.score,
                        feedback: g.feedback,
                    });
                }
                Job::Trace { index, seq, text } if Some(i) == last_trace => {
                    let trace = live_trace(&pack, &facts, index, &text);
                    let _ = tx.send(Msg::Traced { index, seq, trace });
                }
                Job::Trace { .. } => {}
            }
        }
    }
}

fn live_trace(pack: &Pack, facts: &Facts, index: usize, text: &str) -> LiveTrace {
    let Some(crate::core::pack::Kind::Computed { model, .. }) =
        pack.questions.get(index).map(|q| &q.kind)
    else {
        return LiveTrace::Unreadable(Unreadable::WrongKind);
    };
    let Some((spec, _)) = facts.models.get(model) else {
        return LiveTrace::Unreadable(Unreadable::ModelUnavailable(model.clone()));
    };
    let shape = match crate::core::shape::parse_shape(text) {
        Ok(s) => s,
        Err(e) => return LiveTrace::Unreadable(Unreadable::Shape(e)),
    };
    match crate::engine::inspect(spec, Some(&shape), 1, facts.budget) {
        Ok(s) => LiveTrace::Runs(
            s.rows
                .iter()
                .map(|r| (r.label.clone(), r.output.clone()))
                .collect(),
        ),
        Err(e) => LiveTrace::Breaks(e),
    }
}

/// Draw, then for each message: update, execute effects, redraw. Messages that arrive
/// together are handled before one redraw. Returns when the state asks to quit or every
/// sender is gone.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    rx: &Receiver<Msg>,
    rt: &mut Runtime,
) -> Result<(), B::Error> {
    // The state learns the size first, to map mouse clicks to what is drawn.
    let size = terminal.size()?;
    state.update(Msg::Resize(size.width, size.height));
    terminal.draw(|f| super::view::draw(f, state))?;
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        let mut redraw = false;
        for msg in batch {
            // A successful save changes nothing drawn, unless it ends a failed one.
            redraw |= !matches!(msg, Msg::Saved(Ok(_))) || state.save_error.is_some();
            if let Msg::Resize(..) = msg {
                terminal.autoresize()?;
            }
            let effects = state.update(msg);
            rt.after_update(state);
            for e in effects {
                rt.execute(e);
            }
            if state.quit {
                return Ok(());
            }
        }
        if redraw {
            terminal.draw(|f| super::view::draw(f, state))?;
        }
    }
    Ok(())
}
