//! The exam's `conv → F.relu → F.max_pool2d` as one op (forward and backward), sample by
//! sample, so the convolution's full-size output stays in the cache.

use candle_core::backend::BackendStorage;
use candle_core::{bail, CpuStorage, CustomOp3, Layout, Result, Shape, Tensor, WithDType};
use rayon::prelude::*;

use super::direct::{self, Plan};
use super::im2col::{col2im, im2col, matmul, Geom};
use super::par::{per_sample_fold, per_thread_len};
use super::pool::{pool_plane, Argmax, NONE};
use super::timing::timed;
use super::{contiguous, Float};

/// Convolution, ReLU and k×k max-pooling as one op, sample by sample, so the full-size
/// convolution output never leaves the cache and never becomes a graph node (candle would
/// allocate, zero and accumulate its gradient). The exam's `conv → F.relu → F.max_pool2d`.
pub struct ConvBlock {
    stride: usize,
    padding: usize,
    k: usize,
    /// From the forward pass: per sample and output, the index of the maximum within the
    /// sample's convolution output, or `NONE` where the ReLU cut it; and the plan of the
    /// direct kernels when they computed it (the output then has their layout).
    argmax: std::sync::Mutex<(Argmax, Option<Plan>)>,
}

impl ConvBlock {
    pub fn new(stride: usize, padding: usize, k: usize) -> Self {
        Self {
            stride,
            padding,
            k,
            argmax: std::sync::Mutex::new((Argmax::default(), None)),
        }
    }

    fn pooled(&self, g: &Geom) -> Result<(usize, usize)> {
        if self.k == 0 || g.oh < self.k || g.ow < self.k || g.o * g.ohw() >= NONE as usize {
            bail!(
                "conv block: a {0}x{0} pool does not fit {1}x{2}",
                self.k,
                g.oh,
                g.ow
            );
        }
        Ok((g.oh / self.k, g.ow / self.k))
    }

    fn fwd<T: Float>(
        &self,
        x: &[T],
        lx: &Layout,
        w: &[T],
        lw: &Layout,
        b: &[T],
    ) -> Result<(CpuStorage, Shape)> {
        let g = Geom::new(lx.dims(), lw.dims(), self.stride, self.padding)?;
        let (ph, pw) = self.pooled(&g)?;
        // The backward needs the transposed plan too (for an input gradient).
        let plan = g.direct_plan().filter(|p| p.transposed().is_some());
        if let (Some(plan), Some(x), Some(w), Some(b)) = (plan, T::f32s(x), T::f32s(w), T::f32s(b))
        {
            return Ok(self.fwd_direct(x, w, b, &g, plan));
        }
        let (ohw, ckk, phw) = (g.ohw(), g.ckk(), ph * pw);
        let zero = T::from_f64(0.0);
        let mut out = vec![zero; g.n * g.o * phw];
        let mut idx = vec![0u32; g.n * g.o * phw];
        out.par_chunks_mut(g.o * phw)
            .zip(idx.par_chunks_mut(g.o * phw))
            .enumerate()
            .for_each_init(
                || (vec![zero; ckk * ohw], vec![zero; g.o * ohw]),
                |(col, conv), (i, (y, ix))| {
                    im2col(&x[i * g.chw()..(i + 1) * g.chw()], &g, col);
                    matmul(g.o, ohw, ckk, conv, false, w, (ckk, 1), col, (ohw, 1));
                    for oc in 0..g.o {
                        let plane = &mut conv[oc * ohw..(oc + 1) * ohw];
                        let bias = b[oc];
                        plane.iter_mut().for_each(|v| *v += bias);
                        self.pool_relu(plane, g.ow, (ph, pw), oc * ohw, y, ix, oc);
                    }
                },
            );
        if let Ok(mut a) = self.argmax.lock() {
            *a = (Argmax::new(idx), None);
        }
        Ok((
            T::to_cpu_storage_owned(out),
            Shape::from((g.n, g.o, ph, pw)),
        ))
    }

    /// The forward pass by the direct kernels, on a zero-bordered copy of each sample.
    fn fwd_direct(
        &self,
        x: &[f32],
        w: &[f32],
        b: &[f32],
        g: &Geom,
        plan: Plan,
    ) -> (CpuStorage, Shape) {
        let (ph, pw) = (g.oh / self.k, g.ow / self.k);
        let phw = ph * pw;
        let (taps, wt) = (plan.taps(), plan.weights_by_tap(w));
        let mut out = vec![0f32; g.n * g.o * phw];
        let mut idx = vec![0u32; g.n * g.o * phw];
        out.par_chunks_mut(g.o * phw)
            .zip(idx.par_chunks_mut(g.o * phw))
            .enumerate()
            .with_min_len(per_thread_len(g.n))
            .for_each_init(
                || (vec![0f32; plan.input_len()], vec![0f32; g.o * plan.qp]),
                |(xp, conv), (i, (y, ix))| {
                    plan.pad_into(&x[i * g.chw()..(i + 1) * g.chw()], xp);
                    plan.forward(xp, &taps, &wt, Some(b), conv);
                    for oc in 0..g.o {
                        let plane = &conv[oc * plan.qp..(oc + 1) * plan.qp];
                        self.pool_relu(plane, plan.wp, (ph, pw), oc * plan.qp, y, ix, oc);
                    }
                },
            );
        if let Ok(mut a) = self.argmax.lock() {
            *a = (Argmax::new(idx), Some(plan));
        }
        (
            f32::to_cpu_storage_owned(out),
            Shape::from((g.n, g.o, ph, pw)),
        )
    }

