//! Time from process start to the printed summary of a 21-layer model read from PyTorch
//! source (`mltutor inspect --pytorch`): the median of repeated runs of the built binary.
//! `cargo bench --bench pytorch_import`. The figure is in the README.

use std::process::Command;
use std::time::Instant;

fn main() {
    let bin = env!("CARGO_BIN_EXE_mltutor");
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/models/cnn20.py");
    let args = ["inspect", "--pytorch", file, "--input", "3x32x32"];
    let runs = 30;
    let mut times = Vec::with_capacity(runs);
    // One warm-up run fills the page cache.
    let _ = Command::new(bin).args(args).output();
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new(bin).args(args).output().expect("run mltutor");
        let dt = t.elapsed().as_secs_f64() * 1e3;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // 448 + 2,320 + 4,640 + 9,248 + 18,496 + 36,928 + 262,400 + 32,896 + 1,290
        assert!(String::from_utf8_lossy(&out.stdout).contains("368,666"));
        times.push(dt);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "PyTorch source to summary (inspect --pytorch, 21 layers): median {:.1} ms, min {:.1} ms, max {:.1} ms over {runs} runs",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}
