//! The memory limit of every model and input: where it comes from, and how to raise it.
//! Apart from `pack` so that what `check` reports (`issue`) can name it without a cycle.

use crate::core::plan::DEFAULT_BUDGET_BYTES;

/// The most memory a pack may give itself with `memory_budget_mib` (8 GiB): `check`
/// refuses more. `--memory-budget` on the command line is the user's own choice and may.
pub const MAX_BUDGET_MIB: u64 = 8192;

/// Where the memory limit in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitSource {
    /// The built-in default (512 MiB).
    Default,
    /// `--memory-budget` on the command line.
    Flag,
    /// The pack's `memory_budget_mib`.
    Pack,
}

/// The memory limit of every model and input, and where it comes from (refusals name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryLimit {
    pub bytes: u64,
    pub source: LimitSource,
}

impl MemoryLimit {
    /// `--memory-budget` when given, else the pack's own limit when it sets one, else the
    /// default.
    pub fn choose(flag_mib: Option<u64>, pack_mib: Option<u64>) -> MemoryLimit {
        match (flag_mib, pack_mib) {
            (Some(m), _) => MemoryLimit {
                bytes: m.saturating_mul(1 << 20),
                source: LimitSource::Flag,
            },
            (None, Some(m)) => MemoryLimit {
                bytes: m.saturating_mul(1 << 20),
                source: LimitSource::Pack,
            },
            (None, None) => MemoryLimit {
                bytes: DEFAULT_BUDGET_BYTES,
                source: LimitSource::Default,
            },
        }
    }

    /// A limit of `bytes` given by a caller: the default when it is the default.
    pub fn given(bytes: u64) -> MemoryLimit {
        MemoryLimit {
            bytes,
            source: if bytes == DEFAULT_BUDGET_BYTES {
                LimitSource::Default
            } else {
                LimitSource::Flag
            },
        }
    }

    /// Which limit this is and how to raise it, in `lang`.
    pub fn explain(&self, lang: crate::core::i18n::Lang) -> String {
        let mib = lang.num(self.bytes >> 20);
        let source = match self.source {
            LimitSource::Default => "default",
            LimitSource::Flag => "flag",
            LimitSource::Pack => "pack",
        };
        crate::tr!(
            lang,
            "pack-limit-explain",
            source = source,
            mib = mib,
            code = (self.bytes >> 20).to_string(),
            ceiling = lang.num(MAX_BUDGET_MIB)
        )
    }
}
