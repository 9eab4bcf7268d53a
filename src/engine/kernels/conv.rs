//! 2-D convolution of (input, weight, bias) as im2col + GEMM (or the direct kernels in f32
//! where the CPU has them), with its gradient ops: the input gradient (Wᵀ·dy then col2im,
//! only when something upstream needs it) and the weight gradient (one GEMM per sample,
//! a partial sum per thread).

use candle_core::backend::BackendStorage;
use candle_core::{
    bail, CpuStorage, CustomOp2, CustomOp3, Layout, Result, Shape, Tensor, WithDType,
};
use rayon::prelude::*;

use super::bias::ChannelSum;
use super::direct::{self, Plan};
use super::im2col::{col2im, im2col, matmul, Geom};
use super::par::{per_thread, per_thread_len};
use super::timing::timed;
use super::{contiguous, Float};

/// Convolution of (input, weight, bias); bias has one value per output channel.
pub struct Conv2d {
    pub stride: usize,
    pub padding: usize,
}

impl Conv2d {
    fn fwd<T: Float>(
        &self,
        x: &[T],
        lx: &Layout,
        w: &[T],
        lw: &Layout,
        b: &[T],
    ) -> Result<(CpuStorage, Shape)> {
        let g = Geom::new(lx.dims(), lw.dims(), self.stride, self.padding)?;
        if let (Some(plan), Some(x), Some(w), Some(b)) =
            (g.direct_plan(), T::f32s(x), T::f32s(w), T::f32s(b))
        {
            return Ok(Self::fwd_direct(x, w, b, &g, plan));
        }
        let (ohw, ckk) = (g.ohw(), g.ckk());
        let mut out = vec![T::from_f64(0.0); g.n * g.o * ohw];
        out.par_chunks_mut(g.o * ohw).enumerate().for_each_init(
            || vec![T::from_f64(0.0); ckk * ohw],
            |col, (i, y)| {
                im2col(&x[i * g.chw()..(i + 1) * g.chw()], &g, col);
                matmul(g.o, ohw, ckk, y, false, w, (ckk, 1), col, (ohw, 1));
                for (oc, row) in y.chunks_mut(ohw).enumerate() {
                    let bias = b[oc];
                    row.iter_mut().for_each(|v| *v += bias);
                }
            },
        );
        Ok((
            T::to_cpu_storage_owned(out),
            Shape::from((g.n, g.o, g.oh, g.ow)),
        ))
    }

    /// The forward pass by the direct kernels (see `direct`).
    fn fwd_direct(x: &[f32], w: &[f32], b: &[f32], g: &Geom, plan: Plan) -> (CpuStorage, Shape) {
        let (taps, wt) = (plan.taps(), plan.weights_by_tap(w));
        let mut out = vec![0f32; g.n * g.o * g.ohw()];
        out.par_chunks_mut(g.o * g.ohw())
            .enumerate()
            .with_min_len(per_thread_len(g.n))
            .for_each_init(
                || (vec![0f32; plan.input_len()], vec![0f32; g.o * plan.qp]),
                |(xp, conv), (i, y)| {
                    plan.pad_into(&x[i * g.chw()..(i + 1) * g.chw()], xp);
                    plan.forward(xp, &taps, &wt, Some(b), conv);
                    plan.unpad_output(conv, y);
                },
            );
        (
            f32::to_cpu_storage_owned(out),
            Shape::from((g.n, g.o, g.oh, g.ow)),
        )
    }
}

impl CustomOp3 for Conv2d {
    fn name(&self) -> &'static str {
        "mltutor-conv2d"
    }

    conv_cpu_fwd!();

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        b: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let grad = grad.contiguous()?;
        let geom = Geom::new(x.dims(), w.dims(), self.stride, self.padding)?;
        let gx = if x.track_op() {
            Some(grad.apply_op2_no_bwd(w, &ConvInputGrad { geom })?)
        } else {
            None // the data: no variable depends on its gradient
        };
        let gw = if w.track_op() {
            Some(x.apply_op2_no_bwd(&grad, &ConvWeightGrad { geom })?)
        } else {
            None
        };
        let gb = if b.track_op() {
            Some(grad.apply_op1_no_bwd(&ChannelSum)?)
        } else {
            None
        };
        Ok((gx, gw, gb))
    }
}

/// dL/dx from (dL/dy, weight): per sample, Wᵀ·dy then col2im.
struct ConvInputGrad {
    geom: Geom,
}

