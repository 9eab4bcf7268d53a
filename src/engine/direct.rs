//! Direct stride-1 convolution in f32 with AVX-512 or AVX2 + FMA, for CPUs that have them.
//!
//! The exam's convolutions have 10 output channels: as im2col + GEMM, the GEMM's `m` is 10
//! and the column buffer (250 × 400 for conv2) is written and read once per sample, so most
//! of a step went to packing and copying rather than multiplying. Here nothing is copied but
//! the zero-bordered input: the output is computed over the *padded* row width (`wp`), so
//! that output `q = oy·wp + ox` reads input `q + offset(tap)` for every tap, one contiguous
//! vector load per tap shared by a group of output channels (held in registers). The columns
//! `ox ≥ ow` of each output row are junk and ignored.
//!
//! The same kernel computes the input gradient (a convolution of the zero-bordered output
//! gradient with the flipped, transposed weights); a second kernel the weight gradient,
//! summed in vector partial sums that are reduced once per batch.

/// Partial sums of the weight gradient: floats per (channel, tap) slot, one vector's worth
/// for AVX-512 (AVX2 fills the first half).
pub const SLOT: usize = 16;
/// Output positions per plane are padded to a multiple of this (two AVX-512 vectors).
const BLOCK: usize = 32;

/// The vector instruction set the kernels run with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    /// 16 lanes, 32 registers: up to 12 output channels at a time.
    Avx512,
    /// AVX2 + FMA, 8 lanes, 16 registers: up to 6 output channels at a time.
    Avx2,
}

impl Isa {
    /// Output channels computed together: 2 accumulators each, plus 2 inputs and 1
    /// weight, must fit the vector registers.
    fn max_group(self) -> usize {
        match self {
            Isa::Avx512 => 12,
            Isa::Avx2 => 6,
        }
    }

    /// Whether this CPU has the instructions.
    pub fn supported(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            match self {
                Isa::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
                Isa::Avx2 => {
                    std::arch::is_x86_feature_detected!("avx2")
                        && std::arch::is_x86_feature_detected!("fma")
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        false
    }
}

/// The instruction set the kernels use on this CPU, if any (checked once): AVX-512, else
/// AVX2. `MLTUTOR_SIMD=avx2` or `MLTUTOR_SIMD=off` narrows the choice, to compare paths.
pub fn isa() -> Option<Isa> {
    static ISA: std::sync::OnceLock<Option<Isa>> = std::sync::OnceLock::new();
    *ISA.get_or_init(|| {
        let wanted = std::env::var("MLTUTOR_SIMD").unwrap_or_default();
        let order: &[Isa] = match wanted.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => &[],
            "avx2" => &[Isa::Avx2],
            _ => &[Isa::Avx512, Isa::Avx2],
        };
        order.iter().copied().find(|i| i.supported())
    })
}

/// Call `isa::f::<N>(args)` for the group size `n`, so that each size gets its
/// accumulators in registers.
macro_rules! on_isa {
    ($isa:expr, $n:expr, $f:ident, $args:expr) => {{
        let a = $args;
        match $isa {
            Isa::Avx512 => on_isa!(@arms $n, avx512::$f, a, 1 2 3 4 5 6 7 8 9 10 11 12),
            Isa::Avx2 => on_isa!(@arms $n, avx2::$f, a, 1 2 3 4 5 6),
        }
    }};
    (@arms $n:expr, $m:ident :: $f:ident, $a:ident, $($g:literal)*) => {
        match $n {
            $($g => $m::$f::<$g>($a),)*
            _ => unreachable!("group sizes fit the registers"),
        }
    };
}

/// One convolution's layout for the direct kernels: `c` input planes of `h × w` with `pad`
/// zeros around them (`hp × wp`), `k × k` taps, `o` output planes of `oh × ow` stored with
/// row stride `wp` and plane stride `qp` (a multiple of `BLOCK`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub isa: Isa,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub o: usize,
    pub k: usize,
    pub pad: usize,
    pub hp: usize,
    pub wp: usize,
    pub oh: usize,
    pub ow: usize,
    /// Output positions computed per plane (`oh · wp` rounded up to a block).
    pub qp: usize,
}

