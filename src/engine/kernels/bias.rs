//! The bias gradient of a convolution: the output gradient summed per channel.

use candle_core::backend::BackendStorage;
use candle_core::{bail, CpuStorage, CustomOp1, Layout, Result, Shape};

use super::timing::timed;
use super::{contiguous, Float};

/// dL/db: the gradient summed over batch, height and width for each channel (candle's
/// generic multi-axis reduction is several times slower here).
pub(super) struct ChannelSum;

impl ChannelSum {
    fn run<T: Float>(g: &[T], l: &Layout) -> Result<(CpuStorage, Shape)> {
        let &[n, c, h, w] = l.dims() else {
            bail!("channel sum expects a 4-D tensor, got {:?}", l.dims())
        };
        let mut out = vec![T::from_f64(0.0); c];
        for plane in g.chunks(h * w).take(n * c).enumerate() {
            let (i, values) = plane;
            let mut acc = T::from_f64(0.0);
            for v in values {
                acc += *v;
            }
            out[i % c] += acc;
        }
        Ok((T::to_cpu_storage_owned(out), Shape::from(c)))
    }
}

impl CustomOp1 for ChannelSum {
    fn name(&self) -> &'static str {
        "mltutor-channel-sum"
    }
    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let _timed = timed(self.name());
        with_float!(s, self.name(), |T| Self::run::<T>(
            contiguous(s, l, "grad")?,
            l
        ))
    }
}
