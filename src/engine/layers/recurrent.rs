//! `nn.RNN` (tanh), `nn.LSTM` and `nn.GRU` as PyTorch defines them, step by step with
//! candle's ops (so every gradient is candle's): weights `weight_ih_l{k}[_reverse]`
//! (G·H x in), `weight_hh_l{k}` (G·H x H), biases `bias_ih_l{k}`, `bias_hh_l{k}`, gates in
//! PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n), initialised U(−1/√H, 1/√H).

use crate::engine::{CandleError, CandleResult};
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::VarMap;

pub(crate) use crate::core::spec::RecurrentCell as Cell;

/// Uniform values in [-bound, bound] (PyTorch's initialisation of recurrent weights).
fn uniform(rng: &mut rand::rngs::StdRng, n: usize, bound: f64) -> Vec<f32> {
    use rand::Rng;
    (0..n)
        .map(|_| rng.random_range(-bound..=bound) as f32)
        .collect()
}

/// One direction of one layer.
pub(crate) struct Direction {
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Option<Tensor>,
    b_hh: Option<Tensor>,
    reverse: bool,
}

/// A recurrent layer: `layers` x (1 or 2 directions).
pub(crate) struct Recurrent {
    cell: Cell,
    hidden: usize,
    batch_first: bool,
    layers: Vec<Vec<Direction>>,
}

/// The arguments of a recurrent layer, as the spec gives them.
pub(crate) struct Args {
    pub cell: Cell,
    pub input_size: usize,
    pub hidden_size: usize,
    pub num_layers: usize,
    pub bias: bool,
    pub batch_first: bool,
    pub bidirectional: bool,
}

/// The layer named `name`, its variables in `varmap`.
pub(crate) fn build(
    a: &Args,
    name: &str,
    varmap: &VarMap,
    rng: &mut rand::rngs::StdRng,
    device: &Device,
    dtype: DType,
) -> CandleResult<Recurrent> {
    let (cell, input_size, hidden, num_layers, bias, batch_first, bidirectional) = (
        a.cell,
        &a.input_size,
        &a.hidden_size,
        &a.num_layers,
        &a.bias,
        &a.batch_first,
        &a.bidirectional,
    );
    let h = *hidden;
    let g = cell.gates() as usize;
    let bound = 1.0 / (h.max(1) as f64).sqrt();
    let mut var = |what: String, shape: &[usize]| -> CandleResult<Tensor> {
        let n = shape.iter().product();
        let t = Tensor::from_vec(uniform(rng, n, bound), shape, device)?.to_dtype(dtype)?;
        let v = Var::from_tensor(&t)?;
        let out = v.as_tensor().clone();
        varmap
            .data()
            .lock()
            .map_err(|_| CandleError::Msg("variable store poisoned".into()))?
            .insert(format!("{name}.{what}"), v);
        Ok(out)
    };
    let dirs = if *bidirectional { 2 } else { 1 };
    let mut layers = Vec::with_capacity(*num_layers);
    for l in 0..*num_layers {
        let input = if l == 0 { *input_size } else { dirs * h };
        let mut row = Vec::with_capacity(dirs);
        for d in 0..dirs {
            let suffix = if d == 1 {
                format!("l{l}_reverse")
            } else {
                format!("l{l}")
            };
            let w_ih = var(format!("weight_ih_{suffix}"), &[g * h, input])?;
            let w_hh = var(format!("weight_hh_{suffix}"), &[g * h, h])?;
            let (b_ih, b_hh) = if *bias {
                (
                    Some(var(format!("bias_ih_{suffix}"), &[g * h])?),
                    Some(var(format!("bias_hh_{suffix}"), &[g * h])?),
                )
            } else {
                (None, None)
            };
            row.push(Direction {
                w_ih,
                w_hh,
                b_ih,
                b_hh,
                reverse: d == 1,
            });
        }
        layers.push(row);
    }
    Ok(Recurrent {
        cell,
        hidden: h,
        batch_first: *batch_first,
        layers,
    })
}

/// `x · wᵀ + b` over the last dimension.
fn affine(x: &Tensor, w: &Tensor, b: &Option<Tensor>) -> CandleResult<Tensor> {
    let y = x.broadcast_matmul(&w.t()?)?;
    match b {
        Some(b) => y.broadcast_add(b),
        None => Ok(y),
    }
}

impl Recurrent {
    /// `out` for `x` (N x L x in with `batch_first`, else L x N x in as PyTorch reads it).
    pub(crate) fn forward(&self, x: &Tensor) -> CandleResult<Tensor> {
        // Steps on dimension 1 from here on.
        let mut x = if self.batch_first {
            x.clone()
        } else {
            x.transpose(0, 1)?.contiguous()?
        };
        for row in &self.layers {
            let outs: Vec<Tensor> = row
                .iter()
                .map(|d| self.direction(&x, d))
                .collect::<CandleResult<_>>()?;
            x = Tensor::cat(&outs, 2)?;
        }
        if self.batch_first {
            Ok(x)
        } else {
            x.transpose(0, 1)?.contiguous()
        }
    }

    fn direction(&self, x: &Tensor, d: &Direction) -> CandleResult<Tensor> {
        let (n, l, _) = x.dims3()?;
        let h = self.hidden;
        // Every step's input part at once: N x L x G·H.
        let xi = affine(x, &d.w_ih, &d.b_ih)?;
        let zeros = Tensor::zeros((n, h), x.dtype(), x.device())?;
        let (mut hs, mut cs) = (zeros.clone(), zeros);
        let mut outs = vec![None; l];
        for k in 0..l {
            let t = if d.reverse { l - 1 - k } else { k };
            let gi = xi.narrow(1, t, 1)?.squeeze(1)?;
            let gh = affine(&hs, &d.w_hh, &d.b_hh)?;
            hs = match self.cell {
                Cell::Rnn => (gi + gh)?.tanh()?,
                Cell::Lstm => {
                    let a = (gi + gh)?;
                    let chunk = |i: usize| a.narrow(D::Minus1, i * h, h);
                    let i = candle_nn::ops::sigmoid(&chunk(0)?)?;
                    let f = candle_nn::ops::sigmoid(&chunk(1)?)?;
                    let g = chunk(2)?.tanh()?;
                    let o = candle_nn::ops::sigmoid(&chunk(3)?)?;
                    cs = ((f * &cs)? + (i * g)?)?;
                    (o * cs.tanh()?)?
                }
                Cell::Gru => {
                    let ci = |i: usize| gi.narrow(D::Minus1, i * h, h);
                    let ch = |i: usize| gh.narrow(D::Minus1, i * h, h);
                    let r = candle_nn::ops::sigmoid(&(ci(0)? + ch(0)?)?)?;
                    let z = candle_nn::ops::sigmoid(&(ci(1)? + ch(1)?)?)?;
                    let nn = (ci(2)? + (r * ch(2)?)?)?.tanh()?;
                    // h' = (1 − z) ⊙ n + z ⊙ h
                    ((nn.clone() - (&z * &nn)?)? + (z * &hs)?)?
                }
            };
            outs[t] = Some(hs.clone());
        }
        let outs: Vec<Tensor> = outs.into_iter().flatten().collect();
        Tensor::stack(&outs, 1)
    }
}
