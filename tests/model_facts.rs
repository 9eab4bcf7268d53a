//! Model facts computed with candle, checked against values derived by hand from
//! PyTorch's documented formulas:
//!   Conv2d params = out·in·k² (+ out bias); H_out = ⌊(H + 2p − k)/s⌋ + 1
//!   Linear params = out·in (+ out bias); MaxPool2d(k): H_out = ⌊(H − k)/k⌋ + 1

use mltutor::core::plan::{plan, PlanError, DEFAULT_BUDGET_BYTES};
use mltutor::core::shape::{parse_shape, Shape};
use mltutor::core::spec::{builtin_models, parse_model, ModelSpec};
use mltutor::core::summary::{InspectError, Summary};
use mltutor::engine::inspect;

fn exam_cnn() -> ModelSpec {
    builtin_models()
        .into_iter()
        .find(|m| m.id == "exam_cnn")
        .unwrap()
}

fn run(spec: &ModelSpec, input: &str, batch: usize) -> Result<Summary, InspectError> {
    inspect(
        spec,
        Some(&parse_shape(input).unwrap()),
        batch,
        DEFAULT_BUDGET_BYTES,
    )
}

fn mismatch_at(spec: &ModelSpec, input: &str) -> (usize, String) {
    match run(spec, input, 1) {
        Err(InspectError::Plan(PlanError::Mismatch(m))) => (m.position, m.to_string()),
        other => panic!("{input}: expected a shape mismatch, got {other:?}"),
    }
}

#[test]
fn exam_cnn_parameters_per_layer_from_tensors() {
    let s = run(&exam_cnn(), "3x40x40", 1).unwrap();
    let params: Vec<u64> = s.rows.iter().map(|r| r.counts.trainable).collect();
    // conv1: 10·3·3·3 + 10 = 280; conv2: 10·10·5·5 + 10 = 2510;
    // fc1: 1000·50, no bias = 50000; fc2: 50·10 + 10 = 510.
    assert_eq!(params, vec![280, 0, 0, 2510, 0, 0, 0, 50000, 0, 510]);
    // 280 + 2510 + 50000 + 510. The correction's "53600" is an arithmetic slip.
    assert_eq!(s.total_params(), 53_300);
    assert_eq!(s.non_trainable(), 0);
}

#[test]
fn exam_cnn_shapes_from_forward_pass() {
    let s = run(&exam_cnn(), "3x40x40", 2).unwrap();
    let shapes: Vec<Vec<usize>> = s.rows.iter().map(|r| r.output.0.clone()).collect();
    assert_eq!(
        shapes,
        vec![
            vec![2, 10, 40, 40], // (40 + 2 − 3)/1 + 1 = 40
            vec![2, 10, 40, 40],
            vec![2, 10, 20, 20],
            vec![2, 10, 20, 20], // (20 + 4 − 5)/1 + 1 = 20
            vec![2, 10, 20, 20],
            vec![2, 10, 10, 10],
            vec![2, 1000],
            vec![2, 50],
            vec![2, 50],
            vec![2, 10],
        ]
    );
}

#[test]
fn exam_cnn_mult_adds_as_torchinfo_counts() {
    let s = run(&exam_cnn(), "3x40x40", 1).unwrap();
    // conv: params × H_out × W_out; linear: params.
    assert_eq!(s.mult_adds(), 280 * 1600 + 2510 * 400 + 50_000 + 510);
}

#[test]
fn inputs_that_fit() {
    // Each reaches 10x10x10 = 1000 before the view (10x5x20 for 3x20x80).
    for input in [
        "3x40x40",
        "3x20x80",
        "3x80x20",
        "3x41x41",
        "3x43x43",
        "(3, 8, 200)",
    ] {
        let s = run(&exam_cnn(), input, 1).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(s.output().0, vec![1, 10], "{input}");
    }
}

