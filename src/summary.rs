//! Model facts computed live: a torchinfo-like summary built from the instantiated
//! candle model (parameter counts from its tensors, shapes from its forward pass).

use crate::engine::{LayerCounts, Network};
use crate::numfmt::group;
use crate::plan::{format_bytes, plan, PlanError};
use crate::shape::Shape;
use crate::spec::{LayerKind, ModelSpec};
use std::fmt::Write as _;

/// One row of the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerRow {
    pub position: usize,
    /// `conv1`, `F.relu`, `x.view(-1, 1000)`.
    pub label: String,
    /// `Conv2d`, `ReLU`.
    pub type_name: String,
    /// Output shape with the batch dimension first, from candle's forward pass.
    pub output: Shape,
    pub counts: LayerCounts,
    /// Mult-adds, counted as torchinfo counts them.
    pub mult_adds: u64,
}

/// Everything `inspect` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub model_id: String,
    pub class_name: String,
    pub input: Shape,
    pub batch: usize,
    pub rows: Vec<LayerRow>,
    pub param_bytes: u64,
    pub activation_bytes: u64,
}

impl Summary {
    pub fn total_params(&self) -> u64 {
        self.trainable() + self.non_trainable()
    }
    pub fn trainable(&self) -> u64 {
        self.rows.iter().map(|r| r.counts.trainable).sum()
    }
    pub fn non_trainable(&self) -> u64 {
        self.rows.iter().map(|r| r.counts.buffers).sum()
    }
    pub fn mult_adds(&self) -> u64 {
        self.rows.iter().map(|r| r.mult_adds).sum()
    }
    /// The final output shape.
    pub fn output(&self) -> &Shape {
        &self
            .rows
            .last()
            .expect("validated models have layers")
            .output
    }
    /// Positions and labels of layers with no parameters.
    pub fn parameter_free(&self) -> Vec<&LayerRow> {
        self.rows
            .iter()
            .filter(|r| r.counts.trainable == 0 && r.counts.buffers == 0)
            .collect()
    }
}

/// Why `inspect` could not produce a summary.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InspectError {
    /// The spec itself is wrong (a pack author's mistake).
    #[error("{0}")]
    Spec(#[from] crate::spec::SpecError),
    /// The input does not fit the model, or it is too big: the student's lesson.
    #[error("{0}")]
    Plan(#[from] PlanError),
    /// candle refused something the arithmetic accepted.
    #[error("candle could not run the model: {0}")]
    Engine(String),
}

impl InspectError {
    /// The explanation in `lang` (spec and engine errors are for teachers: English).
    pub fn render(&self, lang: crate::i18n::Lang) -> String {
        match self {
            InspectError::Plan(p) => p.render(lang),
            other => other.to_string(),
        }
    }
}

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
    let engine = |e: crate::engine::CandleError| InspectError::Engine(e.to_string());
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
            let params = counts.trainable + counts.buffers;
            let elems = output.elements().unwrap_or(0);
            let mult_adds = match &l.layer {
                // torchinfo: every weight is used once per output position.
                LayerKind::Conv2d { .. } => {
                    let d = output.dims();
                    params * d[0] as u64 * d[2] as u64 * d[3] as u64
                }
                LayerKind::Linear { out_features, .. } => params * (elems / *out_features as u64),
                LayerKind::BatchNorm2d { .. } => params * batch as u64,
                _ => 0,
            };
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

/// The summary as a plain-text table, like torchinfo's.
pub fn render_text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Model {} ({}): input {} per sample, batch of {}",
        s.model_id, s.class_name, s.input, s.batch
    );
    let header = format!(
        "{:>3}  {:<18} {:<12} {:<16} {:>12} {:>14}",
        "#", "Layer", "Type", "Output shape", "Params", "Mult-adds"
    );
    let rule = "─".repeat(header.chars().count());
    let _ = writeln!(out, "{rule}\n{header}\n{rule}");
    for r in &s.rows {
        let params = if r.counts.buffers > 0 {
            format!(
                "{}+{}",
                group(r.counts.trainable, ','),
                group(r.counts.buffers, ',')
            )
        } else if r.counts.trainable > 0 {
            group(r.counts.trainable, ',')
        } else {
            "—".to_string()
        };
        let macs = if r.mult_adds > 0 {
            group(r.mult_adds, ',')
        } else {
            "—".to_string()
        };
        let _ = writeln!(
            out,
            "{:>3}  {:<18} {:<12} {:<16} {:>12} {:>14}",
            r.position,
            r.label,
            r.type_name,
            r.output.to_string(),
            params,
            macs
        );
    }
    let _ = writeln!(out, "{rule}");
    let _ = writeln!(
        out,
        "Total parameters:     {}",
        group(s.total_params(), ',')
    );
    let _ = writeln!(out, "Trainable:            {}", group(s.trainable(), ','));
    let _ = writeln!(
        out,
        "Non-trainable:        {}{}",
        group(s.non_trainable(), ','),
        if s.non_trainable() > 0 {
            " (BatchNorm running statistics: buffers)"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "Mult-adds:            {}", group(s.mult_adds(), ','));
    let _ = writeln!(out, "Parameter memory:     {}", format_bytes(s.param_bytes));
    let _ = writeln!(
        out,
        "Activation memory:    {} (forward pass, batch of {})",
        format_bytes(s.activation_bytes),
        s.batch
    );
    let free: Vec<String> = s.parameter_free().iter().map(|r| r.label.clone()).collect();
    if !free.is_empty() {
        let mut uniq: Vec<String> = Vec::new();
        for f in free {
            if !uniq.contains(&f) {
                uniq.push(f);
            }
        }
        let _ = writeln!(out, "Without parameters:   {}", uniq.join(", "));
    }
    out
}
