//! A fully connected layer, y = x·Wᵀ + b, as one op with its gradients: dx = dy·W (only
//! when something upstream needs it), dW = dyᵀ·x and db, the column sums of dy. Each
//! product is split across threads by rows, one single-threaded GEMM per thread on
//! contiguous slices; candle's matmul on the transposed weight plus a broadcast add, and
//! its backward through the transpose, took twice as long on the MLP (`bench --profile`).

use candle_core::backend::BackendStorage;
use candle_core::Tensor;
use candle_core::{bail, CpuStorage, CustomOp1, CustomOp2, CustomOp3, Layout, Result, Shape};
use rayon::prelude::*;

use super::im2col::matmul;
use super::par::per_thread_len;
use super::timing::timed;
use super::{contiguous, Float};

/// `y = x·Wᵀ + b` on (x, weight, bias) with `apply_op3`, or `y = x·Wᵀ` on (x, weight)
/// with `apply_op2`. x is `[…, in]` (every leading dimension is a row), W `[out, in]`.
pub struct Linear;

/// Rows per thread: one chunk each, at least a few rows so that small batches stay on one.
fn rows_per_job(m: usize) -> usize {
    per_thread_len(m).max(8)
}

/// The sizes of a product: rows of x, in, out; refused when the shapes do not agree.
fn sizes(lx: &Layout, lw: &Layout) -> Result<(usize, usize, usize)> {
    let (&[out, k], Some(&k_x)) = (lw.dims(), lx.dims().last()) else {
        bail!(
            "linear: weight {:?} and input {:?} are not [out, in] and [.., in]",
            lw.dims(),
            lx.dims()
        )
    };
    if k != k_x || k == 0 {
        bail!(
            "linear: input {:?} against weight {:?}",
            lx.dims(),
            lw.dims()
        )
    }
    Ok((lx.shape().elem_count() / k, k, out))
}

/// The input's shape with its last dimension made `last`.
fn with_last(dims: &[usize], last: usize) -> Shape {
    let mut d = dims.to_vec();
    if let Some(l) = d.last_mut() {
        *l = last;
    }
    Shape::from(d)
}

impl Linear {
    fn fwd<T: Float>(
        x: &[T],
        lx: &Layout,
        w: &[T],
        lw: &Layout,
        b: Option<&[T]>,
    ) -> Result<(CpuStorage, Shape)> {
        let (m, k, out) = sizes(lx, lw)?;
        if b.is_some_and(|b| b.len() != out) {
            bail!(
                "linear: bias of {} for {out} outputs",
                b.map_or(0, <[T]>::len)
            )
        }
        let rows = rows_per_job(m);
        let mut y = vec![T::from_f64(0.0); m * out];
        y.par_chunks_mut(rows * out)
            .enumerate()
            .for_each(|(c, yc)| {
                let (r0, rm) = (c * rows, yc.len() / out);
                if let Some(b) = b {
                    yc.chunks_mut(out).for_each(|row| row.copy_from_slice(b));
                }
                // Wᵀ is [in × out]: element (r, c) at w[c·in + r].
                matmul(rm, out, k, yc, b.is_some(), &x[r0 * k..], (k, 1), w, (1, k));
            });
        Ok((T::to_cpu_storage_owned(y), with_last(lx.dims(), out)))
    }

    fn backward(
        x: &Tensor,
        w: &Tensor,
        b: Option<&Tensor>,
        grad: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let grad = grad.contiguous()?;
        let gx = if x.track_op() {
            Some(grad.apply_op2_no_bwd(w, &LinearInputGrad)?)
        } else {
            None // the data: no variable depends on its gradient
        };
        let gw = if w.track_op() {
            Some(grad.apply_op2_no_bwd(&x.contiguous()?, &LinearWeightGrad)?)
        } else {
            None
        };
        let gb = match b {
            Some(b) if b.track_op() => Some(grad.apply_op1_no_bwd(&ColumnSum)?),
            _ => None,
        };
        Ok((gx, gw, gb))
    }
}

impl CustomOp3 for Linear {
    fn name(&self) -> &'static str {
        "mltutor-linear"
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
        let _timed = timed("mltutor-linear");
        with_float!(s1, "mltutor-linear", |T| Self::fwd::<T>(
            contiguous(s1, l1, "linear input")?,
            l1,
            contiguous(s2, l2, "linear weight")?,
            l2,
            Some(contiguous(s3, l3, "linear bias")?),
        ))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        b: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        Self::backward(x, w, Some(b), grad)
    }
}

