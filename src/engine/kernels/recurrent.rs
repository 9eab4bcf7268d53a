//! The step loop of `nn.RNN`, `nn.LSTM` and `nn.GRU` (one direction of one layer) as one op
//! with its own backward (backpropagation through time), the batch split across threads.
//!
//! Written with candle's ops, step by step, every step's slice of the input part costs its
//! backward a zero-padded gradient as large as the whole sequence (candle's `narrow`), so a
//! training step grew with the square of the length, and each step's few small ops were
//! graph nodes. Here the input part (`x·W_ihᵀ`, every step at once, left to candle)
//! comes in whole, the op returns every step's h (N x L x H), and keeps for its backward,
//! per sample and step, LSTM's `[c, i, f, g, o, tanh c]` or GRU's `[r, z, n, W_hn·h +
//! b_hn]` (RNN needs only h).

use candle_core::backend::BackendStorage;
use candle_core::{bail, CpuStorage, CustomOp3, Layout, Result, Shape, Tensor, WithDType};
use rayon::prelude::*;
use std::sync::{Arc, Mutex};

use super::im2col::matmul;
use super::par::per_thread;
use super::timing::timed;
use super::{contiguous, Float};

/// The cell of a recurrent layer, as the op computes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeqCell {
    /// `nn.RNN`, tanh.
    Tanh,
    /// `nn.RNN(nonlinearity="relu")`.
    Relu,
    Lstm,
    Gru,
}

impl SeqCell {
    /// Gates: the rows of `W_hh` are `gates() · H`.
    pub fn gates(self) -> usize {
        match self {
            SeqCell::Tanh | SeqCell::Relu => 1,
            SeqCell::Lstm => 4,
            SeqCell::Gru => 3,
        }
    }

    /// Values kept for the backward per sample and step, in units of H.
    fn kept(self) -> usize {
        match self {
            SeqCell::Tanh | SeqCell::Relu => 0,
            SeqCell::Lstm => 6,
            SeqCell::Gru => 4,
        }
    }
}

/// The functions of the cells, in f32 and f64, one value or a slice in place.
pub(super) trait Act: Float {
    fn tanh(self) -> Self;
    fn sigmoid(self) -> Self;
    fn tanh_slice(v: &mut [Self]) {
        v.iter_mut().for_each(|a| *a = a.tanh());
    }
    fn sigmoid_slice(v: &mut [Self]) {
        v.iter_mut().for_each(|a| *a = a.sigmoid());
    }
    /// `e^v` in place.
    fn exp_slice(v: &mut [Self]);
}

/// `e^x` in f32 without a call, so that a loop of it is vectorized: `x = n·ln 2 + r`,
/// |r| ≤ ln 2 / 2, `e^r` by Cephes' polynomial (within 2 ulp of `expf`), `2^n` built in the
/// exponent bits. `x` is held within [−87.3, 88.3] (so `2^n` stays a normal number); NaN
/// goes through as NaN.
#[inline(always)]
fn exp_f32(x: f32) -> f32 {
    // clamp keeps NaN.
    let x = x.clamp(-87.3, 88.3);
    // n = round(x / ln 2): adding 1.5·2^23 rounds to an integer, held in the low bits.
    const SHIFT: f32 = 12_582_912.0;
    let t = x * std::f32::consts::LOG2_E + SHIFT;
    let n = t - SHIFT;
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let mut p = 1.987_569_1e-4f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 0.166_666_65;
    p = p * r + 0.5;
    let er = p * r * r + r + 1.0;
    let bits = t.to_bits().wrapping_sub(SHIFT.to_bits()).wrapping_add(127) << 23;
    er * f32::from_bits(bits)
}

#[inline(always)]
fn tanh_f32(x: f32) -> f32 {
    1.0 - 2.0 / (exp_f32(2.0 * x) + 1.0)
}

#[inline(always)]
fn sigmoid_f32(x: f32) -> f32 {
    1.0 / (1.0 + exp_f32(-x))
}

