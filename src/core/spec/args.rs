//! PyTorch's size arguments as a spec writes them: `kernel: 3` or `kernel: (3, 5)` (JSON
//! `3` or `[3, 5]`), and a convolution's `padding: "same"` / `"valid"`.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A size argument: one number for every spatial dimension, or one per dimension
/// (height, width).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pair {
    One(usize),
    Two(usize, usize),
}

impl Pair {
    /// Height and width (a single number serves both).
    pub fn hw(self) -> (usize, usize) {
        match self {
            Pair::One(v) => (v, v),
            Pair::Two(h, w) => (h, w),
        }
    }

    /// The value of a 1-d layer (the last one when two were written; `check_args` refuses that).
    pub fn size(self) -> usize {
        self.hw().1
    }

    /// Whether two numbers were written (refused for a 1-d layer).
    pub fn is_two(self) -> bool {
        matches!(self, Pair::Two(..))
    }

    /// Whether a number is 0.
    pub fn has_zero(self) -> bool {
        let (h, w) = self.hw();
        h == 0 || w == 0
    }

    /// As PyTorch code: `3` or `(3, 5)`.
    pub fn py(self) -> String {
        match self {
            Pair::One(v) => v.to_string(),
            Pair::Two(h, w) if h == w => h.to_string(),
            Pair::Two(h, w) => format!("({h}, {w})"),
        }
    }

    /// Whether it equals the single number `v` in every dimension.
    pub fn is(self, v: usize) -> bool {
        self.hw() == (v, v)
    }
}

impl Serialize for Pair {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Pair::One(v) => s.serialize_u64(v as u64),
            Pair::Two(h, w) => {
                let mut t = s.serialize_tuple(2)?;
                t.serialize_element(&(h as u64))?;
                t.serialize_element(&(w as u64))?;
                t.end()
            }
        }
    }
}

struct PairVisitor;

impl<'de> Visitor<'de> for PairVisitor {
    type Value = Pair;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a size: a number such as 3, or a pair such as (3, 5)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Pair, E> {
        usize::try_from(v)
            .map(Pair::One)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Pair, E> {
        match u64::try_from(v) {
            Ok(u) => self.visit_u64(u),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pair, A::Error> {
        let first: usize = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let Some(second) = seq.next_element::<usize>()? else {
            // PyTorch accepts `(3,)` for a 1-d layer.
            return Ok(Pair::One(first));
        };
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(3, &self));
        }
        Ok(Pair::Two(first, second))
    }
}

impl<'de> Deserialize<'de> for Pair {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Pair, D::Error> {
        d.deserialize_any(PairVisitor)
    }
}

/// A convolution's padding: sizes, or PyTorch's `"same"` / `"valid"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    Size(Pair),
    /// The output as long as the input (stride 1 only): PyTorch pads d·(k−1) in all, the
    /// extra one on the right/bottom when it is odd.
    Same,
    /// No padding.
    Valid,
}

impl Padding {
    /// `(before, after)` per spatial dimension, (height, width), for kernel `k` and
    /// dilation `d`.
    pub fn sides(self, k: Pair, d: Pair) -> [(usize, usize); 2] {
        let side = |k: usize, d: usize| {
            let total = d.saturating_mul(k.saturating_sub(1));
            (total / 2, total - total / 2)
        };
        match self {
            Padding::Size(p) => {
                let (h, w) = p.hw();
                [(h, h), (w, w)]
            }
            Padding::Valid => [(0, 0), (0, 0)],
            Padding::Same => {
                let ((kh, kw), (dh, dw)) = (k.hw(), d.hw());
                [side(kh, dh), side(kw, dw)]
            }
        }
    }

    /// As PyTorch code: `1`, `(1, 2)`, `'same'`.
    pub fn py(self) -> String {
        match self {
            Padding::Size(p) => p.py(),
            Padding::Same => "'same'".to_string(),
            Padding::Valid => "'valid'".to_string(),
        }
    }

    /// Whether no padding is applied.
    pub fn is_zero(self) -> bool {
        match self {
            Padding::Size(p) => p.is(0),
            Padding::Valid => true,
            Padding::Same => false,
        }
    }
}

impl Default for Padding {
    fn default() -> Self {
        Padding::Size(Pair::One(0))
    }
}

impl Serialize for Padding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Padding::Size(p) => p.serialize(s),
            Padding::Same => s.serialize_str("same"),
            Padding::Valid => s.serialize_str("valid"),
        }
    }
}

struct PaddingVisitor;

impl<'de> Visitor<'de> for PaddingVisitor {
    type Value = Padding;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a padding: a number such as 1, a pair such as (1, 2), \"same\" or \"valid\"")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Padding, E> {
        PairVisitor.visit_u64(v).map(Padding::Size)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Padding, E> {
        PairVisitor.visit_i64(v).map(Padding::Size)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Padding, A::Error> {
        PairVisitor.visit_seq(seq).map(Padding::Size)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Padding, E> {
        match v {
            "same" => Ok(Padding::Same),
            "valid" => Ok(Padding::Valid),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for Padding {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Padding, D::Error> {
        d.deserialize_any(PaddingVisitor)
    }
}

pub(super) fn one() -> Pair {
    Pair::One(1)
}
pub(super) fn zero() -> Pair {
    Pair::One(0)
}
pub(super) fn one_usize() -> usize {
    1
}
