//! Render a `ModelSpec` as the PyTorch code a student sees in the exam.
//!
//! Generated from the same spec that `engine` instantiates, so the code shown and the
//! model computed can never drift apart. Sub-module classes come first, each a class of its
//! own; named tensors read as a tutorial writes them (`identity = x`,
//! `out = self.conv1(x)`, `out = out + identity`, `return out`).

use crate::core::spec::{combine, Inputs, LayerKind, LayerSpec, ModelSpec};

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
    // (variable, expression) per line.
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut current = "x".to_string();
    for l in layers {
        let from: Vec<String> = match &l.from {
            Some(Inputs(v)) => v.clone(),
            None => vec![current.clone()],
        };
        let to = l.to.clone().unwrap_or_else(|| current.clone());
        let call = |arg: &str| match (&l.name, combine(&l.layer)) {
            (_, Some(c)) => c.expr(&from),
            (Some(name), None) => format!("self.{name}({arg})"),
            (None, None) => l.layer.functional_expr(arg),
        };
        let first = from.first().cloned().unwrap_or_else(|| "x".into());
        match lines.pop() {
            Some((_, prev)) if l.inline => lines.push((to.clone(), call(&prev))),
            Some(prev) => {
                lines.push(prev);
                lines.push((to.clone(), call(&first)));
            }
            None => lines.push((to.clone(), call(&first))),
        }
        current = to;
    }
    for (var, rhs) in lines {
        out += &format!("        {var} = {rhs}\n");
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
