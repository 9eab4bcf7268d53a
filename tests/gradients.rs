//! Gradients that are right: candle's backward of every layer kind against central finite
//! differences (in f64), and the max-pooling hazard of candle 0.11.1.

use mltutor::core::spec::parse_model;
use mltutor::engine::{gradient_check, input_gradient, precision_check};

fn check(ron: &str, train: bool) {
    let spec = parse_model(ron).unwrap();
    let report = gradient_check(&spec, 2, 3, train).unwrap();
    assert!(!report.is_empty());
    for g in &report {
        let tol = 1e-5 * g.max_abs_grad.max(1.0);
        assert!(
            g.max_abs_err < tol,
            "{}: {} ({g:?}) in {}",
            spec.id,
            g.name,
            spec.id
        );
        // The check would be vacuous if every gradient were zero.
        assert!(
            g.max_abs_grad > 1e-6,
            "{}: {} has a zero gradient",
            spec.id,
            g.name
        );
    }
}

#[test]
fn conv2d_with_stride_and_padding() {
    check(
        r#"(id: "conv", input: [2, 5, 5], layers: [(name: "c", layer: Conv2d(in: 2, out: 3, kernel: 3, stride: 2, padding: 1))])"#,
        true,
    );
}

#[test]
fn linear_with_and_without_bias() {
    check(
        r#"(id: "lin", input: [6], layers: [(name: "a", layer: Linear(in: 6, out: 4)), (name: "b", layer: Linear(in: 4, out: 3, bias: false))])"#,
        true,
    );
}

#[test]
fn activations() {
    for act in [
        "ReLU",
        "Sigmoid",
        "Tanh",
        "Softmax(dim: 1)",
        "GELU",
        "SiLU",
        "LeakyReLU(negative_slope: 0.2)",
        "ELU(alpha: 0.5)",
    ] {
        check(
            &format!(
                r#"(id: "{act}", input: [5], layers: [(name: "a", layer: Linear(in: 5, out: 4)), (layer: {act})])"#
            ),
            true,
        );
    }
}

#[test]
fn max_pool_avg_pool_view_flatten() {
    check(
        r#"(id: "pools", input: [2, 6, 6], layers: [
            (name: "c", layer: Conv2d(in: 2, out: 2, kernel: 1)),
            (layer: MaxPool2d(kernel: 2)),
            (layer: AvgPool2d(kernel: 3)),
            (layer: View(-1, 2)),
            (name: "a", layer: Linear(in: 2, out: 2)),
        ])"#,
        true,
    );
    check(
        r#"(id: "odd", input: [1, 5, 5], layers: [
            (name: "c", layer: Conv2d(in: 1, out: 2, kernel: 1)),
            (layer: MaxPool2d(kernel: 2)),
            (layer: Flatten),
            (name: "a", layer: Linear(in: 8, out: 2)),
        ])"#,
        true,
    );
}

#[test]
fn conv2d_with_groups_dilation_tuples_and_same_padding() {
    check(
        r#"(id: "conv_general", input: [4, 7, 6], layers: [
            (name: "c", layer: Conv2d(in: 4, out: 6, kernel: (3, 2), stride: (2, 1), padding: (1, 0), dilation: (2, 1), groups: 2)),
            (layer: Flatten),
        ])"#,
        true,
    );
    check(
        r#"(id: "conv_same", input: [2, 5, 6], layers: [
            (name: "c", layer: Conv2d(in: 2, out: 3, kernel: (2, 4), padding: "same", dilation: 2)),
            (name: "d", layer: Conv2d(in: 3, out: 3, kernel: 3, stride: 2, groups: 3, bias: false)),
        ])"#,
        true,
    );
}

