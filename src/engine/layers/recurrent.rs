//! `nn.RNN` (tanh or ReLU), `nn.LSTM` and `nn.GRU` as PyTorch defines them, step by step
//! with candle's ops (so every gradient is candle's): weights `weight_ih_l{k}[_reverse]`
//! (G·H x in), `weight_hh_l{k}` (G·H x P, P = H or LSTM's `proj_size`), biases
//! `bias_ih_l{k}`, `bias_hh_l{k}`, LSTM's projection `weight_hr_l{k}` (P x H), gates in
//! PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n), initialised U(−1/√H, 1/√H). Dropout
//! between layers while training; the result is every step's output or a final state
//! (D·num_layers x N x P, PyTorch's `h_n`, or `c_n`).

use crate::engine::{CandleError, CandleResult};
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::VarMap;

pub(crate) use crate::core::spec::RecurrentCell as Cell;
use crate::core::spec::Returns;

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
    /// LSTM's projection of h (`proj_size`), P x H.
    w_hr: Option<Tensor>,
    reverse: bool,
}

/// A recurrent layer: `layers` x (1 or 2 directions).
pub(crate) struct Recurrent {
    cell: Cell,
    hidden: usize,
    /// RNN's `nonlinearity="relu"`.
    relu: bool,
    batch_first: bool,
    dropout: f64,
    returns: Returns,
    layers: Vec<Vec<Direction>>,
}

