//! Sequences of token ids: random filler tokens with, at a random place, the marker pair
//! (bigram) of the sample's class — class k's pair is two ids that appear nowhere else
//! side by side. The noise setting is the token substitution rate: the share of ids
//! replaced by a random one, which may break the pair or bring a lone marker of another
//! class.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Ids are fed to the model as f32, exact up to 2^24: larger vocabularies are drawn from
/// their first 2^24 ids.
pub const MAX_DRAWN_ID: usize = 1 << 24;

/// The marker pairs of a task: class k's pair is `(ids[2k], ids[2k + 1])`.
#[derive(Debug, Clone, PartialEq)]
pub struct Markers {
    ids: Vec<u32>,
    sorted: Vec<u32>,
    /// The ids drawn from: the vocabulary, or [`MAX_DRAWN_ID`].
    drawn: usize,
}

/// Ids a task needs: a pair per class and one filler id at least.
pub fn ids_needed(classes: usize) -> usize {
    classes.saturating_mul(2).saturating_add(1)
}

impl Markers {
    /// The pairs of `classes` classes in a vocabulary of `vocabulary` ids, drawn from a
    /// stream fixed by `seed` (part of the task, like the vector clusters' centres). The
    /// caller checks that the vocabulary holds [`ids_needed`] ids.
    pub fn new(vocabulary: usize, classes: usize, seed: u64) -> Markers {
        let drawn = vocabulary.min(MAX_DRAWN_ID);
        let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(31).wrapping_add(11));
        let amount = (2 * classes).min(drawn);
        let ids: Vec<u32> = rand::seq::index::sample(&mut rng, drawn, amount)
            .into_iter()
            .map(|i| i as u32)
            .collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        Markers { ids, sorted, drawn }
    }

    /// Class `k`'s pair.
    pub fn pair(&self, k: usize) -> (u32, u32) {
        (self.ids[2 * k], self.ids[2 * k + 1])
    }

    /// Whether `(a, b)` is some class's pair.
    fn is_pair(&self, a: u32, b: u32) -> bool {
        self.ids.chunks(2).any(|p| p == [a, b])
    }

    /// A filler id: uniform over the ids that are no marker. The r-th of them is r plus
    /// the number of markers below it, found by a binary search.
    fn filler(&self, rng: &mut StdRng) -> u32 {
        let r = rng.random_range(0..self.drawn - self.sorted.len()) as u32;
        let (mut lo, mut hi) = (0, self.sorted.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            // Never below zero: sorted distinct ids, the j-th is j at least.
            if self.sorted[mid] - mid as u32 <= r {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        r + lo as u32
    }
}

/// One sample of class `class`: `length` ids (as f32), filler ids with the class's pair at
/// a random place; then each id, the pair's included, is replaced with probability
/// `substitution` by an id drawn from the whole vocabulary (a typo, a rare word): the pair
/// may lose one of its ids, or both, and another class's marker may show up alone.
pub fn draw(
    rng: &mut StdRng,
    length: usize,
    markers: &Markers,
    class: usize,
    substitution: f32,
) -> Vec<f32> {
    let q = substitution.clamp(0.0, 1.0);
    let at = rng.random_range(0..length - 1);
    let mut ids: Vec<u32> = (0..length).map(|_| markers.filler(rng)).collect();
    let (a, b) = markers.pair(class);
    ids[at] = a;
    ids[at + 1] = b;
    if q > 0.0 {
        for id in ids.iter_mut() {
            if rng.random::<f32>() < q {
                *id = rng.random_range(0..markers.drawn) as u32;
            }
        }
    }
    // Substitutions side by side may spell another class's pair: broken by a filler in
    // place of its second id (never one of the class's own markers), so the only pair a
    // sample can hold is its class's.
    for i in 0..length - 1 {
        if (ids[i], ids[i + 1]) != (a, b) && markers.is_pair(ids[i], ids[i + 1]) {
            ids[i + 1] = markers.filler(rng);
        }
    }
    ids.into_iter().map(|id| id as f32).collect()
}
