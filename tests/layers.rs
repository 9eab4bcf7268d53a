//! Normalisations, `Dropout2d` and operations over dimensions (issue 11): the PyTorch code
//! they render, their counts and shapes, and the refusals explained in both languages.

use mltutor::core::i18n::Lang;
use mltutor::core::plan::DEFAULT_BUDGET_BYTES;
use mltutor::core::shape::parse_shape;
use mltutor::core::spec::{parse_model, ModelSpec};
use mltutor::engine::inspect;

const MODULES: &str = r#"(id: "norms", input: [4, 6, 5], layers: [
    (name: "bn", layer: BatchNorm2d(features: 4, affine: false)),
    (name: "gn", layer: GroupNorm(num_groups: 2, num_channels: 4)),
    (layer: Dropout2d(p: 0.25)),
    (name: "ln", layer: LayerNorm(normalized_shape: (6, 5), bias: false)),
    (layer: FlattenDims(start_dim: 2)),
    (layer: Transpose(dim0: 1, dim1: 2)),
    (name: "bn1", layer: BatchNorm1d(features: 30, track_running_stats: false)),
    (layer: Permute(dims: [0, 2, 1])),
    (layer: Mean(dim: -1, keepdim: true)),
    (layer: Select(dim: -1, index: 0)),
    (name: "fc", layer: Linear(in: 4, out: 3)),
    (layer: LogSoftmax(dim: 1)),
])"#;

const FUNCTIONAL: &str = r#"(id: "forms", input: [4, 3, 5], layers: [
    (layer: GroupNorm(num_groups: 2, num_channels: 4, affine: false)),
    (layer: LayerNorm(normalized_shape: 5, elementwise_affine: false)),
    (name: "drop", layer: Dropout2d()),
    (layer: BatchNorm2d(features: 4, affine: false, track_running_stats: false)),
    (layer: Sum(dim: 2)),
    (layer: Select(dim: 1, index: -1)),
    (name: "flat", layer: FlattenDims(start_dim: 1, end_dim: -1)),
    (name: "out", layer: LogSoftmax()),
])"#;

fn model(text: &str) -> ModelSpec {
    let spec = parse_model(text).unwrap();
    spec.validate().unwrap();
    spec
}

/// The code below was run in PyTorch 2.15 with torchinfo 1.8: `Net()(torch.randn(2, 4, 6, 5))`
/// gives 2x3, 113 parameters, 9 buffers (the first batch norm's running mean and variance
/// and its counter) and 226 mult-adds.
#[test]
fn norms_and_dimension_operations_render_and_count_as_pytorch() {
    let spec = model(MODULES);
    let want = "\
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.bn = nn.BatchNorm2d(4, affine=False)
        self.gn = nn.GroupNorm(2, 4)
        self.ln = nn.LayerNorm((6, 5), bias=False)
        self.bn1 = nn.BatchNorm1d(30, track_running_stats=False)
        self.fc = nn.Linear(4, 3)
    def forward(self, x):
        x = self.bn(x)
        x = self.gn(x)
        x = F.dropout2d(x, p=0.25, training=self.training)
        x = self.ln(x)
        x = torch.flatten(x, 2)
        x = x.transpose(1, 2)
        x = self.bn1(x)
        x = x.permute(0, 2, 1)
        x = x.mean(dim=-1, keepdim=True)
        x = x[..., 0]
        x = self.fc(x)
        x = F.log_softmax(x, dim=1)
        return x
";
    assert_eq!(mltutor::core::codegen::pytorch_code(&spec), want);
    let s = inspect(&spec, None, 2, DEFAULT_BUDGET_BYTES).unwrap();
    assert_eq!(
        (s.total_params(), s.trainable(), s.buffers(), s.mult_adds()),
        (113, 113, 9, 226)
    );
    assert_eq!(s.output().dims(), &[2, 3]);
}

