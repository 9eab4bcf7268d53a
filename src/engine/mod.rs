//! The candle-facing code: the only module that knows candle.
//!
//! A `ModelSpec` is instantiated as real candle modules whose variables live in a `VarMap`
//! under the layers' names (`conv1.weight`, `fc2.bias`). Parameter counts are read from
//! those tensors and shapes from a real forward pass.

use crate::core::grade::Facts;
use crate::core::pack::Pack;
use crate::core::runner::ModelRunner;
use crate::core::shape::Shape;
use crate::core::spec::{LayerKind, ModelSpec};
use crate::core::summary::{InspectError, Summary};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::VarMap;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

pub use candle_core::Error as CandleError;
pub use candle_core::Result as CandleResult;

/// Where tensors live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    #[default]
    Cpu,
    Cuda,
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cpu" => Ok(DeviceChoice::Cpu),
            "cuda" | "gpu" => Ok(DeviceChoice::Cuda),
            other => Err(format!("unknown device `{other}`: use cpu or cuda")),
        }
    }
}

impl std::fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DeviceChoice::Cpu => "cpu",
            DeviceChoice::Cuda => "cuda",
        })
    }
}

/// Whether this binary was built with the `cuda` feature.
pub const CUDA_BUILT: bool = cfg!(feature = "cuda");

/// Open a device, or say clearly why not and what to do.
pub fn open_device(choice: DeviceChoice) -> Result<Device, String> {
    match choice {
        DeviceChoice::Cpu => Ok(Device::Cpu),
        DeviceChoice::Cuda if !CUDA_BUILT => Err(
            "CUDA was asked for, but this mltutor was built without the `cuda` feature. \
             Rebuild with `cargo build --release --features cuda` (see the README), or use --device cpu."
                .into(),
        ),
        DeviceChoice::Cuda => Device::new_cuda(0).map_err(|e| {
            format!(
                "CUDA was asked for, but no usable GPU was found ({e}). Check the NVIDIA driver \
                 (nvidia-smi), or use --device cpu."
            )
        }),
    }
}

pub mod data;
mod direct;
pub mod inspect;
mod ops;
pub mod train;

pub use inspect::inspect;

/// The engine's answer to `core`'s [`ModelRunner`]: every fact from candle.
#[derive(Debug, Clone, Copy, Default)]
pub struct CandleRunner;

impl ModelRunner for CandleRunner {
    fn inspect(
        &self,
        spec: &ModelSpec,
        input: Option<&Shape>,
        batch: usize,
        budget: u64,
    ) -> Result<Summary, InspectError> {
        inspect(spec, input, batch, budget)
    }

    fn linear_evidence(&self, spec: &ModelSpec, seed: u64) -> Result<LinearEvidence, String> {
        linear_evidence(spec, seed).map_err(|e| e.to_string())
    }
}

/// The facts of every model of a pack, computed with candle (see [`Facts::compute`]).
pub fn facts(pack: &Pack, budget: u64) -> Facts {
    Facts::compute(pack, budget, Arc::new(CandleRunner))
}

/// One layer as candle runs it.
enum Layer {
    Conv {
        /// candle's own convolution, for devices the custom kernels do not cover.
        conv: candle_nn::Conv2d,
        weight: Tensor,
        /// The bias, or zeros when the layer has none (a constant, so no gradient).
        bias: Tensor,
        stride: usize,
        padding: usize,
    },
    Linear(candle_nn::Linear),
    BatchNorm(candle_nn::BatchNorm),
    ReLU,
    Sigmoid,
    Tanh,
    Softmax(i64),
    MaxPool {
        kernel: usize,
        stride: usize,
    },
    AvgPool {
        kernel: usize,
        stride: usize,
    },
    Flatten,
    View(usize),
    Dropout(f32),
}

pub use crate::core::summary::LayerCounts;

/// A model instantiated with candle.
pub struct Network {
    layers: Vec<Layer>,
    /// Trainable variables, named `layer.weight` / `layer.bias`.
    pub varmap: VarMap,
    device: Device,
}

