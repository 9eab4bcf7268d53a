//! Per-op timings for `mltutor bench --profile`: each custom op adds its time to a table
//! while profiling is on.

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
pub(super) struct Timed(&'static str, Option<std::time::Instant>);

pub(super) fn timed(name: &'static str) -> Timed {
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
