//! CPU kernels that make training the exam's CNN fast, as candle custom ops with their own
//! backward:
//! - 2-D convolution as im2col + GEMM, batch split across threads; the weight gradient is
//!   one GEMM per sample, the input gradient a GEMM and a col2im, computed only when
//!   something upstream needs it (never for the data).
//! - max-pooling with stride == kernel, optionally fused with the ReLU before it; the
//!   gradient goes whole to each window's maximum (see `tests/gradients.rs`).
//!
//! Only f32 and f64 on the CPU; `engine` uses candle's own ops elsewhere.

use candle_core::backend::BackendStorage;
use candle_core::{
    bail, CpuStorage, CustomOp1, CustomOp2, CustomOp3, Layout, Result, Shape, Tensor, WithDType,
};
use rayon::prelude::*;

use super::direct::{self, Plan};

/// The element types the kernels run on.
pub trait Float:
    WithDType
    + Copy
    + Send
    + Sync
    + PartialOrd
    + std::ops::AddAssign
    + std::ops::Add<Output = Self>
    + 'static
{
    /// The slice as f32, for the kernels that exist only in f32.
    fn f32s(s: &[Self]) -> Option<&[f32]>;
}
impl Float for f32 {
    fn f32s(s: &[Self]) -> Option<&[f32]> {
        Some(s)
    }
}
impl Float for f64 {
    fn f32s(_: &[Self]) -> Option<&[f32]> {
        None
    }
}

/// Run an expression with `T` bound to the storage's float type (f32 or f64); refuse
/// the others.
macro_rules! with_float {
    ($s:expr, $name:expr, |$t:ident| $body:expr) => {
        match $s {
            CpuStorage::F32(_) => {
                type $t = f32;
                $body
            }
            CpuStorage::F64(_) => {
                type $t = f64;
                $body
            }
            other => bail!("{}: unsupported dtype {:?}", $name, other.dtype()),
        }
    };
}

/// Per-op timings for `mltutor bench --profile`: off unless asked for.
static PROFILING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static TIMINGS: std::sync::Mutex<Vec<(&'static str, f64)>> = std::sync::Mutex::new(Vec::new());

/// Start (or stop) recording the time each custom op takes; returns what was recorded.
pub fn profiling(on: bool) -> Vec<(&'static str, f64)> {
    PROFILING.store(on, std::sync::atomic::Ordering::Relaxed);
    TIMINGS
        .lock()
        .map(|mut t| std::mem::take(&mut *t))
        .unwrap_or_default()
}

/// Adds the time until it is dropped to its op's total, when profiling.
struct Timed(&'static str, Option<std::time::Instant>);

fn timed(name: &'static str) -> Timed {
    let on = PROFILING.load(std::sync::atomic::Ordering::Relaxed);
    Timed(name, on.then(std::time::Instant::now))
}

impl Drop for Timed {
    fn drop(&mut self) {
        let Some(start) = self.1 else { return };
        let secs = start.elapsed().as_secs_f64();
        if let Ok(mut all) = TIMINGS.lock() {
            match all.iter_mut().find(|(n, _)| *n == self.0) {
                Some((_, total)) => *total += secs,
                None => all.push((self.0, secs)),
            }
        }
    }
}

/// `CustomOp3::cpu_fwd` for the ops on (input, weight, bias) that have a `fwd::<T>`.
macro_rules! conv_cpu_fwd {
    () => {
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
                contiguous(s1, l1, "conv input")?,
                l1,
                contiguous(s2, l2, "conv weight")?,
                l2,
                contiguous(s3, l3, "conv bias")?,
            ))
        }
    };
}

/// `CustomOp2::cpu_fwd` for the gradient ops that have a `run::<T>(a, b)`; the strings
/// name the two inputs in the error when one is not contiguous.
macro_rules! run2_cpu_fwd {
    ($a:literal, $b:literal) => {
        fn cpu_fwd(
            &self,
            s1: &CpuStorage,
            l1: &Layout,
            s2: &CpuStorage,
            l2: &Layout,
        ) -> Result<(CpuStorage, Shape)> {
            let _timed = timed(self.name());
            Ok(with_float!(s1, self.name(), |T| self.run::<T>(
                contiguous(s1, l1, $a)?,
                contiguous(s2, l2, $b)?
            )))
        }
    };
}