/// Uniform values in [-bound, bound] from a seeded generator.
fn uniform(rng: &mut rand::rngs::StdRng, n: usize, bound: f64) -> Vec<f32> {
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
    fn named_vars(&self) -> CandleResult<Vec<(String, Var)>> {
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
        let mut layers = Vec::with_capacity(spec.layers.len());
        for l in &spec.layers {
            let name = l.name.clone().unwrap_or_default();
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
            let layer = match &l.layer {
                LayerKind::Conv2d {
                    in_channels,
                    out_channels,
                    kernel,
                    stride,
                    padding,
                    bias,
                } => {
                    let fan_in = in_channels * kernel * kernel;
                    let w = var(
                        &mut rng,
                        "weight",
                        &[*out_channels, *in_channels, *kernel, *kernel],
                        fan_in,
                    )?;
                    let b = if *bias {
                        Some(var(&mut rng, "bias", &[*out_channels], fan_in)?)
                    } else {
                        None
                    };
                    let cfg = candle_nn::Conv2dConfig {
                        padding: *padding,
                        stride: *stride,
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
                        stride: *stride,
                        padding: *padding,
                    }
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
                LayerKind::BatchNorm2d { features } => {
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
                    Layer::BatchNorm(candle_nn::BatchNorm::new(c, mean, var_, w, b, 1e-5)?)
                }
                LayerKind::ReLU => Layer::ReLU,
                LayerKind::Sigmoid => Layer::Sigmoid,
                LayerKind::Tanh => Layer::Tanh,
                LayerKind::Softmax { dim } => Layer::Softmax(*dim),
                LayerKind::MaxPool2d { kernel, stride } => Layer::MaxPool {
                    kernel: *kernel,
                    stride: stride.unwrap_or(*kernel),
                },
                LayerKind::AvgPool2d { kernel, stride } => Layer::AvgPool {
                    kernel: *kernel,
                    stride: stride.unwrap_or(*kernel),
                },
                LayerKind::Flatten => Layer::Flatten,
                LayerKind::View(_, n) => Layer::View(*n as usize),
                LayerKind::Dropout { p } => Layer::Dropout(*p as f32),
            };
            layers.push(layer);
        }
        Ok(Self {
            layers,
            varmap,
            device: device.clone(),
        })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Per-layer parameter counts, read from the instantiated tensors.
    pub fn layer_counts(&self, spec: &ModelSpec) -> Vec<LayerCounts> {
        let data = self.varmap.data().lock().expect("variable store");
        spec.layers
            .iter()
            .zip(&self.layers)
            .map(|(l, layer)| {
                let trainable = match &l.name {
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
                    Layer::BatchNorm(bn) => {
                        (bn.running_mean().elem_count() + bn.running_var().elem_count()) as u64
                    }
                    _ => 0,
                };
                LayerCounts { trainable, buffers }
            })
            .collect()
    }

    /// Apply every layer; `train` turns on dropout and batch statistics.
    pub fn forward(&self, x: &Tensor, train: bool) -> CandleResult<Tensor> {
        let mut x = x.clone();
        let mut i = 0;
        while i < self.layers.len() {
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
                if kernel == ps && fast_cpu(&x) {
                    let block = ops::ConvBlock::new(*stride, *padding, *kernel);
                    x = x.contiguous()?.apply_op3(weight, bias, block)?;
                    i += 3;
                    continue;
                }
            }
            // ReLU then max-pooling run as one kernel on the CPU (same result, one pass).
            if let (Layer::ReLU, Some(Layer::MaxPool { kernel, stride })) =
                (&self.layers[i], self.layers.get(i + 1))
            {
                if kernel == stride && fast_cpu(&x) {
                    x = x
                        .contiguous()?
                        .apply_op1(ops::MaxPool::new(*kernel, true))?;
                    i += 2;
                    continue;
                }
            }
            x = apply(&self.layers[i], &x, train)?;
            i += 1;
        }
        Ok(x)
    }

    /// Run a real forward pass on a random batch and record each layer's output shape
    /// (batch dimension first).
    pub fn trace(&self, sample: &Shape, batch: usize) -> CandleResult<Vec<Shape>> {
        let mut dims = vec![batch];
        dims.extend_from_slice(sample.dims());
        let mut x = Tensor::randn(0f32, 1f32, dims, &self.device)?;
        let mut shapes = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            x = apply(layer, &x, false)?;
            shapes.push(Shape(x.dims().to_vec()));
        }
        Ok(shapes)
    }
}

fn apply(layer: &Layer, x: &Tensor, train: bool) -> CandleResult<Tensor> {
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
                    ops::Conv2d {
                        stride: *stride,
                        padding: *padding,
                    },
                )
            } else {
                x.apply(conv)
            }
        }
        Layer::Linear(l) => x.apply(l),
        Layer::BatchNorm(bn) => x.apply_t(bn, train),
        Layer::ReLU => x.relu(),
        Layer::Sigmoid => candle_nn::ops::sigmoid(x),
        Layer::Tanh => x.tanh(),
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
        Layer::Dropout(p) => {
            if train && *p > 0.0 {
                candle_nn::ops::dropout(x, *p)
            } else {
                Ok(x.clone())
            }
        }
    }
}

