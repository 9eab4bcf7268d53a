//! Batch normalisation in training mode as one op: x `[N, C, …]` normalised per channel by
//! its batch mean and (biased) variance, scaled by γ and shifted by β, with its backward
//! (dx, dγ, dβ from two sums per channel). candle's `BatchNorm` transposes the activation
//! to channels-first and back and takes about ten elementwise passes each way; this takes
//! three forward and three backward. The batch statistics are kept in the op for its
//! backward and handed to the layer for the running statistics.

use std::sync::{Arc, Mutex};

use candle_core::backend::BackendStorage;
use candle_core::{bail, CpuStorage, CustomOp2, CustomOp3, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::timing::timed;
use super::{contiguous, Float};

/// Per channel: the batch mean and 1/√(var + ε), and the biased variance.
#[derive(Debug, Clone, Default)]
pub struct BatchStats {
    pub mean: Vec<f64>,
    pub inv_std: Vec<f64>,
    pub var: Vec<f64>,
}

/// The forward op on (x, γ, β). `stats` receives the batch statistics.
pub struct BatchNormTrain {
    pub eps: f64,
    /// A ReLU after it, fused: y = max(0, …).
    pub relu: bool,
    pub stats: Arc<Mutex<BatchStats>>,
}

/// Σ f(v) over `values` in f64, in eight running sums so that the loop vectorises (one
/// sum is a chain of dependent additions, four times slower here).
fn lane_sum<T: Float>(values: &[T], f: impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0f64; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += f(v.to_f64());
        }
    }
    acc.iter().sum::<f64>() + rest.iter().map(|v| f(v.to_f64())).sum::<f64>()
}

/// Σ g and Σ g·(v − mean) over (`g`, `v`) pairs, as [`lane_sum`].
fn lane_sums2<T: Float>(g: &[T], v: &[T], mean: f64) -> (f64, f64) {
    let (mut a, mut b) = ([0f64; 8], [0f64; 8]);
    let (gc, vc) = (g.chunks_exact(8), v.chunks_exact(8));
    let (gr, vr) = (gc.remainder(), vc.remainder());
    for (g8, v8) in gc.zip(vc) {
        for j in 0..8 {
            let gj = g8[j].to_f64();
            a[j] += gj;
            b[j] += gj * (v8[j].to_f64() - mean);
        }
    }
    let (mut sa, mut sb) = (a.iter().sum::<f64>(), b.iter().sum::<f64>());
    for (gj, vj) in gr.iter().zip(vr) {
        sa += gj.to_f64();
        sb += gj.to_f64() * (vj.to_f64() - mean);
    }
    (sa, sb)
}

/// (N, C, S): samples, channels, values per channel of one sample.
fn geometry(dims: &[usize]) -> Result<(usize, usize, usize)> {
    let [n, c, rest @ ..] = dims else {
        bail!("batch norm expects [N, C, ...], got {dims:?}")
    };
    Ok((*n, *c, rest.iter().product()))
}

impl BatchNormTrain {
    fn fwd<T: Float>(&self, x: &[T], l: &Layout, g: &[T], b: &[T]) -> Result<(CpuStorage, Shape)> {
        let (n, c, s) = geometry(l.dims())?;
        if g.len() != c || b.len() != c || n * s == 0 {
            bail!(
                "batch norm: {c} channels, γ {}, β {}, {} values each",
                g.len(),
                b.len(),
                n * s
            )
        }
        let m = (n * s) as f64;
        // Mean, then the variance about it (two passes: exact where a one-pass sum of
        // squares cancels).
        let moments: Vec<(f64, f64)> = (0..c)
            .into_par_iter()
            .map(|ch| {
                let planes = || (0..n).map(|i| &x[(i * c + ch) * s..(i * c + ch + 1) * s]);
                let mean = planes().map(|p| lane_sum(p, |v| v)).sum::<f64>() / m;
                let var = planes()
                    .map(|p| lane_sum(p, |v| (v - mean) * (v - mean)))
                    .sum::<f64>()
                    / m;
                (mean, var)
            })
            .collect();
        let stats = BatchStats {
            mean: moments.iter().map(|m| m.0).collect(),
            var: moments.iter().map(|m| m.1).collect(),
            inv_std: moments
                .iter()
                .map(|m| 1.0 / (m.1 + self.eps).sqrt())
                .collect(),
        };
        // y = x·scale + shift per channel.
        let scale: Vec<T> = (0..c)
            .map(|ch| T::from_f64(g[ch].to_f64() * stats.inv_std[ch]))
            .collect();
        let shift: Vec<T> = (0..c)
            .map(|ch| {
                T::from_f64(b[ch].to_f64() - stats.mean[ch] * g[ch].to_f64() * stats.inv_std[ch])
            })
            .collect();
        let mut y = vec![T::from_f64(0.0); x.len()];
        y.par_chunks_mut(c * s)
            .zip(x.par_chunks(c * s))
            .for_each(|(ys, xs)| {
                for ch in 0..c {
                    let (a, sh) = (scale[ch], shift[ch]);
                    let out = &mut ys[ch * s..(ch + 1) * s];
                    let inp = &xs[ch * s..(ch + 1) * s];
                    if self.relu {
                        let zero = T::from_f64(0.0);
                        for (o, v) in out.iter_mut().zip(inp) {
                            let t = *v * a + sh;
                            *o = if t > zero { t } else { zero };
                        }
                    } else {
                        for (o, v) in out.iter_mut().zip(inp) {
                            *o = *v * a + sh;
                        }
                    }
                }
            });
        *self.stats.lock().unwrap_or_else(|p| p.into_inner()) = stats;
        Ok((T::to_cpu_storage_owned(y), l.shape().clone()))
    }
}