impl ConvInputGrad {
    fn run<T: Float>(&self, dy: &[T], w: &[T]) -> (CpuStorage, Shape) {
        let g = self.geom;
        let back = g.direct_plan().and_then(|p| p.transposed());
        if let (Some(back), Some(dy), Some(w)) = (back, T::f32s(dy), T::f32s(w)) {
            return self.run_direct(dy, w, back);
        }
        let (ohw, ckk) = (g.ohw(), g.ckk());
        let mut dx = vec![T::from_f64(0.0); g.n * g.chw()];
        dx.par_chunks_mut(g.chw()).enumerate().for_each_init(
            || vec![T::from_f64(0.0); ckk * ohw],
            |dcol, (i, dxi)| {
                // Wᵀ is [ckk × o]: element (r, c) sits at w[c·ckk + r].
                matmul(
                    ckk,
                    ohw,
                    g.o,
                    dcol,
                    false,
                    w,
                    (1, ckk),
                    &dy[i * g.o * ohw..],
                    (ohw, 1),
                );
                col2im(dcol, &g, dxi);
            },
        );
        (
            T::to_cpu_storage_owned(dx),
            Shape::from((g.n, g.c, g.h, g.w)),
        )
    }

    /// The direct kernels on the bordered output gradient with flipped weights.
    fn run_direct(&self, dy: &[f32], w: &[f32], back: Plan) -> (CpuStorage, Shape) {
        let g = self.geom;
        let (taps, wt) = (back.taps(), back.flipped_weights_by_tap(w));
        let mut dx = vec![0f32; g.n * g.chw()];
        dx.par_chunks_mut(g.chw())
            .enumerate()
            .with_min_len(per_thread_len(g.n))
            .for_each_init(
                || (vec![0f32; back.input_len()], vec![0f32; g.c * back.qp]),
                |(gp, dxo), (i, dxi)| {
                    back.pad_into(&dy[i * g.o * g.ohw()..(i + 1) * g.o * g.ohw()], gp);
                    back.forward(gp, &taps, &wt, None, dxo);
                    back.unpad_output(dxo, dxi);
                },
            );
        (
            f32::to_cpu_storage_owned(dx),
            Shape::from((g.n, g.c, g.h, g.w)),
        )
    }
}

impl CustomOp2 for ConvInputGrad {
    fn name(&self) -> &'static str {
        "mltutor-conv2d-input-grad"
    }
    run2_cpu_fwd!("grad", "weight");
}

/// dL/dW from (x, dL/dy): Σ over samples of dy·colᵀ, one partial sum per thread.
struct ConvWeightGrad {
    geom: Geom,
}

impl ConvWeightGrad {
    fn run<T: Float>(&self, x: &[T], dy: &[T]) -> (CpuStorage, Shape) {
        let g = self.geom;
        if let (Some(plan), Some(x), Some(dy)) = (g.direct_plan(), T::f32s(x), T::f32s(dy)) {
            return self.run_direct(x, dy, plan);
        }
        let (ohw, ckk) = (g.ohw(), g.ckk());
        let partials: Vec<Vec<T>> = per_thread(g.n)
            .into_par_iter()
            .map(|range| {
                let mut acc = vec![T::from_f64(0.0); g.o * ckk];
                let mut col = vec![T::from_f64(0.0); ckk * ohw];
                for (j, i) in range.enumerate() {
                    im2col(&x[i * g.chw()..(i + 1) * g.chw()], &g, &mut col);
                    // colᵀ is [ohw × ckk]: element (r, c) sits at col[c·ohw + r].
                    matmul(
                        g.o,
                        ckk,
                        ohw,
                        &mut acc,
                        j > 0,
                        &dy[i * g.o * ohw..],
                        (ohw, 1),
                        &col,
                        (1, ohw),
                    );
                }
                acc
            })
            .collect();
        let mut dw = vec![T::from_f64(0.0); g.o * ckk];
        for p in partials {
            for (d, v) in dw.iter_mut().zip(p) {
                *d += v;
            }
        }
        (
            T::to_cpu_storage_owned(dw),
            Shape::from((g.o, g.c, g.k, g.k)),
        )
    }

    /// The direct kernel: the output gradient in the forward's layout against the
    /// bordered input, vector partial sums per thread.
    fn run_direct(&self, x: &[f32], dy: &[f32], plan: Plan) -> (CpuStorage, Shape) {
        let g = self.geom;
        let (taps, ohw) = (plan.taps(), g.ohw());
        let partials: Vec<Vec<f32>> = per_thread(g.n)
            .into_par_iter()
            .map(|range| {
                let mut acc = vec![0f32; g.o * taps.len() * direct::SLOT];
                let mut xp = vec![0f32; plan.input_len()];
                let mut gbuf = vec![0f32; g.o * plan.qp];
                for i in range {
                    plan.pad_into(&x[i * g.chw()..(i + 1) * g.chw()], &mut xp);
                    plan.pad_output(&dy[i * g.o * ohw..(i + 1) * g.o * ohw], &mut gbuf);
                    plan.weight_grad(&xp, &taps, &gbuf, &mut acc);
                }
                acc
            })
            .collect();
        let mut dw = vec![0f32; g.o * g.ckk()];
        for acc in partials {
            direct::reduce_lanes(&acc, &mut dw);
        }
        (
            f32::to_cpu_storage_owned(dw),
            Shape::from((g.o, g.c, g.k, g.k)),
        )
    }
}

impl CustomOp2 for ConvWeightGrad {
    fn name(&self) -> &'static str {
        "mltutor-conv2d-weight-grad"
    }
    run2_cpu_fwd!("input", "grad");
}
