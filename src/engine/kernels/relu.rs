//! ReLU as one op with its backward from the output: dx = dy where y > 0 (PyTorch's
//! `threshold_backward`). candle's backward compares, casts and multiplies: four passes
//! and three buffers per ReLU.

use candle_core::backend::BackendStorage;
use candle_core::bail;
use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::timing::timed;
use super::{contiguous, Float};

/// Values per rayon job: a job is worth its overhead from about this many.
const GRAIN: usize = 1 << 14;

pub struct Relu;

impl Relu {
    fn run<T: Float>(&self, x: &[T], l: &Layout) -> Result<(CpuStorage, Shape)> {
        let zero = T::from_f64(0.0);
        // Collected in place (no zeroed buffer first); a select, not a branch, so that it
        // vectorises (a branch on the sign mispredicts half the time).
        let y: Vec<T> = x
            .par_iter()
            .with_min_len(GRAIN)
            .map(|&v| if v > zero { v } else { zero })
            .collect();
        Ok((T::to_cpu_storage_owned(y), l.shape().clone()))
    }
}

impl CustomOp1 for Relu {
    fn name(&self) -> &'static str {
        "mltutor-relu"
    }

    op1_cpu_fwd!("relu input");

    fn bwd(&self, _arg: &Tensor, res: &Tensor, grad: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(grad.contiguous()?.apply_op2_no_bwd(res, &ReluGrad)?))
    }
}

/// (dy, y) → dy where y > 0, else 0.
pub(super) struct ReluGrad;

impl ReluGrad {
    fn run<T: Float>(
        &self,
        g: &[T],
        _lg: &Layout,
        y: &[T],
        l: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let zero = T::from_f64(0.0);
        let dx: Vec<T> = g
            .par_iter()
            .zip(y.par_iter())
            .with_min_len(GRAIN)
            .map(|(&g, &y)| if y > zero { g } else { zero })
            .collect();
        Ok((T::to_cpu_storage_owned(dx), l.shape().clone()))
    }
}

impl CustomOp2 for ReluGrad {
    fn name(&self) -> &'static str {
        "mltutor-relu-grad"
    }

    op2_cpu_fwd!("grad", "relu output");
}

/// `x.relu()`, by the op above on the CPU in f32 and f64.
pub fn relu(x: &Tensor) -> Result<Tensor> {
    if x.device().is_cpu() && matches!(x.dtype(), candle_core::DType::F32 | candle_core::DType::F64)
    {
        x.contiguous()?.apply_op1(Relu)
    } else {
        x.relu()
    }
}
