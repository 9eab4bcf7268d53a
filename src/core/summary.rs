//! The torchinfo-like summary of a model: rows of facts that the engine measured on the
//! instantiated model (counts from its tensors, shapes from its forward pass), and its text.

use crate::core::numfmt::group;
use crate::core::plan::{format_bytes, PlanError};
use crate::core::shape::Shape;
use std::fmt::Write as _;

/// Parameter counts of one layer, read from its tensors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LayerCounts {
    pub trainable: u64,
    pub buffers: u64,
}

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
    Spec(#[from] crate::core::spec::SpecError),
    /// The input does not fit the model, or it is too big: the student's lesson.
    #[error("{0}")]
    Plan(#[from] PlanError),
    /// candle refused something the arithmetic accepted.
    #[error("candle could not run the model: {0}")]
    Engine(String),
}

impl InspectError {
    /// The explanation in `lang` (spec and engine errors are for teachers: English).
    pub fn render(&self, lang: crate::core::i18n::Lang) -> String {
        match self {
            InspectError::Plan(p) => p.render(lang),
            other => other.to_string(),
        }
    }
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
