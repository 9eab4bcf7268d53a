//! The layers import one way: `cli`, `tui` → `engine` → `core` (see ARCHITECTURE.md).
//! These tests read the sources, so a forbidden import fails here before review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The code of a file without its comments and string literals, so that a doc comment or a
/// message may name candle while the code may not.
fn code_only(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut in_str = false;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
            prev = c;
        }
        out.push('\n');
    }
    out
}

/// Which names each layer may not use in its code.
fn forbidden(layer: &str) -> &'static [&'static str] {
    match layer {
        "core" => &[
            "crate::engine",
            "crate::tui",
            "crate::cli",
            "candle_core",
            "candle_nn",
            "candle::",
            "ratatui",
            "crossterm",
        ],
        "engine" => &["crate::tui", "crate::cli", "ratatui", "crossterm"],
        "tui" => &["crate::cli"],
        _ => &[],
    }
}

fn check_layer(layer: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for f in rust_files(&Path::new("src").join(layer)) {
        let code = code_only(&std::fs::read_to_string(&f).unwrap());
        for name in forbidden(layer) {
            if code.contains(name) {
                bad.push(format!("{} names `{name}`", f.display()));
            }
        }
        // `super::super::…` could climb out of the layer unseen.
        if code.contains("super::super") {
            bad.push(format!("{} climbs with super::super", f.display()));
        }
    }
    bad
}

#[test]
fn core_knows_neither_candle_nor_the_interfaces() {
    let bad = check_layer("core");
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn engine_knows_no_interface() {
    let bad = check_layer("engine");
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn tui_does_not_import_cli() {
    let bad = check_layer("tui");
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The checker itself: a core file naming the engine is caught, a comment is not.
#[test]
fn the_checker_sees_imports_and_ignores_comments() {
    let code =
        code_only("// uses candle_core\nlet s = \"crate::engine\";\nuse crate::engine::x;\n");
    assert!(code.contains("crate::engine"));
    assert!(!code.contains("candle_core"));
    assert_eq!(code.matches("crate::engine").count(), 1);
}

/// Which modules of a layer each module imports (`crate::core::grade` → `grade`).
fn module_graph(layer: &str) -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new("src").join(layer);
    let prefix = format!("crate::{layer}::");
    let mut graph = BTreeMap::new();
    for f in rust_files(&root) {
        let rel = f.strip_prefix(&root).unwrap();
        let module = rel
            .iter()
            .next()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "mod" {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&f).unwrap());
        let deps: &mut BTreeSet<String> = graph.entry(module.clone()).or_default();
        // In a file right under the layer's folder, `super::x` is the layer's module `x`.
        let top_level = rel.iter().count() == 1;
        let mut starts: Vec<usize> = code
            .match_indices(&prefix)
            .map(|(i, _)| i + prefix.len())
            .collect();
        if top_level {
            starts.extend(
                code.match_indices("super::")
                    .map(|(i, _)| i + "super::".len()),
            );
        }
        for i in starts {
            let rest = &code[i..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                deps.insert(name);
            }
        }
    }
    graph
}

/// A cycle in the graph, if any, as the path that closes it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(pos) = stack.iter().position(|s| s == n) {
            let mut cycle = stack[pos..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for d in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_cycles_inside_a_layer() {
    for layer in ["core", "engine", "tui", "cli"] {
        let g = module_graph(layer);
        assert!(
            find_cycle(&g).is_none(),
            "{layer}: import cycle {:?}",
            find_cycle(&g)
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_cycle(&g).unwrap().len(), 4);
    g.get_mut("c").unwrap().clear();
    assert!(find_cycle(&g).is_none());
}
