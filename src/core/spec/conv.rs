//! `nn.Conv2d`: every fact mltutor knows about a 2-D convolution but its candle
//! instantiation (`engine::Network::with_dtype`).

use super::need::{conv_len, image_dims, per_position, Need};
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// `nn.Conv2d(in, out, kernel_size=k, stride=s, padding=p, bias=b)`.
pub struct Conv2d {
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
    pub bias: bool,
}

impl LayerFacts for Conv2d {
    fn type_name(&self) -> &'static str {
        "Conv2d"
    }

    fn has_weights(&self) -> bool {
        true
    }

    fn module_expr(&self) -> String {
        let Conv2d {
            in_channels,
            out_channels,
            kernel,
            stride,
            padding,
            bias,
        } = self;
        let mut s = format!("nn.Conv2d({in_channels}, {out_channels}, kernel_size={kernel}");
        if *stride != 1 {
            s += &format!(", stride={stride}");
        }
        if *padding != 0 {
            s += &format!(", padding={padding}");
        }
        if !bias {
            s += ", bias=False";
        }
        s + ")"
    }

    /// Never shown: a layer with weights must be a named module (validation).
    fn functional_expr(&self, arg: &str) -> String {
        format!("Conv2d({arg})")
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if [
            self.in_channels,
            self.out_channels,
            self.kernel,
            self.stride,
        ]
        .contains(&0)
        {
            return Err(SpecProblem::ConvArgs);
        }
        Ok(())
    }

    /// H_out = ⌊(H + 2p − k)/s⌋ + 1, the same for W.
    fn output_shape(&self, x: &Shape, label: &str) -> Result<Shape, Need> {
        let (c, h, w) = image_dims(x, "Conv2d")?;
        if c != self.in_channels {
            return Err(Need::Channels {
                expected: self.in_channels,
                got: c,
                from_layer: label.to_string(),
            });
        }
        let len = |n| conv_len(n, self.kernel, self.stride, self.padding);
        match (len(h), len(w)) {
            (Some(oh), Some(ow)) => Ok(Shape(vec![self.out_channels, oh, ow])),
            _ => Err(Need::KernelFits {
                kernel: self.kernel,
                padding: self.padding,
            }),
        }
    }

    /// out·in·k² weights (+ out biases).
    fn sizes(&self) -> Option<Sizes> {
        let m = |a: usize, b: usize| (a as u64).checked_mul(b as u64);
        let w =
            m(self.out_channels, self.in_channels)?.checked_mul(m(self.kernel, self.kernel)?)?;
        let b = if self.bias {
            self.out_channels as u64
        } else {
            0
        };
        Some(Sizes {
            params: w.checked_add(b)?,
            buffers: 0,
        })
    }

    /// The larger of the direct kernels' zero-bordered input and output, and the im2col
    /// columns.
    fn workspace(&self, input: &Shape, output: &Shape) -> Option<u64> {
        let (&[c, h, w], &[o, oh, ow]) = (input.dims(), output.dims()) else {
            return None;
        };
        let [c, h, w, o, oh, ow, k, p] =
            [c, h, w, o, oh, ow, self.kernel, self.padding].map(|v| v as u64);
        // Saturating: a size past u64 is refused as over the budget, not skipped.
        let wp = w.saturating_add(p.saturating_mul(2));
        let hp = h.saturating_add(p.saturating_mul(2));
        let direct = c
            .saturating_mul(hp)
            .saturating_mul(wp)
            .saturating_add(o.saturating_mul(oh).saturating_mul(wp));
        let columns = c
            .saturating_mul(k)
            .saturating_mul(k)
            .saturating_mul(oh)
            .saturating_mul(ow);
        Some(direct.max(columns))
    }

    /// Every weight once per output position: params × N × H_out × W_out.
    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        per_position(params, output, self.out_channels)
    }
}
