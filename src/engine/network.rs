//! A `ModelSpec` instantiated as candle layers: the variables (PyTorch's initialisation,
//! named `layer.weight` / `layer.bias`), the forward pass (with the fused CPU kernels where
//! they apply), the shape trace and the parameter counts.

use super::kernels;
use super::{CandleError, CandleResult};
use crate::core::shape::Shape;
use crate::core::spec::{lower_or_chain, pool_len, LayerKind, ModelSpec, Padding, Pair};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::VarMap;
use rand::{Rng, SeedableRng};

pub use crate::core::summary::LayerCounts;

/// One layer as candle runs it.
pub(super) enum Layer {
    Conv {
        /// candle's own convolution, for devices the custom kernels do not cover.
        conv: candle_nn::Conv2d,
        weight: Tensor,
        /// The bias, or zeros when the layer has none (a constant, so no gradient).
        bias: Tensor,
        stride: usize,
        padding: usize,
    },
    /// Any other convolution (groups, dilation, tuples, 1-d, transposed), through
    /// candle's own `conv2d` and differentiable reshapes.
    GeneralConv(GeneralConv),
    Linear(candle_nn::Linear),
    BatchNorm(candle_nn::BatchNorm),
    ReLU,
    Sigmoid,
    Tanh,
    Gelu,
    Silu,
    LeakyRelu(f64),
    Elu(f64),
    Softmax(i64),
    MaxPool {
        kernel: usize,
        stride: usize,
    },
    AvgPool {
        kernel: usize,
        stride: usize,
    },
    /// Any other max or average pooling (padding, ceil mode, tuples, 1-d).
    GeneralPool(GeneralPool),
    /// Adaptive average pooling to `out` (height, width); `one_d` for a C x L sample.
    AdaptiveAvg {
        one_d: bool,
        out: (usize, usize),
    },
    Flatten,
    View(usize),
    Dropout(f32),
    /// Normalisations, `Dropout2d` and operations over dimensions (`engine::layers`).
    Extra(super::layers::Extra),
    /// `nn.Identity()`.
    Identity,
    /// `a + b + ...`, `a * b * ...` (broadcast), `torch.cat([a, b], dim)`: several inputs.
    Add,
    Mul,
    Cat(i64),
}

/// A model instantiated with candle.
pub struct Network {
    /// The graph's leaf layers, in the order `forward` runs them.
    pub(super) layers: Vec<Layer>,
    /// The values each layer reads: 0 is the input, layer `i` writes value `i + 1`.
    inputs: Vec<Vec<usize>>,
    /// The value `forward` returns.
    output: usize,
    /// Whether layer `i`'s output goes to layer `i + 1` alone (it may then be fused).
    feeds_next: Vec<bool>,
    /// Each layer's module path (`layer1.conv1`), whose variables are `path.weight`...
    paths: Vec<Option<String>>,
    /// Trainable variables, named `layer.weight` / `layer.bias`.
    pub varmap: VarMap,
    device: Device,
}

/// Uniform values in [-bound, bound] from a seeded generator.
pub(super) fn uniform(rng: &mut rand::rngs::StdRng, n: usize, bound: f64) -> Vec<f32> {
    (0..n)
        .map(|_| rng.random_range(-bound..=bound) as f32)
        .collect()
}

/// Create a variable in `varmap` with PyTorch's default initialisation for weights and
/// biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). candle's own default (Kaiming normal) gives
/// conv weights a spread about 2.4x PyTorch's, and SGD then diverges at rates PyTorch uses.
fn seeded_var(
    varmap: &VarMap,
    name: String,
    shape: &[usize],
    values: Vec<f32>,
    device: &Device,
    dtype: DType,
) -> CandleResult<Tensor> {
    let t = Tensor::from_vec(values, shape, device)?.to_dtype(dtype)?;
    let var = Var::from_tensor(&t)?;
    let out = var.as_tensor().clone();
    varmap
        .data()
        .lock()
        .map_err(|_| CandleError::Msg("variable store poisoned".into()))?
        .insert(name, var);
    Ok(out)
}

impl Network {
    /// The variables by name, in name order.
    pub(super) fn named_vars(&self) -> CandleResult<Vec<(String, Var)>> {
        let mut vars: Vec<(String, Var)> = self
            .varmap
            .data()
            .lock()
            .map_err(|_| CandleError::Msg("variable store poisoned".into()))?
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(vars)
    }

    /// Instantiate `spec` on `device`, weights drawn from a generator seeded with `seed`.
    /// Call `plan` first: it refuses sizes beyond the memory budget.
    pub fn new(spec: &ModelSpec, seed: u64, device: &Device) -> CandleResult<Self> {
        Self::with_dtype(spec, seed, device, DType::F32)
    }

