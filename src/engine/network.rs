//! A `ModelSpec` instantiated as candle layers: the variables (PyTorch's initialisation,
//! named `layer.weight` / `layer.bias`), the forward pass (with the fused CPU kernels where
//! they apply), the shape trace and the parameter counts.

use super::kernels;
use super::{CandleError, CandleResult};
use crate::core::shape::Shape;
use crate::core::spec::{LayerKind, ModelSpec};
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
    Flatten,
    View(usize),
    Dropout(f32),
}

/// A model instantiated with candle.
pub struct Network {
    pub(super) layers: Vec<Layer>,
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
                LayerKind::GELU => Layer::Gelu,
                LayerKind::SiLU => Layer::Silu,
                LayerKind::LeakyReLU { negative_slope } => Layer::LeakyRelu(*negative_slope),
                LayerKind::ELU { alpha } => Layer::Elu(*alpha),
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
                    // No buffers: listed, so that a new layer is a compile error here.
                    Layer::Conv { .. }
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
                    | Layer::Dropout(_) => 0,
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
                    let block = kernels::ConvBlock::new(*stride, *padding, *kernel);
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
                        .apply_op1(kernels::MaxPool::new(*kernel, true))?;
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
        Layer::Linear(l) => x.apply(l),
        Layer::BatchNorm(bn) => x.apply_t(bn, train),
        Layer::ReLU => x.relu(),
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
        Layer::Dropout(p) => {
            if train && *p > 0.0 {
                candle_nn::ops::dropout(x, *p)
            } else {
                Ok(x.clone())
            }
        }
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
