//! `check` on broken packs (one defect each), and the built-in packs.

use mltutor::core::check::load_pack;
use mltutor::core::grade::computed_answer;
use mltutor::core::pack::{parse_pack, PackError, Problem, BUDGET, EXAM_EN, EXAM_FR};
use std::path::Path;

fn check(name: &str) -> Result<(), PackError> {
    load_pack(
        &Path::new("tests/packs").join(name),
        BUDGET,
        &mltutor::engine::CandleRunner,
    )
    .map(|_| ())
}

fn syntax_at(name: &str) -> (usize, usize, String) {
    match check(name) {
        Err(e) => first_syntax(e),
        other => panic!("{name}: expected a syntax error, got {other:?}"),
    }
}

/// The first syntax error of `e`: its line, column and message.
fn first_syntax(e: PackError) -> (usize, usize, String) {
    let PackError::Invalid(issues) = &e else {
        panic!("expected syntax errors, got {e:?}")
    };
    issues
        .iter()
        .find_map(|i| match (&i.problem, &i.at) {
            (Problem::Syntax(m), Some(at)) => Some((at.line, at.col, m.to_string())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("expected a syntax error, got {e:?}"))
}

fn issues(name: &str) -> Vec<(Option<String>, String)> {
    match check(name) {
        Err(PackError::Invalid(v)) => v
            .into_iter()
            .map(|i| (i.question, i.problem.to_string()))
            .collect(),
        other => panic!("{name}: expected validation issues, got {other:?}"),
    }
}

#[test]
fn control_pack_is_clean() {
    check("ok.ron").unwrap();
}

#[test]
fn syntax_errors_have_line_and_column() {
    // `title: "A broken pack"` ends at column 48 of line 4; the comma is missing before `language`.
    let (line, col, msg) = syntax_at("missing_comma.ron");
    assert_eq!((line, col), (4, 49), "{msg}");
    assert!(msg.to_lowercase().contains("comma"), "{msg}");
    // `statment` starts at column 13 of line 15.
    let (line, col, msg) = syntax_at("unknown_field.ron");
    assert_eq!((line, col), (15, 13));
    assert!(msg.contains("did you mean `statement`"), "{msg}");
    // `Choise` starts at column 19 of line 16.
    let (line, col, msg) = syntax_at("unknown_variant.ron");
    assert_eq!((line, col), (16, 19));
    assert!(msg.contains("did you mean `Choice`"), "{msg}");
}

#[test]
fn semantic_errors_name_the_question() {
    let one = |name: &str, q: &str, needle: &str| {
        let v = issues(name);
        assert!(
            v.iter()
                .any(|(qq, m)| qq.as_deref() == Some(q) && m.contains(needle)),
            "{name}: no issue on `{q}` mentioning `{needle}`: {v:?}"
        );
    };
    one("duplicate_id.ron", "count", "used by another question");
    one("unknown_model.ron", "count", "unknown model `cnn`");
    one("choice_no_correct.ron", "pick", "no correct option");
    one("order_one_step.ron", "pick", "at least two steps");
    // The exam correction's 53,600 against the computed 53,300.
    one(
        "wrong_expected_count.ron",
        "count",
        "expects 53600, but the model has 53300",
    );
    one("model_does_not_run.ron", "count", "does not run");
    one("over_budget.ron", "count", "does not run");
    let v = issues("model_does_not_run.ron");
    assert!(
        v.iter()
            .any(|(q, m)| q.is_none() && m.contains("10x8x8 = 640")),
        "{v:?}"
    );
    let v = issues("over_budget.ron");
    assert!(
        v.iter()
            .any(|(_, m)| m.contains("Refused before allocating")),
        "{v:?}"
    );
    let v = issues("unknown_version.ron");
    assert!(v[0].1.contains("unsupported pack version 2"), "{v:?}");
}

#[test]
fn builtin_packs_pass_check() {
    for p in ["questions/ml-test1.en.ron", "questions/ml-test1.fr.ron"] {
        load_pack(Path::new(p), BUDGET, &mltutor::engine::CandleRunner)
            .unwrap_or_else(|e| panic!("{}", e.render(p)));
    }
}

#[test]
fn french_and_english_packs_agree() {
    let en = parse_pack(EXAM_EN).unwrap();
    let fr = parse_pack(EXAM_FR).unwrap();
    let ids = |p: &mltutor::core::pack::Pack| {
        p.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&en), ids(&fr));
    // The exam's numbering: 1 to 8 without 7, with 4a, 4b and 4c.
    let numbers: Vec<&str> = en.questions.iter().map(|q| q.number.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3", "4a", "4b", "4c", "5", "6", "8"]);
    let (fe, ff) = (
        mltutor::engine::facts(&en, BUDGET),
        mltutor::engine::facts(&fr, BUDGET),
    );
    for (a, b) in en.questions.iter().zip(&fr.questions) {
        assert_eq!(
            std::mem::discriminant(&a.kind),
            std::mem::discriminant(&b.kind),
            "{}",
            a.id
        );
        if let (
            mltutor::core::pack::Kind::Computed {
                model: ma, ask: aa, ..
            },
            mltutor::core::pack::Kind::Computed {
                model: mb, ask: ab, ..
            },
        ) = (&a.kind, &b.kind)
        {
            let (sa, xa) = &fe.models[ma];
            let (sb, xb) = &ff.models[mb];
            assert_eq!(
                computed_answer(sa, xa, aa),
                computed_answer(sb, xb, ab),
                "{}",
                a.id
            );
        }
    }
}

#[test]
fn check_never_writes_to_the_pack() {
    let p = Path::new("tests/packs/wrong_expected_count.ron");
    let before = std::fs::read(p).unwrap();
    let _ = load_pack(p, BUDGET, &mltutor::engine::CandleRunner);
    assert_eq!(std::fs::read(p).unwrap(), before);
}

/// Each issue is data: the same issue reads in English or in French.
#[test]
fn issues_render_in_each_language() {
    use mltutor::core::i18n::Lang;
    use mltutor::core::pack::Problem;
    let Err(PackError::Invalid(v)) = check("choice_no_correct.ron") else {
        panic!("expected validation issues");
    };
    let issue = v
        .iter()
        .find(|i| i.problem == Problem::NoCorrectOption)
        .unwrap_or_else(|| panic!("{v:?}"));
    assert_eq!(
        issue.render(Lang::en()),
        "question `pick`: a choice with no correct option"
    );
    assert_eq!(
        issue.render(Lang::fr()),
        "question `pick`\u{a0}: un choix sans option correcte"
    );
    assert_eq!(issue.to_string(), issue.render(Lang::en()));
}

/// Issue 11: strict packs. `text` is parsed; the syntax error's line, column and message.
fn parse_error(text: &str) -> (usize, usize, String) {
    match parse_pack(text) {
        Err(e) => first_syntax(e),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

/// A pack whose one model has `layer` as its only layer (line 6 of the text).
fn pack_with_layer(layer: &str) -> String {
    format!(
        "(\n    version: 1,\n    meta: (id: \"t\", title: \"T\", language: \"en\"),\n    models: [\n        (id: \"m\", input: [4, 8, 8], layers: [\n            (name: \"c\", layer: {layer}),\n        ]),\n    ],\n    questions: [(id: \"q\", statement: \"s\", kind: Order(steps: [\"a\", \"b\"]))],\n)\n"
    )
}

#[test]
fn misspelt_layer_arguments_are_refused_where_they_are() {
    // Line 6 is `            (name: "c", layer: ` (31 characters) then the layer.
    // `Conv2d(in: 4, out: 8, kernel: 3, ` is 33 characters: the argument starts at 65.
    let (line, col, msg) = parse_error(&pack_with_layer(
        "Conv2d(in: 4, out: 8, kernel: 3, baias: false)",
    ));
    assert_eq!((line, col), (6, 65), "{msg}");
    assert!(msg.contains("did you mean `bias`"), "{msg}");
    let (line, col, msg) = parse_error(&pack_with_layer(
        "Conv2d(in: 4, out: 8, kernel: 3, paddding: 1)",
    ));
    assert_eq!((line, col), (6, 65), "{msg}");
    assert!(msg.contains("did you mean `padding`"), "{msg}");
    // An argument this build does not know is refused, never dropped.
    let (line, col, msg) = parse_error(&pack_with_layer(
        "Conv2d(in: 4, out: 8, kernel: 3, weight_init: 2)",
    ));
    assert_eq!((line, col), (6, 65), "{msg}");
    assert!(msg.contains("unknown field `weight_init`"), "{msg}");
    // `Linear(in: 4, out: 2, ` is 22 characters: 31 + 22 + 1.
    let (line, col, msg) = parse_error(&pack_with_layer("Linear(in: 4, out: 2, bais: true)"));
    assert_eq!((line, col), (6, 54), "{msg}");
    assert!(msg.contains("did you mean `bias`"), "{msg}");
    // A question kind's unknown field, on line 9: `    questions: [(id: "q", statement: "s", `
    // is 42 characters, `kind: Order(` 12, `steps: ["a", "b"], ` 19: `shufle` at 74.
    let text = pack_with_layer("ReLU").replace("\"b\"])", "\"b\"], shufle: true)");
    let (line, col, msg) = parse_error(&text);
    assert_eq!((line, col), (9, 74), "{msg}");
    assert!(msg.contains("unknown field `shufle`"), "{msg}");
}

#[test]
fn common_slips_name_their_fix() {
    // A `#` comment at column 5 of line 2.
    let text =
        pack_with_layer("ReLU").replace("    version: 1,", "    # the version\n    version: 1,");
    let (line, col, msg) = parse_error(&text);
    assert_eq!((line, col), (2, 5), "{msg}");
    assert!(msg.contains("`//`"), "{msg}");
    // `True` at column 31 + 39 + 1 (`Conv2d(in: 4, out: 8, kernel: 3, bias: ` is 39).
    let (line, col, msg) = parse_error(&pack_with_layer(
        "Conv2d(in: 4, out: 8, kernel: 3, bias: True)",
    ));
    assert_eq!((line, col), (6, 71), "{msg}");
    assert!(msg.contains("`true`"), "{msg}");
    // `784.0` at column 31 + 11 + 1 (`Conv2d(in: ` is 11).
    let (line, col, msg) = parse_error(&pack_with_layer("Conv2d(in: 784.0, out: 8, kernel: 3)"));
    assert_eq!((line, col), (6, 43), "{msg}");
    assert!(
        msg.contains("an integer is expected") && msg.contains("`784`"),
        "{msg}"
    );
    // Single quotes: `(id: ` on line 9 ends at column 21.
    let text = pack_with_layer("ReLU").replace("(id: \"q\"", "(id: 'q'");
    let (line, col, msg) = parse_error(&text);
    assert_eq!((line, col), (9, 22), "{msg}");
    assert!(msg.contains("double quotes"), "{msg}");
    // `null` for an absent optional.
    let text =
        pack_with_layer("ReLU").replace("statement: \"s\",", "statement: \"s\", code: null,");
    let (_, _, msg) = parse_error(&text);
    assert!(msg.contains("`None`"), "{msg}");
}

const THREE_ERRORS: &str = r#"(
    version: 1,
    meta: (id: "t", title: "T", language: "en"),
    builtin_models: ["exam_cnn"],
    questions: [
        (id: "q1", statement: "s", kind: Computed(model: "cnn", ask: ParameterCount())),
        (id: "q1", statement: "s", kind: Order(steps: ["a", "b"])),
        (id: "q3", statement: "s", code: "nope", kind: Order(steps: ["a", "b"])),
    ],
)
"#;

#[test]
fn every_semantic_error_is_reported_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("three.ron");
    std::fs::write(&p, THREE_ERRORS).unwrap();
    let issues = match load_pack(&p, BUDGET, &mltutor::engine::CandleRunner) {
        Err(PackError::Invalid(v)) => v,
        other => panic!("{other:?}"),
    };
    // Counted by hand: `        (id: "q1", statement: "s", kind: Computed(model: ` is 57
    // characters; `        (id: ` is 13; `        (id: "q3", statement: "s", code: ` is 41.
    let at: Vec<(usize, usize)> = issues
        .iter()
        .map(|i| i.at.as_ref().map(|s| (s.line, s.col)).unwrap())
        .collect();
    assert_eq!(at, vec![(6, 58), (7, 14), (8, 42)], "{issues:?}");
    let text = PackError::Invalid(issues).render("three.ron");
    assert!(
        text.contains("three.ron:7:14: question `q1`: this id is used by another question"),
        "{text}"
    );
    assert!(text.contains("\n                 ^"), "{text}");
}

#[test]
fn a_pack_sets_its_memory_limit_within_the_ceiling() {
    use mltutor::core::check::load_pack_limited;
    use mltutor::core::pack::{LimitSource, MemoryLimit};
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.ron");
    // The exam's CNN at batch 2 needs about 2.6 MiB of activations: 1 MiB refuses it.
    let with = |mib: &str| {
        THREE_ERRORS
            .replace(
                "    version: 1,",
                &format!("    version: 1,\n    memory_budget_mib: {mib},"),
            )
            .replace("model: \"cnn\"", "model: \"exam_cnn\"")
            .replace(
                "(id: \"q1\", statement: \"s\", kind: Order",
                "(id: \"q2\", statement: \"s\", kind: Order",
            )
            .replace("code: \"nope\", ", "")
    };
    std::fs::write(&p, with("1500")).unwrap();
    let (_, limit) = load_pack_limited(&p, None, &mltutor::engine::CandleRunner).unwrap();
    assert_eq!(
        limit,
        MemoryLimit {
            bytes: 1500 << 20,
            source: LimitSource::Pack
        }
    );
    // --memory-budget wins over the pack's own limit.
    let flag = MemoryLimit::choose(Some(700), Some(1500));
    let (_, limit) = load_pack_limited(&p, Some(flag), &mltutor::engine::CandleRunner).unwrap();
    assert_eq!(limit.bytes, 700 << 20);
    // The ceiling: 8192 MiB, named; the value pointed at (line 3, after `memory_budget_mib: `).
    std::fs::write(&p, with("9000")).unwrap();
    match load_pack_limited(&p, None, &mltutor::engine::CandleRunner) {
        Err(PackError::Invalid(v)) => {
            assert_eq!(v.len(), 1, "{v:?}");
            let s = v[0].at.as_ref().unwrap();
            assert_eq!((s.line, s.col), (3, 24));
            assert!(v[0].problem.to_string().contains("8,192 MiB"), "{v:?}");
        }
        other => panic!("{other:?}"),
    }
    // A limit too small for the model: refused, the pack's limit named.
    std::fs::write(&p, with("1")).unwrap();
    match load_pack_limited(&p, None, &mltutor::engine::CandleRunner) {
        Err(PackError::Invalid(v)) => assert!(
            v.iter().any(|i| i
                .problem
                .to_string()
                .contains("the pack's `memory_budget_mib: 1`")),
            "{v:?}"
        ),
        other => panic!("{other:?}"),
    }
}

/// The course pack's models come from the PyTorch files in `questions/models/`. Figures
/// from PyTorch 2.x (`/tmp/torch-ref`): `sum(p.numel() for p in net.parameters())`,
/// `sum(b.numel() for b in net.buffers())` and forward hooks' output shapes, with the
/// inputs the pack gives (LeNet 1x28x28, ResNet 3x32x32, 50 tokens, 8x20, 50 tokens for the
/// Transformer: 97,602 and its encoder 33,472, `net.encoder(...)` 1x50x64); also by hand
/// in each question's correction.
#[test]
fn the_course_pack_reads_its_models_from_python_files_as_pytorch_counts_them() {
    use mltutor::core::shape::Shape;
    for p in [
        "questions/course-models.en.ron",
        "questions/course-models.fr.ron",
    ] {
        let pack = load_pack(Path::new(p), BUDGET, &mltutor::engine::CandleRunner)
            .unwrap_or_else(|e| panic!("{}", e.render(p)));
        let facts = mltutor::engine::facts(&pack, BUDGET);
        let summary = |id: &str| facts.models[id].1.clone();
        // (model, parameters, buffers, final output of one sample)
        for (id, params, buffers, out) in [
            ("lenet", 44_426, 0, vec![10]),
            ("resnet", 9_978, 165, vec![10]),
            ("lstm", 57_218, 0, vec![2]),
            ("convgru", 5_332, 0, vec![4]),
            ("transformer", 97_602, 0, vec![2]),
        ] {
            let s = summary(id);
            assert_eq!(s.total_params(), params, "{p} {id}");
            assert_eq!(s.buffers(), buffers, "{p} {id}");
            assert_eq!(s.output().dims()[1..], out[..], "{p} {id}");
        }
        // Per layer and after a layer, as PyTorch's hooks give them.
        let row = |id: &str, label: &str| {
            summary(id)
                .rows
                .iter()
                .find(|r| r.label == label)
                .unwrap_or_else(|| panic!("{id} {label}"))
                .clone()
        };
        for (id, label, params, shape) in [
            ("lenet", "conv1", 156, vec![6, 24, 24]),
            ("lenet", "conv2", 2_416, vec![16, 8, 8]),
            ("lenet", "fc1", 30_840, vec![120]),
            ("resnet", "layer1.conv1", 2_304, vec![16, 32, 32]),
            ("resnet", "avgpool", 0, vec![16, 1, 1]),
            ("lstm", "embedding", 32_000, vec![50, 32]),
            ("lstm", "lstm", 25_088, vec![50, 64]),
            ("convgru", "conv", 400, vec![16, 20]),
            ("convgru", "gru", 4_800, vec![20, 32]),
            ("transformer", "encoder", 33_472, vec![50, 64]),
        ] {
            let r = row(id, label);
            assert_eq!(r.counts.trainable, params, "{id} {label}");
            assert_eq!(r.output, Shape([vec![1], shape].concat()), "{id} {label}");
        }
        // The class name is the file's, the id the pack's.
        assert_eq!(pack.model("resnet").unwrap().class_name, "SmallResNet");
    }
}

/// A temporary pack folder holding `pack` and the Python files `files` (path, text).
fn pack_folder(pack: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let p = dir.path().join("pack.ron");
    std::fs::write(&p, pack).unwrap();
    (dir, p)
}

fn sourced_pack(entry: &str) -> String {
    format!(
        "(\n    version: 1,\n    meta: (id: \"s\", title: \"S\", language: \"en\"),\n    models: [\n        {entry},\n    ],\n    questions: [(id: \"q\", statement: \"How many?\", kind: Computed(model: \"m\", ask: ParameterCount()))],\n)\n"
    )
}

const TINY_PY: &str = "import torch.nn as nn\n\nclass Tiny(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 3)\n\n    def forward(self, x):\n        return self.fc(x)\n";

#[test]
fn a_source_path_leaving_the_pack_folder_is_refused() {
    for source in ["../tiny.py", "models/../../tiny.py", "/etc/tiny.py"] {
        let text = sourced_pack(&format!("(id: \"m\", source: \"{source}\")"));
        let (_dir, p) = pack_folder(&text, &[("models/tiny.py", TINY_PY)]);
        match load_pack(&p, BUDGET, &mltutor::engine::CandleRunner) {
            Err(e @ PackError::Invalid(_)) => {
                let shown = e.render("pack.ron");
                // Placed at the source's value: line 5, `(id: "m", source: ` ends at column 26.
                assert!(shown.starts_with("pack.ron:5:27: model `m`:"), "{shown}");
                assert!(shown.contains("stays inside it"), "{shown}");
            }
            other => panic!("{source}: {other:?}"),
        }
    }
    // Inside the folder, `..` that stays in it included: read and counted (4·3 + 3 = 15).
    let text = sourced_pack("(id: \"m\", source: \"models/../models/tiny.py\")");
    let (_dir, p) = pack_folder(&text, &[("models/tiny.py", TINY_PY)]);
    let pack = load_pack(&p, BUDGET, &mltutor::engine::CandleRunner).unwrap();
    let facts = mltutor::engine::facts(&pack, BUDGET);
    assert_eq!(facts.models["m"].1.total_params(), 15);
}

#[test]
fn an_error_inside_the_python_file_is_reported_at_its_place_and_at_the_entry() {
    let bad = TINY_PY.replace(
        "        return self.fc(x)\n",
        "        for i in range(3):\n            x = self.fc(x)\n        return x\n",
    );
    let text = sourced_pack("(id: \"m\", source: \"models/tiny.py\", class: \"Tiny\")");
    let (_dir, p) = pack_folder(&text, &[("models/tiny.py", &bad)]);
    let e = load_pack(&p, BUDGET, &mltutor::engine::CandleRunner).unwrap_err();
    let shown = e.render("pack.ron");
    // The file's place (line 9, the `for`, column 9) with its line and caret, then the
    // pack entry's own line.
    assert!(shown.starts_with("pack.ron:5:27: model `m`:"), "{shown}");
    assert!(shown.contains("models/tiny.py:9:9:"), "{shown}");
    assert!(shown.contains("for i in range(3):\n"), "{shown}");
    assert!(shown.contains("        ^"), "{shown}");
    assert!(shown.contains("source: \"models/tiny.py\""), "{shown}");
    // French too.
    let fr = e.render_in("pack.ron", mltutor::core::i18n::Lang::fr());
    assert!(fr.contains("models/tiny.py:9:9:"), "{fr}");
    assert!(fr.contains("ne peut pas être importé"), "{fr}");
}

#[test]
fn missing_files_folders_and_mixed_entries_are_named() {
    let entry = |e: &str| sourced_pack(e);
    let shown = |text: &str| {
        let (_dir, p) = pack_folder(text, &[("models/tiny.py", TINY_PY)]);
        match load_pack(&p, BUDGET, &mltutor::engine::CandleRunner) {
            Err(e) => e.render("pack.ron"),
            Ok(_) => panic!("loaded: {text}"),
        }
    };
    // A missing file: the path looked for.
    let s = shown(&entry("(id: \"m\", source: \"models/lenet.py\")"));
    assert!(
        s.contains("cannot read") && s.contains("models/lenet.py"),
        "{s}"
    );
    // A folder is not a file.
    let s = shown(&entry("(id: \"m\", source: \"models\")"));
    assert!(s.contains("not a regular file"), "{s}");
    // A class the file does not have: its classes listed.
    let s = shown(&entry(
        "(id: \"m\", source: \"models/tiny.py\", class: \"Big\")",
    ));
    assert!(s.contains("Tiny"), "{s}");
    // `layers` beside `source`: one or the other, said at the field.
    let s = shown(&entry(
        "(id: \"m\", source: \"models/tiny.py\", layers: [])",
    ));
    assert!(s.starts_with("pack.ron:5:"), "{s}");
    assert!(s.contains("takes its `layers` from the file"), "{s}");
    // A written model without layers.
    let s = shown(&entry("(id: \"m\", input: [4])"));
    assert!(s.contains("has no `layers`"), "{s}");
    // A misspelt field still gets its did-you-mean, `source` among the names.
    let s = shown(&entry("(id: \"m\", sorce: \"models/tiny.py\")"));
    assert!(s.contains("did you mean `source`"), "{s}");
}

#[test]
fn a_pack_read_from_text_alone_refuses_a_source() {
    let text = sourced_pack("(id: \"m\", source: \"models/tiny.py\")");
    match parse_pack(&text) {
        Err(PackError::Invalid(v)) => {
            // The refusal, then the note that the rest waits for the model.
            assert_eq!(v.len(), 2, "{v:?}");
            assert!(
                v[0].problem.to_string().contains("not read from a folder"),
                "{v:?}"
            );
            assert_eq!(v[1].problem, Problem::CheckedAfterFixes, "{v:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn french_and_english_course_packs_agree() {
    let load = |p: &str| load_pack(Path::new(p), BUDGET, &mltutor::engine::CandleRunner).unwrap();
    let (en, fr) = (
        load("questions/course-models.en.ron"),
        load("questions/course-models.fr.ron"),
    );
    let kinds = |p: &mltutor::core::pack::Pack| {
        p.questions
            .iter()
            .map(|q| {
                (
                    q.id.clone(),
                    q.number.clone(),
                    std::mem::discriminant(&q.kind),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&en), kinds(&fr));
    assert_eq!(en.models, fr.models);
    for (a, b) in en.questions.iter().zip(&fr.questions) {
        if let (
            mltutor::core::pack::Kind::Computed {
                model: ma,
                ask: aa,
                expected: ea,
            },
            mltutor::core::pack::Kind::Computed {
                model: mb,
                ask: ab,
                expected: eb,
            },
        ) = (&a.kind, &b.kind)
        {
            assert_eq!((ma, aa, ea), (mb, ab, eb), "{}", a.id);
        }
    }
}

fn mltutor_bin(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mltutor"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn commands_take_a_python_file_or_a_pack_with_sourced_models() {
    // `--pack FILE.py --model CLASS --input SHAPE`: the class imported.
    let (code, out, err) = mltutor_bin(&[
        "--lang",
        "en",
        "inspect",
        "--pack",
        "questions/models/lenet.py",
        "--model",
        "LeNet",
        "--input",
        "1x28x28",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("44,426"), "{out}");
    // A pack whose models come from .py files, through `inspect`, `answers`, `check`.
    let (code, out, err) = mltutor_bin(&[
        "--lang",
        "en",
        "inspect",
        "--pack",
        "questions/course-models.en.ron",
        "--model",
        "lstm",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("57,218"), "{out}");
    let (code, out, err) = mltutor_bin(&[
        "--lang",
        "en",
        "answers",
        "--pack",
        "questions/course-models.en.ron",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("5,332") && out.contains("50x64"), "{out}");
    let (code, _, err) = mltutor_bin(&["--lang", "en", "check", "questions/course-models.fr.ron"]);
    assert_eq!(code, 0, "{err}");
    // Without an input, a convolutional class cannot be sized: said, exit 2.
    let (code, _, err) = mltutor_bin(&[
        "--lang",
        "en",
        "train",
        "--pack",
        "questions/models/lenet.py",
        "--epochs",
        "1",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("lenet.py:"), "{err}");
    // `--input` for train means a .py model's input; a pack's model has its own.
    let (code, _, err) = mltutor_bin(&[
        "--lang",
        "en",
        "train",
        "--pack",
        "questions/course-models.en.ron",
        "--model",
        "lenet",
        "--input",
        "1x28x28",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(".py"), "{err}");
}

#[test]
fn placeholders_reach_a_sourced_models_input() {
    // The input side is drawn per student; the file is read as it is. LeNet's fc1 needs
    // 16x4x4, which 28 and 29 both give (the poolings round down); 32 would not.
    let text = "(\n    version: 1,\n    meta: (id: \"v\", title: \"V\", language: \"en\"),\n    variables: {\"n\": Choice([28, 29])},\n    models: [(id: \"lenet\", source: \"models/lenet.py\", input: [1, {n}, {n}])],\n    questions: [(id: \"q\", statement: \"Shape?\", kind: Computed(model: \"lenet\", ask: InputShape, expected: Shape(\"1x{n}x{n}\")))],\n)\n";
    let lenet = std::fs::read_to_string("questions/models/lenet.py").unwrap();
    let (dir, p) = pack_folder(text, &[("models/lenet.py", &lenet)]);
    let mut sides = std::collections::BTreeSet::new();
    for n in 0..8 {
        let (pack, drawn, _) = mltutor::core::check::load_text_variant_in(
            text,
            Some(dir.path()),
            None,
            &mltutor::engine::CandleRunner,
            Some(n),
        )
        .unwrap();
        let side = drawn.unwrap().values["n"] as usize;
        assert_eq!(pack.model("lenet").unwrap().input, vec![1, side, side]);
        sides.insert(side);
    }
    assert_eq!(sides.len(), 2);
    // Every sampled variant loads, as `check` samples them.
    assert!(mltutor::core::check::sample_variants_in(
        text,
        Some(dir.path()),
        None,
        &mltutor::engine::CandleRunner,
        &mltutor::core::check::sampled_variants(),
    )
    .is_empty());
    let _ = p;
}

/// Every issue of `e`: its line and column (0:0 when unplaced) and message.
fn all_issues(e: PackError) -> Vec<(usize, usize, String)> {
    let PackError::Invalid(issues) = e else {
        panic!("expected issues, got {e:?}")
    };
    issues
        .iter()
        .map(|i| {
            let (l, c) = i.at.as_ref().map_or((0, 0), |a| (a.line, a.col));
            (l, c, i.to_string())
        })
        .collect()
}

#[test]
fn check_reports_every_error_in_one_run() {
    // Columns counted by hand in tests/packs/many_errors.ron.
    let found = all_issues(check("many_errors.ron").unwrap_err());
    let at: Vec<(usize, usize)> = found.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(
        &at[..4],
        &[(4, 64), (7, 54), (7, 71), (8, 32)],
        "{found:#?}"
    );
    assert!(found[0].2.contains("//"), "{found:#?}");
    assert!(found[1].2.contains("did you mean `kernel`"), "{found:#?}");
    assert!(found[2].2.contains("`false`"), "{found:#?}");
    // Letter case alone: `Relu` is `ReLU`.
    assert!(found[3].2.contains("did you mean `ReLU`"), "{found:#?}");
    // Every slip has one meaning, so the answers are checked too: Conv2d(4, 8, 3) without
    // bias has 8 x 4 x 3 x 3 = 288 parameters, not the 300 the pack expects.
    assert_eq!(found.len(), 5, "{found:#?}");
    // Placed at `Count(300)` on line 16, though the file's `#` comment is not RON.
    assert_eq!(at[4], (16, 73), "{found:#?}");
    assert!(
        found[4].2.contains("288") && found[4].2.contains("300"),
        "{found:#?}"
    );
}

#[test]
fn later_errors_are_placed_in_the_file_as_written() {
    // `strid` read as `stride` (one longer), `paddding` as `padding` (one shorter): the
    // third error's column is the file's. Line 6 is 31 characters then the layer.
    let layer = "Conv2d(in: 4, out: 8, kernel: 3, strid: 1, paddding: 1, bais: false)";
    let text = pack_with_layer(layer);
    let found = all_issues(parse_pack(&text).unwrap_err());
    let cols: Vec<usize> = found.iter().map(|(_, c, _)| *c).collect();
    let col = |name: &str| 31 + layer.find(name).unwrap() + 1;
    assert_eq!(
        cols,
        vec![col("strid"), col("paddding"), col("bais")],
        "{found:#?}"
    );
    assert!(found.iter().all(|(l, _, _)| *l == 6));
}

#[test]
fn a_guessed_mend_stops_before_the_answers() {
    // `widht` means nothing here: it is read past (left out), later errors are still
    // found, but the answers are not checked on a guess.
    let layer = "Linear(in: 4, out: 2, widht: 3, bais: false)";
    let text = pack_with_layer(layer);
    let found = all_issues(
        mltutor::core::check::load_text_variant(&text, None, &mltutor::engine::CandleRunner, None)
            .unwrap_err(),
    );
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!((found[0].0, found[0].1), (6, 31 + 22 + 1), "{found:#?}");
    assert!(found[1].2.contains("did you mean `bias`"), "{found:#?}");
    assert!(found[2].2.contains("fixed"), "{found:#?}");
}

#[test]
fn an_error_that_cannot_be_read_past_ends_the_list() {
    // A string where a count goes: no meaning to guess. The comment before it is reported,
    // then this, then the note that the rest waits.
    let text = pack_with_layer("Linear(in: \"four\", out: 2)")
        .replace("version: 1,", "version: 1, # first");
    let found = all_issues(parse_pack(&text).unwrap_err());
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!((found[0].0, found[1].0), (2, 6), "{found:#?}");
    assert_eq!((found[2].0, found[2].1), (0, 0), "{found:#?}");
}
