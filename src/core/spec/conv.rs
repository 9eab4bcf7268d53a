//! `nn.Conv1d`, `nn.Conv2d` and `nn.ConvTranspose2d`: every fact mltutor knows about a
//! convolution but its candle instantiation (`engine::Network::with_dtype`).

use super::args::{Padding, Pair};
use super::need::{per_position, Need};
use super::rule::{ZooNeed, ZooProblem};
use super::{LayerFacts, Sizes, SpecProblem};
use crate::core::shape::Shape;

/// How many spatial dimensions a layer slides over.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dims {
    /// C x L.
    One,
    /// C x H x W.
    Two,
}

impl Dims {
    /// The spatial sizes of `p`: `[L]` or `[H, W]`.
    pub fn of(self, p: Pair) -> Vec<usize> {
        match self {
            Dims::One => vec![p.size()],
            Dims::Two => {
                let (h, w) = p.hw();
                vec![h, w]
            }
        }
    }

    /// The channels and the spatial sizes of one sample, or what `op` needed.
    pub fn split(self, x: &Shape, op: &'static str) -> Result<(usize, Vec<usize>), Need> {
        match (self, x.dims()) {
            (Dims::One, [c, l]) => Ok((*c, vec![*l])),
            (Dims::Two, [c, h, w]) => Ok((*c, vec![*h, *w])),
            (Dims::One, _) => Err(Need::Zoo(ZooNeed::Sequence { op })),
            (Dims::Two, _) => Err(Need::Image { op }),
        }
    }

    /// A size argument with two numbers refused for a 1-d layer.
    pub fn check(self, p: Pair, argument: &'static str) -> Result<(), SpecProblem> {
        if self == Dims::One && p.is_two() {
            return Err(SpecProblem::Zoo(ZooProblem::OneDim { argument }));
        }
        Ok(())
    }
}

/// A convolution with PyTorch's arguments. `transposed` makes it `nn.ConvTranspose2d`
/// (whose padding is a size, never `"same"`).
pub struct Conv {
    pub dims: Dims,
    pub transposed: bool,
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel: Pair,
    pub stride: Pair,
    pub padding: Padding,
    /// Transposed only (0 otherwise).
    pub output_padding: Pair,
    pub dilation: Pair,
    pub groups: usize,
    pub bias: bool,
}

impl Conv {
    /// Whether the spec uses only what the exam's plain convolution has (square kernel,
    /// one stride and one padding, no dilation, no groups): its messages stay the exam's.
    fn plain(&self) -> bool {
        !self.transposed
            && matches!(self.kernel, Pair::One(_))
            && matches!(self.stride, Pair::One(_))
            && matches!(self.padding, Padding::Size(Pair::One(_)))
            && self.dilation.is(1)
            && self.groups == 1
    }

    /// Padding before and after, per spatial dimension.
    fn sides(&self) -> Vec<(usize, usize)> {
        let s = self.padding.sides(self.kernel, self.dilation);
        match self.dims {
            Dims::One => vec![s[1]],
            Dims::Two => s.to_vec(),
        }
    }
}