impl Plan {
    /// A stride-1 convolution with `isa`'s kernels; `None` where they do not apply or the
    /// CPU lacks the instructions.
    pub fn new(
        isa: Isa,
        c: usize,
        h: usize,
        w: usize,
        o: usize,
        k: usize,
        pad: usize,
    ) -> Option<Self> {
        let (hp, wp) = (h + 2 * pad, w + 2 * pad);
        // The kernels' safety rests on the CPU having the plan's instructions.
        if !isa.supported() || k == 0 || hp < k || wp < k || c == 0 || o == 0 {
            return None;
        }
        let (oh, ow) = (hp - k + 1, wp - k + 1);
        let qp = (oh * wp).div_ceil(BLOCK) * BLOCK;
        let plan = Self {
            isa,
            c,
            h,
            w,
            o,
            k,
            pad,
            hp,
            wp,
            oh,
            ow,
            qp,
        };
        // Indices are u32 in the pooling's argmax.
        (plan.input_len().max(o * qp) < u32::MAX as usize).then_some(plan)
    }

    /// The plan of the input gradient: the output gradient bordered with `k − 1 − pad`
    /// zeros, convolved back to `c` planes of `h × w`.
    pub fn transposed(&self) -> Option<Self> {
        let back = (self.k - 1).checked_sub(self.pad)?;
        let plan = Self::new(self.isa, self.o, self.oh, self.ow, self.c, self.k, back)?;
        (plan.oh == self.h && plan.ow == self.w).then_some(plan)
    }

    /// Length of the zero-bordered input buffer: the planes, plus what the last block's
    /// loads read beyond them.
    pub fn input_len(&self) -> usize {
        self.tap_offset(self.c - 1, self.k - 1, self.k - 1) + self.qp
    }

    fn tap_offset(&self, c: usize, kh: usize, kw: usize) -> usize {
        (c * self.hp + kh) * self.wp + kw
    }

    /// Input offsets of every tap, in the weights' (c, kh, kw) order.
    pub fn taps(&self) -> Vec<usize> {
        let mut t = Vec::with_capacity(self.c * self.k * self.k);
        for c in 0..self.c {
            for kh in 0..self.k {
                for kw in 0..self.k {
                    t.push(self.tap_offset(c, kh, kw));
                }
            }
        }
        t
    }

    /// Copy planes `c × h × w` inside the zero border of `dst` (`input_len()` long).
    /// Only the interior is written: the border must already be zero, and stays so.
    pub fn pad_into(&self, x: &[f32], dst: &mut [f32]) {
        self.pad_rows(x, (self.w, self.h * self.w), dst);
    }

    /// As `pad_into`, from planes whose rows and planes are `(row, plane)` apart (the
    /// first `w` of each row used).
    pub fn pad_rows(&self, x: &[f32], (row, plane): (usize, usize), dst: &mut [f32]) {
        for c in 0..self.c {
            for y in 0..self.h {
                let src = &x[c * plane + y * row..][..self.w];
                dst[self.tap_offset(c, y + self.pad, self.pad)..][..self.w].copy_from_slice(src);
            }
        }
    }

    /// The valid outputs of `out` (`o × qp`, this plan's layout) as dense `o × oh × ow`
    /// planes, the junk columns dropped.
    pub fn unpad_output(&self, out: &[f32], dense: &mut [f32]) {
        for (oc, plane) in dense.chunks_mut(self.oh * self.ow).enumerate().take(self.o) {
            for (oy, row) in plane.chunks_mut(self.ow).enumerate() {
                row.copy_from_slice(&out[oc * self.qp + oy * self.wp..][..self.ow]);
            }
        }
    }

    /// Dense `o × oh × ow` planes into this plan's output layout (`o × qp`); the junk
    /// columns are not written, so they stay as they were (zero, for `weight_grad`).
    pub fn pad_output(&self, dense: &[f32], out: &mut [f32]) {
        for (oc, plane) in dense.chunks(self.oh * self.ow).enumerate().take(self.o) {
            for (oy, row) in plane.chunks(self.ow).enumerate() {
                out[oc * self.qp + oy * self.wp..][..self.ow].copy_from_slice(row);
            }
        }
    }

