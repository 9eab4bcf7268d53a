//! candle's side of the normalisations (`BatchNorm1d`, `BatchNorm2d` without its defaults,
//! `LayerNorm`, `GroupNorm`), `Dropout2d` and the operations over dimensions (flatten,
//! log-softmax, mean/sum, transpose, permute, select): built from the spec by [`build`],
//! run by [`Extra::forward`]; every step is a candle op, so every gradient is candle's.

mod attention;
mod recurrent;

use super::{CandleError, CandleResult};
use crate::core::spec::LayerKind;
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::VarMap;

/// One of this module's layers, as candle runs it.
pub(crate) enum Extra {
    /// A batch norm with running statistics (used in evaluation).
    BatchNorm(candle_nn::BatchNorm),
    /// A batch norm whose running statistics are the cumulative average of the batches'
    /// (`momentum=None`): batch `k` (from 0) weighs 1/(k + 1).
    BatchNormCumulative {
        bn: candle_nn::BatchNorm,
        batches: std::sync::atomic::AtomicU64,
    },
    /// A batch norm without running statistics (`track_running_stats=False`): the batch's
    /// statistics always, over every dimension but the channels'.
    BatchStats {
        eps: f64,
        weight: Option<Tensor>,
        bias: Option<Tensor>,
    },
    /// Normalised over the last `dims` dimensions; γ and β of the normalised shape.
    LayerNorm {
        dims: usize,
        eps: f64,
        weight: Option<Tensor>,
        bias: Option<Tensor>,
    },
    /// Normalised over each group of channels; γ and β per channel.
    GroupNorm {
        groups: usize,
        eps: f64,
        weight: Option<Tensor>,
        bias: Option<Tensor>,
    },
    Dropout2d(f32),
    Flatten(i64, i64),
    LogSoftmax(i64),
    Reduce {
        mean: bool,
        dim: i64,
        keepdim: bool,
    },
    Transpose(i64, i64),
    Permute(Vec<i64>),
    Select {
        dim: i64,
        index: i64,
    },
    /// One row of `weight` per token id; `mask` zeroes the `padding_idx` row (so that it
    /// stays zero, without gradient, as in PyTorch).
    Embedding {
        weight: Tensor,
        mask: Option<Tensor>,
    },
    /// `nn.RNN`, `nn.LSTM`, `nn.GRU`: every step's output, or a final state.
    Recurrent(recurrent::Recurrent),
    /// `h[i]` (`Some(i)`) or `h.squeeze(0)` on a final state D·num_layers x N x H.
    FinalState(Option<i64>),
    /// `nn.MultiheadAttention` (self-attention), `nn.TransformerEncoderLayer`,
    /// `nn.TransformerEncoder`.
    Attention(attention::Attention),
}

/// A variable of `varmap` named `name`, filled with `value` (PyTorch's γ = 1, β = 0).
fn filled(
    varmap: &VarMap,
    name: String,
    shape: &[usize],
    value: f64,
    device: &Device,
    dtype: DType,
) -> CandleResult<Tensor> {
    let t = Tensor::full(value, shape, device)?.to_dtype(dtype)?;
    let var = Var::from_tensor(&t)?;
    let out = var.as_tensor().clone();
    varmap
        .data()
        .lock()
        .map_err(|_| CandleError::Msg("variable store poisoned".into()))?
        .insert(name, var);
    Ok(out)
}

/// γ and β of `shape` named `name.weight` and `name.bias`, as `affine` and `bias` say.
fn affine(
    varmap: &VarMap,
    name: &str,
    shape: &[usize],
    (affine, bias): (bool, bool),
    device: &Device,
    dtype: DType,
) -> CandleResult<(Option<Tensor>, Option<Tensor>)> {
    if !affine {
        return Ok((None, None));
    }
    let w = filled(varmap, format!("{name}.weight"), shape, 1.0, device, dtype)?;
    let b = if bias {
        Some(filled(
            varmap,
            format!("{name}.bias"),
            shape,
            0.0,
            device,
            dtype,
        )?)
    } else {
        None
    };
    Ok((Some(w), b))
}

