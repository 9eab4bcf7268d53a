//! `nn.MaxPool1d/2d`, `nn.AvgPool1d/2d` and `nn.AdaptiveAvgPool1d/2d`: every fact mltutor
//! knows about pooling but its candle instantiation (`engine::Network::with_dtype`).

use super::args::Pair;
use super::conv::Dims;
use super::need::Need;
use super::rule::{ZooNeed, ZooProblem};
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// Which pooling: the maximum or the mean of each window.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reduce {
    Max,
    Avg,
}

/// `nn.MaxPool2d(k, stride=s, padding=p, ceil_mode=c)` and its kin; PyTorch's default
/// stride is the kernel size.
pub struct Pool {
    pub dims: Dims,
    pub reduce: Reduce,
    pub kernel: Pair,
    pub stride: Option<Pair>,
    pub padding: Pair,
    pub ceil_mode: bool,
    /// AvgPool only: whether the zeros of the padding count in each mean (PyTorch: true).
    pub count_include_pad: bool,
}

/// PyTorch's pooling length: ⌊(L + 2p − k)/s⌋ + 1 (rounded up in ceil mode, but never a
/// window that starts in the right padding); `None` below 1.
pub fn pool_len(l: usize, k: usize, s: usize, p: usize, ceil: bool) -> Option<usize> {
    let [l, k, s, p] = [l, k, s, p].map(|v| v as i128);
    if s < 1 {
        return None;
    }
    let num = l + 2 * p - k + if ceil { s - 1 } else { 0 };
    let mut out = num.div_euclid(s) + 1;
    if ceil && (out - 1) * s >= l + p {
        out -= 1;
    }
    if out < 1 {
        return None;
    }
    usize::try_from(out).ok()
}

impl Pool {
    /// The stride: PyTorch's default is the kernel.
    pub fn stride(&self) -> Pair {
        self.stride.unwrap_or(self.kernel)
    }

    /// As the exam writes it: the kernel, the stride only when it differs from it.
    fn args(&self) -> String {
        let mut s = self.kernel.py();
        match self.stride {
            Some(st) if st.hw() != self.kernel.hw() => s += &format!(", stride={}", st.py()),
            _ => {}
        }
        if !self.padding.is(0) {
            s += &format!(", padding={}", self.padding.py());
        }
        if self.ceil_mode {
            s += ", ceil_mode=True";
        }
        if self.reduce == Reduce::Avg && !self.count_include_pad {
            s += ", count_include_pad=False";
        }
        s
    }

    /// Only what the exam's pooling has: its messages stay the exam's.
    fn plain(&self) -> bool {
        self.dims == Dims::Two
            && matches!(self.kernel, Pair::One(_))
            && matches!(self.stride, None | Some(Pair::One(_)))
            && self.padding.is(0)
            && !self.ceil_mode
    }
}