#[test]
fn conv1d_and_conv_transpose2d() {
    check(
        r#"(id: "conv1d", input: [4, 11], layers: [
            (name: "c", layer: Conv1d(in: 4, out: 4, kernel: 3, stride: 2, padding: 1, dilation: 2, groups: 2)),
            (name: "d", layer: Conv1d(in: 4, out: 2, kernel: 2, padding: "same")),
        ])"#,
        true,
    );
    check(
        r#"(id: "convT", input: [4, 3, 4], layers: [
            (name: "c", layer: ConvTranspose2d(in: 4, out: 6, kernel: (3, 2), stride: (2, 3), padding: (1, 0), output_padding: (1, 0), groups: 2)),
            (name: "d", layer: ConvTranspose2d(in: 6, out: 2, kernel: 2, padding: 1, dilation: 2, bias: false)),
        ])"#,
        true,
    );
}

#[test]
fn pooling_with_padding_ceil_mode_tuples_and_adaptive() {
    check(
        r#"(id: "pool2d", input: [2, 7, 8], layers: [
            (name: "c", layer: Conv2d(in: 2, out: 2, kernel: 1)),
            (layer: MaxPool2d(kernel: 3, stride: 2, padding: 1, ceil_mode: true)),
            (layer: AvgPool2d(kernel: (3, 2), stride: (1, 2), padding: 1, ceil_mode: true, count_include_pad: false)),
            (layer: AvgPool2d(kernel: 2, stride: 1, padding: 1)),
            (layer: AdaptiveAvgPool2d(output_size: (2, 3))),
            (layer: Flatten),
        ])"#,
        true,
    );
    check(
        r#"(id: "pool1d", input: [2, 13], layers: [
            (name: "c", layer: Conv1d(in: 2, out: 3, kernel: 2)),
            (layer: MaxPool1d(kernel: 2, stride: 1, padding: 1)),
            (layer: AvgPool1d(kernel: 3, stride: 2, ceil_mode: true)),
            (layer: AdaptiveAvgPool1d(output_size: 4)),
        ])"#,
        true,
    );
}

#[test]
fn batch_norm_in_training_mode_and_dropout_at_evaluation() {
    check(
        // No conv bias: BatchNorm's mean subtraction cancels it, so its gradient is 0.
        r#"(id: "bn", input: [2, 3, 3], layers: [
            (name: "c", layer: Conv2d(in: 2, out: 2, kernel: 1, bias: false)),
            (name: "bn", layer: BatchNorm2d(features: 2)),
            (layer: Flatten),
            (name: "a", layer: Linear(in: 18, out: 2)),
        ])"#,
        true,
    );
    // Batch norm then ReLU run as one op in training.
    check(
        r#"(id: "bnrelu", input: [2, 3, 3], layers: [
            (name: "c", layer: Conv2d(in: 2, out: 2, kernel: 1, bias: false)),
            (name: "bn", layer: BatchNorm2d(features: 2)),
            (layer: ReLU),
            (layer: Flatten),
            (name: "a", layer: Linear(in: 18, out: 2)),
        ])"#,
        true,
    );
    check(
        r#"(id: "drop", input: [4], layers: [(name: "a", layer: Linear(in: 4, out: 3)), (layer: Dropout(p: 0.5))])"#,
        false,
    );
}

#[test]
fn the_exam_cnn_end_to_end_on_a_small_input() {
    // Same layers as the exam, on an input small enough for finite differences.
    check(
        r#"(id: "small_exam", input: [3, 8, 8], layers: [
            (name: "conv1", layer: Conv2d(in: 3, out: 2, kernel: 3, padding: 1)),
            (layer: ReLU), (layer: MaxPool2d(kernel: 2)),
            (name: "conv2", layer: Conv2d(in: 2, out: 2, kernel: 5, padding: 2)),
            (layer: ReLU), (layer: MaxPool2d(kernel: 2)),
            (layer: View(-1, 8)),
            (name: "fc1", layer: Linear(in: 8, out: 4, bias: false)), (layer: ReLU, inline: true),
            (name: "fc2", layer: Linear(in: 4, out: 3)),
        ])"#,
        true,
    );
}

