//! The torchinfo-like summary of a model: rows of facts that the engine measured on the
//! instantiated model (counts from its tensors, shapes from its forward pass), and its text.

use crate::core::i18n::Lang;
use crate::core::plan::{format_bytes, PlanError};
use crate::core::shape::Shape;
use crate::tr;
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
    /// Parameters, as PyTorch's `sum(p.numel() for p in model.parameters())` and
    /// torchinfo's "Total params" count them: buffers (BatchNorm's running statistics) are
    /// not parameters.
    pub fn total_params(&self) -> u64 {
        self.trainable() + self.non_trainable()
    }
    pub fn trainable(&self) -> u64 {
        self.rows.iter().map(|r| r.counts.trainable).sum()
    }
    /// Frozen parameters (`requires_grad=False`): mltutor's models have none. Buffers are
    /// not parameters at all: see [`Summary::buffers`].
    pub fn non_trainable(&self) -> u64 {
        0
    }
    /// Elements of the buffers (`model.buffers()`: BatchNorm's running mean, variance and
    /// batch counter), shown apart from the parameters as torchinfo does.
    pub fn buffers(&self) -> u64 {
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

/// Why `inspect` could not produce a summary. `Display` gives the English text.
#[derive(Debug, Clone, PartialEq)]
pub enum InspectError {
    /// The spec itself is wrong (a pack author's mistake).
    Spec(crate::core::spec::SpecError),
    /// The input does not fit the model, or it is too big: the student's lesson.
    Plan(PlanError),
    /// candle refused something the arithmetic accepted.
    Engine(String),
}

impl From<crate::core::spec::SpecError> for InspectError {
    fn from(e: crate::core::spec::SpecError) -> Self {
        InspectError::Spec(e)
    }
}

impl From<PlanError> for InspectError {
    fn from(e: PlanError) -> Self {
        InspectError::Plan(e)
    }
}

impl InspectError {
    /// The explanation in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            InspectError::Spec(e) => e.render(lang),
            InspectError::Plan(p) => p.render(lang),
            InspectError::Engine(why) => tr!(lang, "core-inspect-engine", why = why.as_str()),
        }
    }
}

impl std::fmt::Display for InspectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for InspectError {}

/// The summary as a plain-text table, like torchinfo's, in `lang`.
pub fn render_text(s: &Summary, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        tr!(
            lang,
            "core-summary-title",
            model = s.model_id.as_str(),
            class = s.class_name.as_str(),
            input = s.input.to_string(),
            batch = s.batch.to_string()
        )
    );
    // A column of buffers only for models that have some (BatchNorm).
    let with_buffers = s.buffers() > 0;
    let buffers_column = |text: String| {
        if with_buffers {
            format!(" {text:>10}")
        } else {
            String::new()
        }
    };
    // Columns as wide as their longest cell (at least torchinfo-like minimums), so a long
    // graph label or type name never pushes a row out of line.
    let widest = |min: usize, cells: &mut dyn Iterator<Item = usize>| cells.fold(min, usize::max);
    let lw = widest(18, &mut s.rows.iter().map(|r| r.label.chars().count()));
    let tw = widest(12, &mut s.rows.iter().map(|r| r.type_name.chars().count()));
    let sw = widest(
        16,
        &mut s.rows.iter().map(|r| r.output.to_string().chars().count()),
    );
    let header = format!(
        "{:>3}  {:<lw$} {:<tw$} {:<sw$} {:>12}{} {:>14}",
        "#",
        tr!(lang, "core-summary-layer"),
        tr!(lang, "core-summary-type"),
        tr!(lang, "core-summary-output-shape"),
        tr!(lang, "core-summary-params"),
        buffers_column(tr!(lang, "pack-summary-buffers-column")),
        tr!(lang, "core-summary-mult-adds")
    );
    let rule = "─".repeat(header.chars().count());
    let _ = writeln!(out, "{rule}\n{header}\n{rule}");
    for r in &s.rows {
        let dash_zero = |n: u64| {
            if n > 0 {
                lang.num(n)
            } else {
                "—".to_string()
            }
        };
        let params = dash_zero(r.counts.trainable);
        let buffers = buffers_column(dash_zero(r.counts.buffers));
        let macs = if r.mult_adds > 0 {
            lang.num(r.mult_adds)
        } else {
            "—".to_string()
        };
        let _ = writeln!(
            out,
            "{:>3}  {:<lw$} {:<tw$} {:<sw$} {:>12}{} {:>14}",
            r.position,
            r.label,
            r.type_name,
            r.output.to_string(),
            params,
            buffers,
            macs
        );
    }
    let _ = writeln!(out, "{rule}");
    let mut totals: Vec<(String, String)> = vec![
        (
            tr!(lang, "core-summary-total-params"),
            lang.num(s.total_params()),
        ),
        (tr!(lang, "core-summary-trainable"), lang.num(s.trainable())),
        (
            tr!(lang, "core-summary-non-trainable"),
            lang.num(s.non_trainable()),
        ),
    ];
    if with_buffers {
        totals.push((
            tr!(lang, "pack-summary-buffers-total"),
            tr!(lang, "pack-summary-buffers-what", n = lang.num(s.buffers())),
        ));
    }
    totals.extend([
        (
            tr!(lang, "core-summary-mult-adds-total"),
            lang.num(s.mult_adds()),
        ),
        (
            tr!(lang, "core-summary-param-memory"),
            format_bytes(s.param_bytes),
        ),
        (
            tr!(lang, "core-summary-activation-memory"),
            tr!(
                lang,
                "core-summary-activations",
                bytes = format_bytes(s.activation_bytes),
                batch = s.batch.to_string()
            ),
        ),
    ]);
    let free_label = tr!(lang, "core-summary-without-params");
    // The values line up three columns after the longest label, shown or not.
    let width = totals
        .iter()
        .map(|(l, _)| l.chars().count())
        .chain([free_label.chars().count()])
        .max()
        .unwrap_or(0)
        + 3;
    let free: Vec<String> = s.parameter_free().iter().map(|r| r.label.clone()).collect();
    if !free.is_empty() {
        let mut uniq: Vec<String> = Vec::new();
        for f in free {
            if !uniq.contains(&f) {
                uniq.push(f);
            }
        }
        totals.push((free_label, uniq.join(", ")));
    }
    for (label, value) in totals {
        let _ = writeln!(out, "{label:<width$}{value}");
    }
    out
}
