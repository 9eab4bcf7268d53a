//! The lowering of a convolution to a matrix product: its geometry, the input of one sample
//! as columns (`im2col`) and back (`col2im`), and the single-threaded GEMM.

use super::direct::{self, Plan};
use super::Float;
use candle_core::{bail, Result};

/// Shapes of one convolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Geom {
    pub(super) n: usize,
    pub(super) c: usize,
    pub(super) h: usize,
    pub(super) w: usize,
    pub(super) o: usize,
    pub(super) k: usize,
    pub(super) stride: usize,
    pub(super) pad: usize,
    pub(super) oh: usize,
    pub(super) ow: usize,
}

impl Geom {
    pub(super) fn new(x: &[usize], w: &[usize], stride: usize, pad: usize) -> Result<Self> {
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
    pub(super) fn chw(&self) -> usize {
        self.c * self.h * self.w
    }
    pub(super) fn ckk(&self) -> usize {
        self.c * self.k * self.k
    }
    pub(super) fn ohw(&self) -> usize {
        self.oh * self.ow
    }
    /// The direct kernels' plan, where they apply (f32 is checked by the caller).
    pub(super) fn direct_plan(&self) -> Option<Plan> {
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
pub(super) fn im2col<T: Float>(x: &[T], g: &Geom, col: &mut [T]) {
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
pub(super) fn col2im<T: Float>(col: &[T], g: &Geom, x: &mut [T]) {
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
pub(super) fn matmul<T: Float>(
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