/// Whether the custom CPU kernels of `ops` can run on `x`.
fn fast_cpu(x: &Tensor) -> bool {
    x.device().is_cpu() && matches!(x.dtype(), DType::F32 | DType::F64)
}

/// Max-pooling whose gradient is right.
///
/// candle 0.11.1's `max_pool2d` backward scales the gradient at each window's maximum by
/// 1/k² (0.25 for a 2x2 window; PyTorch gives 1.0). With stride == kernel the pooling is
/// computed instead by `ops::MaxPool` on the CPU, or elsewhere as a reshape and a max over
/// each window; both send the whole gradient to the maximum. Proved by `tests/gradients.rs::max_pool_gradient_is_one_at_the_maximum`
/// and the finite-difference checks there.
fn max_pool2d(x: &Tensor, kernel: usize, stride: usize) -> CandleResult<Tensor> {
    if kernel == stride && fast_cpu(x) {
        return x.contiguous()?.apply_op1(ops::MaxPool::new(kernel, false));
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

pub use crate::core::runner::LinearEvidence;

/// Run the first Linear layer of `spec` (which must map to one output) on a seeded random x.
pub fn linear_evidence(spec: &ModelSpec, seed: u64) -> CandleResult<LinearEvidence> {
    let net = Network::new(spec, seed, &Device::Cpu)?;
    let (idx, name, n) = spec
        .layers
        .iter()
        .enumerate()
        .find_map(|(i, l)| match (&l.layer, &l.name) {
            (
                LayerKind::Linear {
                    in_features,
                    out_features: 1,
                    ..
                },
                Some(name),
            ) => Some((i, name.clone(), *in_features)),
            _ => None,
        })
        .ok_or_else(|| CandleError::Msg("the model has no Linear(n, 1) layer".into()))?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed.wrapping_add(1));
    let x = uniform(&mut rng, n, 1.0);
    let xt = Tensor::from_vec(x.clone(), (1, n), &Device::Cpu)?;
    let out = apply(&net.layers[idx], &xt, false)?;
    let candle_output = out.flatten_all()?.to_vec1::<f32>()?[0];
    let data = net.varmap.data().lock().expect("variable store");
    let w = data[&format!("{name}.weight")]
        .as_tensor()
        .flatten_all()?
        .to_vec1::<f32>()?;
    let b = match data.get(&format!("{name}.bias")) {
        Some(v) => v.as_tensor().flatten_all()?.to_vec1::<f32>()?[0],
        None => 0.0,
    };
    let term_by_term = w
        .iter()
        .zip(&x)
        .map(|(wi, xi)| *wi as f64 * *xi as f64)
        .sum::<f64>()
        + b as f64;
    Ok(LinearEvidence {
        x,
        w,
        b,
        candle_output,
        term_by_term,
    })
}

/// Which optimizer a training run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    #[default]
    Sgd,
    AdamW,
}

impl std::str::FromStr for OptimizerKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sgd" => Ok(OptimizerKind::Sgd),
            "adamw" | "adam" => Ok(OptimizerKind::AdamW),
            other => Err(format!("unknown optimizer `{other}`: use sgd or adamw")),
        }
    }
}

impl std::fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::AdamW => "adamw",
        })
    }
}

/// SGD with momentum as PyTorch defines it: v ← μ·v + g, p ← p − lr·v (candle's SGD has
/// no momentum).
struct SgdMomentum {
    vars: Vec<Var>,
    velocity: Vec<Option<Tensor>>,
    lr: f64,
    momentum: f64,
}

impl SgdMomentum {
    fn step(&mut self, grads: &candle_core::backprop::GradStore) -> CandleResult<()> {
        for (var, v) in self.vars.iter().zip(self.velocity.iter_mut()) {
            let Some(g) = grads.get(var) else { continue };
            let update = match v.take() {
                Some(prev) if self.momentum > 0.0 => ((prev * self.momentum)? + g)?,
                _ => g.clone(),
            };
            var.set(&(var.as_tensor() - (&update * self.lr)?)?)?;
            if self.momentum > 0.0 {
                *v = Some(update);
            }
        }
        Ok(())
    }
}

