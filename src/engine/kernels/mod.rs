//! CPU kernels that make training the exam's CNN fast, as candle custom ops with their own
//! backward, one file per concern:
//! - `conv`: 2-D convolution as im2col + GEMM (`im2col`), batch split across threads
//!   (`par`); the weight gradient is one GEMM per sample, the input gradient a GEMM and a
//!   col2im, computed only when something upstream needs it (never for the data); `bias`
//!   the bias gradient.
//! - `pool`: max-pooling with stride == kernel, optionally fused with the ReLU before it;
//!   the gradient goes whole to each window's maximum (see `tests/gradients.rs`).
//! - `block`: convolution → ReLU → max-pooling fused into one op.
//! - `direct`: the AVX-512 / AVX2 stride-1 convolution kernels (x86-64 only) that `conv` and
//!   `block` use in f32 where the CPU has them.
//! - `recurrent`: the step loop of RNN, LSTM and GRU (one direction of one layer) with its
//!   backward through time.
//! - `timing`: per-op timings for `mltutor bench --profile`.
//!
//! Only f32 and f64 on the CPU; `engine` uses candle's own ops elsewhere.

use candle_core::{bail, CpuStorage, Layout, Result, WithDType};

/// The element types the kernels run on.
pub trait Float:
    WithDType
    + Copy
    + Send
    + Sync
    + PartialOrd
    + std::ops::AddAssign
    + std::ops::Add<Output = Self>
    + 'static
{
    /// The slice as f32, for the kernels that exist only in f32.
    fn f32s(s: &[Self]) -> Option<&[f32]>;
}
impl Float for f32 {
    fn f32s(s: &[Self]) -> Option<&[f32]> {
        Some(s)
    }
}
impl Float for f64 {
    fn f32s(_: &[Self]) -> Option<&[f32]> {
        None
    }
}

/// Run an expression with `T` bound to the storage's float type (f32 or f64); refuse
/// the others.
macro_rules! with_float {
    ($s:expr, $name:expr, |$t:ident| $body:expr) => {
        match $s {
            CpuStorage::F32(_) => {
                type $t = f32;
                $body
            }
            CpuStorage::F64(_) => {
                type $t = f64;
                $body
            }
            other => bail!("{}: unsupported dtype {:?}", $name, other.dtype()),
        }
    };
}

/// `CustomOp3::cpu_fwd` for the ops on (input, weight, bias) that have a `fwd::<T>`.
macro_rules! conv_cpu_fwd {
    () => {
        fn cpu_fwd(
            &self,
            s1: &CpuStorage,
            l1: &Layout,
            s2: &CpuStorage,
            l2: &Layout,
            s3: &CpuStorage,
            l3: &Layout,
        ) -> Result<(CpuStorage, Shape)> {
            let _timed = timed(self.name());
            with_float!(s1, self.name(), |T| self.fwd::<T>(
                contiguous(s1, l1, "conv input")?,
                l1,
                contiguous(s2, l2, "conv weight")?,
                l2,
                contiguous(s3, l3, "conv bias")?,
            ))
        }
    };
}

/// `CustomOp2::cpu_fwd` for the gradient ops that have a `run::<T>(a, b)`; the strings
/// name the two inputs in the error when one is not contiguous.
macro_rules! run2_cpu_fwd {
    ($a:literal, $b:literal) => {
        fn cpu_fwd(
            &self,
            s1: &CpuStorage,
            l1: &Layout,
            s2: &CpuStorage,
            l2: &Layout,
        ) -> Result<(CpuStorage, Shape)> {
            let _timed = timed(self.name());
            Ok(with_float!(s1, self.name(), |T| self.run::<T>(
                contiguous(s1, l1, $a)?,
                contiguous(s2, l2, $b)?
            )))
        }
    };
}

/// `CustomOp1::cpu_fwd` for the ops that have a `run::<T>(x, layout) -> Result<…>`; the
/// string names the input in the error when it is not contiguous.
macro_rules! op1_cpu_fwd {
    ($a:literal) => {
        fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
            let _timed = timed(self.name());
            with_float!(s, self.name(), |T| self.run::<T>(contiguous(s, l, $a)?, l))
        }
    };
}

/// `CustomOp2::cpu_fwd` for the ops that have a `run::<T>(a, la, b, lb) -> Result<…>`.
macro_rules! op2_cpu_fwd {
    ($a:literal, $b:literal) => {
        fn cpu_fwd(
            &self,
            s1: &CpuStorage,
            l1: &Layout,
            s2: &CpuStorage,
            l2: &Layout,
        ) -> Result<(CpuStorage, Shape)> {
            let _timed = timed(self.name());
            with_float!(s1, self.name(), |T| self.run::<T>(
                contiguous(s1, l1, $a)?,
                l1,
                contiguous(s2, l2, $b)?,
                l2
            ))
        }
    };
}

mod attention;
mod batch_norm;
mod bias;
mod block;
mod conv;
mod direct;
mod im2col;
mod linear;
mod par;
mod pool;
mod recurrent;
mod relu;
mod rows;
mod timing;

pub use attention::SelfAttention;
pub use batch_norm::batch_norm_train;
pub use block::ConvBlock;
pub use conv::Conv2d;
pub use linear::Linear;
pub use pool::MaxPool;
pub use recurrent::{RecurrentSeq, SeqCell};
pub use relu::relu;
pub use rows::{layer_norm, rows_on_cpu, softmax_last};
pub use timing::profiling;

fn contiguous<'a, T: Float>(s: &'a CpuStorage, l: &Layout, what: &str) -> Result<&'a [T]> {
    let all = s.as_slice::<T>()?;
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&all[a..b]),
        None => bail!("{what} must be contiguous"),
    }
}
