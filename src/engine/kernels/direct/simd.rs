//! The kernels themselves, one module per instruction set (`avx512`, `avx2`), written once
//! as a macro over the vector type and its intrinsics. x86-64 only: elsewhere the modules
//! are stubs that are never called (`isa()` is `None` there).

use super::SLOT;

type ForwardArgs<'a> = (
    *const f32,
    &'a [usize],
    *const f32,
    usize,
    Option<*const f32>,
    usize,
    *mut f32,
);

type WeightGradArgs<'a> = (*const f32, &'a [usize], *const f32, usize, *mut f32, usize);

/// The kernels for one instruction set, from its vector type, lane count and intrinsics.
macro_rules! kernels {
    ($m:ident, $feature:literal, $v:ty, $lanes:literal,
     $zero:ident, $set1:ident, $load:ident, $store:ident, $fma:ident, $add:ident) => {
        #[cfg(target_arch = "x86_64")]
        pub(super) mod $m {
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
        pub(super) mod $m {
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
