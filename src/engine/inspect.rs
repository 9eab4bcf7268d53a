//! Model facts computed live: a torchinfo-like summary built from the instantiated
//! candle model (parameter counts from its tensors, shapes from its forward pass).

use super::Network;
use crate::core::plan::plan;
use crate::core::shape::Shape;
use crate::core::spec::ModelSpec;
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
    for (b, trace) in [
        (batch, &shapes),
        (
            check_batch,
            &net.trace(&input, check_batch).map_err(engine)?,
        ),
    ] {
        let out = trace.last().expect("validated models have layers");
        if out.dims().first() != Some(&b) {
            return Err(InspectError::Engine(format!(
                "a batch of {b} came out as {out}: the model mixes samples together"
            )));
        }
    }
    let rows = spec
        .layers
        .iter()
        .zip(counts)
        .zip(shapes)
        .enumerate()
        .map(|(i, ((l, counts), output))| {
            // As torchinfo counts them: from the parameters read from the tensors (weights
            // and biases; buffers are not parameters).
            let mult_adds = l.layer.mult_adds(counts.trainable, &output);
            LayerRow {
                position: i + 1,
                label: l.label(),
                type_name: l.layer.type_name().to_string(),
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
