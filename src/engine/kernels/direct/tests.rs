//! The direct kernels against the convolution and its gradients by their definitions.

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
                                want +=
                                    g[(oc * oh + oy) * ow + ox] as f64 * xat(ic, oy + kh, ox + kw);
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
