//! Render a `ModelSpec` as the PyTorch code a student sees in the exam.
//!
//! Generated from the same spec that `engine` instantiates, so the code shown and the
//! model computed can never drift apart.

use crate::core::spec::ModelSpec;

/// `class CNN(nn.Module)` with `__init__` and `forward`, in the exam's style.
pub fn pytorch_code(spec: &ModelSpec) -> String {
    let class = &spec.class_name;
    let mut out = format!(
        "class {class}(nn.Module):\n    def __init__(self):\n        super({class}, self).__init__()\n"
    );
    for l in &spec.layers {
        if let Some(name) = &l.name {
            out += &format!("        self.{name} = {}\n", l.layer.module_expr());
        }
    }
    out += "    def forward(self, x):\n";
    let mut lines: Vec<String> = Vec::new();
    for l in &spec.layers {
        let call = |arg: &str| match &l.name {
            Some(name) => format!("self.{name}({arg})"),
            None => l.layer.functional_expr(arg),
        };
        match lines.pop() {
            Some(prev) if l.inline => lines.push(call(&prev)),
            Some(prev) => {
                lines.push(prev);
                lines.push(call("x"));
            }
            None => lines.push(call("x")),
        }
    }
    for rhs in lines {
        out += &format!("        x = {rhs}\n");
    }
    out += "        return x\n";
    out
}