/// A loop over a slice, compiled twice: for AVX2 (eight lanes), chosen at run time, and
/// for the baseline (four).
macro_rules! slice_fn {
    ($name:ident, $avx:ident, $f:ident) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        unsafe fn $avx(v: &mut [f32]) {
            v.iter_mut().for_each(|a| *a = $f(*a));
        }

        fn $name(v: &mut [f32]) {
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2 (checked just above).
                unsafe { $avx(v) };
                return;
            }
            v.iter_mut().for_each(|a| *a = $f(*a));
        }
    };
}
slice_fn!(tanh_f32s, tanh_f32s_avx2, tanh_f32);
slice_fn!(sigmoid_f32s, sigmoid_f32s_avx2, sigmoid_f32);
slice_fn!(exp_f32s, exp_f32s_avx2, exp_f32);

impl Act for f32 {
    /// tanh through one `exp` (glibc's `tanhf` takes three times as long); within 1e-7 of
    /// it, ±1 at the extremes.
    fn tanh(self) -> Self {
        tanh_f32(self)
    }
    fn sigmoid(self) -> Self {
        sigmoid_f32(self)
    }
    fn tanh_slice(v: &mut [Self]) {
        tanh_f32s(v)
    }
    fn sigmoid_slice(v: &mut [Self]) {
        sigmoid_f32s(v)
    }
    fn exp_slice(v: &mut [Self]) {
        exp_f32s(v)
    }
}

impl Act for f64 {
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    fn sigmoid(self) -> Self {
        1.0 / (1.0 + (-self).exp())
    }
    fn exp_slice(v: &mut [Self]) {
        v.iter_mut().for_each(|a| *a = a.exp());
    }
}

/// One direction of one recurrent layer over (`xi`: N x L x G·H, the input part, with
/// `b_ih` or without it where the caller folds it into `b_hh`; `W_hh`: G·H x H; `b_hh`:
/// G·H), from a zero state; the result is every step's h, N x L x H. `reverse` runs the steps from the last. A new op for each forward pass:
/// it keeps what its backward needs.
pub struct RecurrentSeq {
    cell: SeqCell,
    hidden: usize,
    reverse: bool,
    kept: Mutex<Option<Arc<CpuStorage>>>,
}

/// The sizes of a run, checked against the inputs.
#[derive(Clone, Copy, Debug)]
struct Dims {
    n: usize,
    l: usize,
    h: usize,
    /// G·H.
    gh: usize,
    /// kept()·H.
    k: usize,
}

/// What the steps of a run share: the cell, the order, the sizes.
#[derive(Clone, Copy, Debug)]
struct Steps {
    cell: SeqCell,
    hidden: usize,
    reverse: bool,
}

impl Steps {
    fn dims(&self, xi: &[usize], w: &[usize], b: usize) -> Result<Dims> {
        let h = self.hidden;
        let gh = self.cell.gates() * h;
        let &[n, l, g] = xi else {
            bail!("recurrent op: input part of rank {}, not 3", xi.len());
        };
        if g != gh || w != [gh, h] || b != gh || h == 0 {
            bail!("recurrent op: input part {xi:?}, W_hh {w:?}, b_hh {b} for H = {h}");
        }
        Ok(Dims {
            n,
            l,
            h,
            gh,
            k: self.cell.kept() * h,
        })
    }

    /// The step before step `t` in the order of the run, none at the first.
    fn prev(&self, t: usize, l: usize) -> Option<usize> {
        if self.reverse {
            (t + 1 < l).then_some(t + 1)
        } else {
            t.checked_sub(1)
        }
    }

    /// Step `k` of the run.
    fn step(&self, k: usize, l: usize) -> usize {
        if self.reverse {
            l - 1 - k
        } else {
            k
        }
    }
}

