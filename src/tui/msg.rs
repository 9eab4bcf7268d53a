//! The interface's vocabulary: the messages `update` receives and the effects it asks for.

use crate::core::grade::{Answer, Feedback};
use crate::core::progress::Progress;
use crate::core::shape::Shape;
use crossterm::event::KeyEvent;
use std::path::PathBuf;

/// A live shape trace for an input-shape question, as the student types.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveTrace {
    Runs(Vec<(String, Shape)>),
    Breaks(crate::core::summary::InspectError),
    Unreadable(crate::core::grade::Unreadable),
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
    /// The wall clock's reading, UNIX seconds (the exam's deadline is wall-clock time).
    Clock(u64),
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
    /// A signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT) asks to stop: stop training, save, quit.
    Terminate,
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
    Export(crate::core::report::ExamReport),
    StartTraining(crate::engine::train::TrainConfig),
    StopTraining,
    Quit,
}
