//! mltutor: a terminal tutor for machine-learning exams, whose answers are computed live
//! with candle.
//!
//! The core (specs, shape arithmetic, candle engine, summaries) works headlessly; the CLI
//! and the terminal interface are thin layers on top.

pub mod answer;
pub mod cli;
pub mod codegen;
pub mod data;
pub mod engine;
pub mod grade;
pub mod headless;
pub mod i18n;
pub mod key;
pub mod numfmt;
pub mod pack;
pub mod plan;
pub mod progress;
pub mod report;
pub mod shape;
pub mod spec;
pub mod summary;
pub mod train;
pub mod tui;
