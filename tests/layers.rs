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
