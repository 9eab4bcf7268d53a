//! Model facts computed live: a torchinfo-like summary built from the instantiated
//! candle model (parameter counts from its tensors, shapes from its forward pass).

use super::Network;
use crate::core::plan::plan;
use crate::core::shape::Shape;
use crate::core::spec::{lower, ModelSpec};
use crate::core::summary::{InspectError, LayerRow, Summary};

/// Instantiate `spec` with candle, count its parameters from the tensors, and run it on
/// `batch` random samples of shape `input` (the spec's own input when `None`). A second
/// pass with a different batch size checks that every sample keeps its own row.
pub fn inspect(
    spec: &ModelSpec,
    input: Option<&Shape>,
    batch: usize,
    budget: u64,
) -> Result<Summary, InspectError> {
    spec.validate()?;
    let input = input.cloned().unwrap_or_else(|| Shape(spec.input.clone()));
    let batch = batch.max(1);
    let check_batch = if batch == 2 { 3 } else { 2 };
    let planned = plan(spec, &input, batch.max(check_batch), budget)?;
    let engine = |e: candle_core::Error| InspectError::Engine(e.to_string());
    let net = Network::new(spec, 0, &candle_core::Device::Cpu).map_err(engine)?;
    let counts = net.layer_counts(spec);
    let shapes = net.trace(&input, batch).map_err(engine)?;
    let check_trace = net.trace(&input, check_batch).map_err(engine)?;
    for (b, trace) in [(batch, &shapes), (check_batch, &check_trace)] {
        let out = net
            .output_of(trace)
            .ok_or_else(|| InspectError::Engine("the model returns its input".into()))?;
        if out.dims().first() != Some(&b) {
            return Err(InspectError::Engine(format!(
                "a batch of {b} came out as {out}: the model mixes samples together"
            )));
        }
    }
    // One row per leaf layer of the graph (sub-modules and `nn.Sequential` unfolded, rows
    // dotted as torchinfo names them: `layer1.conv1`, `features.0`).
    let graph = lower(spec)?;
    // Each node's first input, batch first (value 0 is the input), for the counts that
    // need it (a recurrent layer's steps).
    let mut batched = vec![batch];
    batched.extend(input.dims());
    let inputs: Vec<Shape> = graph
        .nodes
        .iter()
        .map(|n| match n.inputs.first().copied().unwrap_or(0) {
            0 => Shape(batched.clone()),
            v => shapes
                .get(v - 1)
                .cloned()
                .unwrap_or_else(|| Shape(Vec::new())),
        })
        .collect();
    let rows = graph
        .nodes
        .iter()
        .zip(counts)
        .zip(shapes)
        .enumerate()
        .map(|(i, ((n, counts), output))| {
            // As torchinfo counts them: from the parameters read from the tensors (weights
            // and biases; buffers are not parameters).
            let mult_adds = n.kind.mult_adds_from(counts.trainable, &inputs[i], &output);
            LayerRow {
                position: i + 1,
                label: n.label.clone(),
                type_name: n.kind.type_name().to_string(),
                output,
                counts,
                mult_adds,
            }
        })
        .collect();
    let per_sample_act = planned.activation_bytes / planned.batch as u64;
    Ok(Summary {
        model_id: spec.id.clone(),
        class_name: spec.class_name.clone(),
        input,
        batch,
        rows,
        param_bytes: planned.param_bytes,
        activation_bytes: per_sample_act * batch as u64,
    })
}