/// The functional forms where PyTorch has them, and the module forms of the rest; run in
/// PyTorch 2.15 on a 2x4x3x5 batch: 2x5, nothing counted.
#[test]
fn functional_and_module_forms() {
    let spec = model(FUNCTIONAL);
    let want = "\
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.drop = nn.Dropout2d(p=0.5)
        self.flat = nn.Flatten()
        self.out = nn.LogSoftmax(dim=-1)
    def forward(self, x):
        x = F.group_norm(x, 2)
        x = F.layer_norm(x, (5,))
        x = self.drop(x)
        x = F.batch_norm(x, None, None, training=True)
        x = x.sum(dim=2)
        x = x[:, -1]
        x = self.flat(x)
        x = self.out(x)
        return x
";
    assert_eq!(mltutor::core::codegen::pytorch_code(&spec), want);
    let s = inspect(&spec, None, 2, DEFAULT_BUDGET_BYTES).unwrap();
    assert_eq!((s.total_params(), s.buffers(), s.mult_adds()), (0, 0, 0));
    assert_eq!(s.output().dims(), &[2, 5]);
}

fn one(layer: &str, input: &str) -> ModelSpec {
    parse_model(&format!(
        r#"(id: "m", input: {input}, layers: [(name: "l", layer: {layer})])"#
    ))
    .unwrap()
}

/// Counts by PyTorch's formulas, by hand: LayerNorm(10) is γ and β of 10; GroupNorm(2, 8)
/// one γ and β per channel; BatchNorm1d(16) 2·16 trainable and 2·16 + 1 buffers.
#[test]
fn counts_by_hand() {
    for (layer, input, params, buffers, out) in [
        (
            "LayerNorm(normalized_shape: 10)",
            "[7, 10]",
            20,
            0,
            vec![7, 10],
        ),
        (
            "LayerNorm(normalized_shape: 10, bias: false)",
            "[10]",
            10,
            0,
            vec![10],
        ),
        (
            "GroupNorm(num_groups: 2, num_channels: 8)",
            "[8, 5, 5]",
            16,
            0,
            vec![8, 5, 5],
        ),
        ("BatchNorm1d(features: 16)", "[16]", 32, 33, vec![16]),
        (
            "BatchNorm1d(features: 16, affine: false)",
            "[16, 9]",
            0,
            33,
            vec![16, 9],
        ),
        (
            "BatchNorm2d(features: 3, track_running_stats: false)",
            "[3, 4, 4]",
            6,
            0,
            vec![3, 4, 4],
        ),
        ("FlattenDims(start_dim: 2)", "[3, 4, 5]", 0, 0, vec![3, 20]),
        (
            "FlattenDims(start_dim: 1, end_dim: 2)",
            "[3, 4, 5]",
            0,
            0,
            vec![12, 5],
        ),
        (
            "Permute(dims: [0, 3, 1, 2])",
            "[3, 4, 5]",
            0,
            0,
            vec![5, 3, 4],
        ),
        ("Select(dim: 1, index: -1)", "[50, 20]", 0, 0, vec![20]),
        ("Mean(dim: 1)", "[50, 20]", 0, 0, vec![20]),
        ("Sum(dim: -1, keepdim: true)", "[50, 20]", 0, 0, vec![50, 1]),
    ] {
        let spec = one(layer, input);
        spec.validate().unwrap();
        let s = inspect(&spec, None, 1, DEFAULT_BUDGET_BYTES).unwrap();
        assert_eq!((s.trainable(), s.buffers()), (params, buffers), "{layer}");
        assert_eq!(s.output().dims()[1..], out[..], "{layer}");
    }
}

/// `Flatten` alone stays `nn.Flatten()`, as `FlattenDims()` is.
#[test]
fn flatten_alone_is_unchanged() {
    for layer in ["Flatten", "FlattenDims()"] {
        let spec = parse_model(&format!(
            r#"(id: "m", input: [3, 4, 5], layers: [(name: "f", layer: {layer})])"#
        ))
        .unwrap();
        assert!(mltutor::core::codegen::pytorch_code(&spec).contains("self.f = nn.Flatten()"));
        let s = inspect(&spec, None, 2, DEFAULT_BUDGET_BYTES).unwrap();
        assert_eq!(s.output().dims(), &[2, 60]);
    }
}

fn refusal(layer: &str, input: &str, shape: &str, lang: Lang) -> String {
    let spec = one(layer, input);
    if let Err(e) = spec.validate() {
        return e.render(lang);
    }
    match inspect(
        &spec,
        Some(&parse_shape(shape).unwrap()),
        1,
        DEFAULT_BUDGET_BYTES,
    ) {
        Err(e) => e.render(lang),
        Ok(_) => panic!("{layer} runs on {shape}"),
    }
}