#[test]
fn inputs_that_do_not_fit_name_the_layer() {
    let cnn = exam_cnn();
    // 32 → 16 → 8: 10x8x8 = 640 reaches the view.
    let (at, msg) = mismatch_at(&cnn, "3x32x32");
    assert_eq!(at, 7);
    for part in [
        "x.view(-1, 1000)",
        "1000 features per sample",
        "conv2",
        "10x8x8 = 640",
        "3x32x32",
    ] {
        assert!(msg.contains(part), "missing `{part}` in: {msg}");
    }
    // One channel instead of three.
    let (at, msg) = mismatch_at(&cnn, "1x40x40");
    assert_eq!(at, 1);
    assert!(
        msg.contains("3 input channels") && msg.contains("conv1"),
        "{msg}"
    );
    // No channel dimension at all.
    let (at, msg) = mismatch_at(&cnn, "40x40");
    assert_eq!(at, 1);
    assert!(msg.contains("channels x height x width"), "{msg}");
    // 2 → conv1 2 → pool 1 → conv2 (1 + 4 − 5) + 1 = 1 → pool 2 does not fit in 1.
    let (at, msg) = mismatch_at(&cnn, "3x2x2");
    assert_eq!(at, 6);
    assert!(msg.contains("at least 2"), "{msg}");
    // 2000 features per sample: PyTorch would silently mix samples; refused and explained.
    let (at, msg) = mismatch_at(&cnn, "3x80x40");
    assert_eq!(at, 7);
    assert!(msg.contains("2000") && msg.contains("mixed"), "{msg}");
    // 250 per sample: a view only works on batches that glue 4 samples per row.
    let (_, msg) = mismatch_at(&cnn, "3x20x20");
    assert!(msg.contains("250") && msg.contains("4 samples"), "{msg}");
}

const EVERY_KIND: &str = r#"(
    id: "every_kind",
    input: [3, 40, 40],
    layers: [
        (name: "conv", layer: Conv2d(in: 3, out: 8, kernel: 3, stride: 2)),
        (name: "bn", layer: BatchNorm2d(features: 8)),
        (layer: Tanh),
        (layer: AvgPool2d(kernel: 3, stride: 2)),
        (layer: MaxPool2d(kernel: 2)),
        (layer: Dropout(p: 0.25)),
        (layer: Flatten),
        (name: "fc", layer: Linear(in: 128, out: 5, bias: false)),
        (layer: Sigmoid),
        (name: "head", layer: Linear(in: 5, out: 3)),
        (layer: Softmax(dim: 1)),
    ],
)"#;

#[test]
fn every_layer_kind_counts_and_shapes() {
    let spec = parse_model(EVERY_KIND).unwrap();
    let s = run(&spec, "3x40x40", 1).unwrap();
    let got: Vec<(u64, u64, Vec<usize>)> = s
        .rows
        .iter()
        .map(|r| (r.counts.trainable, r.counts.buffers, r.output.0.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (8 * 3 * 9 + 8, 0, vec![1, 8, 19, 19]), // (40 − 3)/2 + 1 = 19
            // γ, β trainable; running mean and variance (8 + 8) and num_batches_tracked buffers
            (16, 17, vec![1, 8, 19, 19]),
            (0, 0, vec![1, 8, 19, 19]),
            (0, 0, vec![1, 8, 9, 9]), // (19 − 3)/2 + 1 = 9
            (0, 0, vec![1, 8, 4, 4]), // (9 − 2)/2 + 1 = 4
            (0, 0, vec![1, 8, 4, 4]),
            (0, 0, vec![1, 128]),
            (640, 0, vec![1, 5]),
            (0, 0, vec![1, 5]),
            (18, 0, vec![1, 3]),
            (0, 0, vec![1, 3]),
        ]
    );
}

#[test]
fn linear_on_unflattened_input_is_explained() {
    let spec = parse_model(
        r#"(id: "m", input: [3, 8, 8], layers: [(name: "conv", layer: Conv2d(in: 3, out: 4, kernel: 1)), (name: "fc", layer: Linear(in: 256, out: 2))])"#,
    )
    .unwrap();
    let (at, msg) = mismatch_at(&spec, "3x8x8");
    assert_eq!(at, 2);
    // 4x8x8 reaches fc, whose last dimension is 8, not 256 = 4·8·8.
    assert!(
        msg.contains("256 features") && msg.contains("last dimension 8"),
        "{msg}"
    );
    assert!(msg.contains("flatten"), "{msg}");
}