/// This module's layer for `kind` (named `name`), or `None` for a kind it does not run.
pub(crate) fn build(
    kind: &LayerKind,
    name: &str,
    varmap: &VarMap,
    rng: &mut rand::rngs::StdRng,
    device: &Device,
    dtype: DType,
) -> CandleResult<Option<Extra>> {
    let layer = match kind {
        LayerKind::BatchNorm1d {
            features,
            eps,
            momentum,
            affine: a,
            track_running_stats,
        }
        | LayerKind::BatchNorm2d {
            features,
            eps,
            momentum,
            affine: a,
            track_running_stats,
        } => {
            let c = *features;
            let (w, b) = affine(varmap, name, &[c], (*a, true), device, dtype)?;
            if *track_running_stats {
                let mean = Tensor::zeros(c, dtype, device)?;
                let var = Tensor::ones(c, dtype, device)?;
                // `None` starts as 1 (the first batch's statistics), then 1/(k + 1).
                let m = momentum.unwrap_or(1.0);
                let bn = match (w, b) {
                    (Some(w), Some(b)) => {
                        candle_nn::BatchNorm::new_with_momentum(c, mean, var, w, b, *eps, m)?
                    }
                    _ => candle_nn::BatchNorm::new_no_bias_with_momentum(c, mean, var, *eps, m)?,
                };
                match momentum {
                    Some(_) => Extra::BatchNorm(bn),
                    None => Extra::BatchNormCumulative {
                        bn,
                        batches: std::sync::atomic::AtomicU64::new(0),
                    },
                }
            } else {
                Extra::BatchStats {
                    eps: *eps,
                    weight: w,
                    bias: b,
                }
            }
        }
        LayerKind::LayerNorm {
            normalized_shape,
            eps,
            elementwise_affine,
            bias,
        } => {
            let (weight, bias) = affine(
                varmap,
                name,
                &normalized_shape.0,
                (*elementwise_affine, *bias),
                device,
                dtype,
            )?;
            Extra::LayerNorm {
                dims: normalized_shape.0.len(),
                eps: *eps,
                weight,
                bias,
            }
        }
        LayerKind::GroupNorm {
            num_groups,
            num_channels,
            eps,
            affine: a,
        } => {
            let (weight, bias) = affine(varmap, name, &[*num_channels], (*a, true), device, dtype)?;
            Extra::GroupNorm {
                groups: *num_groups,
                eps: *eps,
                weight,
                bias,
            }
        }
        LayerKind::Dropout2d { p } => Extra::Dropout2d(*p as f32),
        LayerKind::FlattenDims { start_dim, end_dim } => Extra::Flatten(*start_dim, *end_dim),
        LayerKind::LogSoftmax { dim } => Extra::LogSoftmax(*dim),
        LayerKind::Mean { dim, keepdim } => Extra::Reduce {
            mean: true,
            dim: *dim,
            keepdim: *keepdim,
        },
        LayerKind::Sum { dim, keepdim } => Extra::Reduce {
            mean: false,
            dim: *dim,
            keepdim: *keepdim,
        },
        LayerKind::Transpose { dim0, dim1 } => Extra::Transpose(*dim0, *dim1),
        LayerKind::Permute { dims } => Extra::Permute(dims.clone()),
        LayerKind::Select { dim, index } => Extra::Select {
            dim: *dim,
            index: *index,
        },
        LayerKind::Embedding {
            num_embeddings,
            embedding_dim,
            padding_idx,
        } => {
            let (n, d) = (*num_embeddings, *embedding_dim);
            let pad = padding_idx.map(|p| if p < 0 { p + n as i64 } else { p } as usize);
            // PyTorch's initialisation: N(0, 1), the padding row zero.
            let mut values = normal(rng, n * d);
            if let Some(p) = pad.filter(|&p| p < n) {
                values[p * d..(p + 1) * d].fill(0.0);
            }
            let t = Tensor::from_vec(values, (n, d), device)?.to_dtype(dtype)?;
            let var = Var::from_tensor(&t)?;
            let weight = var.as_tensor().clone();
            varmap
                .data()
                .lock()
                .map_err(|_| CandleError::Msg("variable store poisoned".into()))?
                .insert(format!("{name}.weight"), var);
            let mask = match pad.filter(|&p| p < n) {
                Some(p) => {
                    let mut m = vec![1f32; n];
                    m[p] = 0.0;
                    Some(Tensor::from_vec(m, (n, 1), device)?.to_dtype(dtype)?)
                }
                None => None,
            };
            Extra::Embedding { weight, mask }
        }
        LayerKind::RNN {
            input_size,
            hidden_size,
            num_layers,
            nonlinearity,
            bias,
            batch_first,
            dropout,
            bidirectional,
            returns,
        } => Extra::Recurrent(recurrent::build(
            &recurrent::Args {
                cell: recurrent::Cell::Rnn,
                input_size: *input_size,
                hidden_size: *hidden_size,
                num_layers: *num_layers,
                relu: *nonlinearity == crate::core::spec::Nonlinearity::Relu,
                bias: *bias,
                batch_first: *batch_first,
                dropout: *dropout,
                bidirectional: *bidirectional,
                proj_size: 0,
                returns: *returns,
            },
            name,
            varmap,
            rng,
            device,
            dtype,
        )?),
        LayerKind::LSTM {
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            returns,
        } => Extra::Recurrent(recurrent::build(
            &recurrent::Args {
                cell: recurrent::Cell::Lstm,
                input_size: *input_size,
                hidden_size: *hidden_size,
                num_layers: *num_layers,
                relu: false,
                bias: *bias,
                batch_first: *batch_first,
                dropout: *dropout,
                bidirectional: *bidirectional,
                proj_size: *proj_size,
                returns: *returns,
            },
            name,
            varmap,
            rng,
            device,
            dtype,
        )?),
        LayerKind::GRU {
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            returns,
        } => Extra::Recurrent(recurrent::build(
            &recurrent::Args {
                cell: recurrent::Cell::Gru,
                input_size: *input_size,
                hidden_size: *hidden_size,
                num_layers: *num_layers,
                relu: false,
                bias: *bias,
                batch_first: *batch_first,
                dropout: *dropout,
                bidirectional: *bidirectional,
                proj_size: 0,
                returns: *returns,
            },
            name,
            varmap,
            rng,
            device,
            dtype,
        )?),
        LayerKind::FinalState { index } => Extra::FinalState(Some(*index)),
        LayerKind::FinalStateSqueeze => Extra::FinalState(None),
        LayerKind::MultiheadAttention {
            embed_dim,
            num_heads,
            dropout,
            bias,
            batch_first,
        } => Extra::Attention(attention::multihead(
            (*embed_dim, *num_heads, *dropout, *bias, *batch_first),
            name,
            varmap,
            rng,
            device,
            dtype,
        )?),
        LayerKind::TransformerEncoderLayer {
            d_model,
            nhead,
            dim_feedforward,
            dropout,
            activation,
            layer_norm_eps,
            batch_first,
            norm_first,
            bias,
        } => {
            let layer = crate::core::spec::EncoderLayer {
                d_model: *d_model,
                nhead: *nhead,
                dim_feedforward: *dim_feedforward,
                dropout: *dropout,
                activation: *activation,
                layer_norm_eps: *layer_norm_eps,
                batch_first: *batch_first,
                norm_first: *norm_first,
                bias: *bias,
            };
            Extra::Attention(attention::encoder(
                &layer, None, name, varmap, rng, device, dtype,
            )?)
        }
        LayerKind::TransformerEncoder { layer, num_layers } => Extra::Attention(
            attention::encoder(layer, Some(*num_layers), name, varmap, rng, device, dtype)?,
        ),
        LayerKind::Conv2d { .. }
        | LayerKind::Conv1d { .. }
        | LayerKind::ConvTranspose2d { .. }
        | LayerKind::Linear { .. }
        | LayerKind::ReLU
        | LayerKind::Sigmoid
        | LayerKind::Tanh
        | LayerKind::GELU
        | LayerKind::SiLU
        | LayerKind::LeakyReLU { .. }
        | LayerKind::ELU { .. }
        | LayerKind::Softmax { .. }
        | LayerKind::MaxPool2d { .. }
        | LayerKind::AvgPool2d { .. }
        | LayerKind::MaxPool1d { .. }
        | LayerKind::AvgPool1d { .. }
        | LayerKind::AdaptiveAvgPool1d { .. }
        | LayerKind::AdaptiveAvgPool2d { .. }
        | LayerKind::Flatten
        | LayerKind::View(..)
        | LayerKind::Dropout { .. }
        | LayerKind::Identity
        | LayerKind::Add
        | LayerKind::Mul
        | LayerKind::Cat { .. }
        | LayerKind::Sequential(_)
        | LayerKind::Module(_) => return Ok(None),
    };
    Ok(Some(layer))
}