/// Training runs in f32, through other kernels than the f64 ones checked above (on CPUs
/// with AVX-512 or AVX2, the direct convolution; `MLTUTOR_SIMD=avx2` or `off` picks
/// another path to check): at the exam's real size, and on odd shapes
/// (channel counts in two groups, an unpadded kernel, the input gradient of a second
/// block), they agree with f64 to f32's precision.
#[test]
fn f32_training_gradients_agree_with_the_checked_f64_ones() {
    let exam = mltutor::core::spec::builtin_models()
        .into_iter()
        .find(|m| m.id == "exam_cnn")
        .unwrap();
    let odd = parse_model(
        r#"(id: "odd", input: [2, 11, 9], layers: [
            (name: "conv1", layer: Conv2d(in: 2, out: 13, kernel: 3)),
            (layer: ReLU), (layer: MaxPool2d(kernel: 2)),
            (name: "conv2", layer: Conv2d(in: 13, out: 5, kernel: 3, padding: 1)),
            (layer: ReLU), (layer: MaxPool2d(kernel: 2)),
            (layer: Flatten),
            (name: "fc", layer: Linear(in: 10, out: 3)),
        ])"#,
    )
    .unwrap();
    // Convolutions not followed by ReLU + pooling run as separate ops.
    let plain = parse_model(
        r#"(id: "plain", input: [3, 9, 10], layers: [
            (name: "conv1", layer: Conv2d(in: 3, out: 4, kernel: 3, padding: 1)),
            (layer: Tanh),
            (name: "conv2", layer: Conv2d(in: 4, out: 6, kernel: 5, padding: 2)),
            (layer: Flatten),
            (name: "fc", layer: Linear(in: 540, out: 3)),
        ])"#,
    )
    .unwrap();
    for spec in [exam, odd, plain] {
        let report = precision_check(&spec, 3, 5, true).unwrap();
        let names: Vec<&str> = report.iter().map(|r| r.name.as_str()).collect();
        for want in [
            "input",
            "conv1.weight",
            "conv1.bias",
            "conv2.weight",
            "conv2.bias",
        ] {
            assert!(names.contains(&want), "{}: no {want} in {names:?}", spec.id);
        }
        for r in report {
            assert!(
                r.max_abs_err <= 1e-4 * r.max_abs_grad.max(1e-3),
                "{}: {} differs by {} (largest gradient {})",
                spec.id,
                r.name,
                r.max_abs_err,
                r.max_abs_grad
            );
            assert!(
                r.max_abs_grad > 0.0,
                "{}: {} has no gradient",
                spec.id,
                r.name
            );
        }
    }
}