/// The arguments of a recurrent layer, as the spec gives them.
pub(crate) struct Args {
    pub cell: Cell,
    pub input_size: usize,
    pub hidden_size: usize,
    pub num_layers: usize,
    /// RNN's `nonlinearity="relu"` (else tanh).
    pub relu: bool,
    pub bias: bool,
    pub batch_first: bool,
    pub dropout: f64,
    pub bidirectional: bool,
    /// LSTM's `proj_size` (0: none).
    pub proj_size: usize,
    pub returns: Returns,
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
    // The size of h: the projection's when there is one.
    let p = if a.proj_size > 0 { a.proj_size } else { h };
    let mut layers = Vec::with_capacity(*num_layers);
    for l in 0..*num_layers {
        let input = if l == 0 { *input_size } else { dirs * p };
        let mut row = Vec::with_capacity(dirs);
        for d in 0..dirs {
            let suffix = if d == 1 {
                format!("l{l}_reverse")
            } else {
                format!("l{l}")
            };
            let w_ih = var(format!("weight_ih_{suffix}"), &[g * h, input])?;
            let w_hh = var(format!("weight_hh_{suffix}"), &[g * h, p])?;
            let (b_ih, b_hh) = if *bias {
                (
                    Some(var(format!("bias_ih_{suffix}"), &[g * h])?),
                    Some(var(format!("bias_hh_{suffix}"), &[g * h])?),
                )
            } else {
                (None, None)
            };
            let w_hr = if a.proj_size > 0 {
                Some(var(format!("weight_hr_{suffix}"), &[p, h])?)
            } else {
                None
            };
            row.push(Direction {
                w_ih,
                w_hh,
                b_ih,
                b_hh,
                w_hr,
                reverse: d == 1,
            });
        }
        layers.push(row);
    }
    Ok(Recurrent {
        cell,
        hidden: h,
        relu: a.relu,
        batch_first: *batch_first,
        dropout: a.dropout,
        returns: a.returns,
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

/// One direction's run: every step's h (N x L x P), the final h (N x P) and c (N x H).
struct Run {
    outs: Tensor,
    h: Tensor,
    c: Tensor,
}

impl Recurrent {
    /// `out` for `x` (N x L x in with `batch_first`, else L x N x in as PyTorch reads it),
    /// or the final state `returns` names; `train` turns on the dropout between layers.
    pub(crate) fn forward(&self, x: &Tensor, train: bool) -> CandleResult<Tensor> {
        // Steps on dimension 1 from here on.
        let mut x = if self.batch_first {
            x.clone()
        } else {
            x.transpose(0, 1)?.contiguous()?
        };
        let (mut hs, mut cs) = (Vec::new(), Vec::new());
        let last = self.layers.len().saturating_sub(1);
        for (k, row) in self.layers.iter().enumerate() {
            let mut outs = Vec::with_capacity(row.len());
            for d in row {
                let run = self.direction(&x, d)?;
                outs.push(run.outs);
                hs.push(run.h);
                cs.push(run.c);
            }
            x = Tensor::cat(&outs, 2)?;
            if train && self.dropout > 0.0 && k < last {
                x = candle_nn::ops::dropout(&x, self.dropout as f32)?;
            }
        }
        match self.returns {
            Returns::Output => {
                if self.batch_first {
                    Ok(x)
                } else {
                    x.transpose(0, 1)?.contiguous()
                }
            }
            // Layer by layer, each layer's directions in order: PyTorch's h_n and c_n.
            Returns::Hidden => Tensor::stack(&hs, 0),
            Returns::CellState => Tensor::stack(&cs, 0),
        }
    }

    fn direction(&self, x: &Tensor, d: &Direction) -> CandleResult<Run> {
        if let Some(run) = self.fused(x, d)? {
            return Ok(run);
        }
        let (n, l, _) = x.dims3()?;
        let h = self.hidden;
        let p = match &d.w_hr {
            Some(w) => w.dim(0)?,
            None => h,
        };
        // Every step's input part at once: N x L x G·H.
        let xi = affine(x, &d.w_ih, &d.b_ih)?;
        let mut hs = Tensor::zeros((n, p), x.dtype(), x.device())?;
        let mut cs = Tensor::zeros((n, h), x.dtype(), x.device())?;
        let mut outs = vec![None; l];
        for k in 0..l {
            let t = if d.reverse { l - 1 - k } else { k };
            let gi = xi.narrow(1, t, 1)?.squeeze(1)?;
            let gh = affine(&hs, &d.w_hh, &d.b_hh)?;
            hs = match self.cell {
                Cell::Rnn if self.relu => (gi + gh)?.relu()?,
                Cell::Rnn => (gi + gh)?.tanh()?,
                Cell::Lstm => {
                    let a = (gi + gh)?;
                    let chunk = |i: usize| a.narrow(D::Minus1, i * h, h);
                    let i = candle_nn::ops::sigmoid(&chunk(0)?)?;
                    let f = candle_nn::ops::sigmoid(&chunk(1)?)?;
                    let g = chunk(2)?.tanh()?;
                    let o = candle_nn::ops::sigmoid(&chunk(3)?)?;
                    cs = ((f * &cs)? + (i * g)?)?;
                    let full = (o * cs.tanh()?)?;
                    match &d.w_hr {
                        Some(w) => full.broadcast_matmul(&w.t()?)?,
                        None => full,
                    }
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
        Ok(Run {
            outs: Tensor::stack(&outs, 1)?,
            h: hs,
            c: cs,
        })
    }
}

impl Recurrent {
    /// One direction by the fused step loop (`kernels::RecurrentSeq`, forward and backward
    /// through time in one op each): the same values, without a graph node per step. On the
    /// CPU in f32 and f64, without LSTM's projection or its c_n; `None` elsewhere.
    fn fused(&self, x: &Tensor, d: &Direction) -> CandleResult<Option<Run>> {
        use crate::engine::kernels::{RecurrentSeq, SeqCell};
        let (n, l, _) = x.dims3()?;
        if d.w_hr.is_some()
            || l == 0
            || (self.cell == Cell::Lstm && self.returns == Returns::CellState)
            || !x.device().is_cpu()
            || !matches!(x.dtype(), DType::F32 | DType::F64)
        {
            return Ok(None);
        }
        let h = self.hidden;
        let cell = match self.cell {
            Cell::Rnn if self.relu => SeqCell::Relu,
            Cell::Rnn => SeqCell::Tanh,
            Cell::Lstm => SeqCell::Lstm,
            Cell::Gru => SeqCell::Gru,
        };
        // The input part as one matrix product over every sample and step (N·L rows), and
        // both biases folded into the op's (b_ih + b_hh, added once per step inside it)
        // rather than a pass over the N x L x G·H input part.
        let gh = cell.gates() * h;
        let rows = x.contiguous()?.reshape((n * l, x.dim(2)?))?;
        // GRU's b_in stays with the input part: its b_hn is multiplied by r.
        // (The fully connected op on the CPU: no transposed copy of W_ih, b_in fused.)
        let fused = crate::engine::kernels::rows_on_cpu(&rows);
        let mut xi = match (&d.b_ih, cell) {
            (Some(b), SeqCell::Gru) if fused => {
                rows.apply_op3(&d.w_ih, b, crate::engine::kernels::Linear)?
            }
            _ if fused => rows.apply_op2(&d.w_ih, crate::engine::kernels::Linear)?,
            _ => rows.matmul(&d.w_ih.t()?)?,
        }
        .reshape((n, l, gh))?;
        let b_ih = match (&d.b_ih, cell) {
            (Some(_), SeqCell::Gru) if fused => None,
            (Some(b), SeqCell::Gru) => {
                xi = xi.broadcast_add(b)?;
                None
            }
            (b, SeqCell::Tanh | SeqCell::Relu | SeqCell::Lstm) => b.as_ref(),
            (None, SeqCell::Gru) => None,
        };
        let b = match (b_ih, &d.b_hh) {
            (Some(bi), Some(bh)) => (bi + bh)?,
            (Some(b), None) | (None, Some(b)) => b.clone(),
            (None, None) => Tensor::zeros(gh, x.dtype(), x.device())?,
        };
        let outs = xi.apply_op3(&d.w_hh, &b, RecurrentSeq::new(cell, h, d.reverse))?;
        let last = if d.reverse { 0 } else { l - 1 };
        Ok(Some(Run {
            h: outs.narrow(1, last, 1)?.squeeze(1)?,
            outs,
            // LSTM's c_n is asked for by the step-by-step path only.
            c: Tensor::zeros((n, h), x.dtype(), x.device())?,
        }))
    }
}
