//! Pure facts and rules, tested headlessly: the model language, shapes and numbers as
//! students type them, the plan, packs and their checking, grading, progress, reports and
//! the answer key. Nothing here knows candle or ratatui: what needs a real model goes
//! through [`runner::ModelRunner`], which the engine implements.

pub mod answer_key;
pub mod check;
pub mod codegen;
pub mod feedback;
pub mod files;
pub mod grade;
pub mod grading_file;
pub mod i18n;
pub mod issue;
pub mod limit;
pub mod model_source;
pub mod moodle;
pub mod number;
pub mod numfmt;
pub mod pack;
pub mod plan;
pub mod progress;
pub mod pysrc;
pub mod recover;
pub mod report;
pub mod results;
pub mod runner;
pub mod shape;
pub mod shuffle;
pub mod source_pos;
pub mod spec;
pub mod summary;
pub mod variant;
