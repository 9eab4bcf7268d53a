//! Attention layers (issue 11): `nn.MultiheadAttention` as self-attention,
//! `nn.TransformerEncoderLayer` and `nn.TransformerEncoder` — candle's values against
//! PyTorch's, their counts and mult-adds as PyTorch and torchinfo give them, the code they
//! render, and the refusals (named layer, both languages) and memory they plan.

use mltutor::core::i18n::Lang;
use mltutor::core::plan::{plan, Budgeted, PlanError, DEFAULT_BUDGET_BYTES};
use mltutor::core::shape::Shape;
use mltutor::core::spec::{parse_model, ModelSpec};
use mltutor::engine::inspect;

fn one(layer: &str, input: &str) -> ModelSpec {
    parse_model(&format!(
        r#"(id: "a", input: {input}, layers: [(name: "attn", layer: {layer})])"#
    ))
    .unwrap()
}

/// candle's attention gives PyTorch's values: every parameter set to sin(0.37·k)/2 (k its
/// index in its tensor), the 2x3x4 input cos(0.11·k); PyTorch 2.15 in f64 (eval mode) gave
/// the first six values, the sum and the sum of squares of each output (and the counts).
#[test]
fn attention_layers_compute_pytorchs_values() {
    use candle_core::{DType, Device, Tensor};
    let cases: [(&str, [f64; 6], f64, f64, u64); 5] = [
        (
            "MultiheadAttention(embed_dim: 4, num_heads: 2)",
            [-0.414541528, 0.447767108, 0.800096768, 0.264843318, -0.343438433, 0.363223406],
            6.055718227,
            4.992815944,
            80,
        ),
        (
            "MultiheadAttention(embed_dim: 4, num_heads: 2, bias: false, batch_first: true)",
            [-0.15646363, 0.430845334, 0.234594523, -0.388303201, -0.153429991, 0.424730879],
            0.153151387,
            1.559908043,
            64,
        ),
        (
            "TransformerEncoderLayer(d_model: 4, nhead: 2, dim_feedforward: 6)",
            [0.0, -0.003973097, 0.088419982, 1.136068313, 0.0, -0.005690852],
            7.357414175,
            7.862998193,
            154,
        ),
        (
            r#"TransformerEncoderLayer(d_model: 4, nhead: 2, dim_feedforward: 6, activation: "gelu", batch_first: true, norm_first: true, bias: false, layer_norm_eps: 0.001)"#,
            [1.095080272, 0.903237972, 0.874869469, 1.004447245, 1.000508613, 0.763431647],
            5.069055558,
            10.398682045,
            120,
        ),
        (
            "TransformerEncoder(layer: (d_model: 4, nhead: 1, dim_feedforward: 5, batch_first: true), num_layers: 2)",
            [0.0, 0.225666424, -0.145007681, 1.058644538, 0.0, 0.229165001],
            6.870689911,
            7.226344282,
            290,
        ),
    ];
    let dev = Device::Cpu;
    for (layer, first, sum, squares, params) in cases {
        let spec = one(layer, "[3, 4]");
        spec.validate().unwrap();
        let net = mltutor::engine::Network::with_dtype(&spec, 0, &dev, DType::F64).unwrap();
        let mut count = 0;
        for var in net.varmap.data().lock().unwrap().values() {
            let t = var.as_tensor();
            count += t.elem_count() as u64;
            let v: Vec<f64> = (0..t.elem_count())
                .map(|k| (k as f64 * 0.37).sin() * 0.5)
                .collect();
            var.set(&Tensor::from_vec(v, t.dims(), &dev).unwrap())
                .unwrap();
        }
        assert_eq!(count, params, "{layer}");
        let x: Vec<f64> = (0..24).map(|k| (k as f64 * 0.11).cos()).collect();
        let x = Tensor::from_vec(x, (2, 3, 4), &dev).unwrap();
        let y = net.forward(&x, false).unwrap();
        assert_eq!(y.dims(), &[2, 3, 4], "{layer}");
        let got: Vec<f64> = y.flatten_all().unwrap().to_vec1().unwrap();
        for (g, w) in got.iter().zip(first) {
            assert!((g - w).abs() < 1e-8, "{layer}: {got:?}");
        }
        let total: f64 = got.iter().sum();
        assert!((total - sum).abs() < 1e-7, "{layer}: {total}");
        let sq: f64 = got.iter().map(|v| v * v).sum();
        assert!((sq - squares).abs() < 1e-7, "{layer}: {sq}");
    }
}

