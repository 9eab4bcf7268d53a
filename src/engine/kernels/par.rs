//! Splitting a batch across rayon's threads, one chunk of samples per thread so that each
//! sets up its buffers once.

use rayon::prelude::*;

/// Items per rayon job so that each thread gets one chunk of `n` (and sets up its buffers
/// once).
pub(super) fn per_thread_len(n: usize) -> usize {
    n.div_ceil(rayon::current_num_threads().max(1))
}

/// Run `sample(i, state, dx_i)` for each sample `i` of a batch of `n`, one chunk of samples
/// per thread with its own `state` from `init`; each sample gets its `chw` slice of `dx`,
/// or `None` when `dx` is empty (no input gradient wanted). Returns the threads' states.
pub(super) fn per_sample_fold<T: Send, S: Send>(
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
pub(super) fn per_thread(n: usize) -> Vec<std::ops::Range<usize>> {
    let t = rayon::current_num_threads().clamp(1, n.max(1));
    (0..t).map(|i| i * n / t..(i + 1) * n / t).collect()
}