    /// As `new`, with variables of `dtype` (F64 for finite-difference gradient checks).
    pub fn with_dtype(
        spec: &ModelSpec,
        seed: u64,
        device: &Device,
        dtype: DType,
    ) -> CandleResult<Self> {
        let varmap = VarMap::new();
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let graph = lower_or_chain(spec);
        let mut layers = Vec::with_capacity(graph.nodes.len());
        for n in &graph.nodes {
            let name = n.path.clone().unwrap_or_default();
            let var = |rng: &mut rand::rngs::StdRng, what: &str, shape: &[usize], fan_in: usize| {
                let n = shape.iter().product();
                let bound = 1.0 / (fan_in as f64).sqrt();
                seeded_var(
                    &varmap,
                    format!("{name}.{what}"),
                    shape,
                    uniform(rng, n, bound),
                    device,
                    dtype,
                )
            };
            let layer = match n.kind {
                LayerKind::Conv2d {
                    in_channels,
                    out_channels,
                    kernel,
                    stride,
                    padding,
                    dilation,
                    groups,
                    bias,
                } => {
                    let (kh, kw) = kernel.hw();
                    let fan_in = (in_channels / groups.max(&1)) * kh * kw;
                    let w = var(
                        &mut rng,
                        "weight",
                        &[*out_channels, in_channels / groups.max(&1), kh, kw],
                        fan_in,
                    )?;
                    let b = if *bias {
                        Some(var(&mut rng, "bias", &[*out_channels], fan_in)?)
                    } else {
                        None
                    };
                    let sides = padding.sides(*kernel, *dilation);
                    let p = sides[0].0;
                    let plain = kh == kw
                        && stride.hw().0 == stride.hw().1
                        && sides.iter().all(|&(a, b)| a == p && b == p)
                        && dilation.is(1)
                        && *groups == 1;
                    if plain {
                        let stride = stride.hw().0;
                        let cfg = candle_nn::Conv2dConfig {
                            padding: p,
                            stride,
                            ..Default::default()
                        };
                        let bias = match &b {
                            Some(b) => b.clone(),
                            None => Tensor::zeros(*out_channels, dtype, device)?,
                        };
                        Layer::Conv {
                            conv: candle_nn::Conv2d::new(w.clone(), b, cfg),
                            weight: w,
                            bias,
                            stride,
                            padding: p,
                        }
                    } else {
                        Layer::GeneralConv(GeneralConv {
                            weight: w,
                            bias: b,
                            one_d: false,
                            transposed: false,
                            stride: stride.hw(),
                            pads: sides,
                            output_padding: (0, 0),
                            dilation: dilation.hw(),
                            groups: *groups,
                        })
                    }
                }
                LayerKind::Conv1d {
                    in_channels,
                    out_channels,
                    kernel,
                    stride,
                    padding,
                    dilation,
                    groups,
                    bias,
                } => {
                    let k = kernel.size();
                    let fan_in = (in_channels / groups.max(&1)) * k;
                    let w = var(
                        &mut rng,
                        "weight",
                        &[*out_channels, in_channels / groups.max(&1), k],
                        fan_in,
                    )?;
                    let b = if *bias {
                        Some(var(&mut rng, "bias", &[*out_channels], fan_in)?)
                    } else {
                        None
                    };
                    let one = |p: Pair| Pair::One(p.size());
                    let sides = match padding {
                        Padding::Size(p) => Padding::Size(one(*p)),
                        Padding::Same | Padding::Valid => *padding,
                    }
                    .sides(one(*kernel), one(*dilation));
                    Layer::GeneralConv(GeneralConv {
                        weight: w,
                        bias: b,
                        one_d: true,
                        transposed: false,
                        stride: (1, stride.size()),
                        pads: [(0, 0), sides[1]],
                        output_padding: (0, 0),
                        dilation: (1, dilation.size()),
                        groups: *groups,
                    })
                }
                LayerKind::ConvTranspose2d {
                    in_channels,
                    out_channels,
                    kernel,
                    stride,
                    padding,
                    output_padding,
                    groups,
                    bias,
                    dilation,
                } => {
                    let (kh, kw) = kernel.hw();
                    let per_group = out_channels / groups.max(&1);
                    // PyTorch's fan-in for a transposed weight (in, out/groups, kh, kw).
                    let fan_in = per_group * kh * kw;
                    let w = var(
                        &mut rng,
                        "weight",
                        &[*in_channels, per_group, kh, kw],
                        fan_in,
                    )?;
                    let b = if *bias {
                        Some(var(&mut rng, "bias", &[*out_channels], fan_in)?)
                    } else {
                        None
                    };
                    let (ph, pw) = padding.hw();
                    Layer::GeneralConv(GeneralConv {
                        weight: w,
                        bias: b,
                        one_d: false,
                        transposed: true,
                        stride: stride.hw(),
                        pads: [(ph, ph), (pw, pw)],
                        output_padding: output_padding.hw(),
                        dilation: dilation.hw(),
                        groups: *groups,
                    })
                }
                LayerKind::Linear {
                    in_features,
                    out_features,
                    bias,
                } => {
                    let w = var(
                        &mut rng,
                        "weight",
                        &[*out_features, *in_features],
                        *in_features,
                    )?;
                    let b = if *bias {
                        Some(var(&mut rng, "bias", &[*out_features], *in_features)?)
                    } else {
                        None
                    };
                    Layer::Linear(candle_nn::Linear::new(w, b))
                }
                LayerKind::BatchNorm2d {
                    features,
                    eps,
                    momentum: Some(momentum),
                    affine: true,
                    track_running_stats: true,
                } => {
                    let c = *features;
                    let w = seeded_var(
                        &varmap,
                        format!("{name}.weight"),
                        &[c],
                        vec![1.0; c],
                        device,
                        dtype,
                    )?;
                    let b = seeded_var(
                        &varmap,
                        format!("{name}.bias"),
                        &[c],
                        vec![0.0; c],
                        device,
                        dtype,
                    )?;
                    // Running statistics are buffers, as in PyTorch: not in the trainable map.
                    let mean = Tensor::zeros(c, dtype, device)?;
                    let var_ = Tensor::ones(c, dtype, device)?;
                    Layer::BatchNorm(candle_nn::BatchNorm::new_with_momentum(
                        c, mean, var_, w, b, *eps, *momentum,
                    )?)
                }
                LayerKind::ReLU => Layer::ReLU,
                LayerKind::Sigmoid => Layer::Sigmoid,
                LayerKind::Tanh => Layer::Tanh,
                LayerKind::GELU => Layer::Gelu,
                LayerKind::SiLU => Layer::Silu,
                LayerKind::LeakyReLU { negative_slope } => Layer::LeakyRelu(*negative_slope),
                LayerKind::ELU { alpha } => Layer::Elu(*alpha),
                LayerKind::Softmax { dim } => Layer::Softmax(*dim),
                LayerKind::MaxPool2d {
                    kernel,
                    stride,
                    padding,
                    ceil_mode,
                } => {
                    let pool =
                        GeneralPool::new(true, false, *kernel, *stride, *padding, *ceil_mode, true);
                    match pool.plain() {
                        Some(k) => Layer::MaxPool {
                            kernel: k,
                            stride: k,
                        },
                        None => Layer::GeneralPool(pool),
                    }
                }
                LayerKind::AvgPool2d {
                    kernel,
                    stride,
                    padding,
                    ceil_mode,
                    count_include_pad,
                } => {
                    let pool = GeneralPool::new(
                        false,
                        false,
                        *kernel,
                        *stride,
                        *padding,
                        *ceil_mode,
                        *count_include_pad,
                    );
                    match pool.plain() {
                        Some(k) => Layer::AvgPool {
                            kernel: k,
                            stride: k,
                        },
                        None => Layer::GeneralPool(pool),
                    }
                }
                LayerKind::MaxPool1d {
                    kernel,
                    stride,
                    padding,
                    ceil_mode,
                } => Layer::GeneralPool(GeneralPool::new(
                    true, true, *kernel, *stride, *padding, *ceil_mode, true,
                )),
                LayerKind::AvgPool1d {
                    kernel,
                    stride,
                    padding,
                    ceil_mode,
                    count_include_pad,
                } => Layer::GeneralPool(GeneralPool::new(
                    false,
                    true,
                    *kernel,
                    *stride,
                    *padding,
                    *ceil_mode,
                    *count_include_pad,
                )),
                LayerKind::AdaptiveAvgPool1d { output_size } => Layer::AdaptiveAvg {
                    one_d: true,
                    out: (1, output_size.size()),
                },
                LayerKind::AdaptiveAvgPool2d { output_size } => Layer::AdaptiveAvg {
                    one_d: false,
                    out: output_size.hw(),
                },
                LayerKind::Flatten => Layer::Flatten,
                LayerKind::View(_, n) => Layer::View(*n as usize),
                LayerKind::Dropout { p } => Layer::Dropout(*p as f32),
                LayerKind::BatchNorm2d { .. }
                | LayerKind::BatchNorm1d { .. }
                | LayerKind::LayerNorm { .. }
                | LayerKind::GroupNorm { .. }
                | LayerKind::Dropout2d { .. }
                | LayerKind::FlattenDims { .. }
                | LayerKind::LogSoftmax { .. }
                | LayerKind::Mean { .. }
                | LayerKind::Sum { .. }
                | LayerKind::Transpose { .. }
                | LayerKind::Permute { .. }
                | LayerKind::Select { .. }
                | LayerKind::Embedding { .. }
                | LayerKind::RNN { .. }
                | LayerKind::LSTM { .. }
                | LayerKind::GRU { .. }
                | LayerKind::FinalState { .. }
                | LayerKind::FinalStateSqueeze
                | LayerKind::MultiheadAttention { .. }
                | LayerKind::TransformerEncoderLayer { .. }
                | LayerKind::TransformerEncoder { .. } => {
                    match super::layers::build(n.kind, &name, &varmap, &mut rng, device, dtype)? {
                        Some(e) => Layer::Extra(e),
                        None => candle_core::bail!("{}: no candle layer", n.label),
                    }
                }
                LayerKind::Identity => Layer::Identity,
                LayerKind::Add => Layer::Add,
                LayerKind::Mul => Layer::Mul,
                LayerKind::Cat { dim } => Layer::Cat(*dim),
                // The lowered graph unfolds them; only a spec `validate` refuses keeps them.
                LayerKind::Sequential(_) | LayerKind::Module(_) => {
                    candle_core::bail!("{}: the spec does not validate", n.label)
                }
            };
            layers.push(layer);
        }
        Ok(Self {
            layers,
            inputs: graph.nodes.iter().map(|n| n.inputs.clone()).collect(),
            output: graph.output,
            feeds_next: graph.feeds_only_next(),
            paths: graph.nodes.iter().map(|n| n.path.clone()).collect(),
            varmap,
            device: device.clone(),
        })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Per-layer parameter counts (one per leaf layer of the graph, as the summary's rows),
    /// read from the instantiated tensors.
    pub fn layer_counts(&self, _spec: &ModelSpec) -> Vec<LayerCounts> {
        let data = self.varmap.data().lock().expect("variable store");
        self.paths
            .iter()
            .zip(&self.layers)
            .map(|(path, layer)| {
                let trainable = match path {
                    Some(n) => {
                        let prefix = format!("{n}.");
                        data.iter()
                            .filter(|(k, _)| k.starts_with(&prefix))
                            .map(|(_, v)| v.as_tensor().elem_count() as u64)
                            .sum()
                    }
                    None => 0,
                };
                let buffers = match layer {
                    // PyTorch's running mean and variance, and its `num_batches_tracked`
                    // counter (one element, which candle does not keep).
                    Layer::BatchNorm(bn) => {
                        (bn.running_mean().elem_count() + bn.running_var().elem_count() + 1) as u64
                    }
                    // No buffers: listed, so that a new layer is a compile error here.
                    Layer::Conv { .. }
                    | Layer::GeneralConv(_)
                    | Layer::GeneralPool(_)
                    | Layer::AdaptiveAvg { .. }
                    | Layer::Linear(_)
                    | Layer::ReLU
                    | Layer::Sigmoid
                    | Layer::Tanh
                    | Layer::Gelu
                    | Layer::Silu
                    | Layer::LeakyRelu(_)
                    | Layer::Elu(_)
                    | Layer::Softmax(_)
                    | Layer::MaxPool { .. }
                    | Layer::AvgPool { .. }
                    | Layer::Flatten
                    | Layer::View(_)
                    | Layer::Dropout(_)
                    | Layer::Identity
                    | Layer::Add
                    | Layer::Mul
                    | Layer::Cat(_) => 0,
                    Layer::Extra(e) => e.buffers(),
                };
                LayerCounts { trainable, buffers }
            })
            .collect()
    }

    /// The tensors layer `i` reads, from the values computed so far.
    fn args<'v>(&self, values: &'v [Tensor], i: usize) -> CandleResult<Vec<&'v Tensor>> {
        self.inputs[i]
            .iter()
            .map(|&v| {
                values
                    .get(v)
                    .ok_or_else(|| CandleError::Msg(format!("layer {i} reads value {v}")))
            })
            .collect()
    }