impl CustomOp2 for Linear {
    fn name(&self) -> &'static str {
        "mltutor-linear"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let _timed = timed("mltutor-linear");
        with_float!(s1, "mltutor-linear", |T| Self::fwd::<T>(
            contiguous(s1, l1, "linear input")?,
            l1,
            contiguous(s2, l2, "linear weight")?,
            l2,
            None,
        ))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let (gx, gw, _) = Self::backward(x, w, None, grad)?;
        Ok((gx, gw))
    }
}

/// dL/dx from (dL/dy, weight): dy·W, rows split across threads.
struct LinearInputGrad;

impl LinearInputGrad {
    fn run<T: Float>(
        &self,
        dy: &[T],
        ldy: &Layout,
        w: &[T],
        lw: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let &[out, k] = lw.dims() else {
            bail!("linear input grad: weight {:?}", lw.dims())
        };
        if ldy.dims().last() != Some(&out) || out == 0 || k == 0 {
            bail!(
                "linear input grad: {:?} against weight {:?}",
                ldy.dims(),
                lw.dims()
            )
        }
        let m = dy.len() / out;
        let rows = rows_per_job(m);
        let mut dx = vec![T::from_f64(0.0); m * k];
        dx.par_chunks_mut(rows * k)
            .enumerate()
            .for_each(|(c, dxc)| {
                let (r0, rm) = (c * rows, dxc.len() / k);
                matmul(rm, k, out, dxc, false, &dy[r0 * out..], (out, 1), w, (k, 1));
            });
        Ok((T::to_cpu_storage_owned(dx), with_last(ldy.dims(), k)))
    }
}

impl CustomOp2 for LinearInputGrad {
    fn name(&self) -> &'static str {
        "mltutor-linear-input-grad"
    }

    op2_cpu_fwd!("grad", "linear weight");
}

/// dL/dW from (dL/dy, x): dyᵀ·x, the weight's rows (outputs) split across threads.
struct LinearWeightGrad;

impl LinearWeightGrad {
    fn run<T: Float>(
        &self,
        dy: &[T],
        ldy: &Layout,
        x: &[T],
        lx: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (Some(&out), Some(&k)) = (ldy.dims().last(), lx.dims().last()) else {
            bail!("linear weight grad: {:?} and {:?}", ldy.dims(), lx.dims())
        };
        if out == 0 || k == 0 || dy.len() / out != x.len() / k {
            bail!(
                "linear weight grad: {:?} against {:?}",
                ldy.dims(),
                lx.dims()
            )
        }
        let m = dy.len() / out;
        let rows = per_thread_len(out).max(1);
        let mut dw = vec![T::from_f64(0.0); out * k];
        dw.par_chunks_mut(rows * k)
            .enumerate()
            .for_each(|(c, dwc)| {
                let (o0, om) = (c * rows, dwc.len() / k);
                // dyᵀ is [out × m]: element (r, c) at dy[c·out + r].
                matmul(om, k, m, dwc, false, &dy[o0..], (1, out), x, (k, 1));
            });
        Ok((T::to_cpu_storage_owned(dw), Shape::from((out, k))))
    }
}

impl CustomOp2 for LinearWeightGrad {
    fn name(&self) -> &'static str {
        "mltutor-linear-weight-grad"
    }

    op2_cpu_fwd!("grad", "linear input");
}

/// dL/db: dy summed over every row.
struct ColumnSum;

impl ColumnSum {
    fn run<T: Float>(&self, dy: &[T], l: &Layout) -> Result<(CpuStorage, Shape)> {
        let Some(&out) = l.dims().last() else {
            bail!("column sum of a scalar")
        };
        let mut sum = vec![T::from_f64(0.0); out];
        for row in dy.chunks(out.max(1)) {
            for (s, v) in sum.iter_mut().zip(row) {
                *s += *v;
            }
        }
        Ok((T::to_cpu_storage_owned(sum), Shape::from(out)))
    }
}

impl CustomOp1 for ColumnSum {
    fn name(&self) -> &'static str {
        "mltutor-linear-bias-grad"
    }

    op1_cpu_fwd!("grad");
}