/// What PyTorch refuses, mltutor refuses and explains, in both languages.
#[test]
fn refusals_are_explained() {
    let en = |l: &str, s: &str| refusal(l, "[8, 4, 4]", s, Lang::en());
    let fr = |l: &str, s: &str| refusal(l, "[8, 4, 4]", s, Lang::fr());
    let groups = "GroupNorm(num_groups: 3, num_channels: 8)";
    assert!(en(groups, "8x4x4").contains("divisible by num_groups (3)"));
    assert!(fr(groups, "8x4x4").contains("divisible par num_groups (3)"));
    let batch = "FlattenDims(start_dim: 0)";
    assert!(
        en(batch, "8x4x4").contains("batch"),
        "{}",
        en(batch, "8x4x4")
    );
    assert!(fr(batch, "8x4x4").contains("lot"), "{}", fr(batch, "8x4x4"));
    let index = "Select(dim: 1, index: 8)";
    assert!(
        en(index, "8x4x4").contains("between -8 and 7"),
        "{}",
        en(index, "8x4x4")
    );
    let ln = "LayerNorm(normalized_shape: (4, 5))";
    assert!(
        en(ln, "8x4x4").contains("ending with 4x5"),
        "{}",
        en(ln, "8x4x4")
    );
    let perm = "Permute(dims: [0, 2, 1])";
    assert!(
        en(perm, "8x4x4").contains("4 dimensions in permute"),
        "{}",
        en(perm, "8x4x4")
    );
    let bn1 = "BatchNorm1d(features: 8)";
    assert!(
        en(bn1, "8x4x4").contains("BatchNorm2d"),
        "{}",
        en(bn1, "8x4x4")
    );
    let dim = "Mean(dim: 4)";
    assert!(
        en(dim, "8x4x4").contains("between -4 and 3"),
        "{}",
        en(dim, "8x4x4")
    );
}

/// A text classifier's front: `nn.Embedding(1000, 64, padding_idx=0)` holds 1000·64 = 64,000
/// weights; a sequence of 50 token ids becomes 50x64 (torchinfo: 64,000 mult-adds per sample).
#[test]
fn embedding_takes_token_ids() {
    let spec = parse_model(
        r#"(id: "text", input: [50], layers: [
            (name: "emb", layer: Embedding(num_embeddings: 1000, embedding_dim: 64, padding_idx: 0)),
            (layer: Mean(dim: 1)),
            (name: "fc", layer: Linear(in: 64, out: 2)),
        ])"#,
    )
    .unwrap();
    spec.validate().unwrap();
    assert!(mltutor::core::codegen::pytorch_code(&spec)
        .contains("self.emb = nn.Embedding(1000, 64, padding_idx=0)"));
    let s = inspect(&spec, None, 2, DEFAULT_BUDGET_BYTES).unwrap();
    assert_eq!(s.total_params(), 64_000 + 130);
    assert_eq!(s.mult_adds(), 2 * (64_000 + 130));
    assert_eq!(s.output().dims(), &[2, 2]);
    // Another sequence length runs as well.
    let s = inspect(
        &spec,
        Some(&parse_shape("7").unwrap()),
        2,
        DEFAULT_BUDGET_BYTES,
    )
    .unwrap();
    assert_eq!(s.output().dims(), &[2, 2]);
    // padding_idx must be an id of the vocabulary, as PyTorch asserts.
    let bad = one(
        "Embedding(num_embeddings: 10, embedding_dim: 4, padding_idx: -11)",
        "[5]",
    );
    let e = bad.validate().unwrap_err();
    assert!(e.render(Lang::en()).contains("between -10 and 9"), "{e}");
    assert!(e.render(Lang::fr()).contains("entre -10 et 9"));
}