    /// Apply every layer of the graph; `train` turns on dropout and batch statistics.
    pub fn forward(&self, x: &Tensor, train: bool) -> CandleResult<Tensor> {
        // values[v]: 0 is the input, layer i writes i + 1. A fused layer's skipped outputs
        // are never read by anyone else (`feeds_next`), so the fused result stands in.
        let mut values: Vec<Tensor> = Vec::with_capacity(self.layers.len() + 1);
        values.push(x.clone());
        let mut i = 0;
        while i < self.layers.len() {
            let chain = |k: usize| self.feeds_next.get(k).copied().unwrap_or(false);
            let x = match self.inputs[i].as_slice() {
                [v] => values.get(*v).cloned(),
                _ => None,
            };
            if let Some(x) = &x {
                // Convolution, ReLU and max-pooling run as one kernel on the CPU.
                if let (
                    Layer::Conv {
                        weight,
                        bias,
                        stride,
                        padding,
                        ..
                    },
                    Some(Layer::ReLU),
                    Some(Layer::MaxPool { kernel, stride: ps }),
                ) = (
                    &self.layers[i],
                    self.layers.get(i + 1),
                    self.layers.get(i + 2),
                ) {
                    if kernel == ps && fast_cpu(x) && chain(i) && chain(i + 1) {
                        let block = kernels::ConvBlock::new(*stride, *padding, *kernel);
                        let y = x.contiguous()?.apply_op3(weight, bias, block)?;
                        values.extend([y.clone(), y.clone(), y]);
                        i += 3;
                        continue;
                    }
                }
                // Batch norm then ReLU, in training, as one kernel on the CPU: one
                // activation fewer for candle's backward to allocate and accumulate.
                if let (Layer::BatchNorm(bn), Some(Layer::ReLU)) =
                    (&self.layers[i], self.layers.get(i + 1))
                {
                    if train && fast_cpu(x) && chain(i) && bn.weight_and_bias().is_some() {
                        let y = kernels::batch_norm_train(x, bn, true)?;
                        values.extend([y.clone(), y]);
                        i += 2;
                        continue;
                    }
                }
                // ReLU then max-pooling run as one kernel on the CPU (same result, one pass).
                if let (Layer::ReLU, Some(Layer::MaxPool { kernel, stride })) =
                    (&self.layers[i], self.layers.get(i + 1))
                {
                    if kernel == stride && fast_cpu(x) && chain(i) {
                        let y = x
                            .contiguous()?
                            .apply_op1(kernels::MaxPool::new(*kernel, true))?;
                        values.extend([y.clone(), y]);
                        i += 2;
                        continue;
                    }
                }
            }
            let y = apply_many(&self.layers[i], &self.args(&values, i)?, train)?;
            values.push(y);
            i += 1;
        }
        values
            .get(self.output)
            .cloned()
            .ok_or_else(|| CandleError::Msg("the graph returns no value".into()))
    }

