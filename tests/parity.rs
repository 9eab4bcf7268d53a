//! The parity corpus: every architecture of `tests/parity/corpus.json` (drawn at random and
//! measured by PyTorch and torchinfo: `tests/parity/generate.py`) gives mltutor PyTorch's
//! figures: parameters and buffers read from candle's tensors, output shapes from a real
//! candle forward pass, torchinfo's mult-adds, and the same inputs run or fail. Arguments
//! PyTorch refuses are refused by `validate`.

use mltutor::core::plan::DEFAULT_BUDGET_BYTES;
use mltutor::core::shape::Shape;
use mltutor::core::spec::ModelSpec;
use mltutor::engine::inspect;
use serde::Deserialize;

#[derive(Deserialize)]
struct Corpus {
    models: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    spec: ModelSpec,
    #[serde(default)]
    invalid: bool,
    #[serde(default)]
    batch: usize,
    #[serde(default)]
    params: u64,
    #[serde(default)]
    trainable: u64,
    #[serde(default)]
    buffers: u64,
    #[serde(default)]
    mult_adds: u64,
    #[serde(default)]
    output: Vec<usize>,
    #[serde(default)]
    inputs: Vec<Input>,
}

#[derive(Deserialize)]
struct Input {
    input: Vec<usize>,
    /// PyTorch's output shape (batch first), or `None` when PyTorch refused the input.
    output: Option<Vec<usize>>,
}

fn corpus() -> Corpus {
    let text = include_str!("parity/corpus.json");
    serde_json::from_str(text).expect("the corpus parses as mltutor specs")
}

/// Every disagreement, so that one run lists them all.
fn check(case: &Case) -> Vec<String> {
    let spec = &case.spec;
    let id = &spec.id;
    let mut bad = Vec::new();
    if case.invalid {
        if spec.validate().is_ok() {
            bad.push(format!(
                "{id}: PyTorch refuses {:?}, mltutor accepts it",
                spec.layers
            ));
        }
        return bad;
    }
    if let Err(e) = spec.validate() {
        bad.push(format!("{id}: refused ({e}) where PyTorch builds it"));
        return bad;
    }
    let nominal = Shape(spec.input.clone());
    match inspect(spec, Some(&nominal), case.batch, DEFAULT_BUDGET_BYTES) {
        Ok(s) => {
            let got = (
                s.total_params(),
                s.trainable(),
                s.buffers(),
                s.mult_adds(),
                s.output().dims().to_vec(),
            );
            let want = (
                case.params,
                case.trainable,
                case.buffers,
                case.mult_adds,
                case.output.clone(),
            );
            if got != want {
                bad.push(format!(
                    "{id}: (params, trainable, buffers, mult-adds, output) {got:?}, PyTorch {want:?}"
                ));
            }
        }
        Err(e) => bad.push(format!("{id}: {e:?} where PyTorch runs")),
    }
    for i in &case.inputs {
        let shape = Shape(i.input.clone());
        let got = inspect(spec, Some(&shape), case.batch, DEFAULT_BUDGET_BYTES)
            .map(|s| s.output().dims().to_vec())
            .ok();
        if got != i.output {
            bad.push(format!(
                "{id} on {shape}: mltutor {got:?}, PyTorch {:?}",
                i.output
            ));
        }
    }
    bad
}

