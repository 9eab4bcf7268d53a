//! `nn.MultiheadAttention` (self-attention), `nn.TransformerEncoderLayer` and
//! `nn.TransformerEncoder` as PyTorch defines them, with candle's ops (so every gradient is
//! candle's). Variables as PyTorch names them: `in_proj_weight` (3E x E), `in_proj_bias`,
//! `out_proj.weight`, `out_proj.bias`; an encoder layer's `self_attn.*`, `linear1.*`,
//! `linear2.*`, `norm1.*`, `norm2.*`; an encoder's `layers.{i}.*`. PyTorch's
//! initialisation: in_proj Xavier-uniform, out_proj U(±1/√E), both biases 0; linears
//! U(±1/√fan_in); norms γ = 1, β = 0. `nn.TransformerEncoder` deep-copies its layer, so
//! every copy starts with the same values, as here.

use crate::core::spec::{EncoderLayer, FfActivation};
use crate::engine::{CandleError, CandleResult};
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::VarMap;

/// Uniform values in [-bound, bound].
fn uniform(rng: &mut rand::rngs::StdRng, n: usize, bound: f64) -> Vec<f32> {
    use rand::Rng;
    (0..n)
        .map(|_| rng.random_range(-bound..=bound) as f32)
        .collect()
}

/// The initial values of one layer's variables, by name (drawn once, so that the copies of
/// an encoder start alike).
type Values = Vec<(String, Vec<usize>, Vec<f32>)>;

/// Registers each of `values` under `prefix` in `varmap`; the tensors by name.
fn register(
    values: &Values,
    prefix: &str,
    varmap: &VarMap,
    device: &Device,
    dtype: DType,
) -> CandleResult<Vec<(String, Tensor)>> {
    let mut out = Vec::with_capacity(values.len());
    let mut data = varmap
        .data()
        .lock()
        .map_err(|_| CandleError::Msg("variable store poisoned".into()))?;
    for (name, shape, v) in values {
        let t = Tensor::from_vec(v.clone(), shape.as_slice(), device)?.to_dtype(dtype)?;
        let var = Var::from_tensor(&t)?;
        out.push((name.clone(), var.as_tensor().clone()));
        data.insert(format!("{prefix}.{name}"), var);
    }
    Ok(out)
}

fn take(tensors: &[(String, Tensor)], name: &str) -> CandleResult<Tensor> {
    tensors
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t.clone())
        .ok_or_else(|| CandleError::Msg(format!("no variable {name}")))
}

fn maybe(tensors: &[(String, Tensor)], name: &str) -> Option<Tensor> {
    take(tensors, name).ok()
}

/// Initial values of a multi-head attention over `e` features, names prefixed `prefix`.
fn attention_values(rng: &mut rand::rngs::StdRng, e: usize, bias: bool, prefix: &str) -> Values {
    let xavier = (6.0 / (4 * e).max(1) as f64).sqrt();
    let kaiming = 1.0 / (e.max(1) as f64).sqrt();
    let mut v = vec![(
        format!("{prefix}in_proj_weight"),
        vec![3 * e, e],
        uniform(rng, 3 * e * e, xavier),
    )];
    if bias {
        v.push((
            format!("{prefix}in_proj_bias"),
            vec![3 * e],
            vec![0.0; 3 * e],
        ));
    }
    v.push((
        format!("{prefix}out_proj.weight"),
        vec![e, e],
        uniform(rng, e * e, kaiming),
    ));
    if bias {
        v.push((format!("{prefix}out_proj.bias"), vec![e], vec![0.0; e]));
    }
    v
}

/// A multi-head self-attention, batch first (the caller transposes).
pub(crate) struct Mha {
    heads: usize,
    dropout: f32,
    in_w: Tensor,
    in_b: Option<Tensor>,
    out_w: Tensor,
    out_b: Option<Tensor>,
}

impl Mha {
    fn from(
        tensors: &[(String, Tensor)],
        prefix: &str,
        heads: usize,
        dropout: f64,
    ) -> CandleResult<Mha> {
        Ok(Mha {
            heads,
            dropout: dropout as f32,
            in_w: take(tensors, &format!("{prefix}in_proj_weight"))?,
            in_b: maybe(tensors, &format!("{prefix}in_proj_bias")),
            out_w: take(tensors, &format!("{prefix}out_proj.weight"))?,
            out_b: maybe(tensors, &format!("{prefix}out_proj.bias")),
        })
    }

