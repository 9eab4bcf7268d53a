//! The candle-facing code: the only module that knows candle.
//!
//! A `ModelSpec` is instantiated as real candle modules whose variables live in a `VarMap`
//! under the layers' names (`conv1.weight`, `fc2.bias`). Parameter counts are read from
//! those tensors and shapes from a real forward pass.
//!
//! One file per concern: `device` (where tensors live), `network` (spec → candle layers,
//! forward, trace, counts), `evidence` (question 3's worked sum), `optim` (optimizers),
//! `session` (a training session), `gradcheck` (finite-difference checks), `profile`
//! (step timings), `kernels` (the custom CPU ops), and `inspect`, `train`, `data`.

use crate::core::grade::Facts;
use crate::core::pack::Pack;
use crate::core::runner::ModelRunner;
use crate::core::shape::Shape;
use crate::core::spec::ModelSpec;
use crate::core::summary::{InspectError, Summary};
use std::sync::Arc;

pub use candle_core::Error as CandleError;
pub use candle_core::Result as CandleResult;

pub mod data;
mod device;
mod evidence;
mod gradcheck;
pub mod inspect;
mod kernels;
mod layers;
mod network;
mod optim;
mod profile;
mod session;
pub mod train;

pub use device::{open_device, DeviceChoice, DeviceError, CUDA_BUILT};
pub use evidence::{linear_evidence, LinearEvidence};
pub use gradcheck::{gradient_check, input_gradient, precision_check, GradCheck};
pub use inspect::inspect;
pub use network::{LayerCounts, Network};
pub use optim::{OptimSettings, OptimizerKind};
pub use profile::profile_step;
pub use session::TrainSession;

/// The engine's answer to `core`'s [`ModelRunner`]: every fact from candle.
#[derive(Debug, Clone, Copy, Default)]
pub struct CandleRunner;

impl ModelRunner for CandleRunner {
    fn inspect(
        &self,
        spec: &ModelSpec,
        input: Option<&Shape>,
        batch: usize,
        budget: u64,
    ) -> Result<Summary, InspectError> {
        inspect(spec, input, batch, budget)
    }

    fn linear_evidence(
        &self,
        spec: &ModelSpec,
        seed: u64,
    ) -> Result<LinearEvidence, crate::core::runner::EvidenceError> {
        linear_evidence(spec, seed).map_err(|e| crate::core::runner::EvidenceError(e.to_string()))
    }
}

/// The facts of every model of a pack, computed with candle (see [`Facts::compute`]).
pub fn facts(pack: &Pack, budget: u64) -> Facts {
    Facts::compute(pack, budget, Arc::new(CandleRunner))
}