    /// The vocabulary of the embeddings that read the model's input (whose input is then
    /// token ids), the smallest if several.
    pub(super) fn input_vocabulary(&self) -> Option<usize> {
        self.layers
            .iter()
            .zip(&self.inputs)
            .filter(|(_, inputs)| inputs.contains(&0))
            .filter_map(|(l, _)| match l {
                Layer::Extra(e) => e.vocabulary(),
                _ => None,
            })
            .min()
    }

    /// A random input batch of shape `dims`: N(0, 1) values, or token ids drawn uniformly
    /// from the vocabulary when an embedding reads the input.
    pub(super) fn sample_input(&self, dims: &[usize]) -> CandleResult<Tensor> {
        match self.input_vocabulary() {
            Some(n) => Tensor::rand(0f32, n as f32, dims, &self.device)?
                .floor()?
                .clamp(0f32, (n.max(1) - 1) as f32),
            None => Tensor::randn(0f32, 1f32, dims, &self.device),
        }
    }

    /// Run a real forward pass on a random batch and record each layer's output shape
    /// (batch dimension first), one per leaf layer of the graph.
    pub fn trace(&self, sample: &Shape, batch: usize) -> CandleResult<Vec<Shape>> {
        let mut dims = vec![batch];
        dims.extend_from_slice(sample.dims());
        let x = self.sample_input(&dims)?;
        let mut values = vec![x];
        let mut shapes = Vec::with_capacity(self.layers.len());
        for (i, layer) in self.layers.iter().enumerate() {
            let y = apply_many(layer, &self.args(&values, i)?, false)?;
            shapes.push(Shape(y.dims().to_vec()));
            values.push(y);
        }
        Ok(shapes)
    }

