//! mltutor: a terminal tutor for machine-learning exams, whose answers are computed live
//! with candle.
//!
//! Layers import one way: `cli`, `tui` → `engine` → `core` (see `ARCHITECTURE.md`).
//! `core` holds the facts and rules (no candle, no ratatui), `engine` is the only code that
//! knows candle, and the two front ends are thin layers on top.

pub mod cli;
pub mod core;
pub mod engine;
pub mod tui;