impl RecurrentSeq {
    pub fn new(cell: SeqCell, hidden: usize, reverse: bool) -> Self {
        Self {
            cell,
            hidden,
            reverse,
            kept: Mutex::new(None),
        }
    }

    fn steps(&self) -> Steps {
        Steps {
            cell: self.cell,
            hidden: self.hidden,
            reverse: self.reverse,
        }
    }
}

impl Steps {
    /// Every step's h (N x L x H) and what the backward needs (N x L x kept()·H).
    fn fwd<T: Act>(&self, xi: &[T], w: &[T], b: &[T], d: Dims) -> (Vec<T>, Vec<T>) {
        let Dims { n, l, h, gh, k: kw } = d;
        let zero = T::from_f64(0.0);
        let one = T::from_f64(1.0);
        let mut out = zeros::<T>(n * l * h);
        let mut kept = zeros::<T>(n * l * kw);
        let ranges = per_thread(n);
        let blocks: Vec<_> = split(&mut out, ranges.clone(), l * h)
            .into_iter()
            .zip(split(&mut kept, ranges, l * kw))
            .collect();
        blocks
            .into_par_iter()
            .for_each(|((range, out), (_, kept))| {
                let nb = range.len();
                let xi = &xi[range.start * l * gh..range.end * l * gh];
                let mut gh_buf = vec![zero; nb * gh];
                let mut cbuf = vec![zero; h];
                for k in 0..l {
                    let t = self.step(k, l);
                    let prev = self.prev(t, l);
                    for row in gh_buf.chunks_mut(gh) {
                        row.copy_from_slice(b);
                    }
                    if let Some(tp) = prev {
                        // gh = h_prev · W_hhᵀ + b_hh, h_prev read in place (rows L·H apart).
                        matmul(
                            nb,
                            gh,
                            h,
                            &mut gh_buf,
                            true,
                            &out[tp * h..],
                            (l * h, 1),
                            w,
                            (1, h),
                        );
                    }
                    for r in 0..nb {
                        let x = &xi[(r * l + t) * gh..][..gh];
                        // a = the input part + the hidden part, then the gates in place:
                        // loops over slices, vectorized.
                        let a = &mut gh_buf[r * gh..][..gh];
                        let (o, s) = ((r * l + t) * h, (r * l + t) * kw);
                        let po = prev.map(|tp| (r * l + tp) * h);
                        let ps = prev.map(|tp| (r * l + tp) * kw);
                        match self.cell {
                            SeqCell::Tanh => {
                                a.iter_mut().zip(x).for_each(|(a, x)| *a += *x);
                                T::tanh_slice(a);
                                out[o..o + h].copy_from_slice(a);
                            }
                            SeqCell::Relu => {
                                for ((y, a), x) in out[o..o + h].iter_mut().zip(&*a).zip(x) {
                                    let v = *a + *x;
                                    *y = if v > zero { v } else { zero };
                                }
                            }
                            SeqCell::Lstm => {
                                a.iter_mut().zip(x).for_each(|(a, x)| *a += *x);
                                let (ifg, og) = a.split_at_mut(3 * h);
                                let (if_, g) = ifg.split_at_mut(2 * h);
                                T::sigmoid_slice(if_);
                                T::tanh_slice(g);
                                T::sigmoid_slice(og);
                                let (i, f) = if_.split_at(h);
                                // c = f ⊙ c_prev + i ⊙ g, into a buffer (c_prev is in kept).
                                match ps {
                                    Some(p) => {
                                        let cp = &kept[p..p + h];
                                        for j in 0..h {
                                            cbuf[j] = f[j] * cp[j] + i[j] * g[j];
                                        }
                                    }
                                    None => {
                                        for j in 0..h {
                                            cbuf[j] = i[j] * g[j];
                                        }
                                    }
                                }
                                let st = &mut kept[s..s + kw];
                                st[..h].copy_from_slice(&cbuf);
                                st[h..5 * h].copy_from_slice(a);
                                let tc = &mut st[5 * h..6 * h];
                                tc.copy_from_slice(&cbuf);
                                T::tanh_slice(tc);
                                let og = &st[4 * h..5 * h];
                                let tc = &st[5 * h..6 * h];
                                for ((y, og), tc) in out[o..o + h].iter_mut().zip(og).zip(tc) {
                                    *y = *og * *tc;
                                }
                            }
                            SeqCell::Gru => {
                                let (rz, ghn) = a.split_at_mut(2 * h);
                                rz.iter_mut().zip(x).for_each(|(a, x)| *a += *x);
                                T::sigmoid_slice(rz);
                                let (rr, z) = rz.split_at(h);
                                for j in 0..h {
                                    cbuf[j] = x[2 * h + j] + rr[j] * ghn[j];
                                }
                                T::tanh_slice(&mut cbuf);
                                let st = &mut kept[s..s + kw];
                                st[..2 * h].copy_from_slice(rz);
                                st[2 * h..3 * h].copy_from_slice(&cbuf);
                                st[3 * h..4 * h].copy_from_slice(ghn);
                                for j in 0..h {
                                    let hp = po.map_or(zero, |p| out[p + j]);
                                    out[o + j] = (one - z[j]) * cbuf[j] + z[j] * hp;
                                }
                            }
                        }
                    }
                }
            });
        (out, kept)
    }
}