/// d Σ max_pool2d(x, 2) / dx on a 4x4 input: 1 at each window's maximum, 0 elsewhere
/// (PyTorch's answer, and the definition of the max's derivative).
#[test]
fn max_pool_gradient_is_one_at_the_maximum() {
    let spec =
        parse_model(r#"(id: "pool", input: [1, 4, 4], layers: [(layer: MaxPool2d(kernel: 2))])"#)
            .unwrap();
    let x: Vec<f64> = vec![
        1.0, 5.0, 2.0, 0.0, //
        3.0, 4.0, 9.0, 1.0, //
        0.5, 0.2, 7.0, 8.0, //
        6.0, 0.1, 3.0, 2.0,
    ];
    let g = input_gradient(&spec, x).unwrap();
    let expected = vec![
        0.0, 1.0, 0.0, 0.0, //
        0.0, 0.0, 1.0, 0.0, //
        0.0, 0.0, 0.0, 1.0, //
        1.0, 0.0, 0.0, 0.0,
    ];
    assert_eq!(g, expected);
}

/// The hazard itself: stock candle 0.11.1 returns 0.25 at each maximum. If this test fails
/// after a candle upgrade, the workaround in `max_pool2d` (`src/engine/network.rs`) may be
/// removed.
#[test]
fn stock_candle_max_pool_backward_is_scaled_by_a_quarter() {
    use candle_core::{Device, Tensor, Var};
    let x = Var::from_tensor(
        &Tensor::arange(0f32, 16., &Device::Cpu)
            .unwrap()
            .reshape((1, 1, 4, 4))
            .unwrap(),
    )
    .unwrap();
    let y = x.as_tensor().max_pool2d(2).unwrap().sum_all().unwrap();
    let g = y.backward().unwrap();
    let g = g
        .get(x.as_tensor())
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    // The maxima of the windows are at 5, 7, 13 and 15.
    assert_eq!(g[5], 0.25);
    assert_eq!(g[15], 0.25);
}

/// Skip connections, products and concatenations pass the gradient to both branches: a
/// residual block in a sub-module class (used twice), a broadcast sum and product (C x 1 x 1
/// against C x H x W), `torch.cat` along the channels and along the width, `nn.Sequential`.
#[test]
fn add_mul_cat_sequential_and_sub_modules() {
    check(
        r#"(id: "residual", input: [2, 4, 4], modules: [(class_name: "Block", layers: [
            (layer: Identity, to: "identity"),
            (name: "conv1", layer: Conv2d(in: 2, out: 2, kernel: 3, padding: 1), from: "x", to: "out"),
            (layer: Tanh),
            (name: "conv2", layer: Conv2d(in: 2, out: 2, kernel: 1)),
            (layer: Add, from: ["out", "identity"]),
        ])], layers: [
            (name: "layer1", layer: Module("Block")),
            (name: "layer2", layer: Module("Block")),
            (layer: Flatten),
            (name: "fc", layer: Linear(in: 32, out: 3)),
        ])"#,
        true,
    );
    check(
        r#"(id: "broadcast", input: [2, 3, 3], layers: [
            (name: "c", layer: Conv2d(in: 2, out: 2, kernel: 1), to: "v"),
            (layer: AdaptiveAvgPool2d(output_size: 1), from: "x", to: "s"),
            (name: "g", layer: Conv2d(in: 2, out: 2, kernel: 1)),
            (layer: Sigmoid),
            (layer: Mul, from: ["v", "s"], to: "y"),
            (layer: Add, from: ["y", "s"]),
            (layer: Flatten),
            (name: "fc", layer: Linear(in: 18, out: 2)),
        ])"#,
        true,
    );
    check(
        r#"(id: "cat", input: [2, 4, 3], layers: [
            (name: "a", layer: Conv2d(in: 2, out: 3, kernel: 3, padding: 1), from: "x", to: "a"),
            (name: "b", layer: Conv2d(in: 2, out: 1, kernel: 1), from: "x", to: "b"),
            (layer: Cat(dim: 1), from: ["a", "b"], to: "c"),
            (name: "d", layer: Conv2d(in: 4, out: 4, kernel: 1), to: "d"),
            (layer: Cat(dim: -1), from: ["c", "d"]),
            (name: "head", layer: Sequential([Flatten, Linear(in: 96, out: 5), Tanh, Linear(in: 5, out: 2)])),
        ])"#,
        true,
    );
}

#[test]
fn batch_norm1d_and_batch_norm_without_its_defaults() {
    // No bias before a batch norm: its mean subtraction cancels it (a zero gradient).
    check(
        r#"(id: "bn1", input: [5], layers: [
            (name: "a", layer: Linear(in: 5, out: 4, bias: false)),
            (name: "bn", layer: BatchNorm1d(features: 4)),
        ])"#,
        true,
    );
    check(
        r#"(id: "bn1l", input: [3, 5], layers: [
            (name: "c", layer: Conv1d(in: 3, out: 4, kernel: 2, bias: false)),
            (name: "bn", layer: BatchNorm1d(features: 4, affine: false)),
            (layer: Flatten),
            (name: "a", layer: Linear(in: 16, out: 2)),
        ])"#,
        true,
    );
    // Without running statistics the batch's are used at evaluation too.
    check(
        r#"(id: "bn2", input: [2, 3, 3], layers: [
            (name: "c", layer: Conv2d(in: 2, out: 2, kernel: 1, bias: false)),
            (name: "bn", layer: BatchNorm2d(features: 2, track_running_stats: false)),
            (layer: Tanh),
            (layer: BatchNorm2d(features: 2, affine: false, track_running_stats: false)),
        ])"#,
        false,
    );
}

