//! `mltutor import FILE.py`: an `nn.Module` class printed as the RON spec a pack holds.

use super::{error, USAGE};
use crate::core::i18n::Lang;
use crate::core::pysrc::model::{import, Imported};
use crate::core::shape::parse_shape;
use crate::core::spec::{ron_options, LayerKind, LayerSpec, ModelSpec};
use crate::tr;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The largest Python file read: a model's source is a few kilobytes.
const MAX_SOURCE_BYTES: u64 = 4 << 20;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A Python file holding the model's `nn.Module` class.
    #[arg(value_name = "FILE.py")]
    pub file: PathBuf,
    /// Which class is the model (needed when the file has several).
    #[arg(long, value_name = "NAME")]
    pub class: Option<String>,
    /// Shape of one sample, e.g. 3x40x40 (needed unless the first layer is nn.Linear).
    #[arg(long, value_name = "SHAPE")]
    pub input: Option<String>,
}

/// Read `file`'s class as a spec, with the notes printed on standard error; the exit code
/// on failure (1: the source is refused, 2: a usage or file problem).
pub(crate) fn read_source(
    file: &Path,
    class: Option<&str>,
    input: Option<&str>,
    lang: Lang,
) -> Result<ModelSpec, ExitCode> {
    let input = match input.map(parse_shape) {
        None => None,
        Some(Ok(s)) => Some(s.0),
        Some(Err(e)) => {
            error(lang, &format!("--input: {}", e.render(lang)));
            return Err(ExitCode::from(USAGE));
        }
    };
    let src = match crate::core::pack::read_text_file(file, MAX_SOURCE_BYTES) {
        Ok(s) => s,
        Err(e) => {
            error(
                lang,
                &tr!(
                    lang,
                    "cli-models-cannot-read",
                    path = file.display().to_string(),
                    why = e.to_string()
                ),
            );
            return Err(ExitCode::from(USAGE));
        }
    };
    match import(&src, class, input) {
        Ok(Imported { spec, notes }) => {
            for (pos, note) in notes {
                eprintln!(
                    "{}:{}:{}: {}",
                    file.display(),
                    pos.line,
                    pos.column,
                    tr!(lang, "cli-import-note", note = note.render(lang))
                );
            }
            Ok(spec)
        }
        Err(e) => {
            let shown = e.render_at(&file.display().to_string(), &src, lang);
            eprintln!("{}", crate::core::pack::terminal_safe(&shown));
            Err(ExitCode::from(1))
        }
    }
}

/// A spec as RON, one layer a line, as the built-in specs are written.
pub fn spec_ron(spec: &ModelSpec) -> String {
    let opts = ron_options();
    let q = |s: &str| opts.to_string(&s).unwrap_or_default();
    let mut out = format!(
        "(\n    id: {},\n    class_name: {},\n    input: {:?},\n",
        q(&spec.id),
        q(&spec.class_name),
        spec.input
    );
    if !spec.modules.is_empty() {
        out += "    modules: [\n";
        for m in &spec.modules {
            out += &format!(
                "        (\n            class_name: {},\n            layers: [\n",
                q(&m.class_name)
            );
            out += &layers_ron(&m.layers, 16);
            out += "            ],\n        ),\n";
        }
        out += "    ],\n";
    }
    out += "    layers: [\n";
    out += &layers_ron(&spec.layers, 8);
    out + "    ],\n)\n"
}

fn layers_ron(layers: &[LayerSpec], indent: usize) -> String {
    let opts = ron_options();
    let q = |s: &str| opts.to_string(&s).unwrap_or_default();
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for l in layers {
        let mut fields = Vec::new();
        if let Some(n) = &l.name {
            fields.push(format!("name: {}", q(n)));
        }
        fields.push(format!("layer: {}", layer_ron(&l.layer)));
        if l.inline {
            fields.push("inline: true".to_string());
        }
        if let Some(from) = &l.from {
            let from = match from.0.as_slice() {
                [one] => q(one),
                many => format!(
                    "[{}]",
                    many.iter().map(|n| q(n)).collect::<Vec<_>>().join(", ")
                ),
            };
            fields.push(format!("from: {from}"));
        }
        if let Some(to) = &l.to {
            fields.push(format!("to: {}", q(to)));
        }
        out += &format!("{pad}({}),\n", fields.join(", "));
    }
    out
}

