//! The core of multi-head self-attention as one op: from the packed projections
//! qkv `[N, L, 3E]` to the heads' context `[N, L, E]`, softmax(Q·Kᵀ/√dh)·V per sample and
//! head, each product a GEMM on strided views (no split, transpose or copy of the heads),
//! samples across threads. The backward recomputes each head's weights (one small GEMM
//! and a softmax) rather than keeping N·H·L² of them. Composed from candle's ops, the
//! heads' copies and its batched products took most of a Transformer step.

use candle_core::backend::BackendStorage;
use candle_core::{bail, CpuStorage, CustomOp1, CustomOp2, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::recurrent::Act;
use super::timing::timed;
use super::{contiguous, Float};

/// Self-attention of `heads` heads over qkv `[N, L, 3E]`.
pub struct SelfAttention {
    pub heads: usize,
}

/// A row-major view: the element (r, c) is at `rs·r + cs·c`.
type Strides = (usize, usize);

/// dst[m×n] (+)= scale · a[m×k] · b[k×n], every operand a strided view.
#[allow(clippy::too_many_arguments)]
fn gemm<T: Float>(
    (m, n, k): (usize, usize, usize),
    dst: &mut [T],
    (d_rs, d_cs): Strides,
    a: &[T],
    (a_rs, a_cs): Strides,
    b: &[T],
    (b_rs, b_cs): Strides,
    scale: f64,
) {
    // Every view stays inside its slice (the callers' sizes are checked against them).
    debug_assert!(m == 0 || n == 0 || (m - 1) * d_rs + (n - 1) * d_cs < dst.len());
    debug_assert!(m == 0 || k == 0 || (m - 1) * a_rs + (k - 1) * a_cs < a.len());
    debug_assert!(k == 0 || n == 0 || (k - 1) * b_rs + (n - 1) * b_cs < b.len());
    // SAFETY: as above; gemm reads a and b and writes dst only within those views, and
    // does not read dst (read_dst false).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            d_cs as isize,
            d_rs as isize,
            false,
            a.as_ptr(),
            a_cs as isize,
            a_rs as isize,
            b.as_ptr(),
            b_cs as isize,
            b_rs as isize,
            T::from_f64(0.0),
            T::from_f64(scale),
            false,
            false,
            false,
            gemm::Parallelism::None,
        )
    }
}

/// The sizes of a run: (N, L, E, dh), checked against the heads.
fn sizes(l: &Layout, heads: usize) -> Result<(usize, usize, usize, usize)> {
    let &[n, len, e3] = l.dims() else {
        bail!("self-attention expects [N, L, 3E], got {:?}", l.dims())
    };
    if heads == 0 || e3 == 0 || e3 % (3 * heads) != 0 || len == 0 {
        bail!("self-attention: {e3} packed features in {heads} heads")
    }
    Ok((n, len, e3 / 3, e3 / 3 / heads))
}

/// Softmax of each row of the `len × len` scores in place.
fn softmax_rows<T: Act>(s: &mut [T], len: usize) {
    for row in s.chunks_mut(len) {
        let max = row
            .iter()
            .copied()
            .fold(row[0], |m, v| if v > m { v } else { m });
        row.iter_mut().for_each(|v| *v -= max);
        T::exp_slice(row);
        let inv = T::from_f64(1.0 / row.iter().map(|v| v.to_f64()).sum::<f64>());
        row.iter_mut().for_each(|v| *v *= inv);
    }
}

impl SelfAttention {
    /// Head `h`'s weights for the sample at `qkv` (`len × 3E`) into `p` (`len × len`).
    fn weights<T: Act>(qkv: &[T], len: usize, e: usize, dh: usize, h: usize, p: &mut [T]) {
        let scale = 1.0 / (dh as f64).sqrt();
        // Kᵀ: the element (c, j) is K[j, c].
        gemm(
            (len, len, dh),
            p,
            (len, 1),
            &qkv[h * dh..],
            (3 * e, 1),
            &qkv[e + h * dh..],
            (1, 3 * e),
            scale,
        );
        softmax_rows(p, len);
    }