impl CustomOp3 for BatchNormTrain {
    fn name(&self) -> &'static str {
        "mltutor-batch-norm"
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
            contiguous(s1, l1, "batch norm input")?,
            l1,
            contiguous(s2, l2, "batch norm weight")?,
            contiguous(s3, l3, "batch norm bias")?,
        ))
    }

    fn bwd(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let mut grad = grad.contiguous()?;
        if self.relu {
            grad = grad.apply_op2_no_bwd(res, &super::relu::ReluGrad)?;
        }
        let stats = self.stats.lock().unwrap_or_else(|p| p.into_inner()).clone();
        // Σ dy and Σ dy·x̂ per channel: dβ and dγ.
        let sums = grad.apply_op2_no_bwd(
            x,
            &ChannelSums {
                stats: stats.clone(),
            },
        )?;
        let dbeta = sums.get(0)?;
        let dgamma = sums.get(1)?;
        let dx = if x.track_op() {
            let gamma: Vec<f64> = gamma.to_dtype(candle_core::DType::F64)?.to_vec1()?;
            Some(grad.apply_op2_no_bwd(
                x,
                &InputGrad {
                    stats,
                    gamma,
                    sums: sums.to_dtype(candle_core::DType::F64)?.to_vec2()?,
                },
            )?)
        } else {
            None
        };
        let keep = |t: Tensor, v: &Tensor| v.track_op().then_some(t);
        Ok((dx, keep(dgamma, gamma), keep(dbeta, beta)))
    }
}

/// (dy, x) → `[2, C]`: Σ dy and Σ dy·x̂ per channel.
struct ChannelSums {
    stats: BatchStats,
}

impl ChannelSums {
    fn run<T: Float>(
        &self,
        dy: &[T],
        _ldy: &Layout,
        x: &[T],
        l: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (n, c, s) = geometry(l.dims())?;
        let st = &self.stats;
        if st.mean.len() != c || x.len() != dy.len() {
            bail!(
                "batch norm backward: statistics for {} channels, {c} given",
                st.mean.len()
            )
        }
        let per: Vec<(f64, f64)> = (0..c)
            .into_par_iter()
            .map(|ch| {
                let (mean, inv) = (st.mean[ch], st.inv_std[ch]);
                let (mut sd, mut sdx) = (0.0, 0.0);
                for i in 0..n {
                    let r = (i * c + ch) * s..(i * c + ch + 1) * s;
                    let (a, b) = lane_sums2(&dy[r.clone()], &x[r], mean);
                    sd += a;
                    sdx += b * inv;
                }
                (sd, sdx)
            })
            .collect();
        let out: Vec<T> = per
            .iter()
            .map(|p| T::from_f64(p.0))
            .chain(per.iter().map(|p| T::from_f64(p.1)))
            .collect();
        Ok((T::to_cpu_storage_owned(out), Shape::from((2, c))))
    }
}

impl CustomOp2 for ChannelSums {
    fn name(&self) -> &'static str {
        "mltutor-batch-norm-sums"
    }

    op2_cpu_fwd!("grad", "batch norm input");
}

/// (dy, x) → dx = γ·inv_std·(dy − Σdy/M − x̂·Σ(dy·x̂)/M).
struct InputGrad {
    stats: BatchStats,
    gamma: Vec<f64>,
    /// Σ dy and Σ dy·x̂ per channel.
    sums: Vec<Vec<f64>>,
}

impl InputGrad {
    fn run<T: Float>(
        &self,
        dy: &[T],
        _ldy: &Layout,
        x: &[T],
        l: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (n, c, s) = geometry(l.dims())?;
        let st = &self.stats;
        if st.mean.len() != c || self.gamma.len() != c || self.sums.len() != 2 {
            bail!("batch norm input grad: {c} channels")
        }
        let m = (n * s) as f64;
        // dx = a·dy + b·x + k per channel, with x̂ = (x − mean)·inv.
        let coef: Vec<(T, T, T)> = (0..c)
            .map(|ch| {
                let (mean, inv, g) = (st.mean[ch], st.inv_std[ch], self.gamma[ch]);
                let (sd, sdx) = (self.sums[0][ch] / m, self.sums[1][ch] / m);
                let a = g * inv;
                let b = -a * sdx * inv;
                let k = -a * sd + a * sdx * inv * mean;
                (T::from_f64(a), T::from_f64(b), T::from_f64(k))
            })
            .collect();
        let mut dx = vec![T::from_f64(0.0); x.len()];
        dx.par_chunks_mut(c * s)
            .zip(dy.par_chunks(c * s).zip(x.par_chunks(c * s)))
            .for_each(|(dxs, (dys, xs))| {
                for (ch, &(a, b, k)) in coef.iter().enumerate() {
                    let r = ch * s..(ch + 1) * s;
                    for ((o, g), v) in dxs[r.clone()].iter_mut().zip(&dys[r.clone()]).zip(&xs[r]) {
                        *o = a * *g + b * *v + k;
                    }
                }
            });
        Ok((T::to_cpu_storage_owned(dx), l.shape().clone()))
    }
}