/// `n` values of N(0, 1) (Box-Muller).
fn normal(rng: &mut rand::rngs::StdRng, n: usize) -> Vec<f32> {
    use rand::Rng;
    (0..n)
        .map(|_| {
            let u: f64 = rng.random_range(f64::EPSILON..1.0);
            let v: f64 = rng.random_range(0.0..1.0);
            ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
        })
        .collect()
}

/// `dim` of a tensor of rank `rank` (negative from the end), or candle's error.
fn resolve(dim: i64, rank: usize) -> CandleResult<usize> {
    let r = rank as i64;
    if dim < -r || dim >= r {
        candle_core::bail!("dimension {dim} out of range for rank {rank}");
    }
    Ok(if dim < 0 {
        (dim + r) as usize
    } else {
        dim as usize
    })
}

/// `x` normalised over its last dimension (biased variance, as PyTorch).
fn normalise_last(x: &Tensor, eps: f64) -> CandleResult<Tensor> {
    let last = x.rank() - 1;
    let mean = x.mean_keepdim(last)?;
    let centred = x.broadcast_sub(&mean)?;
    let var = centred.sqr()?.mean_keepdim(last)?;
    centred.broadcast_div(&(var + eps)?.sqrt()?)
}

/// `x * w + b`, `w` and `b` reshaped to `shape` for broadcasting.
fn scale_shift(
    x: Tensor,
    w: &Option<Tensor>,
    b: &Option<Tensor>,
    shape: &[usize],
) -> CandleResult<Tensor> {
    let x = match w {
        Some(w) => x.broadcast_mul(&w.reshape(shape)?)?,
        None => x,
    };
    match b {
        Some(b) => x.broadcast_add(&b.reshape(shape)?),
        None => Ok(x),
    }
}

