//! Sequences of values: each class is a motif (a burst of a frequency, a step, a spike, a
//! ramp, a chirp...) at a random time over Gaussian noise, on every channel with its own
//! gain.

use rand::rngs::StdRng;
use rand::Rng;
use rand_distr::{Distribution, Normal};

/// The motifs, one per class, the most distinct first (a model with 4 outputs gets the
/// first 4). Their names' message ids, for the lab and `train`.
pub const MOTIF_IDS: [&str; 10] = [
    "data-motif-burst",
    "data-motif-step",
    "data-motif-spike",
    "data-motif-ramp",
    "data-motif-chirp",
    "data-motif-pulse",
    "data-motif-dip",
    "data-motif-drop",
    "data-motif-double-spike",
    "data-motif-fast-burst",
];

/// The motif's window: a quarter of the sequence, 4 steps at least (all of it when shorter).
pub fn window(steps: usize) -> usize {
    (steps / 4).max(4).min(steps)
}

/// The value of motif `class` at `u`, the place in its window from 0 (its first step) to
/// just under 1; `inside`: within the window (past it a step stays where it went, the
/// rest are back to zero).
/// `w` is the window's length in steps.
fn motif(class: usize, u: f32, w: usize, inside: bool) -> f32 {
    use std::f32::consts::TAU;
    let i = (u * w as f32).round() as usize;
    match (class, inside) {
        // A step stays where it went.
        (1, _) => 1.0,
        (7, _) => -1.0,
        (_, false) => 0.0,
        (0, true) => (TAU * 2.0 * u).sin(),
        (2, true) => {
            if i == w / 2 {
                2.5
            } else {
                0.0
            }
        }
        (3, true) => 2.0 * u,
        // From 1 to 5 cycles a window: the phase is 2π(u + 2u²).
        (4, true) => (TAU * (u + 2.0 * u * u)).sin(),
        (5, true) => 1.0,
        (6, true) => -1.0,
        (8, true) => {
            if i == 0 || i + 1 == w {
                2.5
            } else {
                0.0
            }
        }
        (_, true) => (TAU * (w as f32 / 3.0).max(2.0) * u).sin(),
    }
}

/// One sample of class `class`: `steps` x `features` values, stored time-major (L x F) or,
/// when `time_last`, channel-major (C x L).
pub fn draw(
    rng: &mut StdRng,
    steps: usize,
    features: usize,
    time_last: bool,
    class: usize,
    noise: f32,
) -> Vec<f32> {
    let w = window(steps);
    let start = rng.random_range(0..=steps - w);
    let gains: Vec<f32> = (0..features).map(|_| rng.random_range(0.5..1.0)).collect();
    let normal =
        Normal::new(0.0f32, noise.max(0.0)).unwrap_or(Normal::new(0.0, 0.0).expect("zero sigma"));
    let mut out = vec![0.0f32; steps * features];
    for t in 0..steps {
        let value = if t < start {
            0.0
        } else {
            let inside = t - start < w;
            motif(class, (t - start) as f32 / w as f32, w, inside)
        };
        for (c, g) in gains.iter().enumerate() {
            let at = if time_last {
                c * steps + t
            } else {
                t * features + c
            };
            out[at] = g * value + normal.sample(rng);
        }
    }
    out
}