    /// Weights `[o][c][kh][kw]` as `[tap][o]`, the order the forward kernel reads them.
    pub fn weights_by_tap(&self, w: &[f32]) -> Vec<f32> {
        let taps = self.c * self.k * self.k;
        let mut t = vec![0.0; taps * self.o];
        for (oc, row) in w.chunks(taps).enumerate().take(self.o) {
            for (tap, v) in row.iter().enumerate() {
                t[tap * self.o + oc] = *v;
            }
        }
        t
    }

    /// For the transposed plan of a convolution with weights `w` `[c'][o'][kh][kw]` (this
    /// plan's o = c', c = o'): the flipped weights by tap, `[(c', kh, kw)][o']`.
    pub fn flipped_weights_by_tap(&self, w: &[f32]) -> Vec<f32> {
        let (k, kk) = (self.k, self.k * self.k);
        let mut t = vec![0.0; self.c * kk * self.o];
        for oc in 0..self.o {
            for ic in 0..self.c {
                for kh in 0..k {
                    for kw in 0..k {
                        let v = w[((ic * self.o + oc) * k + kh) * k + kw];
                        let tap = (ic * k + (k - 1 - kh)) * k + (k - 1 - kw);
                        t[tap * self.o + oc] = v;
                    }
                }
            }
        }
        t
    }

    /// `out[oc][q] = bias[oc] + Σ_tap wt[tap][oc] · xp[taps[tap] + q]` for `q < qp`.
    /// `xp` is a bordered input (`input_len()`), `out` `o × qp`.
    pub fn forward(
        &self,
        xp: &[f32],
        taps: &[usize],
        wt: &[f32],
        bias: Option<&[f32]>,
        out: &mut [f32],
    ) {
        assert!(xp.len() >= self.input_len() && out.len() >= self.o * self.qp);
        assert!(taps.len() * self.o <= wt.len() && bias.is_none_or(|b| b.len() >= self.o));
        assert!(taps.iter().all(|&t| t + self.qp <= xp.len()));
        for (first, n) in groups(self.o, self.isa.max_group()) {
            // SAFETY: the plan's ISA is one this CPU supports (`isa()`); the asserts above
            // bound every load (taps + qp ≤ len) and store (o · qp).
            unsafe {
                on_isa!(
                    self.isa,
                    n,
                    forward_group,
                    (
                        xp.as_ptr(),
                        taps,
                        wt.as_ptr().add(first),
                        self.o,
                        bias.map(|b| b.as_ptr().add(first)),
                        self.qp,
                        out.as_mut_ptr().add(first * self.qp)
                    )
                )
            }
        }
    }

    /// Adds to `acc` (`o × taps × 16` partial sums) `Σ_q g[oc][q] · xp[taps[tap] + q]`:
    /// the weight gradient of one sample, before the lanes are summed by `reduce_lanes`.
    /// `g` (`o × qp`) must be zero at the junk columns and past `oh · wp`.
    pub fn weight_grad(&self, xp: &[f32], taps: &[usize], g: &[f32], acc: &mut [f32]) {
        let nt = taps.len();
        assert!(xp.len() >= self.input_len() && g.len() >= self.o * self.qp);
        assert!(acc.len() >= self.o * nt * SLOT);
        assert!(taps.iter().all(|&t| t + self.qp <= xp.len()));
        for (first, n) in groups(self.o, self.isa.max_group()) {
            let mut t = 0;
            while t < nt {
                let pair = nt - t >= 2;
                // SAFETY: as in `forward`: loads stay below taps + qp and o · qp, stores
                // inside acc (asserted).
                unsafe {
                    let args = (
                        xp.as_ptr(),
                        &taps[t..],
                        g.as_ptr().add(first * self.qp),
                        self.qp,
                        acc.as_mut_ptr().add((first * nt + t) * SLOT),
                        nt * SLOT,
                    );
                    if pair {
                        on_isa!(self.isa, n, weight_grad_group2, args)
                    } else {
                        on_isa!(self.isa, n, weight_grad_group1, args)
                    }
                }
                t += if pair { 2 } else { 1 };
            }
        }
    }
}