impl LayerFacts for Pool {
    fn type_name(&self) -> &'static str {
        match (self.reduce, self.dims) {
            (Reduce::Max, Dims::One) => "MaxPool1d",
            (Reduce::Max, Dims::Two) => "MaxPool2d",
            (Reduce::Avg, Dims::One) => "AvgPool1d",
            (Reduce::Avg, Dims::Two) => "AvgPool2d",
        }
    }

    fn has_weights(&self) -> bool {
        false
    }

    fn module_expr(&self) -> String {
        format!("nn.{}({})", self.type_name(), self.args())
    }

    fn functional_expr(&self, arg: &str) -> String {
        let f = match (self.reduce, self.dims) {
            (Reduce::Max, Dims::One) => "F.max_pool1d",
            (Reduce::Max, Dims::Two) => "F.max_pool2d",
            (Reduce::Avg, Dims::One) => "F.avg_pool1d",
            (Reduce::Avg, Dims::Two) => "F.avg_pool2d",
        };
        format!("{f}({arg}, {})", self.args())
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.kernel.has_zero() || self.stride.is_some_and(Pair::has_zero) {
            return Err(SpecProblem::PoolArgs);
        }
        self.dims.check(self.kernel, "kernel_size")?;
        if let Some(s) = self.stride {
            self.dims.check(s, "stride")?;
        }
        self.dims.check(self.padding, "padding")?;
        let (k, p) = (self.dims.of(self.kernel), self.dims.of(self.padding));
        for (k, p) in k.into_iter().zip(p) {
            if p > k / 2 {
                return Err(SpecProblem::Zoo(ZooProblem::PoolPadding {
                    padding: p,
                    kernel: k,
                }));
            }
        }
        Ok(())
    }

    /// Per spatial dimension [`pool_len`]; the channels stay.
    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let (c, lens) = self.dims.split(x, self.type_name())?;
        let (k, s, p) = (
            self.dims.of(self.kernel),
            self.dims.of(self.stride()),
            self.dims.of(self.padding),
        );
        let mut out = vec![c];
        for i in 0..lens.len() {
            match pool_len(lens[i], k[i], s[i], p[i], self.ceil_mode) {
                Some(n) => out.push(n),
                None if self.plain() => {
                    return Err(Need::PoolFits {
                        kernel: self.kernel.size(),
                    })
                }
                None => {
                    let min = (0..lens.len())
                        .map(|i| k[i].saturating_sub(2 * p[i]).max(1))
                        .collect();
                    return Err(Need::Zoo(ZooNeed::Fits { min }));
                }
            }
        }
        Ok(Shape(out))
    }

    fn sizes(&self) -> Option<Sizes> {
        Some(Sizes::NONE)
    }

    /// An average pooling that is not the exam's runs as one averaging matrix per spatial
    /// dimension (input length x output length).
    fn workspace(&self, input: &Shape, output: &Shape) -> Option<u64> {
        if self.reduce == Reduce::Max || self.plain() {
            return None;
        }
        Some(matrices(input, output))
    }

    /// torchinfo counts none.
    fn mult_adds(&self, _params: u64, _output: &Shape) -> u64 {
        0
    }
}

/// Elements of the averaging matrices: Σ input length x output length over the spatial
/// dimensions (the channels first in both shapes).
fn matrices(input: &Shape, output: &Shape) -> u64 {
    input
        .dims()
        .iter()
        .zip(output.dims())
        .skip(1)
        .fold(0u64, |a, (&l, &o)| {
            a.saturating_add((l as u64).saturating_mul(o as u64))
        })
}

/// `nn.AdaptiveAvgPool1d(n)` / `nn.AdaptiveAvgPool2d((h, w))`: output `i` is the mean of
/// input positions ⌊i·L/n⌋ to ⌈(i+1)·L/n⌉ − 1.
pub struct AdaptiveAvg {
    pub dims: Dims,
    pub output: Pair,
}

impl LayerFacts for AdaptiveAvg {
    fn type_name(&self) -> &'static str {
        match self.dims {
            Dims::One => "AdaptiveAvgPool1d",
            Dims::Two => "AdaptiveAvgPool2d",
        }
    }

    fn has_weights(&self) -> bool {
        false
    }

    fn module_expr(&self) -> String {
        format!("nn.{}({})", self.type_name(), self.output.py())
    }

    fn functional_expr(&self, arg: &str) -> String {
        let f = match self.dims {
            Dims::One => "F.adaptive_avg_pool1d",
            Dims::Two => "F.adaptive_avg_pool2d",
        };
        format!("{f}({arg}, {})", self.output.py())
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        self.dims.check(self.output, "output_size")?;
        if self.output.has_zero() {
            return Err(SpecProblem::Zoo(ZooProblem::Zero {
                argument: "output_size",
            }));
        }
        Ok(())
    }

    fn output_shape(&self, x: &Shape, _label: &str) -> Result<Shape, Need> {
        let (c, _) = self.dims.split(x, self.type_name())?;
        let mut out = vec![c];
        out.extend(self.dims.of(self.output));
        Ok(Shape(out))
    }

    fn sizes(&self) -> Option<Sizes> {
        Some(Sizes::NONE)
    }

    /// One averaging matrix per spatial dimension (input length x output length).
    fn workspace(&self, input: &Shape, output: &Shape) -> Option<u64> {
        Some(matrices(input, output))
    }

    /// torchinfo counts none.
    fn mult_adds(&self, _params: u64, _output: &Shape) -> u64 {
        0
    }
}