impl Extra {
    /// The vocabulary, for an embedding (whose input is token ids).
    pub(crate) fn vocabulary(&self) -> Option<usize> {
        match self {
            Extra::Embedding { weight, .. } => weight.dim(0).ok(),
            Extra::BatchNorm(_)
            | Extra::BatchNormCumulative { .. }
            | Extra::FinalState(_)
            | Extra::BatchStats { .. }
            | Extra::LayerNorm { .. }
            | Extra::GroupNorm { .. }
            | Extra::Dropout2d(_)
            | Extra::Flatten(..)
            | Extra::LogSoftmax(_)
            | Extra::Reduce { .. }
            | Extra::Transpose(..)
            | Extra::Permute(_)
            | Extra::Select { .. }
            | Extra::Recurrent(_)
            | Extra::Attention(_) => None,
        }
    }

    /// Running statistics kept, as PyTorch counts its buffers (mean, variance and the
    /// `num_batches_tracked` counter, which candle does not keep).
    pub(crate) fn buffers(&self) -> u64 {
        match self {
            Extra::BatchNorm(bn) | Extra::BatchNormCumulative { bn, .. } => {
                (bn.running_mean().elem_count() + bn.running_var().elem_count() + 1) as u64
            }
            Extra::BatchStats { .. }
            | Extra::FinalState(_)
            | Extra::LayerNorm { .. }
            | Extra::GroupNorm { .. }
            | Extra::Dropout2d(_)
            | Extra::Flatten(..)
            | Extra::LogSoftmax(_)
            | Extra::Reduce { .. }
            | Extra::Transpose(..)
            | Extra::Permute(_)
            | Extra::Select { .. }
            | Extra::Embedding { .. }
            | Extra::Recurrent(_)
            | Extra::Attention(_) => 0,
        }
    }

