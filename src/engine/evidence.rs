//! Question 3's evidence: a Linear layer's output from candle beside the same sum worked
//! out term by term.

use super::network::{apply, uniform, Network};
use super::{CandleError, CandleResult};
use crate::core::spec::{LayerKind, ModelSpec};
use candle_core::{Device, Tensor};
use rand::SeedableRng;

pub use crate::core::runner::LinearEvidence;

/// Run the first Linear layer of `spec` (which must map to one output) on a seeded random x.
pub fn linear_evidence(spec: &ModelSpec, seed: u64) -> CandleResult<LinearEvidence> {
    let net = Network::new(spec, seed, &Device::Cpu)?;
    let (idx, name, n) = spec
        .layers
        .iter()
        .enumerate()
        .find_map(|(i, l)| {
            // A search for the first Linear(n, 1), not a fact per kind: no other kind counts.
            let (
                LayerKind::Linear {
                    in_features,
                    out_features: 1,
                    ..
                },
                Some(name),
            ) = (&l.layer, &l.name)
            else {
                return None;
            };
            Some((i, name.clone(), *in_features))
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