/// `n` zeros from zeroed memory: for large buffers the system's fresh pages, without the
/// pass over them that `vec![T::from_f64(0.0); n]` makes (it cannot know the value is all
/// zero bits).
fn zeros<T: Float>(n: usize) -> Vec<T> {
    let zero = T::from_f64(0.0);
    let Ok(layout) = std::alloc::Layout::array::<T>(n) else {
        return vec![zero; n];
    };
    if layout.size() == 0 {
        return vec![zero; n];
    }
    // SAFETY: `layout` has a non-zero size. `T` is one of candle's number types (f32 and
    // f64 here), for which all zero bits are the value 0; the buffer comes from the global
    // allocator with the layout of `n` values, as `Vec::from_raw_parts` requires.
    unsafe {
        let ptr = std::alloc::alloc_zeroed(layout).cast::<T>();
        if ptr.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        let v = Vec::from_raw_parts(ptr, n, n);
        debug_assert!(v.first().is_none_or(|z| *z == zero));
        v
    }
}

/// `v` cut into one slice per range of samples, `per` values per sample.
fn split<T>(
    mut v: &mut [T],
    ranges: Vec<std::ops::Range<usize>>,
    per: usize,
) -> Vec<(std::ops::Range<usize>, &mut [T])> {
    let mut parts = Vec::with_capacity(ranges.len());
    for r in ranges {
        let (head, tail) = std::mem::take(&mut v).split_at_mut(r.len() * per);
        parts.push((r, head));
        v = tail;
    }
    parts
}

impl CustomOp3 for RecurrentSeq {
    fn name(&self) -> &'static str {
        "mltutor-recurrent"
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
        let steps = self.steps();
        let d = steps.dims(l1.dims(), l2.dims(), l3.shape().elem_count())?;
        with_float!(s1, self.name(), |T| {
            let (out, kept) = steps.fwd::<T>(
                contiguous(s1, l1, "recurrent input part")?,
                contiguous(s2, l2, "W_hh")?,
                contiguous(s3, l3, "b_hh")?,
                d,
            );
            if let Ok(mut k) = self.kept.lock() {
                *k = Some(Arc::new(T::to_cpu_storage_owned(kept)));
            }
            Ok((T::to_cpu_storage_owned(out), Shape::from((d.n, d.l, d.h))))
        })
    }

    fn bwd(
        &self,
        xi: &Tensor,
        w: &Tensor,
        b: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let Some(kept) = self.kept.lock().ok().and_then(|k| k.clone()) else {
            bail!("recurrent op backward without its forward pass");
        };
        let op = RecurrentSeqGrad {
            steps: self.steps(),
            kept,
        };
        // One op computes the three gradients; they come back concatenated and flat.
        let flat =
            grad.contiguous()?
                .apply_op3_no_bwd(&res.contiguous()?, &w.contiguous()?, &op)?;
        let (nx, nw, nb) = (xi.elem_count(), w.elem_count(), b.elem_count());
        let gx = xi
            .track_op()
            .then(|| flat.narrow(0, 0, nx)?.reshape(xi.dims()))
            .transpose()?;
        let gw = w
            .track_op()
            .then(|| flat.narrow(0, nx, nw)?.reshape(w.dims()))
            .transpose()?;
        let gb = b
            .track_op()
            .then(|| flat.narrow(0, nx + nw, nb)?.reshape(b.dims()))
            .transpose()?;
        Ok((gx, gw, gb))
    }
}