#[test]
fn every_architecture_gives_pytorchs_figures() {
    let corpus = corpus();
    assert!(corpus.models.len() >= 300, "{}", corpus.models.len());
    let bad: Vec<String> = corpus.models.iter().flat_map(check).collect();
    assert!(
        bad.is_empty(),
        "{} disagreement(s) with PyTorch:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The corpus covers every convolution and pooling kind, valid and refused.
#[test]
fn the_corpus_covers_the_kinds() {
    let corpus = corpus();
    let names: std::collections::BTreeSet<&str> = corpus
        .models
        .iter()
        .flat_map(|c| c.spec.layers.iter().map(|l| l.layer.type_name()))
        .collect();
    for kind in [
        "Conv1d",
        "Conv2d",
        "ConvTranspose2d",
        "MaxPool1d",
        "MaxPool2d",
        "AvgPool1d",
        "AvgPool2d",
        "AdaptiveAvgPool1d",
        "AdaptiveAvgPool2d",
        "BatchNorm2d",
        "Linear",
        "ReLU",
        "GELU",
        "SiLU",
        "LeakyReLU",
        "ELU",
        "Sigmoid",
        "Tanh",
        "Softmax",
        "Flatten",
        "View",
        "Dropout",
        "BatchNorm1d",
        "LayerNorm",
        "GroupNorm",
        "Dropout2d",
        "LogSoftmax",
        "Mean",
        "Sum",
        "Transpose",
        "Permute",
        "Select",
        "Embedding",
        "RNN",
        "LSTM",
        "GRU",
        "FinalState",
        "FinalStateSqueeze",
        "MultiheadAttention",
        "TransformerEncoderLayer",
        "TransformerEncoder",
        "Identity",
        "Add",
        "Mul",
        "Cat",
        "Sequential",
        "Module",
    ] {
        assert!(names.contains(kind), "{kind} missing from the corpus");
    }
    assert!(corpus.models.iter().filter(|c| c.invalid).count() >= 10);
}

/// A model with every convolution and pooling argument, rendered as PyTorch code: the code
/// below was run in PyTorch 2.15 (`Net()(torch.randn(2, 4, 12, 10))` gives 2x40, 2,082
/// parameters), and it is what the student reads.
const ZOO: &str = r#"(id: "zoo", input: [4, 12, 10], layers: [
    (name: "conv1", layer: Conv2d(in: 4, out: 6, kernel: (3, 5), stride: (2, 1), padding: (1, 2), dilation: 2, groups: 2, bias: false)),
    (name: "conv2", layer: Conv2d(in: 6, out: 6, kernel: 2, padding: "same")),
    (name: "up", layer: ConvTranspose2d(in: 6, out: 4, kernel: 3, stride: 2, padding: 1, output_padding: 1, groups: 2)),
    (layer: MaxPool2d(kernel: 3, stride: 2, padding: 1, ceil_mode: true)),
    (layer: AvgPool2d(kernel: (2, 3), count_include_pad: false, padding: 1)),
    (name: "pool", layer: AdaptiveAvgPool2d(output_size: (2, 5))),
    (layer: Flatten),
    (name: "fc", layer: Linear(in: 40, out: 40)),
])"#;

#[test]
fn the_zoo_renders_as_pytorch_code() {
    let spec = mltutor::core::spec::parse_model(ZOO).unwrap();
    spec.validate().unwrap();
    let want = "\
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(4, 6, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), groups=2, bias=False, dilation=2)
        self.conv2 = nn.Conv2d(6, 6, kernel_size=2, padding='same')
        self.up = nn.ConvTranspose2d(6, 4, kernel_size=3, stride=2, padding=1, output_padding=1, groups=2)
        self.pool = nn.AdaptiveAvgPool2d((2, 5))
        self.fc = nn.Linear(40, 40)
    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        x = self.up(x)
        x = F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)
        x = F.avg_pool2d(x, (2, 3), padding=1, count_include_pad=False)
        x = self.pool(x)
        x = torch.flatten(x, 1)
        x = self.fc(x)
        return x
";
    assert_eq!(mltutor::core::codegen::pytorch_code(&spec), want);
    let s = inspect(&spec, None, 2, DEFAULT_BUDGET_BYTES).unwrap();
    assert_eq!(s.total_params(), 2082);
    assert_eq!(s.output().dims(), &[2, 40]);
}

/// The issue's example: PyTorch counts 8·(4/2)·3·3 + 8 = 152 parameters, not 296.
#[test]
fn groups_divide_the_weights() {
    let spec = mltutor::core::spec::parse_model(
        r#"(id: "g", input: [4, 6, 6], layers: [(name: "c", layer: Conv2d(in: 4, out: 8, kernel: 3, groups: 2))])"#,
    )
    .unwrap();
    let s = inspect(&spec, None, 1, DEFAULT_BUDGET_BYTES).unwrap();
    assert_eq!(s.total_params(), 152);
}

/// PyTorch's refusals, told in both languages with the fix.
#[test]
fn refused_arguments_are_explained() {
    use mltutor::core::i18n::Lang;
    let spec = |layer: &str, input: &str| {
        mltutor::core::spec::parse_model(&format!(
            r#"(id: "m", input: {input}, layers: [(name: "c", layer: {layer})])"#
        ))
        .unwrap()
    };
    let same = spec(
        r#"Conv2d(in: 3, out: 4, kernel: 3, stride: 2, padding: "same")"#,
        "[3, 8, 8]",
    );
    let e = same.validate().unwrap_err();
    assert!(e.render(Lang::en()).contains("stride 1"), "{e}");
    assert!(
        e.render(Lang::fr()).contains("pas de 1"),
        "{}",
        e.render(Lang::fr())
    );
    let groups = spec("Conv2d(in: 6, out: 8, kernel: 3, groups: 4)", "[6, 8, 8]");
    let e = groups.validate().unwrap_err().render(Lang::en());
    assert!(e.contains("divisible by groups (4)"), "{e}");
    let one_d = spec("Conv1d(in: 2, out: 2, kernel: (3, 5))", "[2, 8]");
    assert!(one_d
        .validate()
        .unwrap_err()
        .render(Lang::en())
        .contains("one number for kernel_size"));
    // A 1-d layer on an image, and a window that does not fit: the plan explains.
    let conv1d = spec("Conv1d(in: 2, out: 2, kernel: 3, dilation: 4)", "[2, 8]");
    let msg = |input: &str| match inspect(
        &conv1d,
        Some(&mltutor::core::shape::parse_shape(input).unwrap()),
        1,
        DEFAULT_BUDGET_BYTES,
    ) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("{input} runs"),
    };
    assert!(
        msg("2x8x8").contains("channels x length"),
        "{}",
        msg("2x8x8")
    );
    assert!(
        msg("2x8").contains("length of at least 9"),
        "{}",
        msg("2x8")
    );
}

