//! The tutor's state, messages and effects, under their old paths.
//!
//! The state is in `state`, the messages and effects in `msg`, the pure update in
//! `update` (one file per screen), the keys in `keymap`; these names stay here so
//! code written against `tui::app` keeps working.

pub use super::lab::LabState;
pub use super::msg::{Effect, LiveTrace, Msg};
pub use super::state::{
    exam_report, text_kind, widget, Confirm, ExamState, Pane, QuestionState, Screen, State, Widget,
};