impl LayerFacts for Conv {
    fn type_name(&self) -> &'static str {
        match (self.dims, self.transposed) {
            (Dims::One, false) => "Conv1d",
            (Dims::Two, false) => "Conv2d",
            (Dims::One, true) => "ConvTranspose1d",
            (Dims::Two, true) => "ConvTranspose2d",
        }
    }

    fn has_weights(&self) -> bool {
        true
    }

    fn module_expr(&self) -> String {
        let mut s = format!(
            "nn.{}({}, {}, kernel_size={}",
            self.type_name(),
            self.in_channels,
            self.out_channels,
            self.kernel.py()
        );
        if !self.stride.is(1) {
            s += &format!(", stride={}", self.stride.py());
        }
        if self.padding != Padding::Size(Pair::One(0)) && self.padding.py() != "0" {
            s += &format!(", padding={}", self.padding.py());
        }
        if !self.output_padding.is(0) {
            s += &format!(", output_padding={}", self.output_padding.py());
        }
        if self.groups != 1 {
            s += &format!(", groups={}", self.groups);
        }
        if !self.bias {
            s += ", bias=False";
        }
        if !self.dilation.is(1) {
            s += &format!(", dilation={}", self.dilation.py());
        }
        s + ")"
    }

    /// Never shown: a layer with weights must be a named module (validation).
    fn functional_expr(&self, arg: &str) -> String {
        format!("{}({arg})", self.type_name())
    }

    fn check_args(&self) -> Result<(), SpecProblem> {
        if self.plain() {
            let (k, s) = (self.kernel.size(), self.stride.size());
            if [self.in_channels, self.out_channels, k, s].contains(&0) {
                return Err(SpecProblem::ConvArgs);
            }
        }
        let zero = |argument| Err(SpecProblem::Zoo(ZooProblem::Zero { argument }));
        if self.in_channels == 0 {
            return zero("in_channels");
        }
        if self.out_channels == 0 {
            return zero("out_channels");
        }
        for (p, argument) in [
            (self.kernel, "kernel_size"),
            (self.stride, "stride"),
            (self.dilation, "dilation"),
        ] {
            self.dims.check(p, argument)?;
            if p.has_zero() {
                return zero(argument);
            }
        }
        if self.groups == 0 {
            return zero("groups");
        }
        if let Padding::Size(p) = self.padding {
            self.dims.check(p, "padding")?;
        }
        self.dims.check(self.output_padding, "output_padding")?;
        if !self.in_channels.is_multiple_of(self.groups)
            || !self.out_channels.is_multiple_of(self.groups)
        {
            return Err(SpecProblem::Zoo(ZooProblem::Groups {
                in_channels: self.in_channels,
                out_channels: self.out_channels,
                groups: self.groups,
            }));
        }
        if self.padding == Padding::Same && !self.stride.is(1) {
            return Err(SpecProblem::Zoo(ZooProblem::SameStride));
        }
        let (op, s, d) = (
            self.dims.of(self.output_padding),
            self.dims.of(self.stride),
            self.dims.of(self.dilation),
        );
        for i in 0..op.len() {
            if op[i] >= s[i] && op[i] >= d[i] {
                return Err(SpecProblem::Zoo(ZooProblem::OutputPadding {
                    output_padding: op[i],
                    stride: s[i],
                    dilation: d[i],
                }));
            }
        }
        Ok(())
    }

    /// Convolution: L_out = ⌊(L + p_before + p_after − d·(k − 1) − 1)/s⌋ + 1;
    /// transposed: L_out = (L − 1)·s − 2p + d·(k − 1) + output_padding + 1.
    fn output_shape(&self, x: &Shape, label: &str) -> Result<Shape, Need> {
        let (c, lens) = self.dims.split(x, self.type_name())?;
        if c != self.in_channels {
            return Err(Need::Channels {
                expected: self.in_channels,
                got: c,
                from_layer: label.to_string(),
            });
        }
        let (k, s, d, op) = (
            self.dims.of(self.kernel),
            self.dims.of(self.stride),
            self.dims.of(self.dilation),
            self.dims.of(self.output_padding),
        );
        let sides = self.sides();
        let mut out = vec![self.out_channels];
        let mut min = Vec::with_capacity(lens.len());
        let mut fits = true;
        for i in 0..lens.len() {
            let [l, k, s, d, op, before, after] =
                [lens[i], k[i], s[i], d[i], op[i], sides[i].0, sides[i].1].map(|v| v as i128);
            let span = d * (k - 1) + 1;
            if self.transposed {
                let len = (l - 1) * s - 2 * before + d * (k - 1) + op + 1;
                // The smallest input that gives at least one output.
                let need = 2 * before - d * (k - 1) - op;
                min.push((1 + (need.max(0) + s - 1) / s.max(1)) as usize);
                fits &= len >= 1;
                out.push(usize::try_from(len.max(0)).unwrap_or(usize::MAX));
            } else {
                let padded = l + before + after;
                min.push((span - before - after).max(1) as usize);
                fits &= padded >= span;
                out.push(usize::try_from(((padded - span) / s + 1).max(0)).unwrap_or(usize::MAX));
            }
        }
        if !fits {
            if self.plain() && self.dims == Dims::Two {
                if let Padding::Size(p) = self.padding {
                    return Err(Need::KernelFits {
                        kernel: self.kernel.size(),
                        padding: p.size(),
                    });
                }
            }
            return Err(Need::Zoo(ZooNeed::Fits { min }));
        }
        Ok(Shape(out))
    }

    /// out·(in/groups)·∏k weights (+ out biases); the same product for a transposed one.
    fn sizes(&self) -> Option<Sizes> {
        let m = |a: u64, b: u64| a.checked_mul(b);
        let per_group = (self.in_channels / self.groups.max(1)) as u64;
        let k = self
            .dims
            .of(self.kernel)
            .into_iter()
            .try_fold(1u64, |a, v| m(a, v as u64))?;
        let w = m(m(self.out_channels as u64, per_group)?, k)?;
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

    /// The larger of the padded input and the output (the direct kernels) and the im2col
    /// columns (C·∏k per output position).
    fn workspace(&self, input: &Shape, output: &Shape) -> Option<u64> {
        if let (true, &[c, h, w], &[o, oh, ow]) = (self.plain(), input.dims(), output.dims()) {
            let [c, h, w, o, oh, ow, k, p] = [
                c,
                h,
                w,
                o,
                oh,
                ow,
                self.kernel.size(),
                self.padding.sides(self.kernel, self.dilation)[0].0,
            ]
            .map(|v| v as u64);
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
            return Some(direct.max(columns));
        }
        let (c, lens) = self.dims.split(input, "").ok()?;
        let out = output.dims();
        let k = self.dims.of(self.kernel);
        let sides = self.sides();
        // Saturating: a size past u64 is refused as over the budget, not skipped.
        let mut padded = c as u64;
        for (i, l) in lens.iter().enumerate() {
            let extra = if self.transposed {
                // Holes between inputs, and the kernel's span on each side.
                (*l as u64).saturating_mul(self.dims.of(self.stride)[i] as u64)
            } else {
                (sides[i].0 as u64).saturating_add(sides[i].1 as u64)
            };
            let k_span = (k[i] as u64).saturating_mul(self.dims.of(self.dilation)[i] as u64);
            padded = padded.saturating_mul(
                (*l as u64)
                    .saturating_add(extra)
                    .saturating_add(k_span.saturating_mul(2)),
            );
        }
        let out_elems = out.iter().fold(1u64, |a, &v| a.saturating_mul(v as u64));
        let positions = out
            .iter()
            .skip(1)
            .fold(1u64, |a, &v| a.saturating_mul(v as u64));
        let columns = k
            .iter()
            .fold(c as u64, |a, &v| a.saturating_mul(v as u64))
            .saturating_mul(positions);
        Some(padded.saturating_add(out_elems).max(columns))
    }

    /// Every weight once per output position: params × N × ∏L_out (torchinfo's rule for
    /// every `Conv…` class).
    fn mult_adds(&self, params: u64, output: &Shape) -> u64 {
        per_position(params, output, self.out_channels)
    }
}