    /// The shape `forward` returns, from a trace's shapes.
    pub fn output_of(&self, shapes: &[Shape]) -> Option<Shape> {
        match self.output {
            0 => None,
            v => shapes.get(v - 1).cloned(),
        }
    }
}

/// One layer on its inputs: a combining layer on all, any other on the first.
pub(super) fn apply_many(layer: &Layer, xs: &[&Tensor], train: bool) -> CandleResult<Tensor> {
    match layer {
        Layer::Add | Layer::Mul => {
            let Some((first, rest)) = xs.split_first() else {
                candle_core::bail!("a sum or product of no tensors")
            };
            let mut acc = (*first).clone();
            for x in rest {
                acc = if matches!(layer, Layer::Add) {
                    acc.broadcast_add(x)?
                } else {
                    acc.broadcast_mul(x)?
                };
            }
            Ok(acc)
        }
        Layer::Cat(dim) => {
            let rank = xs.first().map_or(0, |x| x.rank()) as i64;
            let d = if *dim < 0 { rank + dim } else { *dim };
            if d < 0 || d >= rank {
                candle_core::bail!("torch.cat: dim {dim} out of range for rank {rank}");
            }
            let parts: Vec<Tensor> = xs.iter().map(|x| (*x).clone()).collect();
            Tensor::cat(&parts, d as usize)
        }
        _ => match xs.first() {
            Some(x) => apply(layer, x, train),
            None => candle_core::bail!("a layer with no input"),
        },
    }
}

/// One layer on its own (no fusion).
pub(super) fn apply(layer: &Layer, x: &Tensor, train: bool) -> CandleResult<Tensor> {
    match layer {
        Layer::Conv {
            conv,
            weight,
            bias,
            stride,
            padding,
        } => {
            if fast_cpu(x) {
                x.contiguous()?.apply_op3(
                    weight,
                    bias,
                    kernels::Conv2d {
                        stride: *stride,
                        padding: *padding,
                    },
                )
            } else {
                x.apply(conv)
            }
        }
        Layer::GeneralConv(c) => c.forward(x),
        Layer::GeneralPool(p) => p.forward(x),
        Layer::AdaptiveAvg { one_d, out } => adaptive_avg(x, *one_d, *out),
        Layer::Linear(l) if fast_cpu(x) && x.rank() >= 1 => {
            let x = x.contiguous()?;
            match l.bias() {
                Some(b) => x.apply_op3(l.weight(), b, kernels::Linear),
                None => x.apply_op2(l.weight(), kernels::Linear),
            }
        }
        Layer::Linear(l) => x.apply(l),
        Layer::BatchNorm(bn) if train && fast_cpu(x) && bn.weight_and_bias().is_some() => {
            kernels::batch_norm_train(x, bn, false)
        }
        Layer::BatchNorm(bn) => x.apply_t(bn, train),
        Layer::ReLU => kernels::relu(x),
        Layer::Sigmoid => candle_nn::ops::sigmoid(x),
        Layer::Tanh => x.tanh(),
        // PyTorch's GELU is the exact one, through erf (not the tanh approximation).
        Layer::Gelu => x.gelu_erf(),
        Layer::Silu => x.silu(),
        Layer::LeakyRelu(slope) => candle_nn::ops::leaky_relu(x, *slope),
        Layer::Elu(alpha) => x.elu(*alpha),
        Layer::Softmax(dim) => {
            let rank = x.rank() as i64;
            let d = if *dim < 0 { rank + dim } else { *dim };
            candle_nn::ops::softmax(x, d as usize)
        }
        Layer::MaxPool { kernel, stride } => max_pool2d(x, *kernel, *stride),
        Layer::AvgPool { kernel, stride } => x.avg_pool2d_with_stride(*kernel, *stride),
        Layer::Flatten => x.flatten_from(1),
        Layer::View(n) => {
            let total = x.elem_count();
            if !total.is_multiple_of(*n) {
                candle_core::bail!("view(-1, {n}): {total} elements are not a multiple of {n}");
            }
            x.reshape((total / n, *n))
        }
        Layer::Extra(e) => e.forward(x, train),
        Layer::Dropout(p) => {
            if train && *p > 0.0 {
                candle_nn::ops::dropout(x, *p)
            } else {
                Ok(x.clone())
            }
        }
        Layer::Identity => Ok(x.clone()),
        // One tensor alone: `apply_many` combines several.
        Layer::Add | Layer::Mul => Ok(x.clone()),
        Layer::Cat(_) => apply_many(layer, &[x], train),
    }
}

