//! Render a `ModelSpec` as the PyTorch code a student sees in the exam.
//!
//! Generated from the same spec that `engine` instantiates, so the code shown and the
//! model computed can never drift apart. Sub-module classes come first, each a class of its
//! own; named tensors read as a tutorial writes them (`identity = x`,
//! `out = self.conv1(x)`, `out = out + identity`, `return out`).

use crate::core::spec::{combine, returns_of, Inputs, LayerKind, LayerSpec, ModelSpec};
use std::collections::HashMap;

/// `class CNN(nn.Module)` with `__init__` and `forward`, in the exam's style, after the
/// classes of its sub-modules.
pub fn pytorch_code(spec: &ModelSpec) -> String {
    let mut out = String::new();
    for m in &spec.modules {
        out += &class_code(&m.class_name, &m.layers);
        out += "\n";
    }
    out += &class_code(&spec.class_name, &spec.layers);
    out
}

/// One class: its modules in `__init__`, its lines in `forward`.
fn class_code(class: &str, layers: &[LayerSpec]) -> String {
    let mut out = format!(
        "class {class}(nn.Module):\n    def __init__(self):\n        super({class}, self).__init__()\n"
    );
    for l in layers {
        if let Some(name) = &l.name {
            out += &format!("        self.{name} = {}\n", module_code(&l.layer, 8));
        }
    }
    out += "    def forward(self, x):\n";
    // (target, expression, whether the target unpacks a tuple) per line: a recurrent
    // layer's line reads `out, _ = self.lstm(x)` or `_, (h, _) = self.lstm(x)`, and
    // nothing is wrapped around it.
    let mut lines: Vec<(String, String, bool)> = Vec::new();
    // How many times each name is read, and the final-state slices (`h[-1]`) that a
    // combination may write inside it when it alone reads them: `torch.cat((h[-2], h[-1]),
    // dim=1)` as courses write it.
    let mut reads: HashMap<String, usize> = HashMap::new();
    let mut current = "x".to_string();
    for l in layers {
        match &l.from {
            Some(Inputs(v)) => v
                .iter()
                .for_each(|n| *reads.entry(n.clone()).or_default() += 1),
            None => *reads.entry(current.clone()).or_default() += 1,
        }
        current = l.to.clone().unwrap_or(current);
    }
    *reads.entry(current).or_default() += 1;
    let mut slices: HashMap<String, String> = HashMap::new();
    let mut current = "x".to_string();
    for l in layers {
        let mut from: Vec<String> = match &l.from {
            Some(Inputs(v)) => v.clone(),
            None => vec![current.clone()],
        };
        if combine(&l.layer).is_some() {
            for name in from.iter_mut() {
                let Some(expr) = slices.remove(name) else {
                    continue;
                };
                let at = lines.iter().rposition(|(t, _, _)| t == name);
                if let Some(p) = at.filter(|&p| lines[p].1 == expr && reads.get(name) == Some(&1)) {
                    lines.remove(p);
                    *name = expr;
                }
            }
        }
        let to = l.to.clone().unwrap_or_else(|| current.clone());
        let call = |arg: &str| match (&l.name, combine(&l.layer)) {
            (_, Some(c)) => c.expr(&from),
            // Self-attention: query, key and value are the same tensor.
            (Some(name), None) if matches!(l.layer, LayerKind::MultiheadAttention { .. }) => {
                format!("self.{name}({arg}, {arg}, {arg})")
            }
            (Some(name), None) => format!("self.{name}({arg})"),
            (None, None) => l.layer.functional_expr(arg),
        };
        let first = from.first().cloned().unwrap_or_else(|| "x".into());
        let (target, unpacks) = match (&l.name, returns_of(&l.layer)) {
            (Some(_), Some((cell, returns, _))) => (returns.target(&to, cell), true),
            // `x, _ = self.attn(x, x, x)`: the output, the attention weights dropped.
            (Some(_), None) if matches!(l.layer, LayerKind::MultiheadAttention { .. }) => {
                (format!("{to}, _"), true)
            }
            _ => (to.clone(), false),
        };
        match lines.pop() {
            Some((_, prev, false)) if l.inline => lines.push((target, call(&prev), unpacks)),
            Some(prev) => {
                lines.push(prev);
                lines.push((target, call(&first), unpacks));
            }
            None => lines.push((target, call(&first), unpacks)),
        }
        if matches!(
            l.layer,
            LayerKind::FinalState { .. } | LayerKind::FinalStateSqueeze
        ) && l.name.is_none()
        {
            if let Some((t, rhs, _)) = lines.last() {
                slices.insert(t.clone(), rhs.clone());
            }
        }
        current = to;
    }
    for (target, rhs, _) in lines {
        out += &format!("        {target} = {rhs}\n");
    }
    out += &format!("        return {current}\n");
    out
}

/// A module's constructor; `nn.Sequential` one item a line, indented from `indent`.
fn module_code(kind: &LayerKind, indent: usize) -> String {
    match kind {
        LayerKind::Sequential(items) => {
            let pad = " ".repeat(indent + 4);
            let mut s = "nn.Sequential(\n".to_string();
            for k in items {
                s += &format!("{pad}{},\n", module_code(k, indent + 4));
            }
            s += &format!("{})", " ".repeat(indent));
            s
        }
        other => other.module_expr(),
    }
}
