//! Question packs: the RON files teachers write, their loading and validation.

use crate::core::plan::DEFAULT_BUDGET_BYTES;
use crate::core::spec::{ron_options, LayerSpec, ModelSpec, ModuleSpec};
use crate::core::variant::{Domain, Variant};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The pack format this build reads.
pub const PACK_VERSION: u32 = 1;

/// A pack. Its `models` are [`ModelSpec`]s once read: an entry written as a spec, or read
/// from a Python file beside the pack (`source:`, see [`ModelEntry`]), or built in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack<M = ModelSpec> {
    pub version: u32,
    pub meta: Meta,
    /// Models built into mltutor that the pack uses by id (`exam_cnn`, `perceptron`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub builtin_models: Vec<String>,
    /// Models defined in the pack itself (read from a Python file or written out), then
    /// the built-in ones it names.
    #[serde(default = "Vec::new")]
    pub models: Vec<M>,
    pub questions: Vec<Question>,
    /// The memory limit of every model and input of this pack, in MiB (default: 512;
    /// at most [`MAX_BUDGET_MIB`]); `--memory-budget` on the command line overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_budget_mib: Option<u64>,
    /// Integer variables drawn per student (`{ "c1": Range(min: 4, max: 16) }`), used as
    /// `{expr}` in the pack's text; see [`crate::core::variant`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, Domain>,
    /// Conditions every drawn variant meets (`"c1 * 2 <= 24"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
    /// Exam sections drawn from the bank: `count` questions of a `category` per student,
    /// with the student's variant number as the seed (the other questions of the category
    /// are left out of that student's exam).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub draws: Vec<Draw>,
    /// SHA-256 of the pack's source text (lowercase hex), set by [`parse_pack`]: exam
    /// reports carry it so a teacher can tell which version of the pack was taken. For a
    /// pack with variables it is the hash of the file as written, whatever the variant.
    #[serde(skip)]
    pub source_hash: String,
    /// The variant this pack was drawn as (packs with variables only).
    #[serde(skip)]
    pub variant: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub course: String,
    #[serde(default)]
    pub author: String,
    /// `en`, `fr`.
    pub language: String,
    #[serde(default)]
    pub licence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id: progress is saved under it.
    pub id: String,
    /// How the exam numbers it (`4a`).
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub title: String,
    /// Plain text; lines between ``` fences are code.
    pub statement: String,
    /// A model whose generated PyTorch code is shown with the statement.
    #[serde(default)]
    pub code: Option<String>,
    /// Revealed one at a time.
    #[serde(default)]
    pub hints: Vec<String>,
    /// The worked correction shown after answering.
    #[serde(default)]
    pub correction: String,
    /// Live evidence computed beside the reference.
    #[serde(default)]
    pub evidence: Option<Evidence>,
    /// The training lab this question illustrates (key `t`).
    #[serde(default)]
    pub lab: Option<LabPreset>,
    /// The bank category it is filed under (`Week 1/CNN`), as Moodle files questions.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub kind: Kind,
}

/// Labs tied to the exam's questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LabPreset {
    /// A plain training run of the model.
    #[default]
    Train,
    /// Train on a tiny set until the validation loss turns up: overfitting made visible.
    Validation,
    /// Samples/s on CPU and, when available, on CUDA.
    Speedup,
    /// A clean data set beside a flawed one.
    DataQuality,
}