/// `kernel: 3` and `kernel: (3, 5)`, `padding: "valid"`; anything else is refused.
#[test]
fn sizes_parse_as_pytorch_writes_them() {
    let parse = |layer: &str| {
        mltutor::core::spec::parse_model(&format!(
            r#"(id: "m", input: [1, 9, 9], layers: [(name: "c", layer: {layer})])"#
        ))
    };
    assert!(parse("Conv2d(in: 1, out: 1, kernel: (3, 5), padding: \"valid\")").is_ok());
    assert!(parse("Conv2d(in: 1, out: 1, kernel: 3, padding: (1, 2))").is_ok());
    assert!(parse("Conv2d(in: 1, out: 1, kernel: (3, 5, 7))").is_err());
    assert!(parse("Conv2d(in: 1, out: 1, kernel: 3, padding: \"full\")").is_err());
    assert!(parse("Conv2d(in: 1, out: 1, kernel: -3)").is_err());
}

/// Absurd sizes are refused by the plan (the memory budget), before anything is allocated.
#[test]
fn absurd_sizes_are_refused_before_allocating() {
    for (layer, input) in [
        (
            "ConvTranspose2d(in: 1, out: 1, kernel: 3, stride: 1000000000)",
            "[1, 5, 5]",
        ),
        ("AdaptiveAvgPool1d(output_size: 100000000)", "[1, 100000]"),
        (
            "AvgPool1d(kernel: 1, stride: 1, padding: 0, ceil_mode: true)",
            "[1, 1000000000]",
        ),
        (
            "Conv2d(in: 1, out: 1, kernel: (1, 3), dilation: 4000000000)",
            "[1, 5, 5]",
        ),
        ("Conv1d(in: 1, out: 1, kernel: 1000000000000)", "[1, 5]"),
    ] {
        let spec = mltutor::core::spec::parse_model(&format!(
            r#"(id: "m", input: {input}, layers: [(name: "c", layer: {layer})])"#
        ))
        .unwrap();
        let shape = Shape(spec.input.clone());
        assert!(
            inspect(&spec, Some(&shape), 1, DEFAULT_BUDGET_BYTES).is_err(),
            "{layer} on {input}"
        );
    }
}

/// The sample ResNet of `questions/models/resnet_mini.ron`: the code reads as a tutorial's,
/// and the counts are PyTorch's, by hand: stem 3·8·9 = 216 + BatchNorm 16, each block
/// 2·(8·8·9) + 2·16 = 1,184 (two blocks, each with its own weights), fc 8·10 + 10 = 90:
/// 2,690 parameters; five BatchNorms of 8 + 8 + 1 buffers: 85.
#[test]
fn the_sample_resnet_renders_and_counts_as_pytorch() {
    let text = include_str!("../questions/models/resnet_mini.ron");
    let spec = mltutor::core::spec::parse_model(text).unwrap();
    spec.validate().unwrap();
    let code = mltutor::core::codegen::pytorch_code(&spec);
    for line in [
        "class BasicBlock(nn.Module):",
        "        identity = x\n        out = self.conv1(x)\n        out = self.bn1(out)\n",
        "        out = out + identity\n        out = F.relu(out)\n        return out\n\nclass ResNetMini(nn.Module):",
        "        self.stem = nn.Sequential(\n            nn.Conv2d(3, 8, kernel_size=3, padding=1, bias=False),\n            nn.BatchNorm2d(8),\n            nn.ReLU(),\n        )\n",
        "        self.layer1 = BasicBlock()\n        self.layer2 = BasicBlock()\n",
        "        x = self.layer2(x)\n",
    ] {
        assert!(code.contains(line), "{line}\nnot in\n{code}");
    }
    let s = inspect(&spec, None, 2, DEFAULT_BUDGET_BYTES).unwrap();
    assert_eq!(s.total_params(), 2690);
    assert_eq!(s.buffers(), 85);
    assert_eq!(s.output().dims(), &[2, 10]);
    let labels: Vec<&str> = s.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        &labels[..5],
        ["stem.0", "stem.1", "stem.2", "layer1.conv1", "layer1.bn1"]
    );
    assert!(labels.contains(&"layer2.conv2"));
    assert!(labels.contains(&"out + identity"));
}

