//! Where a training step's time goes (`mltutor bench --profile`).

use super::kernels;
use super::network::apply_many;
use super::optim::{OptimSettings, OptimizerKind};
use super::session::TrainSession;
use super::CandleResult;
use crate::core::spec::{lower_or_chain, ModelSpec};
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
    // One row per leaf layer of the graph (modules unfolded, `layer1.conv1`), in the order
    // the forward pass runs them, each on the values it reads (a skip connection's sum on
    // both); a label met again gets its rank (`F.relu (2)`).
    let graph = lower_or_chain(spec);
    let labels: Vec<String> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            match graph.nodes[..i]
                .iter()
                .filter(|n| n.label == node.label)
                .count()
            {
                0 => node.label.clone(),
                k => format!("{} ({})", node.label, k + 1),
            }
        })
        .collect();
    for rep in 0..=reps {
        let scale = if rep == 0 { 0.0 } else { 1e3 / reps as f64 };
        // The custom ops' own time, during the trained forward and the backward only.
        let _ = kernels::profiling(false);
        // Per-layer forward, unfused, for the table.
        let mut values = vec![x.clone()];
        for ((node, layer), label) in graph.nodes.iter().zip(&session.net.layers).zip(&labels) {
            let args = node
                .inputs
                .iter()
                .map(|&v| values.get(v))
                .collect::<Option<Vec<&Tensor>>>()
                .ok_or_else(|| candle_core::Error::Msg(format!("{label} reads no value")))?;
            let t = Instant::now();
            let y = apply_many(layer, &args, true)?;
            add(
                &format!("forward {label}"),
                t.elapsed().as_secs_f64() * scale,
            );
            values.push(y);
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

    /// A graph (a module used twice, a skip connection): one row per leaf layer, named by
    /// its module path, each run on the values it reads (the sum on both of its inputs).
    #[test]
    fn a_graph_is_profiled_leaf_by_leaf_under_its_paths() {
        let spec = parse_model(
            r#"(id: "g", input: [2, 4, 4], modules: [(class_name: "B", layers: [
                (layer: Identity, to: "identity"),
                (name: "conv", layer: Conv2d(in: 2, out: 2, kernel: 3, padding: 1), from: "x", to: "out"),
                (layer: Add, from: ["out", "identity"]),
                (layer: ReLU),
            ])], layers: [
                (name: "b1", layer: Module("B")),
                (name: "b2", layer: Module("B")),
                (layer: Flatten),
                (name: "fc", layer: Linear(in: 32, out: 3)),
            ])"#,
        )
        .unwrap();
        let rows = profile_step(&spec, 2, 1).unwrap();
        let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "forward b1.conv",
            "forward b2.conv",
            "forward fc",
            "backward",
        ] {
            assert!(names.contains(&want), "no {want:?} in {names:?}");
        }
        // Two blocks of three leaves (the identity is a name, not a layer), the flatten and
        // the linear layer: eight rows, none merged with another.
        let per_layer = names
            .iter()
            .filter(|n| n.starts_with("forward ") && !n.contains("fused"))
            .count();
        assert_eq!(per_layer, 8, "{names:?}");
    }
}