    /// `x` (N x L x E) attending to itself.
    fn forward(&self, x: &Tensor, train: bool) -> CandleResult<Tensor> {
        let (n, l, e) = x.dims3()?;
        let h = self.heads;
        if h == 0 || !e.is_multiple_of(h) {
            candle_core::bail!("{e} features in {h} heads");
        }
        let dh = e / h;
        let qkv = affine(x, &self.in_w, &self.in_b)?;
        // The heads as one op on the CPU (no dropout on the weights to apply).
        if crate::engine::kernels::rows_on_cpu(&qkv) && !(train && self.dropout > 0.0) {
            let ctx = qkv
                .contiguous()?
                .apply_op1(crate::engine::kernels::SelfAttention { heads: h })?;
            return affine(&ctx, &self.out_w, &self.out_b);
        }
        // N x L x E -> N x H x L x Dh.
        let split = |i: usize| -> CandleResult<Tensor> {
            qkv.narrow(D::Minus1, i * e, e)?
                .reshape((n, l, h, dh))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = (split(0)? * (1.0 / (dh as f64).sqrt()))?;
        let (k, v) = (split(1)?, split(2)?);
        let scores = q.matmul(&k.transpose(2, 3)?.contiguous()?)?;
        // candle's composed softmax: the fused `softmax_last_dim` gave wrong input
        // gradients here (tests/gradients.rs `attention_layers`).
        let mut weights = if crate::engine::kernels::rows_on_cpu(&scores) {
            // One op with its own backward (y·(dy − Σ dy·y)), checked by the same test.
            crate::engine::kernels::softmax_last(&scores)?
        } else {
            candle_nn::ops::softmax(&scores, D::Minus1)?
        };
        if train && self.dropout > 0.0 {
            weights = candle_nn::ops::dropout(&weights, self.dropout)?;
        }
        let ctx = weights
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((n, l, e))?;
        affine(&ctx, &self.out_w, &self.out_b)
    }
}

/// `x · wᵀ + b` over the last dimension: every leading dimension is rows of one product
/// (the fused op on the CPU; a per-sample broadcast product took most of a step).
fn affine(x: &Tensor, w: &Tensor, b: &Option<Tensor>) -> CandleResult<Tensor> {
    if x.device().is_cpu() && matches!(x.dtype(), candle_core::DType::F32 | candle_core::DType::F64)
    {
        let x = x.contiguous()?;
        return match b {
            Some(b) => x.apply_op3(w, b, crate::engine::kernels::Linear),
            None => x.apply_op2(w, crate::engine::kernels::Linear),
        };
    }
    let y = x.broadcast_matmul(&w.t()?)?;
    match b {
        Some(b) => y.broadcast_add(b),
        None => Ok(y),
    }
}

/// Dropout while training.
fn drop(x: Tensor, p: f32, train: bool) -> CandleResult<Tensor> {
    if train && p > 0.0 {
        candle_nn::ops::dropout(&x, p)
    } else {
        Ok(x)
    }
}

/// A layer norm over the last dimension (biased variance, as PyTorch).
struct Norm {
    eps: f64,
    weight: Tensor,
    bias: Option<Tensor>,
}

impl Norm {
    fn forward(&self, x: &Tensor) -> CandleResult<Tensor> {
        if crate::engine::kernels::rows_on_cpu(x) {
            return crate::engine::kernels::layer_norm(
                x,
                &self.weight,
                self.bias.as_ref(),
                self.eps,
            );
        }
        let last = x.rank() - 1;
        let mean = x.mean_keepdim(last)?;
        let centred = x.broadcast_sub(&mean)?;
        let var = centred.sqr()?.mean_keepdim(last)?;
        let y = centred
            .broadcast_div(&(var + self.eps)?.sqrt()?)?
            .broadcast_mul(&self.weight)?;
        match &self.bias {
            Some(b) => y.broadcast_add(b),
            None => Ok(y),
        }
    }
}

/// One `nn.TransformerEncoderLayer`, batch first.
pub(crate) struct Block {
    attn: Mha,
    linear1: (Tensor, Option<Tensor>),
    linear2: (Tensor, Option<Tensor>),
    norm1: Norm,
    norm2: Norm,
    activation: FfActivation,
    dropout: f32,
    norm_first: bool,
}

impl Block {
    fn self_attention(&self, x: &Tensor, train: bool) -> CandleResult<Tensor> {
        drop(self.attn.forward(x, train)?, self.dropout, train)
    }

    fn feed_forward(&self, x: &Tensor, train: bool) -> CandleResult<Tensor> {
        let hidden = affine(x, &self.linear1.0, &self.linear1.1)?;
        let hidden = match self.activation {
            FfActivation::Relu => crate::engine::kernels::relu(&hidden)?,
            FfActivation::Gelu => hidden.gelu_erf()?,
        };
        let hidden = drop(hidden, self.dropout, train)?;
        drop(
            affine(&hidden, &self.linear2.0, &self.linear2.1)?,
            self.dropout,
            train,
        )
    }