/// candle's RNN, LSTM and GRU give PyTorch's values: every weight set to sin(0.37·k)/2 (k its
/// index in its tensor), the input cos(0.11·k), two layers, both directions; PyTorch 2.15 in
/// f64 gave the first values and the sum of each 2x4x4 output.
#[test]
fn recurrent_layers_compute_pytorchs_values() {
    use candle_core::{DType, Device, Tensor};
    let want: [(&str, bool, [f64; 6], f64); 6] = [
        (
            "RNN",
            true,
            [
                0.670563985,
                0.912711685,
                0.756789761,
                0.977358508,
                0.746654045,
                0.976544461,
            ],
            11.695159291,
        ),
        (
            "RNN",
            false,
            [
                0.654949891,
                0.907932436,
                0.726697827,
                0.962651556,
                0.623259523,
                0.892690278,
            ],
            15.483076649,
        ),
        (
            "LSTM",
            true,
            [
                0.273591034,
                0.263808092,
                0.470374407,
                0.450355978,
                0.383961209,
                0.357026437,
            ],
            12.094266133,
        ),
        (
            "LSTM",
            false,
            [
                0.284092837,
                0.271229702,
                0.388711797,
                0.379024784,
                0.289773163,
                0.274229338,
            ],
            10.573435752,
        ),
        (
            "GRU",
            true,
            [
                0.247146172,
                0.20496873,
                0.541250666,
                0.477507024,
                0.392959147,
                0.333888259,
            ],
            14.852880972,
        ),
        (
            "GRU",
            false,
            [
                0.256256867,
                0.229639828,
                0.391377949,
                0.397285802,
                0.264520062,
                0.248505846,
            ],
            11.348464315,
        ),
    ];
    let dev = Device::Cpu;
    for (kind, batch_first, first, sum) in want {
        let spec = parse_model(&format!(
            r#"(id: "r", input: [4, 3], layers: [(name: "r", layer: {kind}(input_size: 3, hidden_size: 2, num_layers: 2, batch_first: {batch_first}, bidirectional: true))])"#
        ))
        .unwrap();
        let net = mltutor::engine::Network::with_dtype(&spec, 0, &dev, DType::F64).unwrap();
        for var in net.varmap.data().lock().unwrap().values() {
            let t = var.as_tensor();
            let v: Vec<f64> = (0..t.elem_count())
                .map(|k| (k as f64 * 0.37).sin() * 0.5)
                .collect();
            var.set(&Tensor::from_vec(v, t.dims(), &dev).unwrap())
                .unwrap();
        }
        let x: Vec<f64> = (0..24).map(|k| (k as f64 * 0.11).cos()).collect();
        let x = Tensor::from_vec(x, (2, 4, 3), &dev).unwrap();
        let y = net.forward(&x, false).unwrap();
        assert_eq!(y.dims(), &[2, 4, 4]);
        let got: Vec<f64> = y.flatten_all().unwrap().to_vec1().unwrap();
        for (g, w) in got.iter().zip(first) {
            assert!((g - w).abs() < 1e-8, "{kind} {batch_first}: {got:?}");
        }
        let total: f64 = got.iter().sum();
        assert!((total - sum).abs() < 1e-7, "{kind} {batch_first}: {total}");
    }
}

/// PyTorch's counts: LSTM(10, 20) has 4·(10·20 + 20·20 + 20 + 20) = 2,560 parameters; a
/// two-layer bidirectional GRU(8, 16) has 2·3·16·(8 + 16 + 2) + 2·3·16·(32 + 16 + 2) = 7,296.
#[test]
fn recurrent_counts_and_code() {
    let spec = parse_model(
        r#"(id: "text", input: [50], layers: [
            (name: "emb", layer: Embedding(num_embeddings: 100, embedding_dim: 10)),
            (name: "lstm", layer: LSTM(input_size: 10, hidden_size: 20, batch_first: true)),
            (layer: Select(dim: 1, index: -1)),
            (name: "fc", layer: Linear(in: 20, out: 2)),
        ])"#,
    )
    .unwrap();
    spec.validate().unwrap();
    let code = mltutor::core::codegen::pytorch_code(&spec);
    assert!(
        code.contains("self.lstm = nn.LSTM(10, 20, batch_first=True)"),
        "{code}"
    );
    let s = inspect(&spec, None, 1, DEFAULT_BUDGET_BYTES).unwrap();
    let rows: Vec<u64> = s.rows.iter().map(|r| r.counts.trainable).collect();
    assert_eq!(rows, vec![1000, 2560, 0, 42]);
    assert_eq!(s.output().dims(), &[1, 2]);
    let gru = one(
        "GRU(input_size: 8, hidden_size: 16, num_layers: 2, bidirectional: true)",
        "[5, 8]",
    );
    let s = inspect(&gru, None, 1, DEFAULT_BUDGET_BYTES).unwrap();
    assert_eq!(s.total_params(), 7296);
    assert_eq!(s.output().dims(), &[1, 5, 32]);
    assert!(mltutor::core::codegen::pytorch_code(&gru)
        .contains("nn.GRU(8, 16, num_layers=2, bidirectional=True)"));
}
