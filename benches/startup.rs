//! Time from process start to the printed summary of the exam CNN (`mltutor inspect`):
//! the median of repeated runs of the built binary. `cargo bench --bench startup`.

use std::process::Command;
use std::time::Instant;

fn main() {
    let bin = env!("CARGO_BIN_EXE_mltutor");
    let runs = 30;
    let mut times = Vec::with_capacity(runs);
    // One warm-up run fills the page cache.
    let _ = Command::new(bin).arg("inspect").output();
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new(bin)
            .arg("inspect")
            .output()
            .expect("run mltutor inspect");
        let dt = t.elapsed().as_secs_f64() * 1e3;
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("53,300"));
        times.push(dt);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "startup to summary (mltutor inspect): median {:.1} ms, min {:.1} ms, max {:.1} ms over {runs} runs",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}