enum Optim {
    Sgd(SgdMomentum),
    AdamW(candle_nn::AdamW),
}

/// A model being trained: forward, cross-entropy, backward and optimizer step.
pub struct TrainSession {
    net: Network,
    optim: Optim,
    sample_shape: Vec<usize>,
}

/// Training hyper-parameters the engine needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptimSettings {
    pub kind: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    pub weight_decay: f64,
}

impl TrainSession {
    pub fn new(
        spec: &ModelSpec,
        seed: u64,
        device: &Device,
        o: OptimSettings,
    ) -> CandleResult<Self> {
        let net = Network::new(spec, seed, device)?;
        let vars = net.varmap.all_vars();
        let optim = match o.kind {
            OptimizerKind::Sgd => Optim::Sgd(SgdMomentum {
                velocity: vec![None; vars.len()],
                vars,
                lr: o.lr,
                momentum: o.momentum,
            }),
            OptimizerKind::AdamW => {
                use candle_nn::Optimizer;
                let params = candle_nn::ParamsAdamW {
                    lr: o.lr,
                    weight_decay: o.weight_decay,
                    ..Default::default()
                };
                Optim::AdamW(candle_nn::AdamW::new(vars, params)?)
            }
        };
        Ok(Self {
            net,
            optim,
            sample_shape: spec.input.clone(),
        })
    }

    fn batch(&self, xs: &[f32], ys: &[u32]) -> CandleResult<(Tensor, Tensor)> {
        let n = ys.len();
        let mut dims = vec![n];
        dims.extend_from_slice(&self.sample_shape);
        let x = Tensor::from_slice(xs, dims, self.net.device())?;
        let y = Tensor::from_slice(ys, n, self.net.device())?;
        Ok((x, y))
    }

    /// One optimisation step on a batch; returns the batch's mean loss.
    pub fn step(&mut self, xs: &[f32], ys: &[u32]) -> CandleResult<f32> {
        let (x, y) = self.batch(xs, ys)?;
        let logits = self.net.forward(&x, true)?;
        let loss = candle_nn::loss::cross_entropy(&logits, &y)?;
        let grads = loss.backward()?;
        match &mut self.optim {
            Optim::Sgd(s) => s.step(&grads)?,
            Optim::AdamW(a) => {
                use candle_nn::Optimizer;
                a.step(&grads)?
            }
        }
        loss.to_scalar::<f32>()
    }

    /// Summed loss and number of correct predictions on a batch, without training.
    pub fn evaluate(&self, xs: &[f32], ys: &[u32]) -> CandleResult<(f64, usize)> {
        let (x, y) = self.batch(xs, ys)?;
        let logits = self.net.forward(&x, false)?;
        let loss = candle_nn::loss::cross_entropy(&logits, &y)?.to_scalar::<f32>()? as f64;
        let pred = logits.argmax(1)?.to_vec1::<u32>()?;
        let correct = pred.iter().zip(ys).filter(|(p, y)| p == y).count();
        Ok((loss * ys.len() as f64, correct))
    }

    /// Inference only: the forward pass and the predicted classes.
    pub fn predict(&self, xs: &[f32], n: usize) -> CandleResult<Vec<u32>> {
        let mut dims = vec![n];
        dims.extend_from_slice(&self.sample_shape);
        let x = Tensor::from_slice(xs, dims, self.net.device())?;
        self.net.forward(&x, false)?.argmax(1)?.to_vec1::<u32>()
    }
}

/// One variable's gradient compared with finite differences.
#[derive(Debug, Clone, PartialEq)]
pub struct GradCheck {
    /// `input`, or a variable name such as `conv1.weight`.
    pub name: String,
    pub max_abs_err: f64,
    pub max_abs_grad: f64,
}

impl GradCheck {
    /// `values` against `reference`: the largest difference and the largest reference value.
    fn new(name: String, values: Vec<f64>, reference: Vec<f64>) -> Self {
        Self {
            name,
            max_abs_err: values
                .iter()
                .zip(&reference)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max),
            max_abs_grad: reference.iter().map(|v| v.abs()).fold(0.0, f64::max),
        }
    }
}

fn normal_values(rng: &mut rand::rngs::StdRng, n: usize) -> Vec<f64> {
    use rand_distr::Distribution;
    let d = rand_distr::Normal::new(0.0, 1.0).expect("unit normal");
    (0..n).map(|_| d.sample(rng)).collect()
}