/// A layer as RON on one line, without the arguments at their defaults: each argument is
/// left out when the spec's reader gives back the same layer without it.
fn layer_ron(layer: &LayerKind) -> String {
    // An nn.Sequential's items each without their defaults too.
    if let LayerKind::Sequential(items) = layer {
        let items: Vec<String> = items.iter().map(layer_ron).collect();
        return format!("Sequential([{}])", items.join(", "));
    }
    let opts = ron_options();
    let pretty = ron::ser::PrettyConfig::new()
        .compact_structs(true)
        .compact_arrays(true)
        .compact_maps(true)
        .new_line("")
        .indentor("");
    let full = opts
        .to_string_pretty(layer, pretty)
        .unwrap_or_default()
        .replace(",)", ")");
    let Some((head, args)) = full.split_once('(') else {
        return full;
    };
    let Some(args) = args.strip_suffix(')') else {
        return full;
    };
    let parts = split_top(args);
    // Only named arguments can be left out (`View(-1, 1000)` keeps both).
    if parts.iter().any(|p| !p.contains(':')) {
        return full;
    }
    let mut kept: Vec<String> = parts.iter().map(|p| p.trim().to_string()).collect();
    let mut i = 0;
    while i < kept.len() {
        let mut without = kept.clone();
        without.remove(i);
        let text = if without.is_empty() {
            head.to_string()
        } else {
            format!("{head}({})", without.join(", "))
        };
        if opts.from_str::<LayerKind>(&text).ok().as_ref() == Some(layer) {
            kept = without;
        } else {
            i += 1;
        }
    }
    if kept.is_empty() {
        // A kind with only default arguments may still need its parentheses.
        let bare = head.to_string();
        if opts.from_str::<LayerKind>(&bare).ok().as_ref() == Some(layer) {
            return bare;
        }
        return format!("{head}()");
    }
    format!("{head}({})", kept.join(", "))
}

/// Split at the commas outside brackets.
fn split_top(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    let mut in_str = false;
    for c in s.chars() {
        match c {
            '"' => in_str = !in_str,
            '(' | '[' if !in_str => depth += 1,
            ')' | ']' if !in_str => depth -= 1,
            ',' if depth == 0 && !in_str => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

pub fn run(a: ImportArgs, lang: Lang) -> ExitCode {
    match read_source(&a.file, a.class.as_deref(), a.input.as_deref(), lang) {
        Ok(spec) => {
            // A spec that does not run on its own input would only fail later, in `check`:
            // said now, with the shapes (a limit on memory is not this command's concern).
            let input = crate::core::shape::Shape(spec.input.clone());
            if let Err(why @ crate::core::plan::PlanError::Mismatch(_)) =
                crate::core::plan::plan(&spec, &input, 1, u64::MAX)
            {
                error(
                    lang,
                    &tr!(
                        lang,
                        "cli-import-does-not-run",
                        input = input.to_string(),
                        why = why.render(lang)
                    ),
                );
                return ExitCode::from(1);
            }
            print!("{}", spec_ron(&spec));
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::spec::{builtin_models, parse_model};

    #[test]
    fn written_specs_read_back() {
        let resnet = parse_model(include_str!("../../questions/models/resnet_mini.ron")).unwrap();
        for spec in builtin_models().into_iter().chain([resnet]) {
            let text = spec_ron(&spec);
            assert_eq!(parse_model(&text).unwrap(), spec, "{text}");
        }
    }
}