#[test]
fn memory_budget_refuses_before_allocating() {
    let huge = parse_model(
        r#"(id: "huge", input: [100000], layers: [(name: "fc", layer: Linear(in: 100000, out: 100000))])"#,
    )
    .unwrap();
    // 10^10 weights × 4 bytes = 40 GB, far over 512 MiB.
    match inspect(&huge, None, 1, DEFAULT_BUDGET_BYTES) {
        Err(InspectError::Plan(e @ PlanError::OverBudget { .. })) => {
            let msg = e.to_string();
            assert!(
                msg.contains("Refused before allocating") && msg.contains("512.0 MiB"),
                "{msg}"
            );
        }
        other => panic!("expected a budget refusal, got {other:?}"),
    }
    // A huge input on a small model: activations over budget.
    let err = run(&exam_cnn(), "3x20000x20000", 1).unwrap_err();
    assert!(
        matches!(err, InspectError::Plan(PlanError::OverBudget { .. })),
        "{err:?}"
    );
    // A configurable budget: the exam CNN fits in 512 MiB but not in 100 KiB.
    let err = inspect(&exam_cnn(), None, 1, 100 * 1024).unwrap_err();
    assert!(matches!(
        err,
        InspectError::Plan(PlanError::OverBudget { .. })
    ));
}

/// Small input and output, but a convolution whose padded input is enormous: 100,000
/// channels of (1 + 2·1000)² floats, 1.6 TB, would abort the process when allocated; it is
/// refused with the budget's message instead.
#[test]
fn a_convolution_working_buffer_over_budget_is_refused() {
    let spec = parse_model(
        r#"(id: "padded", input: [100000, 1, 1], layers: [
            (name: "conv", layer: Conv2d(in: 100000, out: 1, kernel: 1, padding: 1000))])"#,
    )
    .unwrap();
    match inspect(&spec, None, 1, DEFAULT_BUDGET_BYTES) {
        Err(InspectError::Plan(e @ PlanError::OverBudget { .. })) => {
            let msg = e.to_string();
            assert!(
                msg.contains("working buffers") && msg.contains("GiB"),
                "{msg}"
            );
        }
        other => panic!("expected a budget refusal, got {other:?}"),
    }
    // The same layer with a sensible padding runs.
    let fine = parse_model(
        r#"(id: "fine", input: [100, 4, 4], layers: [
            (name: "conv", layer: Conv2d(in: 100, out: 1, kernel: 3, padding: 1))])"#,
    )
    .unwrap();
    assert!(inspect(&fine, None, 1, DEFAULT_BUDGET_BYTES).is_ok());
}

#[test]
fn absurd_sizes_do_not_overflow() {
    let spec = parse_model(&format!(
        r#"(id: "absurd", input: [3, 4, 4], layers: [(name: "c", layer: Conv2d(in: 3, out: {}, kernel: {}))])"#,
        usize::MAX / 2,
        usize::MAX / 3
    ))
    .unwrap();
    assert!(matches!(
        inspect(&spec, None, 1, DEFAULT_BUDGET_BYTES),
        Err(InspectError::Plan(PlanError::OverBudget { .. }))
    ));
}

#[test]
fn perceptron_has_23_parameters() {
    let p = builtin_models()
        .into_iter()
        .find(|m| m.id == "perceptron")
        .unwrap();
    let s = inspect(&p, None, 1, DEFAULT_BUDGET_BYTES).unwrap();
    assert_eq!(s.total_params(), 22 + 1);
    assert_eq!(s.output(), &Shape(vec![1, 1]));
}