/// Whether the custom CPU kernels of `kernels` can run on `x`.
fn fast_cpu(x: &Tensor) -> bool {
    x.device().is_cpu() && matches!(x.dtype(), DType::F32 | DType::F64)
}

/// Max-pooling whose gradient is right.
///
/// candle 0.11.1's `max_pool2d` backward scales the gradient at each window's maximum by
/// 1/k² (0.25 for a 2x2 window; PyTorch gives 1.0). With stride == kernel the pooling is
/// computed instead by `kernels::MaxPool` on the CPU, or elsewhere as a reshape and a max over
/// each window; both send the whole gradient to the maximum. Proved by `tests/gradients.rs::max_pool_gradient_is_one_at_the_maximum`
/// and the finite-difference checks there.
fn max_pool2d(x: &Tensor, kernel: usize, stride: usize) -> CandleResult<Tensor> {
    if kernel == stride && fast_cpu(x) {
        return x
            .contiguous()?
            .apply_op1(kernels::MaxPool::new(kernel, false));
    }
    if kernel != stride {
        // Forward only: candle refuses this backward with a clear error.
        return x.max_pool2d_with_stride(kernel, stride);
    }
    let (n, c, h, w) = x.dims4()?;
    let (oh, ow) = (h / kernel, w / kernel);
    // PyTorch drops the rows and columns that do not fill a window.
    let x = if oh * kernel != h || ow * kernel != w {
        x.narrow(2, 0, oh * kernel)?.narrow(3, 0, ow * kernel)?
    } else {
        x.clone()
    };
    x.reshape((n, c, oh, kernel, ow, kernel))?.max(5)?.max(3)
}

/// A convolution the fast kernels do not cover, as PyTorch defines it: weights in PyTorch's
/// layout (`[out, in/groups, kh, kw]`, `[out, in/groups, k]` for 1-d, `[in, out/groups, kh,
/// kw]` transposed). Padding is explicit zeros (so it may differ per side), dilation spreads
/// the kernel, a stride that differs per dimension keeps every s-th position, and a
/// transposed convolution is a convolution of the input spread by the stride with the
/// flipped kernel: every step has candle's gradient.
pub(super) struct GeneralConv {
    weight: Tensor,
    bias: Option<Tensor>,
    one_d: bool,
    transposed: bool,
    stride: (usize, usize),
    /// (before, after) for height and width (or the transposed convolution's padding).
    pads: [(usize, usize); 2],
    output_padding: (usize, usize),
    dilation: (usize, usize),
    groups: usize,
}

impl GeneralConv {
    fn forward(&self, x: &Tensor) -> CandleResult<Tensor> {
        let (x, w) = if self.one_d {
            (x.unsqueeze(2)?, self.weight.unsqueeze(2)?)
        } else {
            (x.clone(), self.weight.clone())
        };
        let (sh, sw) = self.stride;
        let (dh, dw) = self.dilation;
        let y = if self.transposed {
            let (_, _, kh, kw) = w.dims4()?;
            let g = self.groups.max(1);
            let (i, og) = (w.dim(0)?, w.dim(1)?);
            // (in, out/g, kh, kw) -> (out, in/g, kh, kw), flipped in space.
            let w = w
                .reshape((g, i / g, og, kh, kw))?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((g * og, i / g, kh, kw))?;
            let w = flip(&flip(&w, 2)?, 3)?;
            let w = spread_dims(&w, dh, dw)?;
            let x = spread_dims(&x, sh, sw)?;
            let edge = |k: usize, d: usize, p: usize| (d * (k - 1)) as i64 - p as i64;
            let x = pad_or_crop(
                &x,
                2,
                edge(kh, dh, self.pads[0].0),
                edge(kh, dh, self.pads[0].1) + self.output_padding.0 as i64,
            )?;
            let x = pad_or_crop(
                &x,
                3,
                edge(kw, dw, self.pads[1].0),
                edge(kw, dw, self.pads[1].1) + self.output_padding.1 as i64,
            )?;
            x.contiguous()?.conv2d(&w, 0, 1, 1, g)?
        } else {
            let x = pad_or_crop(&x, 2, self.pads[0].0 as i64, self.pads[0].1 as i64)?;
            let x = pad_or_crop(&x, 3, self.pads[1].0 as i64, self.pads[1].1 as i64)?;
            let w = spread_dims(&w, dh, dw)?;
            // Only the rows and columns a window reaches: candle's backward of a strided
            // convolution assumes the same leftover in height and width.
            let (_, _, kh, kw) = w.dims4()?;
            let (_, _, h, wd) = x.dims4()?;
            let reach = |l: usize, k: usize, s: usize| {
                if l < k {
                    l
                } else {
                    (l - k) / s * s + k
                }
            };
            let x = x
                .narrow(2, 0, reach(h, kh, sh))?
                .narrow(3, 0, reach(wd, kw, sw))?;
            if sh == sw {
                x.contiguous()?.conv2d(&w, 0, sh, 1, self.groups)?
            } else {
                let y = x.contiguous()?.conv2d(&w, 0, 1, 1, self.groups)?;
                let every = |y: &Tensor, dim: usize, s: usize| -> CandleResult<Tensor> {
                    let n = y.dim(dim)?;
                    let idx: Vec<u32> = (0..n).step_by(s).map(|i| i as u32).collect();
                    let idx = Tensor::new(idx.as_slice(), y.device())?;
                    y.contiguous()?.index_select(&idx, dim)
                };
                every(&every(&y, 2, sh)?, 3, sw)?
            }
        };
        let y = match &self.bias {
            Some(b) => y.broadcast_add(&b.reshape((1, b.dim(0)?, 1, 1))?)?,
            None => y,
        };
        if self.one_d {
            y.squeeze(2)
        } else {
            Ok(y)
        }
    }
}