/// PyTorch 2.15 + torchinfo 1.8 on a 2x5x8 batch: MultiheadAttention(8, 2) has 4·64 + 4·8
/// = 288 parameters and torchinfo counts 0 mult-adds for it; TransformerEncoderLayer(8, 2,
/// dim_feedforward=16) 600 parameters (288 + 144 + 136 + 16 + 16) and 624 mult-adds
/// (2 · (144 + 136 + 16 + 16), the attention counting none); three of them in a
/// TransformerEncoder 1,800 and 1,872.
#[test]
fn counts_and_mult_adds_are_pytorchs_and_torchinfos() {
    for (layer, params, mult_adds) in [
        ("MultiheadAttention(embed_dim: 8, num_heads: 2)", 288, 0),
        (
            "MultiheadAttention(embed_dim: 8, num_heads: 2, bias: false, batch_first: true)",
            256,
            0,
        ),
        (
            "TransformerEncoderLayer(d_model: 8, nhead: 2, dim_feedforward: 16)",
            600,
            624,
        ),
        (
            "TransformerEncoderLayer(d_model: 8, nhead: 2, dim_feedforward: 16, bias: false)",
            528,
            544,
        ),
        (
            "TransformerEncoder(layer: (d_model: 8, nhead: 2, dim_feedforward: 16), num_layers: 3)",
            1800,
            1872,
        ),
    ] {
        let spec = one(layer, "[5, 8]");
        let s = inspect(&spec, None, 2, DEFAULT_BUDGET_BYTES).unwrap();
        assert_eq!(
            (s.total_params(), s.buffers(), s.mult_adds()),
            (params, 0, mult_adds),
            "{layer}"
        );
        assert_eq!(s.output().dims(), &[2, 5, 8], "{layer}");
    }
}

/// The code a tutorial writes: the encoder layer as PyTorch's constructor, its defaults left
/// out; self-attention called on x three times and its weights dropped.
#[test]
fn renders_pytorch_code() {
    let spec = parse_model(
        r#"(id: "t", input: [10, 16], layers: [
            (name: "attn", layer: MultiheadAttention(embed_dim: 16, num_heads: 4, batch_first: true)),
            (name: "encoder", layer: TransformerEncoder(layer: (d_model: 16, nhead: 4, dim_feedforward: 32, dropout: 0.0, activation: "gelu", batch_first: true), num_layers: 2)),
            (name: "block", layer: TransformerEncoderLayer(d_model: 16, nhead: 2, norm_first: true)),
        ])"#,
    )
    .unwrap();
    spec.validate().unwrap();
    let code = mltutor::core::codegen::pytorch_code(&spec);
    assert!(
        code.contains("self.attn = nn.MultiheadAttention(16, 4, batch_first=True)\n"),
        "{code}"
    );
    assert!(code.contains(
        "self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, dropout=0.0, activation='gelu', batch_first=True), num_layers=2)\n"
    ), "{code}");
    assert!(
        code.contains(
            "self.block = nn.TransformerEncoderLayer(d_model=16, nhead=2, norm_first=True)\n"
        ),
        "{code}"
    );
    assert!(
        code.contains("        x, _ = self.attn(x, x, x)\n        x = self.encoder(x)\n        x = self.block(x)\n        return x\n"),
        "{code}"
    );
}

/// PyTorch asserts "embed_dim must be divisible by num_heads": refused before anything is
/// allocated, the layer named, in both languages; a sample that is not L x E is explained.
#[test]
fn refusals_name_the_layer() {
    let e = one("MultiheadAttention(embed_dim: 10, num_heads: 3)", "[4, 10]")
        .validate()
        .unwrap_err();
    let en = e.render(Lang::en());
    assert!(en.contains("layer 1 (MultiheadAttention)"), "{en}");
    assert!(
        en.contains("embed_dim (10) must be divisible by num_heads (3)"),
        "{en}"
    );
    let fr = e.render(Lang::fr());
    assert!(
        fr.contains("embed_dim (10) doit être divisible par num_heads (3)"),
        "{fr}"
    );
    let e = one(
        "TransformerEncoder(layer: (d_model: 64, nhead: 5), num_layers: 2)",
        "[4, 64]",
    )
    .validate()
    .unwrap_err();
    assert!(e.render(Lang::en()).contains("(TransformerEncoder)"), "{e}");
    assert!(
        e.render(Lang::en())
            .contains("d_model (64) must be divisible by nhead (5)"),
        "{e}"
    );
    for bad in [
        "TransformerEncoderLayer(d_model: 8, nhead: 2, dropout: 1.0)",
        "TransformerEncoderLayer(d_model: 8, nhead: 0)",
        "TransformerEncoderLayer(d_model: 8, nhead: 2, dim_feedforward: 0)",
        "TransformerEncoderLayer(d_model: 8, nhead: 2, layer_norm_eps: 0.0)",
        "TransformerEncoder(layer: (d_model: 8, nhead: 2), num_layers: 0)",
    ] {
        assert!(one(bad, "[4, 8]").validate().is_err(), "{bad}");
    }
    // Unknown arguments and activations are errors of the strict reader.
    for bad in [
        r#"TransformerEncoderLayer(d_model: 8, nhead: 2, activation: "tanh")"#,
        "MultiheadAttention(embed_dim: 8, num_heads: 2, add_bias_kv: true)",
        "TransformerEncoder(layer: (d_model: 8, nhead: 2, kdim: 3), num_layers: 1)",
    ] {
        assert!(
            parse_model(&format!(
                r#"(id: "a", input: [4, 8], layers: [(name: "attn", layer: {bad})])"#
            ))
            .is_err(),
            "{bad}"
        );
    }
    // A sample of the wrong features: the plan says what attention reads.
    let spec = one("MultiheadAttention(embed_dim: 8, num_heads: 2)", "[4, 6]");
    let Err(PlanError::Mismatch(m)) = plan(&spec, &Shape(vec![4, 6]), 1, DEFAULT_BUDGET_BYTES)
    else {
        panic!("a 4x6 sample runs through MultiheadAttention(8)");
    };
    let text = m.render(Lang::en());
    assert!(text.contains("L x 8"), "{text}");
}

