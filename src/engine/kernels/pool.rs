//! Max-pooling with stride == kernel, optionally fused with the ReLU before it; the
//! forward keeps each window's argmax and the backward sends the whole gradient there.

use candle_core::backend::BackendStorage;
use candle_core::{bail, CpuStorage, CustomOp1, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::timing::timed;
use super::{contiguous, Float};

/// Max-pooling with a k×k window and stride k (rows and columns that do not fill a window
/// are dropped, as in PyTorch); with `relu`, max(0, ·) of it — the same as pooling after
/// a ReLU, in one pass. The forward pass keeps each window's argmax for the backward.
pub struct MaxPool {
    k: usize,
    relu: bool,
    /// Index within its plane of each output's maximum; `NONE` where the fused ReLU
    /// zeroed the output.
    argmax: std::sync::Mutex<Argmax>,
}

/// Shared with the backward ops rather than copied (half a MB per block at batch 32).
pub(super) type Argmax = std::sync::Arc<Vec<u32>>;

pub(super) const NONE: u32 = u32::MAX;

impl MaxPool {
    pub fn new(k: usize, relu: bool) -> Self {
        Self {
            k,
            relu,
            argmax: std::sync::Mutex::new(Argmax::default()),
        }
    }
}

fn pool_dims(l: &Layout, k: usize) -> Result<(usize, usize, usize, usize, usize, usize)> {
    let &[n, c, h, w] = l.dims() else {
        bail!("max_pool2d expects a 4-D input, got {:?}", l.dims())
    };
    if k == 0 || h < k || w < k || h * w >= NONE as usize {
        bail!("max_pool2d: a {k}x{k} window does not fit {h}x{w}");
    }
    Ok((n, c, h, w, h / k, w / k))
}

/// The first maximum of each window of one plane, as (value, index).
pub(super) fn pool_plane<T: Float>(
    src: &[T],
    w: usize,
    k: usize,
    oh: usize,
    ow: usize,
    y: &mut [T],
    idx: &mut [u32],
) {
    for oy in 0..oh {
        if k == 2 {
            // The exam's pooling: two rows at a time, branch-free selects (random data
            // made the comparisons' branches mispredict half the time). Ties keep the
            // first maximum in scan order, as PyTorch does.
            let (r0, r1) = (2 * oy * w, (2 * oy + 1) * w);
            let top = &src[r0..r0 + 2 * ow];
            let bottom = &src[r1..r1 + 2 * ow];
            let (yo, io) = (
                &mut y[oy * ow..(oy + 1) * ow],
                &mut idx[oy * ow..(oy + 1) * ow],
            );
            for ox in 0..ow {
                let (a, b, c, d) = (
                    top[2 * ox],
                    top[2 * ox + 1],
                    bottom[2 * ox],
                    bottom[2 * ox + 1],
                );
                let first = r0 + 2 * ox;
                let (m1, i1) = if b > a { (b, first + 1) } else { (a, first) };
                let (m2, i2) = if d > c {
                    (d, first + w + 1)
                } else {
                    (c, first + w)
                };
                let (m, i) = if m2 > m1 { (m2, i2) } else { (m1, i1) };
                yo[ox] = m;
                io[ox] = i as u32;
            }
        } else {
            for ox in 0..ow {
                let mut best = oy * k * w + ox * k;
                for dy in 0..k {
                    let row = (oy * k + dy) * w + ox * k;
                    for i in row..row + k {
                        if src[i] > src[best] {
                            best = i;
                        }
                    }
                }
                y[oy * ow + ox] = src[best];
                idx[oy * ow + ox] = best as u32;
            }
        }
    }
}

impl MaxPool {
    fn fwd<T: Float>(&self, x: &[T], l: &Layout) -> Result<(CpuStorage, Shape)> {
        let (n, c, h, w, oh, ow) = pool_dims(l, self.k)?;
        let zero = T::from_f64(0.0);
        let mut out = vec![zero; n * c * oh * ow];
        let mut idx = vec![0u32; n * c * oh * ow];
        out.par_chunks_mut(oh * ow)
            .zip(idx.par_chunks_mut(oh * ow))
            .enumerate()
            .for_each(|(plane, (y, ix))| {
                pool_plane(
                    &x[plane * h * w..(plane + 1) * h * w],
                    w,
                    self.k,
                    oh,
                    ow,
                    y,
                    ix,
                );
                if self.relu {
                    for (v, i) in y.iter_mut().zip(ix.iter_mut()) {
                        // NaN too becomes 0, as in a ReLU that compares.
                        if (*v).partial_cmp(&zero) != Some(std::cmp::Ordering::Greater) {
                            *v = zero;
                            *i = NONE;
                        }
                    }
                }
            });
        if let Ok(mut a) = self.argmax.lock() {
            *a = Argmax::new(idx);
        }
        Ok((T::to_cpu_storage_owned(out), Shape::from((n, c, oh, ow))))
    }
}

impl CustomOp1 for MaxPool {
    fn name(&self) -> &'static str {
        "mltutor-max-pool2d"
    }
    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let _timed = timed(self.name());
        with_float!(s, self.name(), |T| self
            .fwd::<T>(contiguous(s, l, "pool input")?, l))
    }
    fn bwd(&self, arg: &Tensor, res: &Tensor, grad: &Tensor) -> Result<Option<Tensor>> {
        let argmax = self.argmax.lock().map(|a| a.clone()).unwrap_or_default();
        if argmax.len() != res.elem_count() {
            bail!("max_pool2d backward without its forward pass");
        }
        let grad = grad.contiguous()?;
        let &[n, c, h, w] = arg.dims() else {
            bail!("max_pool2d expects a 4-D input")
        };
        Ok(Some(grad.apply_op1_no_bwd(&PoolScatter {
            argmax,
            dims: (n, c, h, w),
        })?))
    }
}

/// The whole gradient of each window to its maximum; none where the fused ReLU cut it.
struct PoolScatter {
    argmax: Argmax,
    dims: (usize, usize, usize, usize),
}

impl PoolScatter {
    fn run<T: Float>(&self, g: &[T]) -> (CpuStorage, Shape) {
        let (n, c, h, w) = self.dims;
        let per_plane = g.len() / (n * c).max(1);
        let mut dx = vec![T::from_f64(0.0); n * c * h * w];
        dx.par_chunks_mut(h * w).enumerate().for_each(|(plane, d)| {
            let gp = &g[plane * per_plane..(plane + 1) * per_plane];
            let ip = &self.argmax[plane * per_plane..(plane + 1) * per_plane];
            for (v, &i) in gp.iter().zip(ip) {
                if i != NONE {
                    d[i as usize] += *v;
                }
            }
        });
        (T::to_cpu_storage_owned(dx), Shape::from((n, c, h, w)))
    }
}

impl CustomOp1 for PoolScatter {
    fn name(&self) -> &'static str {
        "mltutor-max-pool2d-grad"
    }
    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let _timed = timed(self.name());
        Ok(with_float!(s, self.name(), |T| self.run::<T>(contiguous(s, l, "grad")?)))
    }
}