    /// The layer on `x`; `train` turns on dropout and batch statistics.
    pub(crate) fn forward(&self, x: &Tensor, train: bool) -> CandleResult<Tensor> {
        let rank = x.rank();
        match self {
            Extra::BatchNorm(bn) => candle_nn::ModuleT::forward_t(bn, x, train),
            Extra::BatchNormCumulative { bn, batches } => {
                if !train {
                    return candle_nn::ModuleT::forward_t(bn, x, false);
                }
                use std::sync::atomic::Ordering;
                let k = batches.fetch_add(1, Ordering::Relaxed);
                // The same running statistics (shared variables), this batch's weight.
                let step = match bn.weight_and_bias() {
                    Some((w, b)) => candle_nn::BatchNorm::new_with_momentum(
                        x.dim(1)?,
                        bn.running_mean().clone(),
                        bn.running_var().clone(),
                        w.clone(),
                        b.clone(),
                        bn.eps(),
                        1.0 / (k + 1) as f64,
                    )?,
                    None => candle_nn::BatchNorm::new_no_bias_with_momentum(
                        x.dim(1)?,
                        bn.running_mean().clone(),
                        bn.running_var().clone(),
                        bn.eps(),
                        1.0 / (k + 1) as f64,
                    )?,
                };
                candle_nn::ModuleT::forward_t(&step, x, true)
            }
            Extra::BatchStats { eps, weight, bias } => {
                if rank < 2 {
                    candle_core::bail!("BatchNorm on {:?}", x.shape());
                }
                // Channels first, then everything else as one row per channel.
                let t = x.transpose(0, 1)?.contiguous()?;
                let rows = normalise_last(&t.flatten_from(1)?, *eps)?.reshape(t.shape())?;
                let y = rows.transpose(0, 1)?.contiguous()?;
                let mut shape = vec![1; rank];
                shape[1] = x.dim(1)?;
                scale_shift(y, weight, bias, &shape)
            }
            Extra::LayerNorm {
                dims,
                eps,
                weight,
                bias,
            } => {
                if *dims == 0 || *dims > rank {
                    candle_core::bail!("LayerNorm over {dims} dimensions of a rank {rank} input");
                }
                let keep = rank - dims;
                let y = normalise_last(&x.flatten_from(keep)?, *eps)?.reshape(x.shape())?;
                scale_shift(y, weight, bias, &x.dims()[keep..])
            }
            Extra::GroupNorm {
                groups,
                eps,
                weight,
                bias,
            } => {
                let dims = x.dims();
                if rank < 2 || *groups == 0 || !dims[1].is_multiple_of(*groups) {
                    candle_core::bail!("GroupNorm({groups}) on {:?}", x.shape());
                }
                let y = x.reshape((dims[0], *groups, ()))?;
                let y = normalise_last(&y, *eps)?.reshape(x.shape())?;
                let mut shape = vec![1; rank];
                shape[1] = dims[1];
                scale_shift(y, weight, bias, &shape)
            }
            Extra::Dropout2d(p) => {
                if !train || *p <= 0.0 {
                    return Ok(x.clone());
                }
                let mut shape: Vec<usize> = x.dims().to_vec();
                for s in shape.iter_mut().skip(2) {
                    *s = 1;
                }
                let keep = Tensor::rand(0f32, 1f32, shape, x.device())?
                    .ge(*p)?
                    .to_dtype(x.dtype())?;
                let keep = (keep / (1.0 - *p as f64))?;
                x.broadcast_mul(&keep)
            }
            Extra::Flatten(s, e) => {
                let (s, e) = (resolve(*s, rank)?, resolve(*e, rank)?);
                if s >= e {
                    Ok(x.clone())
                } else {
                    x.flatten(s, e)
                }
            }
            Extra::LogSoftmax(d) => candle_nn::ops::log_softmax(x, resolve(*d, rank)?),
            Extra::Reduce { mean, dim, keepdim } => {
                let d = resolve(*dim, rank)?;
                match (mean, keepdim) {
                    (true, true) => x.mean_keepdim(d),
                    (true, false) => x.mean(d),
                    (false, true) => x.sum_keepdim(d),
                    (false, false) => x.sum(d),
                }
            }
            Extra::Transpose(a, b) => x.transpose(resolve(*a, rank)?, resolve(*b, rank)?),
            Extra::Permute(dims) => {
                let order: Vec<usize> = dims
                    .iter()
                    .map(|&d| resolve(d, rank))
                    .collect::<CandleResult<_>>()?;
                x.permute(order)
            }
            Extra::Recurrent(r) => r.forward(x, train),
            Extra::FinalState(index) => match index {
                Some(i) => {
                    let i = resolve(*i, x.dim(0)?)?;
                    x.narrow(0, i, 1)?.squeeze(0)
                }
                None => x.squeeze(0),
            },
            Extra::Attention(a) => a.forward(x, train),
            Extra::Embedding { weight, mask } => {
                // The ids arrive as numbers of the input's type: whole, within the vocabulary.
                let n = weight.dim(0)?;
                let ids = x.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()?;
                let ids: Vec<u32> = ids
                    .iter()
                    .map(|&v| {
                        if v >= 0.0 && v < n as f64 {
                            Ok(v as u32)
                        } else {
                            Err(CandleError::Msg(format!(
                                "token id {v} outside the vocabulary of {n}"
                            )))
                        }
                    })
                    .collect::<CandleResult<_>>()?;
                let ids = Tensor::from_vec(ids, x.elem_count(), x.device())?;
                let w = match mask {
                    Some(m) => weight.broadcast_mul(m)?,
                    None => weight.clone(),
                };
                let mut shape = x.dims().to_vec();
                shape.push(w.dim(1)?);
                w.embedding(&ids)?.reshape(shape)
            }
            Extra::Select { dim, index } => {
                let d = resolve(*dim, rank)?;
                let i = resolve(*index, x.dim(d)?)?;
                x.narrow(d, i, 1)?.squeeze(d)
            }
        }
    }
}