/// Shapes of one convolution.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Geom {
    n: usize,
    c: usize,
    h: usize,
    w: usize,
    o: usize,
    k: usize,
    stride: usize,
    pad: usize,
    oh: usize,
    ow: usize,
}

impl Geom {
    fn new(x: &[usize], w: &[usize], stride: usize, pad: usize) -> Result<Self> {
        let (&[n, c, h, wd], &[o, c2, k, k2]) = (x, w) else {
            bail!("conv2d expects a 4-D input and a 4-D weight, got {x:?} and {w:?}")
        };
        if c != c2 || k != k2 || h + 2 * pad < k || wd + 2 * pad < k || stride == 0 {
            bail!("conv2d: input {x:?} does not fit weight {w:?}");
        }
        Ok(Self {
            n,
            c,
            h,
            w: wd,
            o,
            k,
            stride,
            pad,
            oh: (h + 2 * pad - k) / stride + 1,
            ow: (wd + 2 * pad - k) / stride + 1,
        })
    }
    fn chw(&self) -> usize {
        self.c * self.h * self.w
    }
    fn ckk(&self) -> usize {
        self.c * self.k * self.k
    }
    fn ohw(&self) -> usize {
        self.oh * self.ow
    }
    /// The direct kernels' plan, where they apply (f32 is checked by the caller).
    fn direct_plan(&self) -> Option<Plan> {
        if self.stride != 1 {
            return None;
        }
        Plan::new(
            direct::isa()?,
            self.c,
            self.h,
            self.w,
            self.o,
            self.k,
            self.pad,
        )
    }
    /// Output columns `ox` whose input column `ox·s + kw − p` lies inside the image.
    fn valid_cols(&self, kw: usize) -> (usize, usize) {
        let (s, p) = (self.stride as isize, self.pad as isize);
        let lo = ((p - kw as isize).max(0) + s - 1) / s;
        let hi = (self.w as isize - 1 + p - kw as isize).div_euclid(s) + 1;
        (
            lo.max(0) as usize,
            (hi.max(0) as usize).min(self.ow).max(lo.max(0) as usize),
        )
    }
}

/// The input of one sample as columns: row (c, kh, kw), column (oy, ox). Only the
/// positions inside the image are written: `col` must come zeroed, and be used for this
/// geometry only, so the padding stays zero without being rewritten each time.
fn im2col<T: Float>(x: &[T], g: &Geom, col: &mut [T]) {
    let ohw = g.ohw();
    for c in 0..g.c {
        for kh in 0..g.k {
            for kw in 0..g.k {
                let row = (c * g.k + kh) * g.k + kw;
                let dst = &mut col[row * ohw..(row + 1) * ohw];
                let (lo, hi) = g.valid_cols(kw);
                for oy in 0..g.oh {
                    let d = &mut dst[oy * g.ow..(oy + 1) * g.ow];
                    let iy = (oy * g.stride + kh) as isize - g.pad as isize;
                    if iy < 0 || iy >= g.h as isize || lo >= hi {
                        continue;
                    }
                    let src = &x[(c * g.h + iy as usize) * g.w..][..g.w];
                    if g.stride == 1 {
                        let start = lo + kw - g.pad;
                        d[lo..hi].copy_from_slice(&src[start..start + hi - lo]);
                    } else {
                        for (ox, v) in d[lo..hi].iter_mut().enumerate() {
                            *v = src[(ox + lo) * g.stride + kw - g.pad];
                        }
                    }
                }
            }
        }
    }
}

/// Add columns back into one sample's image (the adjoint of `im2col`).
fn col2im<T: Float>(col: &[T], g: &Geom, x: &mut [T]) {
    x.fill(T::from_f64(0.0));
    let ohw = g.ohw();
    for c in 0..g.c {
        for kh in 0..g.k {
            for kw in 0..g.k {
                let row = (c * g.k + kh) * g.k + kw;
                let src = &col[row * ohw..(row + 1) * ohw];
                let (lo, hi) = g.valid_cols(kw);
                if lo >= hi {
                    continue;
                }
                for oy in 0..g.oh {
                    let iy = (oy * g.stride + kh) as isize - g.pad as isize;
                    if iy < 0 || iy >= g.h as isize {
                        continue;
                    }
                    let dst = &mut x[(c * g.h + iy as usize) * g.w..][..g.w];
                    let s = &src[oy * g.ow..(oy + 1) * g.ow];
                    if g.stride == 1 {
                        let start = lo + kw - g.pad;
                        for (d, v) in dst[start..start + hi - lo].iter_mut().zip(&s[lo..hi]) {
                            *d += *v;
                        }
                    } else {
                        for ox in lo..hi {
                            dst[ox * g.stride + kw - g.pad] += s[ox];
                        }
                    }
                }
            }
        }
    }
}

