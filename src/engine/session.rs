//! A model being trained: batches in, loss and accuracy out.

use super::network::Network;
use super::optim::{Optim, OptimSettings};
use super::CandleResult;
use crate::core::spec::ModelSpec;
use candle_core::{Device, Tensor};

/// A model being trained: forward, cross-entropy, backward and optimizer step.
pub struct TrainSession {
    pub(super) net: Network,
    pub(super) optim: Optim,
    sample_shape: Vec<usize>,
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
        let optim = Optim::new(vars, o)?;
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
        self.optim.step(&grads)?;
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