    fn run<T: Act>(&self, qkv: &[T], l: &Layout) -> Result<(CpuStorage, Shape)> {
        let (n, len, e, dh) = sizes(l, self.heads)?;
        let mut ctx = vec![T::from_f64(0.0); n * len * e];
        ctx.par_chunks_mut(len * e).enumerate().for_each_init(
            || vec![T::from_f64(0.0); len * len],
            |p, (i, out)| {
                let x = &qkv[i * len * 3 * e..(i + 1) * len * 3 * e];
                for h in 0..self.heads {
                    Self::weights(x, len, e, dh, h, p);
                    gemm(
                        (len, dh, len),
                        &mut out[h * dh..],
                        (e, 1),
                        p,
                        (len, 1),
                        &x[2 * e + h * dh..],
                        (3 * e, 1),
                        1.0,
                    );
                }
            },
        );
        Ok((T::to_cpu_storage_owned(ctx), Shape::from((n, len, e))))
    }
}

impl CustomOp1 for SelfAttention {
    fn name(&self) -> &'static str {
        "mltutor-self-attention"
    }

    op1_cpu_fwd!("qkv");

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad: &Tensor) -> Result<Option<Tensor>> {
        Ok(Some(grad.contiguous()?.apply_op2_no_bwd(
            &arg.contiguous()?,
            &SelfAttentionGrad { heads: self.heads },
        )?))
    }
}

/// (d ctx, qkv) → d qkv.
struct SelfAttentionGrad {
    heads: usize,
}

impl SelfAttentionGrad {
    fn run<T: Act>(
        &self,
        dctx: &[T],
        _ld: &Layout,
        qkv: &[T],
        l: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (n, len, e, dh) = sizes(l, self.heads)?;
        if dctx.len() != n * len * e {
            bail!(
                "self-attention backward: {} gradients for {n}x{len}x{e}",
                dctx.len()
            )
        }
        let scale = 1.0 / (dh as f64).sqrt();
        let mut dqkv = vec![T::from_f64(0.0); qkv.len()];
        dqkv.par_chunks_mut(len * 3 * e).enumerate().for_each_init(
            || {
                (
                    vec![T::from_f64(0.0); len * len],
                    vec![T::from_f64(0.0); len * len],
                )
            },
            |(p, ds), (i, dx)| {
                let x = &qkv[i * len * 3 * e..(i + 1) * len * 3 * e];
                let dc = &dctx[i * len * e..(i + 1) * len * e];
                for h in 0..self.heads {
                    SelfAttention::weights(x, len, e, dh, h, p);
                    // dP = dctx_h · V_hᵀ.
                    gemm(
                        (len, len, dh),
                        ds,
                        (len, 1),
                        &dc[h * dh..],
                        (e, 1),
                        &x[2 * e + h * dh..],
                        (1, 3 * e),
                        1.0,
                    );
                    // dS = P ⊙ (dP − Σ_j dP·P) per row.
                    for (drow, prow) in ds.chunks_mut(len).zip(p.chunks(len)) {
                        let dot: f64 = drow
                            .iter()
                            .zip(prow.iter())
                            .map(|(a, b)| a.to_f64() * b.to_f64())
                            .sum();
                        let dot = T::from_f64(dot);
                        for (d, pv) in drow.iter_mut().zip(prow) {
                            *d = *pv * (*d - dot);
                        }
                    }
                    // dQ_h = scale · dS · K_h.
                    gemm(
                        (len, dh, len),
                        &mut dx[h * dh..],
                        (3 * e, 1),
                        ds,
                        (len, 1),
                        &x[e + h * dh..],
                        (3 * e, 1),
                        scale,
                    );
                    // dK_h = scale · dSᵀ · Q_h.
                    gemm(
                        (len, dh, len),
                        &mut dx[e + h * dh..],
                        (3 * e, 1),
                        ds,
                        (1, len),
                        &x[h * dh..],
                        (3 * e, 1),
                        scale,
                    );
                    // dV_h = Pᵀ · dctx_h.
                    gemm(
                        (len, dh, len),
                        &mut dx[2 * e + h * dh..],
                        (3 * e, 1),
                        p,
                        (1, len),
                        &dc[h * dh..],
                        (e, 1),
                        1.0,
                    );
                }
            },
        );
        Ok((T::to_cpu_storage_owned(dqkv), l.shape().clone()))
    }
}

impl CustomOp2 for SelfAttentionGrad {
    fn name(&self) -> &'static str {
        "mltutor-self-attention-grad"
    }

    op2_cpu_fwd!("grad", "qkv");
}