impl CustomOp2 for InputGrad {
    fn name(&self) -> &'static str {
        "mltutor-batch-norm-input-grad"
    }

    op2_cpu_fwd!("grad", "batch norm input");
}

/// Training-mode batch norm of `x` by `bn`'s γ and β, its running statistics updated as
/// PyTorch does (momentum, the unbiased variance); `relu`: a ReLU after it, fused.
pub fn batch_norm_train(x: &Tensor, bn: &candle_nn::BatchNorm, relu: bool) -> Result<Tensor> {
    let Some((gamma, beta)) = bn.weight_and_bias() else {
        bail!("batch norm without affine parameters")
    };
    let stats = Arc::new(Mutex::new(BatchStats::default()));
    let y = x.contiguous()?.apply_op3(
        gamma,
        beta,
        BatchNormTrain {
            eps: bn.eps(),
            relu,
            stats: stats.clone(),
        },
    )?;
    let st = stats.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let (n, _, s) = geometry(x.dims())?;
    let m = (n * s) as f64;
    let unbias = if m > 1.0 { m / (m - 1.0) } else { 1.0 };
    let k = bn.momentum();
    let (rm, rv) = (bn.running_mean(), bn.running_var());
    let dev = rm.device();
    let mean = Tensor::new(st.mean.as_slice(), dev)?.to_dtype(rm.dtype())?;
    let var = Tensor::new(
        st.var
            .iter()
            .map(|v| v * unbias)
            .collect::<Vec<_>>()
            .as_slice(),
        dev,
    )?
    .to_dtype(rv.dtype())?;
    candle_core::Var::from_tensor(rm)?.set(&((rm * (1.0 - k))? + (mean * k)?)?)?;
    candle_core::Var::from_tensor(rv)?.set(&((rv * (1.0 - k))? + (var * k)?)?)?;
    Ok(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};

    fn bn(c: usize) -> candle_nn::BatchNorm {
        let d = &Device::Cpu;
        let t = |v: f64| Tensor::full(v, c, d).unwrap().to_dtype(DType::F64).unwrap();
        candle_nn::BatchNorm::new_with_momentum(c, t(0.0), t(1.0), t(1.5), t(0.5), 1e-5, 0.1)
            .unwrap()
    }

    /// By hand: one channel holding 1, 2, 3, 4 has mean 2.5 and variance 1.25 (5/3
    /// unbiased); running mean 0.1·2.5, running variance 0.9 + 0.1·5/3.
    #[test]
    fn normalises_and_keeps_running_statistics_as_pytorch() {
        let layer = bn(1);
        let x = Tensor::new(&[1f64, 2., 3., 4.], &Device::Cpu)
            .unwrap()
            .reshape((4, 1, 1, 1))
            .unwrap();
        let y: Vec<f64> = batch_norm_train(&x, &layer, false)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let sd = (1.25f64 + 1e-5).sqrt();
        for (v, x) in y.iter().zip([1.0, 2.0, 3.0, 4.0]) {
            assert!((v - (1.5 * (x - 2.5) / sd + 0.5)).abs() < 1e-12, "{y:?}");
        }
        let rm: Vec<f64> = layer.running_mean().to_vec1().unwrap();
        let rv: Vec<f64> = layer.running_var().to_vec1().unwrap();
        assert!((rm[0] - 0.25).abs() < 1e-12, "{rm:?}");
        assert!((rv[0] - (0.9 + 0.1 * 5.0 / 3.0)).abs() < 1e-12, "{rv:?}");
    }

    /// Against candle's own batch norm (then ReLU) on random values, 3 channels.
    #[test]
    fn agrees_with_candle_and_fuses_the_relu() {
        let x = Tensor::randn(0f64, 2.0, (4, 3, 5, 2), &Device::Cpu).unwrap();
        for relu in [false, true] {
            let ours = batch_norm_train(&x, &bn(3), relu).unwrap();
            let mut theirs = bn(3).forward_train(&x).unwrap();
            if relu {
                theirs = theirs.relu().unwrap();
            }
            let diff: f64 = (ours - theirs)
                .unwrap()
                .abs()
                .unwrap()
                .max_all()
                .unwrap()
                .to_scalar()
                .unwrap();
            assert!(diff < 1e-9, "relu {relu}: {diff}");
        }
    }
}