    /// Pool channel `oc` of one sample's convolution output (`plane`, rows `row` apart,
    /// starting at `base` in the sample's output) into `y` and its argmax into `ix`; the
    /// ReLU after it zeroes what is not positive.
    #[allow(clippy::too_many_arguments)]
    fn pool_relu<T: Float>(
        &self,
        plane: &[T],
        row: usize,
        (ph, pw): (usize, usize),
        base: usize,
        y: &mut [T],
        ix: &mut [u32],
        oc: usize,
    ) {
        let zero = T::from_f64(0.0);
        let phw = ph * pw;
        let (yo, io) = (
            &mut y[oc * phw..(oc + 1) * phw],
            &mut ix[oc * phw..(oc + 1) * phw],
        );
        pool_plane(plane, row, self.k, ph, pw, yo, io);
        for (v, j) in yo.iter_mut().zip(io.iter_mut()) {
            if (*v).partial_cmp(&zero) == Some(std::cmp::Ordering::Greater) {
                *j += base as u32;
            } else {
                *v = zero;
                *j = NONE;
            }
        }
    }
}

impl CustomOp3 for ConvBlock {
    fn name(&self) -> &'static str {
        "mltutor-conv-relu-pool"
    }

    conv_cpu_fwd!();

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        b: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (argmax, direct) = self.argmax.lock().map(|a| a.clone()).unwrap_or_default();
        if argmax.len() != res.elem_count() {
            bail!("conv block backward without its forward pass");
        }
        let geom = Geom::new(x.dims(), w.dims(), self.stride, self.padding)?;
        let op = ConvBlockGrad {
            geom,
            argmax,
            direct,
            want_x: x.track_op(),
        };
        // One op computes the three gradients; they come back concatenated and flat.
        let flat = x.apply_op3_no_bwd(w, &grad.contiguous()?, &op)?;
        let (nx, nw) = if op.want_x {
            (geom.n * geom.chw(), geom.o * geom.ckk())
        } else {
            (0, geom.o * geom.ckk())
        };
        let gx = if op.want_x {
            Some(flat.narrow(0, 0, nx)?.reshape(x.dims())?)
        } else {
            None
        };
        let gw = w
            .track_op()
            .then(|| flat.narrow(0, nx, nw)?.reshape(w.dims()))
            .transpose()?;
        let gb = b
            .track_op()
            .then(|| flat.narrow(0, nx + nw, geom.o))
            .transpose()?;
        Ok((gx, gw, gb))
    }
}

/// The gradients of `ConvBlock` for (x, weight, bias), concatenated: per sample, the
/// pooled gradient is scattered back to the convolution output through the argmax, then
/// one GEMM gives the weight gradient and another, with col2im, the input gradient.
struct ConvBlockGrad {
    geom: Geom,
    argmax: Argmax,
    /// The forward pass's direct plan: its argmax indexes that layout.
    direct: Option<Plan>,
    want_x: bool,
}

impl ConvBlockGrad {
    fn run<T: Float>(&self, x: &[T], w: &[T], dy: &[T]) -> Result<(CpuStorage, Shape)> {
        if let Some(plan) = self.direct {
            let (Some(x), Some(w), Some(dy)) = (T::f32s(x), T::f32s(w), T::f32s(dy)) else {
                bail!("conv block: the direct kernels' backward is f32 only");
            };
            return self.run_direct(x, w, dy, plan);
        }
        let g = self.geom;
        let (ohw, ckk) = (g.ohw(), g.ckk());
        let per_sample = dy.len() / g.n.max(1);
        let zero = T::from_f64(0.0);
        let mut dx = if self.want_x {
            vec![zero; g.n * g.chw()]
        } else {
            Vec::new()
        };
        type State<T> = (Vec<T>, Vec<T>, Vec<T>, Vec<T>, Vec<T>);
        let sample =
            |i: usize, (dw, db, col, dconv, dcol): &mut State<T>, dxi: Option<&mut [T]>| {
                dconv.fill(zero);
                let dyi = &dy[i * per_sample..(i + 1) * per_sample];
                let ai = &self.argmax[i * per_sample..(i + 1) * per_sample];
                for (v, &j) in dyi.iter().zip(ai) {
                    if j != NONE {
                        dconv[j as usize] += *v;
                    }
                }
                for (oc, d) in db.iter_mut().enumerate() {
                    for v in &dconv[oc * ohw..(oc + 1) * ohw] {
                        *d += *v;
                    }
                }
                im2col(&x[i * g.chw()..(i + 1) * g.chw()], &g, col);
                matmul(g.o, ckk, ohw, dw, true, dconv, (ohw, 1), col, (1, ohw));
                if let Some(dxi) = dxi {
                    matmul(ckk, ohw, g.o, dcol, false, w, (1, ckk), dconv, (ohw, 1));
                    col2im(dcol, &g, dxi);
                }
            };
        let dcol_len = if self.want_x { ckk * ohw } else { 0 };
        let init = || {
            (
                vec![zero; g.o * ckk],
                vec![zero; g.o],
                vec![zero; ckk * ohw],
                vec![zero; g.o * ohw],
                vec![zero; dcol_len],
            )
        };
        let partials = per_sample_fold(g.n, &mut dx, g.chw(), init, sample);
        let mut dw = vec![zero; g.o * ckk];
        let mut db = vec![zero; g.o];
        for (pw, pb, ..) in partials {
            dw.iter_mut().zip(pw).for_each(|(a, v)| *a += v);
            db.iter_mut().zip(pb).for_each(|(a, v)| *a += v);
        }
        let mut flat = dx;
        flat.extend(dw);
        flat.extend(db);
        let len = flat.len();
        Ok((T::to_cpu_storage_owned(flat), Shape::from(len)))
    }

