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
        let (jobs, job_rx) = channel::<Job>();
        let back = tx.clone();
        std::thread::Builder::new()
            .name("mltutor-worker".into())
            .spawn(move || worker(job_rx, back, pack, facts))
            .expect("spawn the worker thread");
        Self {
            tx,
            jobs,
            progress_path,
            report_dir,
            train: None,
        }
    }

    pub fn execute(&mut self, e: Effect) {
        match e {
            Effect::Save(p) => {
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
            for e in state.update(msg) {
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