#[test]
fn spec_defects_are_named() {
    let unnamed =
        parse_model(r#"(id: "m", input: [4], layers: [(layer: Linear(in: 4, out: 2))])"#).unwrap();
    let e = unnamed.validate().unwrap_err().to_string();
    assert!(e.contains("give it a name"), "{e}");
    let dup = parse_model(
        r#"(id: "m", input: [4], layers: [(name: "a", layer: Linear(in: 4, out: 4)), (name: "a", layer: Linear(in: 4, out: 2))])"#,
    )
    .unwrap();
    assert!(dup
        .validate()
        .unwrap_err()
        .to_string()
        .contains("used twice"));
    let view = parse_model(r#"(id: "m", input: [4], layers: [(layer: View(2, 2))])"#).unwrap();
    assert!(view
        .validate()
        .unwrap_err()
        .to_string()
        .contains("view(-1, N)"));
}

#[test]
fn rendered_code_is_the_exams() {
    // Typed from the correction's listing of question 4 (its indentation normalised).
    let expected = "\
class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.conv1 = nn.Conv2d(3, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 10, kernel_size=5, padding=2)
        self.fc1 = nn.Linear(1000, 50, bias=False)
        self.fc2 = nn.Linear(50, 10)
    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = x.view(-1, 1000)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x
";
    assert_eq!(mltutor::core::codegen::pytorch_code(&exam_cnn()), expected);
}

#[test]
fn linear_evidence_matches_the_formula() {
    let p = builtin_models()
        .into_iter()
        .find(|m| m.id == "perceptron")
        .unwrap();
    let ev = mltutor::engine::linear_evidence(&p, 7).unwrap();
    assert_eq!(ev.x.len(), 22);
    assert_eq!(ev.w.len(), 22);
    // The term-by-term sum is plain Rust arithmetic, independent of candle's matmul.
    assert!(
        (ev.candle_output as f64 - ev.term_by_term).abs() < 1e-5,
        "{ev:?}"
    );
    // PyTorch's default init bound for fan_in 22: 1/sqrt(22).
    let bound = 1.0 / 22f32.sqrt();
    assert!(ev.w.iter().all(|w| w.abs() <= bound) && ev.b.abs() <= bound);
}

/// The plan's arithmetic (PyTorch's formulas, kept with each layer kind) agrees with
/// candle's tensors and forward pass for every kind: parameters, buffers, shapes.
#[test]
fn every_kind_plan_agrees_with_the_tensors() {
    let spec = parse_model(EVERY_KIND).unwrap();
    let input = parse_shape("3x40x40").unwrap();
    let planned = plan(&spec, &input, 2, DEFAULT_BUDGET_BYTES).unwrap();
    let s = run(&spec, "3x40x40", 2).unwrap();
    assert_eq!(planned.layers.len(), s.rows.len());
    for (p, row) in planned.layers.iter().zip(&s.rows) {
        assert_eq!(
            (p.params, p.buffers),
            (row.counts.trainable, row.counts.buffers),
            "{}",
            row.label
        );
        assert_eq!(&row.output.0[1..], p.out.dims(), "{}", row.label);
    }
    // 4 bytes per parameter and buffer: 224 + 33 + 640 + 18 = 915 floats (BatchNorm2d(8):
    // 16 parameters, 16 + 16 + 1 buffers with PyTorch's `num_batches_tracked`).
    assert_eq!(planned.param_bytes, 915 * 4);
}

/// torchinfo's rule (layer_info.py, `calculate_macs`): for each weight or bias, its
/// elements × batch × H_out × W_out in a convolution, × batch elsewhere; buffers (a batch
/// norm's running statistics) are not parameters and count for nothing.
#[test]
fn every_kind_mult_adds_as_torchinfo_counts() {
    let spec = parse_model(EVERY_KIND).unwrap();
    let s = run(&spec, "3x40x40", 2).unwrap();
    let macs: Vec<u64> = s.rows.iter().map(|r| r.mult_adds).collect();
    assert_eq!(
        macs,
        vec![
            224 * 2 * 19 * 19, // conv: (8·3·9 + 8) × 2 × 19 × 19
            16 * 2,            // bn: γ and β (8 + 8) × 2
            0,
            0,
            0,
            0,
            0,
            640 * 2, // fc: 5·128 × 2
            0,
            18 * 2, // head: (3·5 + 3) × 2
            0,
        ]
    );
}

/// The same explanations in French, from the same messages: French words, decimal comma,
/// no-break spaces before the colons.
#[test]
fn plan_and_spec_errors_are_told_in_french() {
    use mltutor::core::i18n::Lang;
    let fr = Lang::fr();
    let cnn = exam_cnn();
    let why = match run(&cnn, "3x32x32", 1) {
        Err(InspectError::Plan(e)) => e.render(fr),
        other => panic!("{other:?}"),
    };
    assert!(
        why.starts_with("La couche 7 (x.view(-1, 1000), View) attend 1000 valeurs par échantillon"),
        "{why}"
    );
    assert!(
        why.contains("10x8x8 = 640") && why.contains("pour l'entrée 3x32x32"),
        "{why}"
    );
    assert!(why.contains("multiple de 1000\u{a0}: le view"), "{why}");
    let why = match run(&cnn, "1x40x40", 1) {
        Err(InspectError::Plan(e)) => e.render(fr),
        other => panic!("{other:?}"),
    };
    assert!(
        why.contains("3 canaux en entrée") && why.contains("1 canal (1x40x40)"),
        "{why}"
    );

    let huge = parse_model(
        r#"(id: "huge", input: [100000], layers: [(name: "fc", layer: Linear(in: 100000, out: 100000))])"#,
    )
    .unwrap();
    match inspect(&huge, None, 1, DEFAULT_BUDGET_BYTES) {
        Err(InspectError::Plan(e @ PlanError::OverBudget { .. })) => {
            let msg = e.render(fr);
            assert!(
                msg.starts_with("Refusé avant toute allocation\u{a0}: les poids de `huge`"),
                "{msg}"
            );
            // 4·10^10 + 4·10^5 bytes = 37.3 GiB; the budget 512 MiB.
            assert!(
                msg.contains("37,3\u{a0}Gio") && msg.contains("512,0\u{a0}Mio"),
                "{msg}"
            );
            assert!(e.to_string().contains("37.3 GiB"), "{e}");
        }
        other => panic!("expected a budget refusal, got {other:?}"),
    }

    let bad = parse_model(r#"(id: "m", input: [4], layers: [(layer: Dropout(p: 1.5))])"#).unwrap();
    let e = bad.validate().unwrap_err();
    assert_eq!(
        e.to_string(),
        "model `m`: layer 1 (Dropout): dropout p must be in [0, 1) (got 1.5)"
    );
    assert_eq!(
        e.render(fr),
        "modèle `m`\u{a0}: couche 1 (Dropout)\u{a0}: le p du dropout doit être dans \
         [0\u{202f}; 1[ (reçu 1,5)"
    );
}

/// A spec error says which model, which layer and what, as data.
#[test]
fn spec_errors_are_structured() {
    use mltutor::core::spec::{LayerAt, SpecProblem};
    let spec = parse_model(
        r#"(id: "m", input: [3, 8, 8], layers: [(name: "c", layer: Conv2d(in: 3, out: 4, kernel: 1)), (layer: MaxPool2d(kernel: 2, stride: 0))])"#,
    )
    .unwrap();
    let e = spec.validate().unwrap_err();
    assert_eq!(e.model, "m");
    assert_eq!(
        e.layer,
        Some(LayerAt {
            position: 2,
            type_name: "MaxPool2d",
            module: None,
        })
    );
    assert_eq!(e.problem, SpecProblem::PoolArgs);
    let empty = parse_model(r#"(id: "m", input: [1, 2, 3, 4], layers: [])"#).unwrap();
    let e = empty.validate().unwrap_err();
    assert_eq!(
        (e.layer, e.problem),
        (None, SpecProblem::InputRank { got: 4 })
    );
}

/// GELU, SiLU, LeakyReLU and ELU (added by following ARCHITECTURE.md's recipe): no
/// parameters, the shape kept, PyTorch's code, and PyTorch's values at hand-picked points:
/// GELU(1) = Φ(1) = 0.8413447 (exact erf form, PyTorch's default; the tanh form gives 0.8411920),
/// SiLU(1) = 1/(1 + e⁻¹) = 0.7310586, LeakyReLU(−2) = −0.02 (slope 0.01),
/// ELU(−1) with α = 0.5: 0.5·(e⁻¹ − 1) = −0.3160603.
#[test]
fn the_added_activations_give_pytorchs_values() {
    use candle_core::{Device, Tensor};
    use mltutor::engine::Network;
    let cases = [
        ("GELU", "nn.GELU()", 1.0f32, 0.841_344_7f32),
        ("SiLU", "nn.SiLU()", 1.0, 0.731_058_6),
        ("LeakyReLU()", "nn.LeakyReLU()", -2.0, -0.02),
        ("ELU(alpha: 0.5)", "nn.ELU(alpha=0.5)", -1.0, -0.316_060_3),
    ];
    for (kind, code, x, want) in cases {
        let spec = parse_model(&format!(
            r#"(id: "act", input: [1], layers: [(name: "act", layer: {kind})])"#
        ))
        .unwrap();
        let s = run(&spec, "1", 1).unwrap();
        assert_eq!(
            s.rows[0].counts.trainable + s.rows[0].counts.buffers,
            0,
            "{kind}"
        );
        assert_eq!(s.rows[0].output.0, vec![1, 1], "{kind}");
        assert_eq!(s.rows[0].mult_adds, 0, "{kind}");
        assert!(
            mltutor::core::codegen::pytorch_code(&spec).contains(code),
            "{kind}: {}",
            mltutor::core::codegen::pytorch_code(&spec)
        );
        let net = Network::new(&spec, 0, &Device::Cpu).unwrap();
        let out = net
            .forward(&Tensor::new(&[[x]], &Device::Cpu).unwrap(), false)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap()[0];
        assert!(
            (out - want).abs() < 1e-5,
            "{kind}({x}) = {out}, PyTorch gives {want}"
        );
    }
    // A slope that is not a number is refused before anything runs.
    let bad = parse_model(
        r#"(id: "bad", input: [1], layers: [(layer: LeakyReLU(negative_slope: inf))])"#,
    )
    .unwrap();
    let e = bad.validate().unwrap_err().to_string();
    assert!(e.contains("negative_slope") && e.contains("finite"), "{e}");
}

/// Issue 11: BatchNorm's running statistics are buffers, not parameters, as in PyTorch and
/// torchinfo. By hand: Conv2d(3, 16, 3, padding=1) has 16·3·9 + 16 = 448 parameters;
/// BatchNorm2d(16) has γ and β, 32 parameters, and 33 buffer elements (running_mean 16,
/// running_var 16, num_batches_tracked 1); Linear(16, 10) has 170. PyTorch's
/// `sum(p.numel() for p in model.parameters())` is 448 + 32 + 170 = 650.
#[test]
fn batchnorm_buffers_are_not_parameters() {
    let spec = parse_model(
        r#"(
        id: "bn_cnn",
        input: [3, 8, 8],
        layers: [
            (name: "conv", layer: Conv2d(in: 3, out: 16, kernel: 3, padding: 1)),
            (name: "bn", layer: BatchNorm2d(features: 16)),
            (layer: ReLU),
            (layer: AvgPool2d(kernel: 8)),
            (layer: Flatten),
            (name: "fc", layer: Linear(in: 16, out: 10)),
        ],
    )"#,
    )
    .unwrap();
    let s = run(&spec, "3x8x8", 1).unwrap();
    assert_eq!(
        (s.rows[1].counts.trainable, s.rows[1].counts.buffers),
        (32, 33)
    );
    assert_eq!(s.total_params(), 650);
    assert_eq!(s.trainable(), 650);
    assert_eq!(s.buffers(), 33);
    let text = mltutor::core::summary::render_text(&s, mltutor::core::i18n::Lang::en());
    assert!(text.contains("Total parameters:"), "{text}");
    let total = text
        .lines()
        .find(|l| l.starts_with("Total parameters:"))
        .unwrap();
    assert!(total.ends_with(" 650"), "{text}");
    let buffers = text.lines().find(|l| l.starts_with("Buffers")).unwrap();
    assert!(buffers.contains(" 33 "), "{text}");
}