/// Sum each partial-sum slot: `acc` (`n × SLOT`) into `n` values added to `dst`.
pub fn reduce_lanes(acc: &[f32], dst: &mut [f32]) {
    for (d, lanes) in dst.iter_mut().zip(acc.chunks_exact(SLOT)) {
        *d += lanes.iter().sum::<f32>();
    }
}

/// Output channels split into groups of at most `max`, as even as possible.
fn groups(o: usize, max: usize) -> impl Iterator<Item = (usize, usize)> {
    let count = o.div_ceil(max);
    (0..count).map(move |i| (i * o / count, (i + 1) * o / count - i * o / count))
}

type ForwardArgs<'a> = (
    *const f32,
    &'a [usize],
    *const f32,
    usize,
    Option<*const f32>,
    usize,
    *mut f32,
);

/// The kernels for one instruction set, from its vector type, lane count and intrinsics.
macro_rules! kernels {
    ($m:ident, $feature:literal, $v:ty, $lanes:literal,
     $zero:ident, $set1:ident, $load:ident, $store:ident, $fma:ident, $add:ident) => {
        #[cfg(target_arch = "x86_64")]
        mod $m {
            use super::{ForwardArgs, WeightGradArgs, SLOT};
            use std::arch::x86_64::*;
            const L: usize = $lanes;

            /// `G` output channels, two vectors of positions at a time.
            #[target_feature(enable = $feature)]
            pub unsafe fn forward_group<const G: usize>(
                (xp, taps, wt, w_stride, bias, qp, out): ForwardArgs,
            ) {
                let mut q = 0;
                while q < qp {
                    let mut acc: [[$v; 2]; G] = [[$zero(); 2]; G];
                    if let Some(b) = bias {
                        for (j, a) in acc.iter_mut().enumerate() {
                            let v = $set1(*b.add(j));
                            *a = [v, v];
                        }
                    }
                    let mut wrow = wt;
                    for &t in taps {
                        let x0 = $load(xp.add(t + q));
                        let x1 = $load(xp.add(t + q + L));
                        for (j, a) in acc.iter_mut().enumerate() {
                            let wv = $set1(*wrow.add(j));
                            a[0] = $fma(wv, x0, a[0]);
                            a[1] = $fma(wv, x1, a[1]);
                        }
                        wrow = wrow.add(w_stride);
                    }
                    for (j, a) in acc.iter().enumerate() {
                        let dst = out.add(j * qp + q);
                        $store(dst, a[0]);
                        $store(dst.add(L), a[1]);
                    }
                    q += 2 * L;
                }
            }

            /// `G` output channels × two taps of the weight gradient.
            #[target_feature(enable = $feature)]
            pub unsafe fn weight_grad_group2<const G: usize>(
                (xp, taps, g, qp, acc, acc_stride): WeightGradArgs,
            ) {
                let (t0, t1) = (taps[0], taps[1]);
                let mut a: [[$v; 2]; G] = [[$zero(); 2]; G];
                let mut q = 0;
                while q < qp {
                    let x0 = $load(xp.add(t0 + q));
                    let x1 = $load(xp.add(t1 + q));
                    for (j, aj) in a.iter_mut().enumerate() {
                        let gv = $load(g.add(j * qp + q));
                        aj[0] = $fma(gv, x0, aj[0]);
                        aj[1] = $fma(gv, x1, aj[1]);
                    }
                    q += L;
                }
                for (j, aj) in a.iter().enumerate() {
                    let dst = acc.add(j * acc_stride);
                    $store(dst, $add($load(dst), aj[0]));
                    let dst = dst.add(SLOT);
                    $store(dst, $add($load(dst), aj[1]));
                }
            }

            /// `G` output channels × one tap of the weight gradient (an odd tap count's last).
            #[target_feature(enable = $feature)]
            pub unsafe fn weight_grad_group1<const G: usize>(
                (xp, taps, g, qp, acc, acc_stride): WeightGradArgs,
            ) {
                let t0 = taps[0];
                let mut a: [$v; G] = [$zero(); G];
                let mut q = 0;
                while q < qp {
                    let x0 = $load(xp.add(t0 + q));
                    for (j, aj) in a.iter_mut().enumerate() {
                        let gv = $load(g.add(j * qp + q));
                        *aj = $fma(gv, x0, *aj);
                    }
                    q += L;
                }
                for (j, aj) in a.iter().enumerate() {
                    let dst = acc.add(j * acc_stride);
                    $store(dst, $add($load(dst), *aj));
                }
            }
        }

        /// No such instructions off x86-64: `isa()` is `None` there, so never called.
        #[cfg(not(target_arch = "x86_64"))]
        mod $m {
            use super::{ForwardArgs, WeightGradArgs};
            pub unsafe fn forward_group<const G: usize>(_: ForwardArgs) {
                unreachable!()
            }
            pub unsafe fn weight_grad_group2<const G: usize>(_: WeightGradArgs) {
                unreachable!()
            }
            pub unsafe fn weight_grad_group1<const G: usize>(_: WeightGradArgs) {
                unreachable!()
            }
        }
    };
}

