//! Where a training step's time goes (`mltutor bench --profile`).

use super::kernels;
use super::network::apply;
use super::optim::{OptimSettings, OptimizerKind};
use super::session::TrainSession;
use super::CandleResult;
use crate::core::spec::ModelSpec;
use candle_core::{Device, Tensor};

/// Where a training step's time goes: milliseconds per phase and per layer's forward,
/// averaged over `reps` steps on random data (for `mltutor bench --profile`).
pub fn profile_step(
    spec: &ModelSpec,
    batch: usize,
    reps: usize,
) -> CandleResult<Vec<(String, f64)>> {
    use std::time::Instant;
    let dev = Device::Cpu;
    let mut session = TrainSession::new(
        spec,
        0,
        &dev,
        OptimSettings {
            kind: OptimizerKind::Sgd,
            lr: 0.01,
            momentum: 0.0,
            weight_decay: 0.0,
        },
    )?;
    let mut dims = vec![batch];
    dims.extend_from_slice(&spec.input);
    let x = session.net.sample_input(&dims)?;
    let classes = session.net.forward(&x, false)?.dim(1)? as u32;
    let y = Tensor::from_vec(
        (0..batch as u32).map(|i| i % classes).collect::<Vec<_>>(),
        batch,
        &dev,
    )?;
    let mut totals: Vec<(String, f64)> = Vec::new();
    let mut add = |name: &str, secs: f64| match totals.iter_mut().find(|(n, _)| n == name) {
        Some((_, t)) => *t += secs,
        None => totals.push((name.to_string(), secs)),
    };
    for rep in 0..=reps {
        let scale = if rep == 0 { 0.0 } else { 1e3 / reps as f64 };
        // The custom ops' own time, during the trained forward and the backward only.
        let _ = kernels::profiling(false);
        // Per-layer forward, unfused, for the table.
        let mut h = x.clone();
        for (l, layer) in spec.layers.iter().zip(&session.net.layers) {
            let t = Instant::now();
            h = apply(layer, &h, true)?;
            add(
                &format!("forward {}", l.label()),
                t.elapsed().as_secs_f64() * scale,
            );
        }
        let _ = kernels::profiling(true);
        let t = Instant::now();
        let logits = session.net.forward(&x, true)?;
        add(
            "forward (fused, as trained)",
            t.elapsed().as_secs_f64() * scale,
        );
        let t = Instant::now();
        let loss = candle_nn::loss::cross_entropy(&logits, &y)?;
        add("loss", t.elapsed().as_secs_f64() * scale);
        let t = Instant::now();
        let grads = loss.backward()?;
        add("backward", t.elapsed().as_secs_f64() * scale);
        for (op, secs) in kernels::profiling(false) {
            add(&format!("  op {op}"), secs * scale);
        }
        let t = Instant::now();
        session.optim.step(&grads)?;
        add("optimizer step", t.elapsed().as_secs_f64() * scale);
    }
    Ok(totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::spec::parse_model;

    #[test]
    fn a_profile_times_every_phase_layer_and_fused_op() {
        let spec = parse_model(
            r#"(id: "p", input: [1, 6, 6], layers: [
                (name: "conv", layer: Conv2d(in: 1, out: 2, kernel: 3, padding: 1)),
                (layer: ReLU), (layer: MaxPool2d(kernel: 2)),
                (layer: Flatten), (name: "fc", layer: Linear(in: 18, out: 3)),
            ])"#,
        )
        .unwrap();
        let rows = profile_step(&spec, 2, 1).unwrap();
        let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "forward conv",
            "forward fc",
            "forward (fused, as trained)",
            "loss",
            "backward",
            "optimizer step",
            // conv → ReLU → pool runs as one op on the CPU, forward and backward.
            "  op mltutor-conv-relu-pool",
            "  op mltutor-conv-relu-pool-grad",
        ] {
            assert!(names.contains(&want), "no {want:?} in {names:?}");
        }
        // One row per layer's unfused forward (the five labels differ).
        let per_layer = names
            .iter()
            .filter(|n| n.starts_with("forward ") && !n.contains("fused"))
            .count();
        assert_eq!(per_layer, 5, "{names:?}");
        assert!(rows.iter().all(|(_, ms)| ms.is_finite() && *ms >= 0.0));
    }
}
