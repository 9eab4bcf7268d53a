//! Ops over the last dimension, each row on its own: softmax and layer norm, as one op each
//! with their backward. Composed from candle's ops they took nine and five elementwise
//! passes forward (each allocated, each accumulated by candle's backward) and most of a
//! Transformer step; here one or two passes each way.

use std::sync::{Arc, Mutex};

use candle_core::backend::BackendStorage;
use candle_core::{bail, CpuStorage, CustomOp1, CustomOp2, CustomOp3, Layout, Result, Shape};
use candle_core::{DType, Tensor};
use rayon::prelude::*;

use super::recurrent::Act;
use super::timing::timed;
use super::{contiguous, Float};

/// Rows per rayon job: about this many values each.
fn rows_per_job(d: usize) -> usize {
    (4096 / d.max(1)).max(1)
}

fn last_dim(l: &Layout) -> Result<usize> {
    match l.dims().last() {
        Some(&d) if d > 0 => Ok(d),
        _ => bail!("an op over the last dimension of {:?}", l.dims()),
    }
}

/// Softmax over the last dimension.
pub struct Softmax;

impl Softmax {
    fn run<T: Act>(&self, x: &[T], l: &Layout) -> Result<(CpuStorage, Shape)> {
        let d = last_dim(l)?;
        let mut y = vec![T::from_f64(0.0); x.len()];
        y.par_chunks_mut(d)
            .zip(x.par_chunks(d))
            .with_min_len(rows_per_job(d))
            .for_each(|(ys, xs)| {
                let max = xs
                    .iter()
                    .copied()
                    .fold(xs[0], |m, v| if v > m { v } else { m });
                for (o, v) in ys.iter_mut().zip(xs) {
                    *o = *v - max;
                }
                // The vectorised exp of the recurrent cells (within 2 ulp in f32).
                T::exp_slice(ys);
                let sum: f64 = ys.iter().map(|v| v.to_f64()).sum();
                let inv = T::from_f64(1.0 / sum);
                for o in ys.iter_mut() {
                    *o *= inv;
                }
            });
        Ok((T::to_cpu_storage_owned(y), l.shape().clone()))
    }
}

impl CustomOp1 for Softmax {
    fn name(&self) -> &'static str {
        "mltutor-softmax"
    }

    op1_cpu_fwd!("softmax input");

    fn bwd(&self, _arg: &Tensor, res: &Tensor, grad: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(
            grad.contiguous()?.apply_op2_no_bwd(res, &SoftmaxGrad)?,
        ))
    }
}

/// (dy, y) → dx = y·(dy − Σ dy·y) per row.
struct SoftmaxGrad;

impl SoftmaxGrad {
    fn run<T: Float>(
        &self,
        g: &[T],
        _lg: &Layout,
        y: &[T],
        l: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let d = last_dim(l)?;
        let mut dx = vec![T::from_f64(0.0); g.len()];
        dx.par_chunks_mut(d)
            .zip(g.par_chunks(d).zip(y.par_chunks(d)))
            .with_min_len(rows_per_job(d))
            .for_each(|(ds, (gs, ys))| {
                let dot: f64 = gs
                    .iter()
                    .zip(ys)
                    .map(|(g, y)| g.to_f64() * y.to_f64())
                    .sum();
                for ((o, g), y) in ds.iter_mut().zip(gs).zip(ys) {
                    *o = T::from_f64(y.to_f64() * (g.to_f64() - dot));
                }
            });
        Ok((T::to_cpu_storage_owned(dx), l.shape().clone()))
    }
}

impl CustomOp2 for SoftmaxGrad {
    fn name(&self) -> &'static str {
        "mltutor-softmax-grad"
    }

    op2_cpu_fwd!("grad", "softmax output");
}

/// Per row: the mean and 1/√(var + ε) (biased variance, as PyTorch).
#[derive(Debug, Clone, Default)]
struct RowStats {
    mean: Vec<f64>,
    inv_std: Vec<f64>,
}

/// Layer norm over the last dimension on (x, γ, β); the row statistics are kept for the
/// backward.
pub struct LayerNorm {
    eps: f64,
    stats: Arc<Mutex<RowStats>>,
}

impl LayerNorm {
    fn fwd<T: Float>(&self, x: &[T], l: &Layout, g: &[T], b: &[T]) -> Result<(CpuStorage, Shape)> {
        let d = last_dim(l)?;
        if g.len() != d || b.len() != d {
            bail!(
                "layer norm over {d} values with γ {} and β {}",
                g.len(),
                b.len()
            )
        }
        let rows = x.len() / d;
        let mut y = vec![T::from_f64(0.0); x.len()];
        let mut stats = vec![(0.0, 0.0); rows];
        y.par_chunks_mut(d)
            .zip(x.par_chunks(d))
            .zip(stats.par_iter_mut())
            .with_min_len(rows_per_job(d))
            .for_each(|((ys, xs), st)| {
                let mean = xs.iter().map(|v| v.to_f64()).sum::<f64>() / d as f64;
                let var = xs.iter().map(|v| (v.to_f64() - mean).powi(2)).sum::<f64>() / d as f64;
                let inv = 1.0 / (var + self.eps).sqrt();
                for (((o, v), g), b) in ys.iter_mut().zip(xs).zip(g).zip(b) {
                    *o = T::from_f64((v.to_f64() - mean) * inv * g.to_f64() + b.to_f64());
                }
                *st = (mean, inv);
            });
        *self.stats.lock().unwrap_or_else(|p| p.into_inner()) = RowStats {
            mean: stats.iter().map(|s| s.0).collect(),
            inv_std: stats.iter().map(|s| s.1).collect(),
        };
        Ok((T::to_cpu_storage_owned(y), l.shape().clone()))
    }
}