type WeightGradArgs<'a> = (*const f32, &'a [usize], *const f32, usize, *mut f32, usize);

kernels!(
    avx512,
    "avx512f",
    __m512,
    16,
    _mm512_setzero_ps,
    _mm512_set1_ps,
    _mm512_loadu_ps,
    _mm512_storeu_ps,
    _mm512_fmadd_ps,
    _mm512_add_ps
);
kernels!(
    avx2,
    "avx2,fma",
    __m256,
    8,
    _mm256_setzero_ps,
    _mm256_set1_ps,
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_fmadd_ps,
    _mm256_add_ps
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Convolution by its definition (PyTorch's cross-correlation), in f64.
    #[allow(clippy::too_many_arguments)]
    fn reference(
        x: &[f32],
        wt: &[f32],
        b: &[f32],
        (c, h, w): (usize, usize, usize),
        o: usize,
        k: usize,
        p: usize,
    ) -> Vec<f64> {
        let (oh, ow) = (h + 2 * p + 1 - k, w + 2 * p + 1 - k);
        let mut y = vec![0.0; o * oh * ow];
        for oc in 0..o {
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut s = b[oc] as f64;
                    for ic in 0..c {
                        for kh in 0..k {
                            for kw in 0..k {
                                let (iy, ix) = (oy + kh, ox + kw);
                                if iy < p || ix < p || iy - p >= h || ix - p >= w {
                                    continue;
                                }
                                let xv = x[(ic * h + iy - p) * w + ix - p] as f64;
                                s += xv * wt[((oc * c + ic) * k + kh) * k + kw] as f64;
                            }
                        }
                    }
                    y[(oc * oh + oy) * ow + ox] = s;
                }
            }
        }
        y
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n)
            .map(|i| (((i as u32).wrapping_mul(2654435761) ^ seed) % 1000) as f32 / 500.0 - 1.0)
            .collect()
    }

    /// Every case, with every instruction set this CPU can test.
    fn cases() -> impl Iterator<Item = (Isa, (usize, usize, usize, usize, usize, usize))> {
        [Isa::Avx512, Isa::Avx2]
            .into_iter()
            .filter(|i| i.supported())
            .flat_map(|i| CASES.iter().map(move |c| (i, *c)))
    }

    #[test]
    fn forward_matches_the_definition() {
        for (isa, (c, h, w, o, k, p)) in cases() {
            let plan = Plan::new(isa, c, h, w, o, k, p).unwrap();
            let (x, wts, b) = (values(c * h * w, 1), values(o * c * k * k, 2), values(o, 3));
            let mut xp = vec![0.0; plan.input_len()];
            plan.pad_into(&x, &mut xp);
            let mut out = vec![0.0; o * plan.qp];
            let taps = plan.taps();
            plan.forward(&xp, &taps, &plan.weights_by_tap(&wts), Some(&b), &mut out);
            let want = reference(&x, &wts, &b, (c, h, w), o, k, p);
            for oc in 0..o {
                for oy in 0..plan.oh {
                    for ox in 0..plan.ow {
                        let got = out[oc * plan.qp + oy * plan.wp + ox] as f64;
                        let w = want[(oc * plan.oh + oy) * plan.ow + ox];
                        assert!((got - w).abs() < 1e-4, "{isa:?} {c} {o} {k}: {got} vs {w}");
                    }
                }
            }
        }
    }

    /// The exam's convolutions and odd ones (no padding, 13 channels in two groups, an odd
    /// tap count).
    const CASES: [(usize, usize, usize, usize, usize, usize); 4] = [
        (3, 40, 40, 10, 3, 1),
        (10, 20, 20, 10, 5, 2),
        (2, 7, 9, 3, 3, 0),
        (4, 6, 5, 13, 3, 1),
    ];

    #[test]
    fn gradients_match_their_definitions() {
        for (isa, (c, h, w, o, k, p)) in cases() {
            let plan = Plan::new(isa, c, h, w, o, k, p).unwrap();
            let (oh, ow) = (plan.oh, plan.ow);
            let (x, wts, g) = (
                values(c * h * w, 4),
                values(o * c * k * k, 5),
                values(o * oh * ow, 6),
            );
            let xat = |ic: usize, y: usize, xx: usize| -> f64 {
                if y < p || xx < p || y - p >= h || xx - p >= w {
                    0.0
                } else {
                    x[(ic * h + y - p) * w + xx - p] as f64
                }
            };
            // The output gradient in the plan's layout, zero at the junk columns.
            let mut gbuf = vec![0.0; o * plan.qp];
            for oc in 0..o {
                for oy in 0..oh {
                    for ox in 0..ow {
                        gbuf[oc * plan.qp + oy * plan.wp + ox] = g[(oc * oh + oy) * ow + ox];
                    }
                }
            }
            let mut xp = vec![0.0; plan.input_len()];
            plan.pad_into(&x, &mut xp);
            let taps = plan.taps();
            let mut acc = vec![0.0; o * taps.len() * SLOT];
            plan.weight_grad(&xp, &taps, &gbuf, &mut acc);
            let mut dw = vec![0.0; o * taps.len()];
            reduce_lanes(&acc, &mut dw);
            for oc in 0..o {
                for ic in 0..c {
                    for kh in 0..k {
                        for kw in 0..k {
                            let mut want = 0.0;
                            for oy in 0..oh {
                                for ox in 0..ow {
                                    want += g[(oc * oh + oy) * ow + ox] as f64
                                        * xat(ic, oy + kh, ox + kw);
                                }
                            }
                            let got = dw[((oc * c + ic) * k + kh) * k + kw] as f64;
                            assert!(
                                (got - want).abs() < 1e-3,
                                "{isa:?} dw {c} {o} {k}: {got} vs {want}"
                            );
                        }
                    }
                }
            }
            let back = plan
                .transposed()
                .expect("pad ≤ k − 1 has a transposed plan");
            let mut gp = vec![0.0; back.input_len()];
            back.pad_rows(&gbuf, (plan.wp, plan.qp), &mut gp);
            let mut dxo = vec![0.0; c * back.qp];
            back.forward(
                &gp,
                &back.taps(),
                &back.flipped_weights_by_tap(&wts),
                None,
                &mut dxo,
            );
            for ic in 0..c {
                for iy in 0..h {
                    for ix in 0..w {
                        let mut want = 0.0;
                        for oc in 0..o {
                            for kh in 0..k {
                                for kw in 0..k {
                                    let (y, xx) = (iy + p, ix + p);
                                    if y < kh || xx < kw || y - kh >= oh || xx - kw >= ow {
                                        continue;
                                    }
                                    want += wts[((oc * c + ic) * k + kh) * k + kw] as f64
                                        * g[(oc * oh + y - kh) * ow + xx - kw] as f64;
                                }
                            }
                        }
                        let got = dxo[ic * back.qp + iy * back.wp + ix] as f64;
                        assert!(
                            (got - want).abs() < 1e-3,
                            "{isa:?} dx {c} {o} {k}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}
