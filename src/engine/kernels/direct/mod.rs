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

mod simd;
#[cfg(test)]
mod tests;

use simd::{avx2, avx512};

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