#[test]
fn layer_norm_and_group_norm() {
    check(
        r#"(id: "ln", input: [3, 4], layers: [
            (name: "a", layer: Linear(in: 4, out: 4)),
            (name: "ln", layer: LayerNorm(normalized_shape: (3, 4))),
            (name: "ln2", layer: LayerNorm(normalized_shape: 4, bias: false)),
            (layer: LayerNorm(normalized_shape: 4, elementwise_affine: false)),
            (name: "b", layer: Linear(in: 4, out: 2)),
        ])"#,
        false,
    );
    check(
        r#"(id: "gn", input: [2, 3, 3], layers: [
            (name: "c", layer: Conv2d(in: 2, out: 4, kernel: 1)),
            (name: "gn", layer: GroupNorm(num_groups: 2, num_channels: 4)),
            (layer: Tanh),
            (layer: GroupNorm(num_groups: 4, num_channels: 4, affine: false)),
            (layer: Dropout2d(p: 0.5)),
        ])"#,
        false,
    );
}

#[test]
fn operations_over_dimensions() {
    check(
        r#"(id: "dims", input: [3, 4], layers: [
            (name: "a", layer: Linear(in: 4, out: 6)),
            (layer: Transpose(dim0: 1, dim1: 2)),
            (layer: Permute(dims: [0, 2, 1])),
            (layer: LogSoftmax(dim: -1)),
            (layer: Mean(dim: 1, keepdim: true)),
            (layer: FlattenDims(start_dim: 1)),
        ])"#,
        true,
    );
    check(
        r#"(id: "last", input: [2, 3, 4], layers: [
            (name: "a", layer: Linear(in: 4, out: 5)),
            (layer: Select(dim: 1, index: -1)),
            (layer: Sum(dim: -2)),
            (layer: Tanh),
        ])"#,
        true,
    );
}

/// An embedding's rows against finite differences (its ids are not differentiable: the
/// input's gradient is zero both ways), the padding row kept at zero.
#[test]
fn embedding_rows() {
    let spec = parse_model(
        r#"(id: "emb", input: [6], layers: [
            (name: "emb", layer: Embedding(num_embeddings: 10, embedding_dim: 4, padding_idx: 0)),
            (layer: Mean(dim: 1)),
            (name: "fc", layer: Linear(in: 4, out: 3)),
        ])"#,
    )
    .unwrap();
    let report = gradient_check(&spec, 2, 3, true).unwrap();
    assert_eq!(report.len(), 4);
    for g in &report {
        let tol = 1e-5 * g.max_abs_grad.max(1.0);
        assert!(g.max_abs_err < tol, "{}: {g:?}", g.name);
        let used = g.name != "input";
        assert_eq!(g.max_abs_grad > 1e-6, used, "{}: {g:?}", g.name);
    }
}

/// RNN, LSTM and GRU (two layers, both directions, with and without batch_first) against
/// finite differences, through every step.
#[test]
fn recurrent_layers() {
    for kind in ["RNN", "LSTM", "GRU"] {
        check(
            &format!(
                r#"(id: "{kind}", input: [4, 3], layers: [
                    (name: "r", layer: {kind}(input_size: 3, hidden_size: 2, num_layers: 2, batch_first: true, bidirectional: true)),
                    (layer: Mean(dim: 1)),
                    (name: "a", layer: Linear(in: 4, out: 2)),
                ])"#
            ),
            true,
        );
        check(
            &format!(
                r#"(id: "{kind}_seq_first", input: [3, 2], layers: [
                    (name: "r", layer: {kind}(input_size: 2, hidden_size: 3, bias: false)),
                ])"#
            ),
            true,
        );
    }
}