/// A chain written with the new fields by hand means the same chain.
#[test]
fn defaults_keep_a_chain_a_chain() {
    let plain = r#"(id: "m", input: [4], layers: [(name: "fc1", layer: Linear(in: 4, out: 3)), (layer: ReLU), (name: "fc2", layer: Linear(in: 3, out: 2))])"#;
    let wired = r#"(id: "m", input: [4], layers: [(name: "fc1", layer: Linear(in: 4, out: 3), from: "x", to: "x"), (layer: ReLU, from: "x"), (name: "fc2", layer: Linear(in: 3, out: 2), to: "x")])"#;
    let (a, b) = (
        mltutor::core::spec::parse_model(plain).unwrap(),
        mltutor::core::spec::parse_model(wired).unwrap(),
    );
    b.validate().unwrap();
    assert_eq!(
        mltutor::core::codegen::pytorch_code(&a),
        mltutor::core::codegen::pytorch_code(&b)
    );
    assert!(mltutor::core::spec::lower(&b).unwrap().is_chain());
}

/// Wiring mistakes are refused before anything runs, and shapes that do not combine are
/// explained with both shapes, in English and in French.
#[test]
fn graph_mistakes_are_explained() {
    use mltutor::core::i18n::Lang;
    let model = |layers: &str| {
        mltutor::core::spec::parse_model(&format!(
            r#"(id: "m", input: [2, 6, 6], layers: [{layers}])"#
        ))
        .unwrap()
    };
    let conv = r#"(name: "conv1", layer: Conv2d(in: 2, out: 4, kernel: 3, padding: 1), from: "x", to: "out")"#;
    let refused = |layers: &str| {
        let e = model(layers).validate().unwrap_err();
        (e.render(Lang::en()), e.render(Lang::fr()))
    };
    let (en, fr) = refused(&format!(
        r#"{conv}, (layer: Add, from: ["out", "idenity"])"#
    ));
    assert!(
        en.contains("`idenity`") && en.contains("`x`, `out`"),
        "{en}"
    );
    assert!(fr.contains("`idenity`"), "{fr}");
    let (en, _) = refused(&format!(r#"(layer: Add, from: ["x", "out"]), {conv}"#));
    assert!(en.contains("before"), "{en}");
    let (en, fr) = refused(&format!(
        r#"{conv}, (name: "conv2", layer: Conv2d(in: 2, out: 2, kernel: 1), from: "x", to: "y"), (layer: ReLU, from: "out")"#
    ));
    assert!(
        en.contains("conv2") && en.contains("count its parameters"),
        "{en}"
    );
    assert!(fr.contains("compterait ses paramètres"), "{fr}");
    let (en, _) = refused(r#"(name: "plus", layer: Add, from: ["x", "x"])"#);
    assert!(en.contains("remove its `name`"), "{en}");
    let (en, _) = refused(r#"(layer: Module("Block"))"#);
    assert!(en.contains("`name`"), "{en}");
    // 4 channels against 2: the skip connection needs a projection.
    let add = model(&format!(r#"{conv}, (layer: Add, from: ["out", "x"])"#));
    add.validate().unwrap();
    let e = inspect(&add, None, 1, DEFAULT_BUDGET_BYTES).unwrap_err();
    let (en, fr) = (e.render(Lang::en()), e.render(Lang::fr()));
    assert!(
        en.contains("4x6x6 and 2x6x6") && en.contains("Dimension 1"),
        "{en}"
    );
    assert!(
        fr.contains("4x6x6 et 2x6x6") && fr.contains("dimension 1"),
        "{fr}"
    );
    // torch.cat along the channels joins them: 4 + 2 = 6.
    let cat = model(&format!(
        r#"{conv}, (layer: Cat(dim: 1), from: ["out", "x"])"#
    ));
    let s = inspect(&cat, None, 3, DEFAULT_BUDGET_BYTES).unwrap();
    assert_eq!(s.output().dims(), &[3, 6, 6, 6]);
    assert!(mltutor::core::codegen::pytorch_code(&cat)
        .contains("out = torch.cat([out, x], dim=1)\n        return out\n"));
    let wrong = mltutor::core::shape::parse_shape("2x6x7").unwrap();
    assert!(inspect(&cat, Some(&wrong), 1, DEFAULT_BUDGET_BYTES).is_ok());
}