impl Question {
    /// The model a lab started from this question trains.
    pub fn lab_model<'a>(&self, pack: &'a Pack) -> Option<&'a ModelSpec> {
        let id = match &self.kind {
            Kind::Computed { model, .. } => Some(model.as_str()),
            Kind::Open { .. }
            | Kind::Choice { .. }
            | Kind::Numeric { .. }
            | Kind::Order { .. }
            | Kind::ShortAnswer { .. }
            | Kind::Matching { .. }
            | Kind::Description => self.code.as_deref(),
        }?;
        pack.model(id).filter(|m| m.id != "perceptron")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Evidence {
    /// candle's output of `nn.Linear(n, 1)` on a random x beside Σ wᵢxᵢ + b.
    LinearFormula(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Kind {
    /// Free text: never graded by matching; the student ticks the key points covered.
    Open {
        reference: String,
        #[serde(default)]
        key_points: Vec<String>,
    },
    Choice {
        #[serde(default)]
        multiple: bool,
        options: Vec<ChoiceOption>,
        /// For "give two qualities": correct picks needed for full credit (default: all).
        #[serde(default)]
        need: Option<usize>,
    },
    Numeric {
        target: NumericTarget,
        #[serde(default)]
        unit: String,
        /// Shown with a right answer.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        feedback: String,
        /// Other answers tried in order after `target` (full credit), each with its own
        /// credit: half marks for a rounder value, a comment on a known wrong one.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        others: Vec<WeightedTarget>,
    },
    /// Steps listed in the right order; shown shuffled.
    Order { steps: Vec<String> },
    /// A typed text compared with accepted answers after normalisation (spaces collapsed,
    /// and case folded unless `case_sensitive`); each accepted answer earns its `credit`.
    ShortAnswer {
        answers: Vec<Accepted>,
        #[serde(default)]
        case_sensitive: bool,
    },
    /// Each left item matched to one right item; the right items are shown shuffled per
    /// student; each pair matched right earns its share. A pair with an empty `left` is a
    /// distractor: its right item is offered but matches nothing.
    Matching { pairs: Vec<MatchPair> },
    /// Text only, nothing to answer (Moodle's "description"): worth no marks.
    Description,
    /// The answer is derived from a model with candle.
    Computed {
        model: String,
        ask: Ask,
        /// What the teacher expects; `check` compares it with the computation.
        #[serde(default)]
        expected: Option<Expected>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub text: String,
    #[serde(default)]
    pub correct: bool,
    #[serde(default)]
    pub feedback: String,
    /// The share of the mark this option earns when picked, in percent (-100 to 100;
    /// negative takes marks away, as Moodle does). Unset: 100 for a correct option and 0
    /// otherwise, and a question none of whose options sets it is graded as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<f64>,
}

impl ChoiceOption {
    /// The option's credit in percent, its default filled in.
    pub fn credit_percent(&self) -> f64 {
        self.credit
            .unwrap_or(if self.correct { 100.0 } else { 0.0 })
    }
}

/// An accepted short answer and what it earns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    pub text: String,
    /// Percent of the mark (default 100).
    #[serde(default = "full_credit")]
    pub credit: f64,
    #[serde(default)]
    pub feedback: String,
}

fn full_credit() -> f64 {
    100.0
}

/// One pair of a matching question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchPair {
    pub left: String,
    pub right: String,
}

/// A further accepted numeric answer, with its credit and comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightedTarget {
    pub target: NumericTarget,
    /// Percent of the mark (-100 to 100).
    pub credit: f64,
    #[serde(default)]
    pub feedback: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum NumericTarget {
    /// `value` within `abs` or `rel` (relative) tolerance; both 0 means exact.
    Value {
        value: f64,
        #[serde(default)]
        abs: f64,
        #[serde(default)]
        rel: f64,
    },
    /// Any value in [min, max], e.g. an order of magnitude.
    Range { min: f64, max: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Ask {
    /// Parameters of the whole model, or of the named layers.
    ParameterCount {
        #[serde(default)]
        layers: Vec<String>,
    },
    /// Which operations have no parameters (options generated from the model).
    ParameterFree,
    /// The output shape of one sample after the named layer (the last one when empty).
    OutputShape {
        #[serde(default)]
        after: String,
    },
    /// An input shape for which the model runs; any answer is checked by running it.
    InputShape,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Expected {
    Count(u64),
    Layers(Vec<String>),
    Shape(String),
}

pub use crate::core::issue::{Issue, PackError, Problem, SyntaxMessage};
use crate::core::source_pos::Step;

#[derive(Deserialize)]
struct VersionProbe {
    version: Option<u32>,
}

/// Parse a pack's text (no semantic validation). A pack with variables is read as its
/// variant 0. A pack read without its folder: a model with `source:` is refused.
pub fn parse_pack(text: &str) -> Result<Pack, PackError> {
    parse_pack_in(text, None)
}

/// [`parse_pack`] for a pack read from folder `dir`: `source:` paths are relative to it.
pub fn parse_pack_in(text: &str, dir: Option<&Path>) -> Result<Pack, PackError> {
    parse_pack_variant_in(text, dir, None).map(|(p, _)| p)
}

/// A `models` entry as written: a model spec (`input`, `layers`, …), or a class of a
/// Python file beside the pack, `(id: "lenet", source: "models/lenet.py", class: "LeNet",
/// input: [1, 28, 28])` (`class` may be left out when the file has one `nn.Module` class;
/// `input` when the model starts with `nn.Linear`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "ModelSpec")]
pub struct ModelEntry {
    pub id: String,
    #[serde(default)]
    pub class_name: Option<String>,
    #[serde(default)]
    pub input: Option<Vec<usize>>,
    #[serde(default)]
    pub modules: Option<Vec<ModuleSpec>>,
    #[serde(default)]
    pub layers: Option<Vec<LayerSpec>>,
    /// A Python file, relative to the pack's folder.
    #[serde(default)]
    pub source: Option<String>,
    /// The `nn.Module` class of `source`.
    #[serde(default)]
    pub class: Option<String>,
}

impl ModelEntry {
    /// The model this entry gives: written out, or imported from its Python file (`dir`:
    /// the pack's folder, `None` for a pack read from text alone). Errors with the field
    /// they are about.
    pub fn resolve(self, dir: Option<&Path>) -> Result<ModelSpec, (SourceError, &'static str)> {
        let ModelEntry {
            id,
            class_name,
            input,
            modules,
            layers,
            source,
            class,
        } = self;
        let Some(source) = source else {
            if class.is_some() {
                return Err((SourceError::Missing { field: "source" }, "class"));
            }
            let input = input.ok_or((SourceError::Missing { field: "input" }, "id"))?;
            let layers = layers.ok_or((SourceError::Missing { field: "layers" }, "id"))?;
            return Ok(ModelSpec {
                id,
                class_name: class_name.unwrap_or_else(|| "Net".to_string()),
                input,
                modules: modules.unwrap_or_default(),
                layers,
            });
        };
        for (given, field) in [
            (layers.is_some(), "layers"),
            (modules.is_some(), "modules"),
            (class_name.is_some(), "class_name"),
        ] {
            if given {
                return Err((SourceError::SourceWithSpec { field }, field));
            }
        }
        let Some(dir) = dir else {
            return Err((SourceError::NoFolder { source }, "source"));
        };
        let imported = crate::core::model_source::read_model(dir, &source, class.as_deref(), input)
            .map_err(|e| (e, "source"))?;
        Ok(ModelSpec {
            id,
            ..imported.spec
        })
    }
}

use crate::core::model_source::SourceError;
use std::path::Path;

/// An exam section drawn from a question bank: `count` questions of `category` (a
/// question's category or one under it: `Week 1` holds `Week 1/CNN`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draw {
    pub category: String,
    pub count: usize,
}

/// A pack's declarations, read before any variant is drawn.
#[derive(Deserialize, Default)]
struct Declarations {
    #[serde(default)]
    variables: BTreeMap<String, Domain>,
    #[serde(default)]
    constraints: Vec<String>,
    #[serde(default)]
    draws: Vec<Draw>,
}

fn in_category(q: &Question, category: &str) -> bool {
    q.category == category
        || q.category
            .strip_prefix(category)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl Pack {
    /// Keep, of each drawn category, the `count` questions variant `number` draws (in the
    /// pack's order); every other question stays.
    pub fn apply_draws(&mut self, number: u64) -> Result<(), Box<Problem>> {
        let mut drop = vec![false; self.questions.len()];
        for (k, d) in self.draws.iter().enumerate() {
            let pool: Vec<usize> = (0..self.questions.len())
                .filter(|&i| in_category(&self.questions[i], &d.category))
                .collect();
            if d.count == 0 || d.count > pool.len() {
                return Err(Box::new(Problem::DrawTooLarge {
                    category: d.category.clone(),
                    count: d.count,
                    available: pool.len(),
                }));
            }
            // Each section its own stream, so adding a section leaves the others' draws.
            let chosen = crate::core::variant::pick(number, k as u64, pool.len(), d.count);
            for (j, &i) in pool.iter().enumerate() {
                if !chosen.contains(&j) {
                    drop[i] = true;
                }
            }
        }
        let mut i = 0;
        self.questions.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
        Ok(())
    }
}

/// Whether `text` declares variables or uses `{expr}` placeholders: a pack with variants.
pub fn has_variants(text: &str) -> bool {
    crate::core::variant::has_placeholders(text) || declarations(text).declares_any()
}

impl Declarations {
    /// Variables or drawn sections: what makes one student's pack differ from another's.
    fn declares_any(&self) -> bool {
        !self.variables.is_empty() || !self.draws.is_empty()
    }
}

fn declarations(text: &str) -> Declarations {
    // Cheap test first: a pack without the words has none.
    if !text.contains("variables") && !text.contains("draws") {
        return Declarations::default();
    }
    ron_options()
        .from_str::<Declarations>(&crate::core::variant::neutral(text))
        .unwrap_or_default()
}

/// Parse variant `variant` of a pack's text (variant 0 when `None`): its variables are
/// drawn, every `{expr}` replaced, and the text read as any pack. A pack without
/// variables is read as it is (its variant is `None`). The source hash is the hash of
/// `text`, the file as written.
pub fn parse_pack_variant(
    text: &str,
    variant: Option<u64>,
) -> Result<(Pack, Option<Variant>), PackError> {
    parse_pack_variant_in(text, None, variant)
}

/// [`parse_pack_variant`] for a pack read from folder `dir` (`source:` paths are relative
/// to it; `None`: a pack read from text alone, whose `source:` entries are refused).
pub fn parse_pack_variant_in(
    text: &str,
    dir: Option<&Path>,
    variant: Option<u64>,
) -> Result<(Pack, Option<Variant>), PackError> {
    let read = read_pack_variant_in(text, dir, variant)?;
    if read.errors.is_empty() {
        Ok((read.pack, read.variant))
    } else {
        Err(PackError::Invalid(read.errors))
    }
}

/// A pack read past its syntax errors (see [`crate::core::recover`]).
#[derive(Debug)]
pub struct PackReading {
    /// The pack read from the mended text.
    pub pack: Pack,
    pub variant: Option<Variant>,
    /// The syntax errors found on the way, placed in the text as written.
    pub errors: Vec<Issue>,
    /// Whether every mend is what the author surely meant: the pack's own checks can
    /// then run on `pack` and their findings be reported with `errors`.
    pub faithful: bool,
    /// The text read, mended: the pack's own checks place their findings in it, then
    /// [`crate::core::recover::Mended::place`] in the text as written.
    pub mended: crate::core::recover::Mended,
}

/// [`parse_pack_variant_in`] reading past syntax errors: `Ok` when the text could be
/// mended into a pack, with every error found; `Err` when it could not (every error
/// found up to there) or for a problem found after reading (a model's source file).
pub fn read_pack_variant_in(
    text: &str,
    dir: Option<&Path>,
    variant: Option<u64>,
) -> Result<PackReading, PackError> {
    // The declarations are read once: they decide whether the pack has variants at all.
    let d = declarations(text);
    if !crate::core::variant::has_placeholders(text) && !d.declares_any() {
        return read_plain(text, dir);
    }
    let as_issue = |e: crate::core::variant::VariantError, at: &[Step]| {
        PackError::Invalid(vec![
            Issue::general(Problem::Variant(e)).at_path(&crate::core::variant::neutral(text), at)
        ])
    };
    let number = variant.unwrap_or(0);
    let drawn = crate::core::variant::draw(&d.variables, &d.constraints, number).map_err(|e| {
        let at = match &e {
            crate::core::variant::VariantError::EmptyDomain(_)
            | crate::core::variant::VariantError::TooManyVariables
            | crate::core::variant::VariantError::OutOfRange(_)
            | crate::core::variant::VariantError::NotANumber(_) => vec![Step::Field("variables")],
            crate::core::variant::VariantError::BadConstraint(_)
            | crate::core::variant::VariantError::Arithmetic(_)
            | crate::core::variant::VariantError::Unsatisfiable
            | crate::core::variant::VariantError::BadExpr { .. }
            | crate::core::variant::VariantError::UnknownVariable { .. } => {
                vec![Step::Field("constraints")]
            }
        };
        as_issue(e, &at)
    })?;
    let instance = crate::core::variant::instantiate(text, &drawn).map_err(|e| as_issue(e, &[]))?;
    let mut read = read_plain(&instance, dir)?;
    let pack = &mut read.pack;
    pack.apply_draws(number).map_err(|p| {
        PackError::Invalid(vec![Issue::general(*p).at_path(
            &crate::core::variant::neutral(text),
            &[Step::Field("draws")],
        )])
    })?;
    pack.source_hash = sha256_hex(text.as_bytes());
    pack.variant = Some(number);
    read.variant = Some(drawn);
    Ok(read)
}

/// Read a pack's text as it is (no placeholders) past its syntax errors; models with
/// `source:` are read from folder `dir`. The pack, the syntax errors, and whether every
/// mend was faithful (see [`PackReading`]).
fn read_plain(text: &str, dir: Option<&Path>) -> Result<PackReading, PackError> {
    // ron 0.10 rescans a string's tail after each escape: quadratic time. Refuse before
    // parsing what would take it too long.
    if let Err(line) = escape_cost(text, MAX_ESCAPE_SCAN) {
        return Err(PackError::Invalid(vec![Issue::general(
            Problem::CostlyEscapes { line },
        )]));
    }
    // The version is read first so a newer pack gets "unsupported version", not a
    // confusing complaint about fields this build does not know.
    if let Ok(VersionProbe { version }) = ron_options().from_str::<VersionProbe>(text) {
        match version {
            Some(PACK_VERSION) => {}
            Some(v) => {
                return Err(PackError::Invalid(vec![Issue::general(
                    Problem::UnsupportedVersion {
                        found: v,
                        supported: PACK_VERSION,
                    },
                )
                .at_path(text, &[Step::Field("version")])]))
            }
            None => {
                return Err(PackError::Invalid(vec![Issue::general(
                    Problem::NoVersion {
                        supported: PACK_VERSION,
                    },
                )
                .at_path(text, &[])]))
            }
        }
    }
    let reading = crate::core::recover::read_all::<Pack<ModelEntry>>(text);
    let Some(written) = reading.value else {
        return Err(PackError::Invalid(reading.errors));
    };
    let mut unknown = reading.errors;
    let syntax = unknown.len();
    let (mut pack, entries) = written.without_models();
    for (k, entry) in entries.into_iter().enumerate() {
        let id = entry.id.clone();
        match entry.resolve(dir) {
            Ok(m) => pack.models.push(m),
            Err((error, field)) => unknown.push(
                Issue::general(Problem::ModelSource { model: id, error }).at_path(
                    text,
                    &[Step::Field("models"), Step::Index(k), Step::Field(field)],
                ),
            ),
        }
    }
    let builtins = crate::core::spec::builtin_models();
    for (k, id) in pack.builtin_models.iter().enumerate() {
        match builtins.iter().find(|m| &m.id == id) {
            Some(m) => pack.models.push(m.clone()),
            None => unknown.push(
                Issue::general(Problem::UnknownBuiltin {
                    id: id.clone(),
                    builtins: builtins.iter().map(|m| m.id.clone()).collect(),
                })
                .at_path(text, &[Step::Field("builtin_models"), Step::Index(k)]),
            ),
        }
    }
    pack.source_hash = sha256_hex(text.as_bytes());
    if unknown.len() > syntax {
        // A model that could not be read: the questions about it, and the rest, wait.
        unknown.push(Issue::general(Problem::CheckedAfterFixes));
    }
    if unknown.len() == syntax {
        Ok(PackReading {
            pack,
            variant: None,
            errors: unknown,
            faithful: reading.faithful,
            mended: reading.mended,
        })
    } else {
        Err(PackError::Invalid(unknown))
    }
}

/// SHA-256 of `bytes`, in lowercase hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The most bytes ron 0.10 may rescan for the escapes of one text (its `escaped_byte_buf`
/// searches from each escape to the closing quote): about 20 ms of memchr.
pub const MAX_ESCAPE_SCAN: u64 = 1 << 26;

/// What ron 0.10 scans to read the escapes of `text`'s strings: for each escape in a
/// `"…"` string, the bytes from it to the string's closing quote. `Err(line)`: the line
/// where the string that goes over `limit` starts. Linear in the text's length; comments,
/// raw strings and character literals are skipped as ron skips them.
pub fn escape_cost(text: &str, limit: u64) -> Result<u64, usize> {
    let b = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let (mut i, mut line, mut total) = (0usize, 1usize, 0u64);
    while i < b.len() {
        match b[i] {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // Block comments nest in RON.
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(b[i] == b'\n');
                        i += 1;
                    }
                }
            }
            b'r' if (i == 0 || !is_ident(b[i - 1])) && {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                b.get(i + 1 + hashes) == Some(&b'"')
            } =>
            {
                // A raw string: no escapes, ends at `"` and as many `#`.
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                i += hashes + 2;
                while i < b.len() {
                    if b[i] == b'"'
                        && b[i + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&c| c == b'#')
                            .count()
                            == hashes
                    {
                        i += hashes + 1;
                        break;
                    }
                    line += usize::from(b[i] == b'\n');
                    i += 1;
                }
            }
            b'\'' => {
                // A character literal (`'"'`, `'\''`).
                i += 1;
                if b.get(i) == Some(&b'\\') {
                    i += 2;
                }
                while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                let start_line = line;
                let (mut escapes, mut sum_at) = (0u64, 0u64);
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    match b[i] {
                        b'\\' => {
                            escapes += 1;
                            sum_at += i as u64;
                            i += 2;
                        }
                        c => {
                            line += usize::from(c == b'\n');
                            i += 1;
                        }
                    }
                }
                // Σ (end − at) over the escapes, without a list of them.
                total += escapes * (i.min(b.len()) as u64) - sum_at;
                if total > limit {
                    return Err(start_line);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(total)
}

/// The built-in exam packs.
pub const EXAM_EN: &str = include_str!("../../questions/ml-test1.en.ron");
pub const EXAM_FR: &str = include_str!("../../questions/ml-test1.fr.ron");

/// The built-in exam in `lang` (`fr` or anything else for English).
pub fn builtin_pack(lang: &str) -> Pack {
    let text = if lang == "fr" { EXAM_FR } else { EXAM_EN };
    parse_pack(text).expect("built-in packs parse (tested)")
}

impl<M> Pack<M> {
    /// The pack with its models taken out (to be read), and the models.
    fn without_models(self) -> (Pack, Vec<M>) {
        let Pack {
            version,
            meta,
            builtin_models,
            models,
            questions,
            memory_budget_mib,
            variables,
            constraints,
            draws,
            source_hash,
            variant,
        } = self;
        let pack = Pack {
            version,
            meta,
            builtin_models,
            models: Vec::new(),
            questions,
            memory_budget_mib,
            variables,
            constraints,
            draws,
            source_hash,
            variant,
        };
        (pack, models)
    }
}

impl Pack {
    pub fn model(&self, id: &str) -> Option<&ModelSpec> {
        self.models.iter().find(|m| m.id == id)
    }
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

/// The default budget, re-exported for callers that validate built-in packs.
pub const BUDGET: u64 = DEFAULT_BUDGET_BYTES;

/// `text` made safe for a terminal: C0 and C1 control characters (ESC, BEL, CSI …) other
/// than newline and tab are shown as `\u{1b}`-style escapes instead of reaching the
/// terminal raw, where a pack could move the cursor or retitle the window.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The largest pack or model file read: the built-in exam is 30 KB; a pack of 50,000
/// questions about 5 MB.
pub const MAX_PACK_BYTES: u64 = 64 << 20;

/// Read a text file that a user names (a pack, a model): only a regular file, checked
/// before it is opened (opening a FIFO blocks forever), and at most `max` bytes.
pub fn read_text_file(path: &std::path::Path, max: u64) -> std::io::Result<String> {
    let bytes = crate::core::files::read_bounded(path, max).map_err(|e| match e {
        crate::core::files::BoundedReadError::Io(e) => e,
        crate::core::files::BoundedReadError::TooLarge { .. } => std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("larger than {} MiB", max >> 20),
        ),
    })?;
    String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

pub use crate::core::limit::{LimitSource, MemoryLimit, MAX_BUDGET_MIB};

/// The `memory_budget_mib` a pack's text sets, read without validating the rest: `None`
/// when it sets none or cannot be read (loading it then reports why).
pub fn budget_of_text(text: &str) -> Option<u64> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        memory_budget_mib: Option<u64>,
    }
    ron_options()
        .from_str::<Probe>(&crate::core::variant::neutral(text))
        .ok()
        .and_then(|p| p.memory_budget_mib)
}
