//! What `core` needs from a real model, as a trait: the engine runs the model with candle
//! and `core` only reads the results. This keeps `core` free of candle while every count
//! and shape still comes from real tensors and a real forward pass.

use crate::core::shape::Shape;
use crate::core::spec::ModelSpec;
use crate::core::summary::{InspectError, Summary};

/// Evidence for `nn.Linear(n, 1)`: the engine's output on a random x beside Σ wᵢxᵢ + b
/// computed term by term in plain Rust.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearEvidence {
    pub x: Vec<f32>,
    pub w: Vec<f32>,
    pub b: f32,
    pub candle_output: f32,
    pub term_by_term: f64,
}

/// Why question 3's evidence could not be computed (the engine's message, technical).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct EvidenceError(pub String);

impl EvidenceError {
    /// The message in `lang`.
    pub fn render(&self, lang: crate::core::i18n::Lang) -> String {
        crate::tr!(lang, "core-evidence-failed", why = self.0.as_str())
    }
}

/// Runs models for `core`: implemented by `engine::CandleRunner`.
pub trait ModelRunner: Send + Sync {
    /// Instantiate `spec`, count its parameters from its tensors and run it on `batch`
    /// random samples of shape `input` (the spec's own input when `None`).
    fn inspect(
        &self,
        spec: &ModelSpec,
        input: Option<&Shape>,
        batch: usize,
        budget: u64,
    ) -> Result<Summary, InspectError>;

    /// Run the first `Linear(n, 1)` of `spec` on a seeded random x (question 3's evidence).
    fn linear_evidence(&self, spec: &ModelSpec, seed: u64)
        -> Result<LinearEvidence, EvidenceError>;
}
