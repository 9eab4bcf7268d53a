//! Optimizers: which one a run uses, their settings, and SGD with PyTorch's momentum
//! beside candle's AdamW.

use super::CandleResult;
use candle_core::{Tensor, Var};

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
/// Training hyper-parameters the engine needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptimSettings {
    pub kind: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    pub weight_decay: f64,
}

/// SGD with momentum as PyTorch defines it: v ← μ·v + g, p ← p − lr·v (candle's SGD has
/// no momentum).
pub(super) struct SgdMomentum {
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

/// The optimizer of a training session, built from its settings.
pub(super) enum Optim {
    Sgd(SgdMomentum),
    AdamW(candle_nn::AdamW),
}

impl Optim {
    pub(super) fn new(vars: Vec<Var>, o: OptimSettings) -> CandleResult<Self> {
        Ok(match o.kind {
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
        })
    }

    /// Update every variable from its gradient.
    pub(super) fn step(&mut self, grads: &candle_core::backprop::GradStore) -> CandleResult<()> {
        match self {
            Optim::Sgd(s) => s.step(grads),
            Optim::AdamW(a) => {
                use candle_nn::Optimizer;
                a.step(grads)
            }
        }
    }
}

impl OptimizerKind {
    /// The learning rate this optimizer is usually run with on these small models: SGD with
    /// momentum 0.05; AdamW PyTorch's default 1e-3 (at 0.05 it blows up).
    pub fn usual_lr(self) -> f64 {
        match self {
            OptimizerKind::Sgd => 0.05,
            OptimizerKind::AdamW => 1e-3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PyTorch's AdamW defaults to lr = 1e-3; the labs' SGD (momentum 0.9) to 0.05.
    #[test]
    fn each_optimizer_has_its_usual_learning_rate() {
        assert_eq!(OptimizerKind::AdamW.usual_lr(), 0.001);
        assert_eq!(OptimizerKind::Sgd.usual_lr(), 0.05);
    }
}
