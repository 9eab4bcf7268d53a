//! Gradient checks: candle's backward (through the custom kernels) against central finite
//! differences in f64, and the f32 path against the f64 one.

use super::network::Network;
use super::CandleResult;
use crate::core::spec::ModelSpec;
use candle_core::{DType, Device, Tensor, Var};
use rand::SeedableRng;

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
    let mut x0 = normal_values(&mut rng, n);
    if let Some(vocab) = net.input_vocabulary() {
        // Token ids, each in the middle of its unit so that ±eps keeps the same id.
        x0 = (0..n)
            .map(|i| (i * 7 % vocab.max(1)) as f64 + 0.5)
            .collect();
    }
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