/// Final states (`h[-2]`, `h[-1]` of a two-layer bidirectional LSTM with a projection, the
/// `torch.cat((h[-2], h[-1]), dim=1)` of a bidirectional GRU, `h.squeeze(0)` of a ReLU RNN,
/// an LSTM's `c_n`) against finite differences: every weight that reaches them moves.
#[test]
fn recurrent_final_states_and_arguments() {
    check(
        r#"(id: "lstm_h", input: [4, 3], layers: [
            (name: "r", layer: LSTM(input_size: 3, hidden_size: 3, num_layers: 2, batch_first: true, bidirectional: true, proj_size: 2, returns: "h_n"), to: "h"),
            (layer: FinalState(index: -2), from: "h", to: "a"),
            (layer: FinalState(index: -1), from: "h", to: "b"),
            (layer: Cat(dim: 1), from: ["a", "b"], to: "x"),
            (name: "fc", layer: Linear(in: 4, out: 2)),
        ])"#,
        true,
    );
    check(
        r#"(id: "gru_cat", input: [4, 3], layers: [
            (name: "r", layer: GRU(input_size: 3, hidden_size: 2, batch_first: true, bidirectional: true, returns: "h_n"), to: "h"),
            (layer: FinalState(index: -2), from: "h", to: "a"),
            (layer: FinalState(index: -1), from: "h", to: "b"),
            (layer: Cat(dim: 1), from: ["a", "b"], to: "x"),
            (name: "fc", layer: Linear(in: 4, out: 2)),
        ])"#,
        true,
    );
    check(
        r#"(id: "rnn_relu", input: [4, 3], layers: [
            (name: "r", layer: RNN(input_size: 3, hidden_size: 3, nonlinearity: "relu", batch_first: true, returns: "h_n"), to: "h"),
            (layer: FinalStateSqueeze, from: "h", to: "x"),
            (name: "fc", layer: Linear(in: 3, out: 2)),
        ])"#,
        true,
    );
    check(
        r#"(id: "lstm_c", input: [3, 2], layers: [
            (name: "r", layer: LSTM(input_size: 2, hidden_size: 3, batch_first: true, returns: "c_n"), to: "c"),
            (layer: FinalState(index: 0), from: "c", to: "x"),
            (name: "fc", layer: Linear(in: 3, out: 2)),
        ])"#,
        true,
    );
}

/// Self-attention, the encoder layer (post-norm with ReLU, pre-norm with GELU and no bias,
/// batch first or not) and a two-layer encoder against finite differences, dropout off.
#[test]
fn attention_layers() {
    for layer in [
        "MultiheadAttention(embed_dim: 4, num_heads: 2)",
        "MultiheadAttention(embed_dim: 4, num_heads: 1, bias: false, batch_first: true)",
        "TransformerEncoderLayer(d_model: 4, nhead: 2, dim_feedforward: 6, dropout: 0.0)",
        r#"TransformerEncoderLayer(d_model: 4, nhead: 2, dim_feedforward: 5, dropout: 0.0, activation: "gelu", batch_first: true, norm_first: true, bias: false)"#,
        "TransformerEncoder(layer: (d_model: 4, nhead: 2, dim_feedforward: 3, dropout: 0.0, batch_first: true), num_layers: 2)",
    ] {
        check(
            &format!(
                r#"(id: "attention", input: [3, 4], layers: [(name: "a", layer: {layer}), (layer: Mean(dim: 1)), (name: "fc", layer: Linear(in: 4, out: 2))])"#
            ),
            true,
        );
    }
}