/// `x` with its dimension `dim` reversed.
fn flip(x: &Tensor, dim: usize) -> CandleResult<Tensor> {
    let n = x.dim(dim)?;
    let idx: Vec<u32> = (0..n as u32).rev().collect();
    x.contiguous()?
        .index_select(&Tensor::new(idx.as_slice(), x.device())?, dim)
}

/// Zeros added (or, negative, rows removed) before and after along `dim`.
fn pad_or_crop(x: &Tensor, dim: usize, before: i64, after: i64) -> CandleResult<Tensor> {
    let mut x = x.clone();
    if before < 0 || after < 0 {
        let n = x.dim(dim)? as i64;
        let start = (-before).max(0);
        let len = n - start - (-after).max(0);
        if len < 1 {
            candle_core::bail!("the padding leaves nothing of dimension {dim}");
        }
        x = x.narrow(dim, start as usize, len as usize)?;
    }
    let (b, a) = (before.max(0) as usize, after.max(0) as usize);
    if b > 0 || a > 0 {
        x = x.pad_with_zeros(dim, b, a)?;
    }
    Ok(x)
}

/// Multiply the last dimension of `x` by `m` (`[.., n] x [n, m]`).
fn along_last(x: &Tensor, m: &Tensor) -> CandleResult<Tensor> {
    let dims = x.dims().to_vec();
    let n = *dims.last().unwrap_or(&1);
    let rows = x.elem_count() / n.max(1);
    let y = x.contiguous()?.reshape((rows, n))?.matmul(m)?;
    let mut out = dims;
    if let Some(l) = out.last_mut() {
        *l = m.dim(1)?;
    }
    y.reshape(out)
}

/// Apply the per-dimension matrices (`[n, m]`) to height (dim 2) and width (dim 3).
fn along_hw(x: &Tensor, mh: Option<&Tensor>, mw: Option<&Tensor>) -> CandleResult<Tensor> {
    let mut x = x.clone();
    if let Some(mw) = mw {
        x = along_last(&x, mw)?;
    }
    if let Some(mh) = mh {
        x = along_last(&x.transpose(2, 3)?, mh)?.transpose(2, 3)?;
    }
    Ok(x)
}

/// `x` spread out along `dim` by `step`: position i goes to i·step, zeros between (a
/// dilated kernel, or the input of a transposed convolution); no more memory than the result.
fn spread(x: &Tensor, dim: usize, step: usize) -> CandleResult<Tensor> {
    let n = x.dim(dim)?;
    if step <= 1 || n <= 1 {
        return Ok(x.clone());
    }
    let mut merged = x.dims().to_vec();
    merged[dim] = n * step;
    x.unsqueeze(dim + 1)?
        .pad_with_zeros(dim + 1, 0, step - 1)?
        .reshape(merged)?
        .narrow(dim, 0, (n - 1) * step + 1)
}

/// Height and width spread out by `sh`, `sw` (see [`spread`]).
fn spread_dims(x: &Tensor, sh: usize, sw: usize) -> CandleResult<Tensor> {
    spread(&spread(x, 2, sh)?, 3, sw)
}

/// A max or average pooling as PyTorch defines it, on `[N, C, H, W]` (1-d: height 1).
pub(super) struct GeneralPool {
    max: bool,
    one_d: bool,
    kernel: (usize, usize),
    stride: (usize, usize),
    padding: (usize, usize),
    ceil_mode: bool,
    count_include_pad: bool,
}

impl GeneralPool {
    fn new(
        max: bool,
        one_d: bool,
        kernel: Pair,
        stride: Option<Pair>,
        padding: Pair,
        ceil_mode: bool,
        count_include_pad: bool,
    ) -> Self {
        let stride = stride.unwrap_or(kernel);
        let d1 = |p: Pair| if one_d { (1, p.size()) } else { p.hw() };
        Self {
            max,
            one_d,
            kernel: d1(kernel),
            stride: d1(stride),
            padding: if one_d {
                (0, padding.size())
            } else {
                padding.hw()
            },
            ceil_mode,
            count_include_pad,
        }
    }