    fn forward(&self, x: &Tensor, train: bool) -> CandleResult<Tensor> {
        if self.norm_first {
            let x = (x + self.self_attention(&self.norm1.forward(x)?, train)?)?;
            &x + self.feed_forward(&self.norm2.forward(&x)?, train)?
        } else {
            let x = self.norm1.forward(&(x + self.self_attention(x, train)?)?)?;
            self.norm2.forward(&(&x + self.feed_forward(&x, train)?)?)
        }
    }
}

/// An attention layer as candle runs it.
pub(crate) enum Attention {
    /// `nn.MultiheadAttention(x, x, x)`.
    SelfAttention { mha: Mha, batch_first: bool },
    /// `nn.TransformerEncoderLayer` (one block) or `nn.TransformerEncoder` (several).
    Encoder {
        blocks: Vec<Block>,
        batch_first: bool,
    },
}

/// `nn.MultiheadAttention(embed_dim, num_heads, dropout, bias, batch_first)` named `name`.
pub(crate) fn multihead(
    (embed_dim, num_heads, dropout, bias, batch_first): (usize, usize, f64, bool, bool),
    name: &str,
    varmap: &VarMap,
    rng: &mut rand::rngs::StdRng,
    device: &Device,
    dtype: DType,
) -> CandleResult<Attention> {
    let values = attention_values(rng, embed_dim, bias, "");
    let tensors = register(&values, name, varmap, device, dtype)?;
    Ok(Attention::SelfAttention {
        mha: Mha::from(&tensors, "", num_heads, dropout)?,
        batch_first,
    })
}

/// A lone encoder layer named `name` (`num_layers` `None`), or `num_layers` copies of it
/// named `name.layers.{i}`.
pub(crate) fn encoder(
    layer: &EncoderLayer,
    num_layers: Option<usize>,
    name: &str,
    varmap: &VarMap,
    rng: &mut rand::rngs::StdRng,
    device: &Device,
    dtype: DType,
) -> CandleResult<Attention> {
    let (e, f) = (layer.d_model, layer.dim_feedforward);
    let mut values = attention_values(rng, e, layer.bias, "self_attn.");
    let linear =
        |rng: &mut rand::rngs::StdRng, values: &mut Values, what: &str, out: usize, inp: usize| {
            let bound = 1.0 / (inp.max(1) as f64).sqrt();
            values.push((
                format!("{what}.weight"),
                vec![out, inp],
                uniform(rng, out * inp, bound),
            ));
            if layer.bias {
                values.push((format!("{what}.bias"), vec![out], uniform(rng, out, bound)));
            }
        };
    linear(rng, &mut values, "linear1", f, e);
    linear(rng, &mut values, "linear2", e, f);
    for norm in ["norm1", "norm2"] {
        values.push((format!("{norm}.weight"), vec![e], vec![1.0; e]));
        if layer.bias {
            values.push((format!("{norm}.bias"), vec![e], vec![0.0; e]));
        }
    }
    let (copies, stacked) = (num_layers.unwrap_or(1), num_layers.is_some());
    let mut blocks = Vec::with_capacity(copies);
    for i in 0..copies {
        let prefix = if stacked {
            format!("{name}.layers.{i}")
        } else {
            name.to_string()
        };
        let t = register(&values, &prefix, varmap, device, dtype)?;
        let norm = |what: &str| -> CandleResult<Norm> {
            Ok(Norm {
                eps: layer.layer_norm_eps,
                weight: take(&t, &format!("{what}.weight"))?,
                bias: maybe(&t, &format!("{what}.bias")),
            })
        };
        blocks.push(Block {
            attn: Mha::from(&t, "self_attn.", layer.nhead, layer.dropout)?,
            linear1: (take(&t, "linear1.weight")?, maybe(&t, "linear1.bias")),
            linear2: (take(&t, "linear2.weight")?, maybe(&t, "linear2.bias")),
            norm1: norm("norm1")?,
            norm2: norm("norm2")?,
            activation: layer.activation,
            dropout: layer.dropout as f32,
            norm_first: layer.norm_first,
        });
    }
    Ok(Attention::Encoder {
        blocks,
        batch_first: layer.batch_first,
    })
}

impl Attention {
    /// The layer on `x` (N x L x E with `batch_first`, else L x N x E as PyTorch reads it).
    pub(crate) fn forward(&self, x: &Tensor, train: bool) -> CandleResult<Tensor> {
        let batch_first = match self {
            Attention::SelfAttention { batch_first, .. }
            | Attention::Encoder { batch_first, .. } => *batch_first,
        };
        let mut y = if batch_first {
            x.clone()
        } else {
            x.transpose(0, 1)?.contiguous()?
        };
        match self {
            Attention::SelfAttention { mha, .. } => y = mha.forward(&y, train)?,
            Attention::Encoder { blocks, .. } => {
                for b in blocks {
                    y = b.forward(&y, train)?;
                }
            }
        }
        if batch_first {
            Ok(y)
        } else {
            y.transpose(0, 1)?.contiguous()
        }
    }
}