/// Compare candle's backward with central finite differences, in f64, for the input and
/// every variable of `spec`: the gradient of Σ r ⊙ f(x) for a fixed random r.
pub fn gradient_check(
    spec: &ModelSpec,
    batch: usize,
    seed: u64,
    train: bool,
) -> CandleResult<Vec<GradCheck>> {
    let dev = Device::Cpu;
    let net = Network::with_dtype(spec, seed, &dev, DType::F64)?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed.wrapping_add(17));
    let mut dims = vec![batch];
    dims.extend_from_slice(&spec.input);
    let n: usize = dims.iter().product();
    let x0 = normal_values(&mut rng, n);
    let x = Var::from_tensor(&Tensor::from_vec(x0.clone(), dims.as_slice(), &dev)?)?;
    let out = net.forward(x.as_tensor(), train)?;
    let r = Tensor::from_vec(normal_values(&mut rng, out.elem_count()), out.dims(), &dev)?;
    let objective = |x: &Tensor| -> CandleResult<f64> {
        (net.forward(x, train)? * &r)?.sum_all()?.to_scalar::<f64>()
    };
    let grads = (out * &r)?.sum_all()?.backward()?;
    let eps = 1e-6;
    let mut report = Vec::new();
    let gx = match grads.get(x.as_tensor()) {
        Some(g) => g.flatten_all()?.to_vec1::<f64>()?,
        None => vec![0.0; n],
    };
    let mut fd = Vec::with_capacity(n);
    for i in 0..n {
        let mut plus = x0.clone();
        plus[i] += eps;
        let mut minus = x0.clone();
        minus[i] -= eps;
        let fp = objective(&Tensor::from_vec(plus, dims.as_slice(), &dev)?)?;
        let fm = objective(&Tensor::from_vec(minus, dims.as_slice(), &dev)?)?;
        fd.push((fp - fm) / (2.0 * eps));
    }
    report.push(GradCheck::new("input".into(), gx, fd));
    for (name, var) in net.named_vars()? {
        let original = var.as_tensor().copy()?;
        let values = original.flatten_all()?.to_vec1::<f64>()?;
        let analytic = match grads.get(var.as_tensor()) {
            Some(g) => g.flatten_all()?.to_vec1::<f64>()?,
            None => vec![0.0; values.len()],
        };
        let mut numeric = Vec::with_capacity(values.len());
        for i in 0..values.len() {
            let mut v = values.clone();
            v[i] += eps;
            var.set(&Tensor::from_vec(v.clone(), original.dims(), &dev)?)?;
            let fp = objective(x.as_tensor())?;
            v[i] -= 2.0 * eps;
            var.set(&Tensor::from_vec(v, original.dims(), &dev)?)?;
            let fm = objective(x.as_tensor())?;
            numeric.push((fp - fm) / (2.0 * eps));
        }
        var.set(&original)?;
        report.push(GradCheck::new(name, analytic, numeric));
    }
    Ok(report)
}

/// The same analytic gradients (input and every variable, of Σ r ⊙ f(x)) computed in f32,
/// as training runs them (on CPUs with AVX-512 or AVX2, through the direct convolution
/// kernels),
/// and in f64, through the kernels `gradient_check` verifies by finite differences. Same
/// weights and data, rounded to f32 for both; `max_abs_err` is the largest difference.
pub fn precision_check(
    spec: &ModelSpec,
    batch: usize,
    seed: u64,
    train: bool,
) -> CandleResult<Vec<GradCheck>> {
    let dev = Device::Cpu;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed.wrapping_add(17));
    let mut dims = vec![batch];
    dims.extend_from_slice(&spec.input);
    let n: usize = dims.iter().product();
    let x: Vec<f64> = normal_values(&mut rng, n)
        .into_iter()
        .map(|v| v as f32 as f64)
        .collect();
    let mut r: Option<Tensor> = None;
    let mut gradients = |dtype: DType| -> CandleResult<Vec<(String, Vec<f64>)>> {
        let net = Network::with_dtype(spec, seed, &dev, dtype)?;
        let xv = Var::from_tensor(
            &Tensor::from_vec(x.clone(), dims.as_slice(), &dev)?.to_dtype(dtype)?,
        )?;
        let out = net.forward(xv.as_tensor(), train)?;
        let weights = match &r {
            Some(r) => r.clone(),
            None => {
                let values = normal_values(&mut rng, out.elem_count());
                let t = Tensor::from_vec(values, out.dims(), &dev)?.to_dtype(DType::F32)?;
                r = Some(t.clone());
                t
            }
        };
        let grads = (out * weights.to_dtype(dtype)?)?.sum_all()?.backward()?;
        let flat = |t: &Tensor| -> CandleResult<Vec<f64>> {
            let values = match grads.get(t) {
                Some(g) => g.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?,
                None => vec![0.0; t.elem_count()],
            };
            Ok(values)
        };
        let mut all = vec![("input".to_string(), flat(xv.as_tensor())?)];
        for (name, var) in net.named_vars()? {
            all.push((name, flat(var.as_tensor())?));
        }
        Ok(all)
    };
    let single = gradients(DType::F32)?;
    let double = gradients(DType::F64)?;
    Ok(single
        .into_iter()
        .zip(double)
        .map(|((name, a), (_, b))| GradCheck::new(name, a, b))
        .collect())
}