    /// The exam's square pooling (stride = kernel, no padding), which the fast kernels run.
    fn plain(&self) -> Option<usize> {
        let k = self.kernel.0;
        (!self.one_d
            && self.kernel == (k, k)
            && self.stride == (k, k)
            && self.padding == (0, 0)
            && !self.ceil_mode)
            .then_some(k)
    }

    fn forward(&self, x: &Tensor) -> CandleResult<Tensor> {
        let x = if self.one_d {
            x.unsqueeze(2)?
        } else {
            x.clone()
        };
        let (_, _, h, w) = x.dims4()?;
        let out = |l, k, s, p| {
            pool_len(l, k, s, p, self.ceil_mode)
                .ok_or_else(|| CandleError::Msg(format!("pooling window {k} does not fit {l}")))
        };
        let oh = out(h, self.kernel.0, self.stride.0, self.padding.0)?;
        let ow = out(w, self.kernel.1, self.stride.1, self.padding.1)?;
        let y = if self.max {
            let x = self.max_along(&x, 3, w, ow, self.kernel.1, self.stride.1, self.padding.1)?;
            self.max_along(&x, 2, h, oh, self.kernel.0, self.stride.0, self.padding.0)?
        } else {
            let m = |l, o, k, s, p| self.avg_matrix(l, o, k, s, p, &x);
            let mh = m(h, oh, self.kernel.0, self.stride.0, self.padding.0)?;
            let mw = m(w, ow, self.kernel.1, self.stride.1, self.padding.1)?;
            along_hw(&x, Some(&mh), Some(&mw))?
        };
        if self.one_d {
            y.squeeze(2)
        } else {
            Ok(y)
        }
    }

    /// The maximum of each window along `dim` (length `l`, `o` windows), PyTorch's padding
    /// being never chosen.
    #[allow(clippy::too_many_arguments)]
    fn max_along(
        &self,
        x: &Tensor,
        dim: usize,
        l: usize,
        o: usize,
        k: usize,
        s: usize,
        p: usize,
    ) -> CandleResult<Tensor> {
        if k == 1 && s == 1 && p == 0 {
            return Ok(x.clone());
        }
        let right = ((o - 1) * s + k).saturating_sub(l + p);
        let x = if p > 0 || right > 0 {
            let mut shape = x.dims().to_vec();
            let low = |n: usize, shape: &mut Vec<usize>| {
                shape[dim] = n;
                Tensor::full(f32::MIN, shape.as_slice(), x.device())?.to_dtype(x.dtype())
            };
            let mut parts = Vec::with_capacity(3);
            if p > 0 {
                parts.push(low(p, &mut shape)?);
            }
            parts.push(x.clone());
            if right > 0 {
                parts.push(low(right, &mut shape)?);
            }
            Tensor::cat(&parts, dim)?
        } else {
            x.clone()
        }
        .contiguous()?;
        let mut acc: Option<Tensor> = None;
        for a in 0..k {
            let idx: Vec<u32> = (0..o).map(|i| (i * s + a) as u32).collect();
            let t = x.index_select(&Tensor::new(idx.as_slice(), x.device())?, dim)?;
            acc = Some(match acc {
                Some(m) => m.maximum(&t)?,
                None => t,
            });
        }
        acc.ok_or_else(|| CandleError::Msg("empty pooling window".into()))
    }

    /// `[l, o]`: column i averages window i as PyTorch does (the padding's zeros counted
    /// when `count_include_pad`, never the part past the padding that ceil mode adds).
    fn avg_matrix(
        &self,
        l: usize,
        o: usize,
        k: usize,
        s: usize,
        p: usize,
        like: &Tensor,
    ) -> CandleResult<Tensor> {
        let mut v = vec![0f64; l * o];
        for i in 0..o {
            let start = (i * s) as i64 - p as i64;
            let end = (start + k as i64).min((l + p) as i64);
            let size = end - start;
            let (lo, hi) = (start.max(0), end.min(l as i64));
            let div = if self.count_include_pad {
                size
            } else {
                hi - lo
            };
            for j in lo..hi {
                v[j as usize * o + i] = 1.0 / div.max(1) as f64;
            }
        }
        Tensor::from_vec(v, (l, o), like.device())?.to_dtype(like.dtype())
    }
}

/// PyTorch's adaptive average pooling: output i averages input positions ⌊i·L/n⌋ to
/// ⌈(i+1)·L/n⌉ − 1, for any sizes.
fn adaptive_avg(x: &Tensor, one_d: bool, out: (usize, usize)) -> CandleResult<Tensor> {
    let x = if one_d { x.unsqueeze(2)? } else { x.clone() };
    let (_, _, h, w) = x.dims4()?;
    let m = |l: usize, n: usize| -> CandleResult<Tensor> {
        let mut v = vec![0f64; l * n];
        for i in 0..n {
            let start = i * l / n;
            let end = ((i + 1) * l).div_ceil(n);
            for j in start..end {
                v[j * n + i] = 1.0 / (end - start) as f64;
            }
        }
        Tensor::from_vec(v, (l, n), x.device())?.to_dtype(x.dtype())
    };
    let (mh, mw) = (m(h, out.0)?, m(w, out.1)?);
    let y = along_hw(&x, Some(&mh), Some(&mw))?;
    if one_d {
        y.squeeze(2)
    } else {
        Ok(y)
    }
}