/// The gradients of `RecurrentSeq` for (input part, W_hh, b_hh), concatenated, from the
/// gradient of its result, the result and what its forward pass kept: backpropagation
/// through time, one range of samples per thread, each with its own W_hh and b_hh
/// gradients summed at the end.
struct RecurrentSeqGrad {
    steps: Steps,
    kept: Arc<CpuStorage>,
}

impl RecurrentSeqGrad {
    fn run<T: Act>(&self, dy: &[T], res: &[T], w: &[T], d: Dims) -> Result<Vec<T>> {
        let op = &self.steps;
        let Dims { n, l, h, gh, k: kw } = d;
        let kept = self.kept.as_slice::<T>()?;
        if kept.len() != n * l * kw {
            bail!(
                "recurrent op backward: {} values kept, not {}",
                kept.len(),
                n * l * kw
            );
        }
        let zero = T::from_f64(0.0);
        let one = T::from_f64(1.0);
        let mut dx = zeros::<T>(n * l * gh);
        let blocks = split(&mut dx, per_thread(n), l * gh);
        let partials: Vec<(Vec<T>, Vec<T>)> = blocks
            .into_par_iter()
            .map(|(range, dx)| {
                let nb = range.len();
                let res = &res[range.start * l * h..range.end * l * h];
                let dy = &dy[range.start * l * h..range.end * l * h];
                let kept = &kept[range.start * l * kw..range.end * l * kw];
                let mut dw = vec![zero; gh * h];
                let mut db = vec![zero; gh];
                // The gradient reaching h (and LSTM's c) of the step before, through the
                // recurrence; GRU's direct part z ⊙ dh; the gates' gradient as W_hh sees it.
                let mut dh_next = vec![zero; nb * h];
                let mut dc_next = vec![zero; nb * h];
                let mut direct = vec![zero; nb * h];
                let mut dgh = vec![zero; nb * gh];
                for k in (0..l).rev() {
                    let t = op.step(k, l);
                    let prev = op.prev(t, l);
                    for r in 0..nb {
                        let o = (r * l + t) * h;
                        let s = &kept[(r * l + t) * kw..][..kw];
                        let po = prev.map(|tp| (r * l + tp) * h);
                        let ps = prev.map(|tp| (r * l + tp) * kw);
                        let g = &mut dgh[r * gh..(r + 1) * gh];
                        let x = &mut dx[(r * l + t) * gh..][..gh];
                        for j in 0..h {
                            let dh = dy[o + j] + dh_next[r * h + j];
                            match op.cell {
                                SeqCell::Tanh => {
                                    let hv = res[o + j];
                                    let da = dh * (one - hv * hv);
                                    x[j] = da;
                                    g[j] = da;
                                }
                                SeqCell::Relu => {
                                    let da = if res[o + j] > zero { dh } else { zero };
                                    x[j] = da;
                                    g[j] = da;
                                }
                                SeqCell::Lstm => {
                                    let (i, f, gg) = (s[h + j], s[2 * h + j], s[3 * h + j]);
                                    let (og, tc) = (s[4 * h + j], s[5 * h + j]);
                                    let dc = dc_next[r * h + j] + dh * og * (one - tc * tc);
                                    let cp = ps.map_or(zero, |p| kept[p + j]);
                                    let gates = [
                                        dc * gg * i * (one - i),
                                        dc * cp * f * (one - f),
                                        dc * i * (one - gg * gg),
                                        dh * tc * og * (one - og),
                                    ];
                                    for (q, v) in gates.into_iter().enumerate() {
                                        x[q * h + j] = v;
                                        g[q * h + j] = v;
                                    }
                                    dc_next[r * h + j] = dc * f;
                                }
                                SeqCell::Gru => {
                                    let (rr, z) = (s[j], s[h + j]);
                                    let (nn, ghn) = (s[2 * h + j], s[3 * h + j]);
                                    let hp = po.map_or(zero, |p| res[p + j]);
                                    let dan = dh * (one - z) * (one - nn * nn);
                                    let dar = dan * ghn * rr * (one - rr);
                                    let daz = dh * (hp - nn) * z * (one - z);
                                    x[j] = dar;
                                    x[h + j] = daz;
                                    x[2 * h + j] = dan;
                                    g[j] = dar;
                                    g[h + j] = daz;
                                    g[2 * h + j] = dan * rr;
                                    direct[r * h + j] = dh * z;
                                }
                            }
                        }
                    }
                    for row in dgh.chunks(gh) {
                        db.iter_mut().zip(row).for_each(|(a, v)| *a += *v);
                    }
                    let Some(tp) = prev else { continue };
                    // dW_hh += dghᵀ · h_prev; the gradient of h_prev = dgh · W_hh.
                    matmul(
                        gh,
                        h,
                        nb,
                        &mut dw,
                        true,
                        &dgh,
                        (1, gh),
                        &res[tp * h..],
                        (l * h, 1),
                    );
                    matmul(nb, h, gh, &mut dh_next, false, &dgh, (gh, 1), w, (h, 1));
                    if op.cell == SeqCell::Gru {
                        dh_next.iter_mut().zip(&direct).for_each(|(a, v)| *a += *v);
                    }
                }
                (dw, db)
            })
            .collect();
        let mut dw = vec![zero; gh * h];
        let mut db = vec![zero; gh];
        for (pw, pb) in partials {
            dw.iter_mut().zip(pw).for_each(|(a, v)| *a += v);
            db.iter_mut().zip(pb).for_each(|(a, v)| *a += v);
        }
        let mut flat = dx;
        flat.extend(dw);
        flat.extend(db);
        Ok(flat)
    }
}