/// The gradient of Σ f(x) with respect to the input x (one sample of `spec.input`).
pub fn input_gradient(spec: &ModelSpec, x: Vec<f64>) -> CandleResult<Vec<f64>> {
    let dev = Device::Cpu;
    let net = Network::with_dtype(spec, 0, &dev, DType::F64)?;
    let mut dims = vec![1];
    dims.extend_from_slice(&spec.input);
    let x = Var::from_tensor(&Tensor::from_vec(x, dims.as_slice(), &dev)?)?;
    let grads = net.forward(x.as_tensor(), true)?.sum_all()?.backward()?;
    match grads.get(x.as_tensor()) {
        Some(g) => g.flatten_all()?.to_vec1::<f64>(),
        None => Ok(vec![0.0; x.elem_count()]),
    }
}

/// Where a training step's time goes: milliseconds per phase and per layer's forward,
/// averaged over `reps` steps on random data (for `mltutor bench --profile`).
pub fn profile_step(
    spec: &ModelSpec,
    batch: usize,
    reps: usize,
) -> CandleResult<Vec<(String, f64)>> {
    use std::time::Instant;
    let dev = Device::Cpu;
    let mut session = TrainSession::new(
        spec,
        0,
        &dev,
        OptimSettings {
            kind: OptimizerKind::Sgd,
            lr: 0.01,
            momentum: 0.0,
            weight_decay: 0.0,
        },
    )?;
    let mut dims = vec![batch];
    dims.extend_from_slice(&spec.input);
    let x = Tensor::randn(0f32, 1f32, dims.as_slice(), &dev)?;
    let classes = session.net.forward(&x, false)?.dim(1)? as u32;
    let y = Tensor::from_vec(
        (0..batch as u32).map(|i| i % classes).collect::<Vec<_>>(),
        batch,
        &dev,
    )?;
    let mut totals: Vec<(String, f64)> = Vec::new();
    let mut add = |name: &str, secs: f64| match totals.iter_mut().find(|(n, _)| n == name) {
        Some((_, t)) => *t += secs,
        None => totals.push((name.to_string(), secs)),
    };
    for rep in 0..=reps {
        let scale = if rep == 0 { 0.0 } else { 1e3 / reps as f64 };
        // The custom ops' own time, during the trained forward and the backward only.
        let _ = ops::profiling(false);
        // Per-layer forward, unfused, for the table.
        let mut h = x.clone();
        for (l, layer) in spec.layers.iter().zip(&session.net.layers) {
            let t = Instant::now();
            h = apply(layer, &h, true)?;
            add(
                &format!("forward {}", l.label()),
                t.elapsed().as_secs_f64() * scale,
            );
        }
        let _ = ops::profiling(true);
        let t = Instant::now();
        let logits = session.net.forward(&x, true)?;
        add(
            "forward (fused, as trained)",
            t.elapsed().as_secs_f64() * scale,
        );
        let t = Instant::now();
        let loss = candle_nn::loss::cross_entropy(&logits, &y)?;
        add("loss", t.elapsed().as_secs_f64() * scale);
        let t = Instant::now();
        let grads = loss.backward()?;
        add("backward", t.elapsed().as_secs_f64() * scale);
        for (op, secs) in ops::profiling(false) {
            add(&format!("  op {op}"), secs * scale);
        }
        let t = Instant::now();
        if let Optim::Sgd(s) = &mut session.optim {
            s.step(&grads)?;
        }
        add("optimizer step", t.elapsed().as_secs_f64() * scale);
    }
    Ok(totals)
}