/// The memory planned for attention holds every head's L x L scores: with L = 1024, E = 8
/// and 4 heads, 4·L·E + 2·4·L² = 8,421,376 values (33,685,504 bytes) for one sample, which a
/// 32 MiB budget refuses and 40 MB takes (without the scores it would be 131 kB).
#[test]
fn the_plan_counts_the_attention_scores() {
    let spec = one(
        "MultiheadAttention(embed_dim: 8, num_heads: 4)",
        "[1024, 8]",
    );
    let input = Shape(vec![1024, 8]);
    match plan(&spec, &input, 1, 32 << 20) {
        Err(PlanError::OverBudget {
            what: Budgeted::BatchBuffers { .. },
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert!(plan(&spec, &input, 1, 40_000_000).is_ok());
}

fn import(body: &str) -> Result<ModelSpec, String> {
    let src = format!(
        "import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n{body}"
    );
    mltutor::core::pysrc::model::import(&src, None, Some(vec![6, 8]))
        .map(|i| i.spec)
        .map_err(|e| e.render_at("net.py", &src, Lang::en()))
}

/// Self-attention as courses call it, and what the model language does not have, refused
/// at its place.
#[test]
fn the_importer_reads_self_attention() {
    let attn = "        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)\n    def forward(self, x):\n";
    for forward in [
        "        x, _ = self.attn(x, x, x)\n        return x\n",
        "        x, _ = self.attn(x, x, x, need_weights=False)\n        return x\n",
        "        out = self.attn(x, x, x)[0]\n        return out\n",
        "        return self.attn(query=x, key=x, value=x)[0]\n",
    ] {
        let spec = import(&format!("{attn}{forward}")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.layers.len(), 1, "{forward}");
        let code = mltutor::core::codegen::pytorch_code(&spec);
        assert!(code.contains(", _ = self.attn(x, x, x)\n"), "{code}");
        // The rendered code reads back to the same spec.
        let again = mltutor::core::pysrc::model::import(
            &format!("import torch\nimport torch.nn as nn\n{code}"),
            None,
            Some(vec![6, 8]),
        )
        .unwrap();
        assert_eq!(again.spec.layers, spec.layers);
    }
    for (forward, says) in [
        (
            "        x = self.attn(x, x, x)\n        return x\n",
            "returns a pair",
        ),
        (
            "        x, w = self.attn(x, x, x)\n        return x\n",
            "attention weights",
        ),
        (
            "        y = x * x\n        x, _ = self.attn(x, y, y)\n        return x\n",
            "cross-attention",
        ),
        (
            "        x, _ = self.attn(x, x, x, attn_mask=None)\n        return x\n",
            "masks",
        ),
    ] {
        let e = import(&format!("{attn}{forward}")).unwrap_err();
        assert!(e.contains(says), "{forward}: {e}");
        assert!(e.starts_with("net.py:"), "{e}");
    }
    for (init, says) in [
        ("        self.attn = nn.MultiheadAttention(8, 2, add_bias_kv=True)\n", "add_bias_kv"),
        ("        self.attn = nn.MultiheadAttention(8, 2, kdim=4)\n", "kdim"),
        (
            "        self.attn = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2), 2, norm=nn.LayerNorm(8))\n",
            "norm",
        ),
    ] {
        let e = import(&format!(
            "{init}    def forward(self, x):\n        return self.attn(x)\n"
        ))
        .unwrap_err();
        assert!(e.contains(says), "{init}: {e}");
    }
    // The encoder layer in a local variable, positional arguments as PyTorch's order.
    let spec = import(
        "        layer = nn.TransformerEncoderLayer(8, 2, 16, 0.0, 'gelu')\n        self.enc = nn.TransformerEncoder(layer, 3)\n    def forward(self, x):\n        return self.enc(x)\n",
    )
    .unwrap();
    let s = inspect(&spec, None, 2, DEFAULT_BUDGET_BYTES).unwrap();
    // 3 · (4·64 + 4·8 + 8·16+16 + 16·8+8 + 4·8) = 3 · 600 = 1,800, as PyTorch counts it.
    assert_eq!(s.total_params(), 1800);
}