/// Row-major matrix product: dst[m×n] (+)= a[m×k] · b[k×n], with explicit strides for a
/// and b so transposes are free. Single-threaded: the batch is what is split.
#[allow(clippy::too_many_arguments)]
fn matmul<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    dst: &mut [T],
    accumulate: bool,
    a: &[T],
    (a_rs, a_cs): (usize, usize),
    b: &[T],
    (b_rs, b_cs): (usize, usize),
) {
    debug_assert!(dst.len() >= m * n);
    // SAFETY: the slices cover every index the strides reach (checked by the callers'
    // shapes); gemm reads a and b and writes dst only within m×n, m×k and k×n.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.as_ptr(),
            a_cs as isize,
            a_rs as isize,
            b.as_ptr(),
            b_cs as isize,
            b_rs as isize,
            if accumulate {
                T::from_f64(1.0)
            } else {
                T::from_f64(0.0)
            },
            T::from_f64(1.0),
            false,
            false,
            false,
            gemm::Parallelism::None,
        )
    }
}

fn contiguous<'a, T: Float>(s: &'a CpuStorage, l: &Layout, what: &str) -> Result<&'a [T]> {
    let all = s.as_slice::<T>()?;
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&all[a..b]),
        None => bail!("{what} must be contiguous"),
    }
}

/// Items per rayon job so that each thread gets one chunk of `n` (and sets up its buffers
/// once).
fn per_thread_len(n: usize) -> usize {
    n.div_ceil(rayon::current_num_threads().max(1))
}

/// Run `sample(i, state, dx_i)` for each sample `i` of a batch of `n`, one chunk of samples
/// per thread with its own `state` from `init`; each sample gets its `chw` slice of `dx`,
/// or `None` when `dx` is empty (no input gradient wanted). Returns the threads' states.
fn per_sample_fold<T: Send, S: Send>(
    n: usize,
    dx: &mut [T],
    chw: usize,
    init: impl Fn() -> S + Sync + Send,
    sample: impl Fn(usize, &mut S, Option<&mut [T]>) + Sync + Send,
) -> Vec<S> {
    let len = per_thread_len(n);
    if dx.is_empty() {
        (0..n)
            .into_par_iter()
            .with_min_len(len)
            .fold(&init, |mut st, i| {
                sample(i, &mut st, None);
                st
            })
            .collect()
    } else {
        dx.par_chunks_mut(chw.max(1))
            .enumerate()
            .with_min_len(len)
            .fold(&init, |mut st, (i, dxi)| {
                sample(i, &mut st, Some(dxi));
                st
            })
            .collect()
    }
}

/// Split `0..n` into one contiguous range per thread.
fn per_thread(n: usize) -> Vec<std::ops::Range<usize>> {
    let t = rayon::current_num_threads().clamp(1, n.max(1));
    (0..t).map(|i| i * n / t..(i + 1) * n / t).collect()
}

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

/// dL/db: the gradient summed over batch, height and width for each channel (candle's
/// generic multi-axis reduction is several times slower here).
struct ChannelSum;

impl ChannelSum {
    fn run<T: Float>(g: &[T], l: &Layout) -> Result<(CpuStorage, Shape)> {
        let &[n, c, h, w] = l.dims() else {
            bail!("channel sum expects a 4-D tensor, got {:?}", l.dims())
        };
        let mut out = vec![T::from_f64(0.0); c];
        for plane in g.chunks(h * w).take(n * c).enumerate() {
            let (i, values) = plane;
            let mut acc = T::from_f64(0.0);
            for v in values {
                acc += *v;
            }
            out[i % c] += acc;
        }
        Ok((T::to_cpu_storage_owned(out), Shape::from(c)))
    }
}

impl CustomOp1 for ChannelSum {
    fn name(&self) -> &'static str {
        "mltutor-channel-sum"
    }
    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let _timed = timed(self.name());
        with_float!(s, self.name(), |T| Self::run::<T>(
            contiguous(s, l, "grad")?,
            l
        ))
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
type Argmax = std::sync::Arc<Vec<u32>>;

const NONE: u32 = u32::MAX;

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
fn pool_plane<T: Float>(
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