impl CustomOp3 for LayerNorm {
    fn name(&self) -> &'static str {
        "mltutor-layer-norm"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let _timed = timed(self.name());
        with_float!(s1, self.name(), |T| self.fwd::<T>(
            contiguous(s1, l1, "layer norm input")?,
            l1,
            contiguous(s2, l2, "layer norm weight")?,
            contiguous(s3, l3, "layer norm bias")?,
        ))
    }

    fn bwd(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let grad = grad.contiguous()?;
        let stats = self.stats.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let sums = grad.apply_op2_no_bwd(
            x,
            &ParamSums {
                stats: stats.clone(),
            },
        )?;
        let dx = if x.track_op() {
            let gamma: Vec<f64> = gamma.to_dtype(DType::F64)?.to_vec1()?;
            Some(grad.apply_op2_no_bwd(x, &InputGrad { stats, gamma })?)
        } else {
            None
        };
        let keep = |t: Tensor, v: &Tensor| v.track_op().then_some(t);
        Ok((dx, keep(sums.get(1)?, gamma), keep(sums.get(0)?, beta)))
    }
}

/// (dy, x) → `[2, D]`: Σ dy and Σ dy·x̂ over the rows (dβ and dγ).
struct ParamSums {
    stats: RowStats,
}

impl ParamSums {
    fn run<T: Float>(
        &self,
        g: &[T],
        _lg: &Layout,
        x: &[T],
        l: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let d = last_dim(l)?;
        let rows = x.len() / d;
        if self.stats.mean.len() != rows || g.len() != x.len() {
            bail!(
                "layer norm backward: statistics for {} rows, {rows} given",
                self.stats.mean.len()
            )
        }
        let zero = || (vec![0f64; d], vec![0f64; d]);
        let (sd, sdx) = g
            .par_chunks(d)
            .zip(x.par_chunks(d))
            .enumerate()
            .with_min_len(rows_per_job(d))
            .fold(zero, |(mut sd, mut sdx), (r, (gs, xs))| {
                let (mean, inv) = (self.stats.mean[r], self.stats.inv_std[r]);
                for j in 0..d {
                    let gj = gs[j].to_f64();
                    sd[j] += gj;
                    sdx[j] += gj * (xs[j].to_f64() - mean) * inv;
                }
                (sd, sdx)
            })
            .reduce(zero, |(mut a, mut b), (c, e)| {
                a.iter_mut().zip(c).for_each(|(a, c)| *a += c);
                b.iter_mut().zip(e).for_each(|(b, e)| *b += e);
                (a, b)
            });
        let out: Vec<T> = sd.iter().chain(&sdx).map(|v| T::from_f64(*v)).collect();
        Ok((T::to_cpu_storage_owned(out), Shape::from((2, d))))
    }
}

impl CustomOp2 for ParamSums {
    fn name(&self) -> &'static str {
        "mltutor-layer-norm-sums"
    }

    op2_cpu_fwd!("grad", "layer norm input");
}

/// (dy, x) → dx = inv·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row, with ĝ = dy·γ.
struct InputGrad {
    stats: RowStats,
    gamma: Vec<f64>,
}

impl InputGrad {
    fn run<T: Float>(
        &self,
        g: &[T],
        _lg: &Layout,
        x: &[T],
        l: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let d = last_dim(l)?;
        let rows = x.len() / d;
        if self.stats.mean.len() != rows || self.gamma.len() != d || g.len() != x.len() {
            bail!("layer norm input grad over {d} values, {rows} rows")
        }
        let mut dx = vec![T::from_f64(0.0); x.len()];
        dx.par_chunks_mut(d)
            .zip(g.par_chunks(d).zip(x.par_chunks(d)))
            .enumerate()
            .with_min_len(rows_per_job(d))
            .for_each(|(r, (ds, (gs, xs)))| {
                let (mean, inv) = (self.stats.mean[r], self.stats.inv_std[r]);
                let (mut m1, mut m2) = (0.0, 0.0);
                for j in 0..d {
                    let gh = gs[j].to_f64() * self.gamma[j];
                    m1 += gh;
                    m2 += gh * (xs[j].to_f64() - mean) * inv;
                }
                let (m1, m2) = (m1 / d as f64, m2 / d as f64);
                for j in 0..d {
                    let gh = gs[j].to_f64() * self.gamma[j];
                    let xh = (xs[j].to_f64() - mean) * inv;
                    ds[j] = T::from_f64(inv * (gh - m1 - xh * m2));
                }
            });
        Ok((T::to_cpu_storage_owned(dx), l.shape().clone()))
    }
}

impl CustomOp2 for InputGrad {
    fn name(&self) -> &'static str {
        "mltutor-layer-norm-input-grad"
    }

    op2_cpu_fwd!("grad", "layer norm input");
}

/// Whether the row ops run `x` (on the CPU, in f32 or f64).
pub fn rows_on_cpu(x: &Tensor) -> bool {
    x.device().is_cpu() && matches!(x.dtype(), DType::F32 | DType::F64)
}

/// Softmax over the last dimension of `x`.
pub fn softmax_last(x: &Tensor) -> Result<Tensor> {
    x.contiguous()?.apply_op1(Softmax)
}

/// Layer norm over the last dimension of `x` with γ `weight` and β `bias` (zeros when
/// there is none).
pub fn layer_norm(x: &Tensor, weight: &Tensor, bias: Option<&Tensor>, eps: f64) -> Result<Tensor> {
    let zeros;
    let bias = match bias {
        Some(b) => b,
        None => {
            zeros = weight.zeros_like()?;
            &zeros
        }
    };
    x.contiguous()?.apply_op3(
        weight,
        bias,
        LayerNorm {
            eps,
            stats: Arc::new(Mutex::new(RowStats::default())),
        },
    )
}