    /// The backward by the direct kernels: per sample, the pooled gradient scattered into
    /// the forward's output layout gives the weight gradient against the bordered input
    /// and, bordered in turn, the input gradient through the flipped weights.
    fn run_direct(
        &self,
        x: &[f32],
        w: &[f32],
        dy: &[f32],
        plan: Plan,
    ) -> Result<(CpuStorage, Shape)> {
        let g = self.geom;
        let Some(back) = plan.transposed() else {
            bail!("conv block: no transposed plan for {plan:?}");
        };
        let (taps, nt) = (plan.taps(), g.ckk());
        let (back_taps, back_wt) = if self.want_x {
            (back.taps(), back.flipped_weights_by_tap(w))
        } else {
            (Vec::new(), Vec::new())
        };
        let per_sample = dy.len() / g.n.max(1);
        let phw = per_sample / g.o.max(1);
        let mut dx = if self.want_x {
            vec![0f32; g.n * g.chw()]
        } else {
            Vec::new()
        };
        // Per thread: weight-gradient partial sums, bias gradient, bordered input, output
        // gradient in the forward's layout, and (for the input gradient) that gradient
        // bordered and the result in the transposed plan's layout.
        type State = (Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>);
        let init = || -> State {
            let (gp, dxo) = if self.want_x {
                (vec![0f32; back.input_len()], vec![0f32; g.c * back.qp])
            } else {
                (Vec::new(), Vec::new())
            };
            (
                vec![0f32; g.o * nt * direct::SLOT],
                vec![0f32; g.o],
                vec![0f32; plan.input_len()],
                vec![0f32; g.o * plan.qp],
                gp,
                dxo,
            )
        };
        let sample = |i: usize, st: &mut State, dxi: Option<&mut [f32]>| {
            let (acc, db, xp, gbuf, gp, dxo) = st;
            gbuf.fill(0.0);
            let dyi = &dy[i * per_sample..(i + 1) * per_sample];
            let ai = &self.argmax[i * per_sample..(i + 1) * per_sample];
            for ((d, dyc), ac) in db.iter_mut().zip(dyi.chunks(phw)).zip(ai.chunks(phw)) {
                for (v, &j) in dyc.iter().zip(ac) {
                    if j != NONE {
                        gbuf[j as usize] += *v;
                        *d += *v;
                    }
                }
            }
            plan.pad_into(&x[i * g.chw()..(i + 1) * g.chw()], xp);
            plan.weight_grad(xp, &taps, gbuf, acc);
            if let Some(dxi) = dxi {
                back.pad_rows(gbuf, (plan.wp, plan.qp), gp);
                back.forward(gp, &back_taps, &back_wt, None, dxo);
                back.unpad_output(dxo, dxi);
            }
        };
        let partials = per_sample_fold(g.n, &mut dx, g.chw(), init, sample);
        let mut dw = vec![0f32; g.o * nt];
        let mut db = vec![0f32; g.o];
        for (acc, pb, ..) in partials {
            direct::reduce_lanes(&acc, &mut dw);
            db.iter_mut().zip(pb).for_each(|(a, v)| *a += v);
        }
        let mut flat = dx;
        flat.extend(dw);
        flat.extend(db);
        let len = flat.len();
        Ok((f32::to_cpu_storage_owned(flat), Shape::from(len)))
    }
}

impl CustomOp3 for ConvBlockGrad {
    fn name(&self) -> &'static str {
        "mltutor-conv-relu-pool-grad"
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
        with_float!(s1, self.name(), |T| self.run::<T>(
            contiguous(s1, l1, "input")?,
            contiguous(s2, l2, "weight")?,
            contiguous(s3, l3, "grad")?,
        ))
    }
}