impl CustomOp3 for RecurrentSeqGrad {
    fn name(&self) -> &'static str {
        "mltutor-recurrent-grad"
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
        let op = self.steps;
        let (gh, h) = (op.cell.gates() * op.hidden, op.hidden);
        let &[n, l, hd] = l1.dims() else {
            bail!(
                "recurrent op backward: gradient of rank {}",
                l1.dims().len()
            );
        };
        if l2.dims() != l1.dims() || hd != h {
            bail!(
                "recurrent op backward: gradient {:?} and result {:?}",
                l1.dims(),
                l2.dims()
            );
        }
        let d = op.dims(&[n, l, gh], l3.dims(), gh)?;
        with_float!(s1, self.name(), |T| {
            let flat = self.run::<T>(
                contiguous(s1, l1, "recurrent gradient")?,
                contiguous(s2, l2, "recurrent result")?,
                contiguous(s3, l3, "W_hh")?,
                d,
            )?;
            let len = flat.len();
            Ok((T::to_cpu_storage_owned(flat), Shape::from(len)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Var, D};

    /// The cell by candle's ops, step by step, from its definition in PyTorch's
    /// documentation: the reference for the op's values and gradients.
    fn reference(cell: SeqCell, xi: &Tensor, w: &Tensor, b: &Tensor, reverse: bool) -> Tensor {
        let (n, l, _) = xi.dims3().unwrap();
        let h = w.dim(1).unwrap();
        let mut hs = Tensor::zeros((n, h), xi.dtype(), xi.device()).unwrap();
        let mut cs = hs.clone();
        let mut outs = vec![None; l];
        for k in 0..l {
            let t = if reverse { l - 1 - k } else { k };
            let gi = xi.narrow(1, t, 1).unwrap().squeeze(1).unwrap();
            let gh = hs
                .matmul(&w.t().unwrap())
                .unwrap()
                .broadcast_add(b)
                .unwrap();
            let sig = |t: &Tensor| candle_nn::ops::sigmoid(t).unwrap();
            let part = |t: &Tensor, i: usize| t.narrow(D::Minus1, i * h, h).unwrap();
            hs = match cell {
                SeqCell::Tanh => (gi + gh).unwrap().tanh().unwrap(),
                SeqCell::Relu => (gi + gh).unwrap().relu().unwrap(),
                SeqCell::Lstm => {
                    let a = (gi + gh).unwrap();
                    let (i, f) = (sig(&part(&a, 0)), sig(&part(&a, 1)));
                    let (g, o) = (part(&a, 2).tanh().unwrap(), sig(&part(&a, 3)));
                    cs = ((f * &cs).unwrap() + (i * g).unwrap()).unwrap();
                    (o * cs.tanh().unwrap()).unwrap()
                }
                SeqCell::Gru => {
                    let r = sig(&(part(&gi, 0) + part(&gh, 0)).unwrap());
                    let z = sig(&(part(&gi, 1) + part(&gh, 1)).unwrap());
                    let nn = (part(&gi, 2) + (r * part(&gh, 2)).unwrap())
                        .unwrap()
                        .tanh()
                        .unwrap();
                    let one_minus_z = z.affine(-1.0, 1.0).unwrap();
                    ((one_minus_z * nn).unwrap() + (z * &hs).unwrap()).unwrap()
                }
            };
            outs[t] = Some(hs.clone());
        }
        let outs: Vec<Tensor> = outs.into_iter().flatten().collect();
        Tensor::stack(&outs, 1).unwrap()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_dtype(DType::F64)
            .unwrap()
            .to_scalar::<f64>()
            .unwrap()
    }

    /// Values and gradients (through a weighted sum of every step's h, so that each
    /// step's gradient differs) equal the step-by-step reference, for every cell, both
    /// directions, f32 and f64, with more samples than threads.
    #[test]
    fn the_fused_loop_equals_the_step_by_step_definition() {
        let dev = Device::Cpu;
        for dtype in [DType::F32, DType::F64] {
            for cell in [SeqCell::Tanh, SeqCell::Relu, SeqCell::Lstm, SeqCell::Gru] {
                for reverse in [false, true] {
                    let (n, l, h) = (5, 7, 3);
                    let gh = cell.gates() * h;
                    let var = |shape: &[usize]| {
                        Var::from_tensor(
                            &Tensor::randn(0f32, 1.0, shape, &dev)
                                .unwrap()
                                .to_dtype(dtype)
                                .unwrap(),
                        )
                        .unwrap()
                    };
                    let (xi, w, b) = (var(&[n, l, gh]), var(&[gh, h]), var(&[gh]));
                    let weights = Tensor::randn(0f32, 1.0, (n, l, h), &dev)
                        .unwrap()
                        .to_dtype(dtype)
                        .unwrap();
                    let op = RecurrentSeq::new(cell, h, reverse);
                    let ours = xi
                        .as_tensor()
                        .apply_op3(w.as_tensor(), b.as_tensor(), op)
                        .unwrap();
                    let theirs =
                        reference(cell, xi.as_tensor(), w.as_tensor(), b.as_tensor(), reverse);
                    let tol = if dtype == DType::F32 { 1e-5 } else { 1e-12 };
                    let what = format!("{cell:?} reverse={reverse} {dtype:?}");
                    assert!(max_diff(&ours, &theirs) < tol, "values of {what}");
                    let g1 = (ours * &weights)
                        .unwrap()
                        .sum_all()
                        .unwrap()
                        .backward()
                        .unwrap();
                    let g2 = (theirs * &weights)
                        .unwrap()
                        .sum_all()
                        .unwrap()
                        .backward()
                        .unwrap();
                    for (name, v) in [("xi", &xi), ("W_hh", &w), ("b_hh", &b)] {
                        let (a, r) = (g1.get(v).unwrap(), g2.get(v).unwrap());
                        let scale = max_diff(r, &r.zeros_like().unwrap()).max(1.0);
                        assert!(scale > 1e-3, "{what}: zero gradient of {name}");
                        assert!(
                            max_diff(a, r) < tol * 10.0 * scale,
                            "gradient of {name}, {what}: {}",
                            max_diff(a, r)
                        );
                    }
                }
            }
        }
    }

    /// The vectorized f32 exp, sigmoid and tanh against the standard library's (f64 as
    /// the reference): within a few ulp over the whole range, the limits at the extremes,
    /// NaN kept; the slice forms equal the one-value forms.
    #[test]
    fn the_fast_f32_functions_match_the_standard_library() {
        let xs: Vec<f32> = (-20_000..=20_000).map(|i| i as f32 * 0.0045).collect();
        for &x in &xs {
            let e = f64::from(x).exp();
            let rel = (f64::from(exp_f32(x)) - e).abs() / e;
            // Beyond ±87.3 exp is held (f32's normal range).
            assert!(
                x.abs() > 87.0 || rel < 4e-7,
                "exp({x}): {} against {e}",
                exp_f32(x)
            );
            let s = 1.0 / (1.0 + (-f64::from(x)).exp());
            assert!((f64::from(sigmoid_f32(x)) - s).abs() < 2e-7, "sigmoid({x})");
            let t = f64::from(x).tanh();
            assert!((f64::from(tanh_f32(x)) - t).abs() < 3e-7, "tanh({x})");
        }
        assert!(sigmoid_f32(-200.0) < 1e-37);
        assert_eq!(sigmoid_f32(200.0), 1.0);
        assert_eq!(tanh_f32(200.0), 1.0);
        assert_eq!(tanh_f32(-200.0), -1.0);
        assert!(exp_f32(f32::NAN).is_nan());
        assert!(sigmoid_f32(f32::NAN).is_nan());
        assert!(tanh_f32(f32::NAN).is_nan());
        let mut v = xs.clone();
        <f32 as Act>::sigmoid_slice(&mut v);
        assert!(v.iter().zip(&xs).all(|(a, x)| *a == sigmoid_f32(*x)));
        let mut v = xs.clone();
        <f32 as Act>::tanh_slice(&mut v);
        assert!(v.iter().zip(&xs).all(|(a, x)| *a == tanh_f32(*x)));
    }

    #[test]
    fn inconsistent_shapes_are_refused() {
        let dev = Device::Cpu;
        let op = || RecurrentSeq::new(SeqCell::Lstm, 3, false);
        let xi = Tensor::zeros((2, 4, 12), DType::F32, &dev).unwrap();
        let b = Tensor::zeros(12, DType::F32, &dev).unwrap();
        // W_hh of a GRU (3·H rows) for an LSTM.
        let w = Tensor::zeros((9, 3), DType::F32, &dev).unwrap();
        assert!(xi.apply_op3(&w, &b, op()).is_err());
        let w = Tensor::zeros((12, 3), DType::F32, &dev).unwrap();
        assert!(xi.apply_op3(&w, &b, op()).is_ok());
        let xi = Tensor::zeros((2, 4, 10), DType::F32, &dev).unwrap();
        assert!(xi.apply_op3(&w, &b, op()).is_err());
    }
}
