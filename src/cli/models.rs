//! Which model a command works on: `--pack FILE --model ID`, or the built-in ones.

use crate::core::i18n::Lang;
use crate::core::model_source::SourceError;
use crate::core::pack::{parse_pack_in, Issue, MemoryLimit, PackError, Problem, MAX_BUDGET_MIB};
use crate::core::source_pos::{has_top_field, Step};
use crate::core::spec::{builtin_models, parse_model, ModelSpec};
use crate::tr;
use clap::Args;
use std::path::{Path, PathBuf};

/// Which model a command works on.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// A pack or model-spec RON file, or a Python file (its nn.Module class is imported);
    /// default: the exam's built-in models.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
    /// Which model of the file (default: the exam's CNN, or the file's first); for a .py
    /// file, the class (needed when the file has several).
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,
    /// Shape of one sample, e.g. 3x40x40 or "(3, 40, 40)": the input of a model read from
    /// a .py file (needed unless it starts with nn.Linear); inspect also runs any model on it.
    #[arg(long, value_name = "SHAPE")]
    pub input: Option<String>,
}

/// Why the model asked for could not be had.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelsError {
    /// The file could not be read (the system's reason).
    Read { path: PathBuf, why: String },
    /// The file is a pack or a spec with an error, placed in its text.
    File {
        path: PathBuf,
        error: Box<PackError>,
    },
    /// The file is neither a pack nor a model spec.
    Neither { path: PathBuf },
    /// The file holds no model.
    Empty,
    /// No model has this id.
    NoSuchModel { id: String, available: Vec<String> },
    /// `--input` that does not read as a shape.
    BadInput(crate::core::shape::ShapeParseError),
    /// `--input` for train or bench with a model that has its own input.
    InputNeedsPy,
    /// A Python file that could not be read or imported.
    Source(SourceError),
}

impl ModelsError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            ModelsError::Read { path, why } => tr!(
                lang,
                "cli-models-cannot-read",
                path = path.display().to_string(),
                why = why.as_str()
            ),
            ModelsError::File { path, error } => {
                // The file's own line is shown: its control characters never reach the
                // terminal raw.
                crate::core::pack::terminal_safe(
                    &error.render_in(&path.display().to_string(), lang),
                )
                .into_owned()
            }
            ModelsError::Neither { path } => tr!(
                lang,
                "pack-models-neither",
                path = path.display().to_string()
            ),
            ModelsError::Empty => tr!(lang, "cli-models-empty"),
            ModelsError::NoSuchModel { id, available } => tr!(
                lang,
                "cli-models-no-such-model",
                id = id.as_str(),
                available = available.join(", ")
            ),
            ModelsError::BadInput(e) => format!("--input: {}", e.render(lang)),
            ModelsError::InputNeedsPy => tr!(lang, "pack-models-py-input-needs-py"),
            ModelsError::Source(e) => {
                crate::core::pack::terminal_safe(&e.render(lang)).into_owned()
            }
        }
    }
}

impl std::fmt::Display for ModelsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::en()))
    }
}

impl std::error::Error for ModelsError {}

impl ModelArgs {
    /// The model asked for: `--model` from `--pack`, else the file's first; by default the
    /// exam's CNN.
    pub fn resolve(&self) -> Result<ModelSpec, ModelsError> {
        self.resolve_limited(None).map(|(m, _)| m)
    }

    /// The model asked for and the memory limit in force: `flag_mib` (`--memory-budget`)
    /// when given, else the pack's `memory_budget_mib` when the file is a pack that sets
    /// one, else the default.
    pub fn resolve_limited(
        &self,
        flag_mib: Option<u64>,
    ) -> Result<(ModelSpec, MemoryLimit), ModelsError> {
        if self.input.is_some() && !self.pack.as_deref().is_some_and(is_python) {
            return Err(ModelsError::InputNeedsPy);
        }
        self.resolve_inspect(flag_mib)
    }

    /// [`ModelArgs::resolve_limited`] for `inspect`, which runs a pack's model on `--input`
    /// itself: `--input` is only read here for a .py file.
    pub fn resolve_inspect(
        &self,
        flag_mib: Option<u64>,
    ) -> Result<(ModelSpec, MemoryLimit), ModelsError> {
        if let Some(file) = self.pack.as_deref().filter(|p| is_python(p)) {
            let input = match self.input.as_deref().map(crate::core::shape::parse_shape) {
                None => None,
                Some(Ok(s)) => Some(s.0),
                Some(Err(e)) => return Err(ModelsError::BadInput(e)),
            };
            let spec = read_python(file, self.model.as_deref(), input)?;
            return Ok((spec, MemoryLimit::choose(flag_mib, None)));
        }
        let pack = self.pack.as_deref();
        let id = self.model.as_deref().or(if pack.is_none() {
            Some("exam_cnn")
        } else {
            None
        });
        let (models, pack_mib) = load_models_limited(pack)?;
        let limit = MemoryLimit::choose(flag_mib, pack_mib);
        Ok((pick_model(models, id)?, limit))
    }
}

/// Whether `path` names a Python file (`.py`): its model is imported.
pub fn is_python(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("py"))
}

/// Class `class` of the Python file `file` (its only `nn.Module` class when `None`), for
/// inputs of shape `input`.
pub fn read_python(
    file: &Path,
    class: Option<&str>,
    input: Option<Vec<usize>>,
) -> Result<ModelSpec, ModelsError> {
    let text = crate::core::model_source::read_py(file).map_err(ModelsError::Source)?;
    crate::core::pysrc::model::import(&text, class, input)
        .map(|i| i.spec)
        .map_err(|error| {
            ModelsError::Source(SourceError::Import {
                source: file.display().to_string(),
                error: Box::new(error),
                text: std::sync::Arc::from(text.as_str()),
            })
        })
}

/// Models from a file (a pack or a model spec), or the built-in ones.
pub fn load_models(path: Option<&Path>) -> Result<Vec<ModelSpec>, ModelsError> {
    load_models_limited(path).map(|(m, _)| m)
}

/// Models from a file, or the built-in ones, and the memory limit (MiB) a pack sets. A file
/// with `version` or `questions` is read as a pack (its own models and the built-in ones
/// it names), else as a model spec; each strictly, errors placed in the text.
pub fn load_models_limited(
    path: Option<&Path>,
) -> Result<(Vec<ModelSpec>, Option<u64>), ModelsError> {
    let Some(p) = path else {
        return Ok((builtin_models(), None));
    };
    if is_python(p) {
        return Ok((vec![read_python(p, None, None)?], None));
    }
    let text =
        crate::core::pack::read_text_file(p, crate::core::pack::MAX_PACK_BYTES).map_err(|e| {
            ModelsError::Read {
                path: p.to_path_buf(),
                why: e.to_string(),
            }
        })?;
    let file = |error: PackError| ModelsError::File {
        path: p.to_path_buf(),
        error: Box::new(error),
    };
    if has_top_field(&text, &["version", "questions"]) {
        let pack = parse_pack_in(&text, Some(crate::core::check::folder_of(p))).map_err(file)?;
        if let Some(mib) = pack.memory_budget_mib {
            if mib > MAX_BUDGET_MIB {
                return Err(file(PackError::Invalid(vec![Issue::general(
                    Problem::BudgetOverCeiling {
                        mib,
                        ceiling: MAX_BUDGET_MIB,
                    },
                )
                .at_path(&text, &[Step::Field("memory_budget_mib")])])));
            }
        }
        return Ok((pack.models, pack.memory_budget_mib.filter(|&m| m > 0)));
    }
    if !has_top_field(&text, &["id", "input", "layers", "class_name"]) {
        return match parse_model(&text) {
            Ok(m) => Ok((vec![m], None)),
            Err(_) => Err(ModelsError::Neither {
                path: p.to_path_buf(),
            }),
        };
    }
    crate::core::recover::read_strict::<ModelSpec>(&text)
        .map(|m| (vec![m], None))
        .map_err(|errors| file(PackError::Invalid(errors)))
}

/// Pick a model by id, or the first one.
pub fn pick_model(models: Vec<ModelSpec>, id: Option<&str>) -> Result<ModelSpec, ModelsError> {
    let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
    match id {
        None => models.into_iter().next().ok_or(ModelsError::Empty),
        Some(id) => {
            models
                .into_iter()
                .find(|m| m.id == id)
                .ok_or_else(|| ModelsError::NoSuchModel {
                    id: id.to_string(),
                    available: ids,
                })
        }
    }
}

/// Refuse `spec` when it and a batch of `batch` samples need more than `limit`, naming the
/// limit and how to raise it (exit 1); a shape that does not fit is left to the command.
pub fn fits(
    spec: &ModelSpec,
    batch: usize,
    limit: MemoryLimit,
    lang: Lang,
) -> Result<(), std::process::ExitCode> {
    if spec.validate().is_err() {
        return Ok(());
    }
    let input = crate::core::shape::Shape(spec.input.clone());
    match crate::core::plan::plan(spec, &input, batch.max(1), limit.bytes) {
        Err(why @ crate::core::plan::PlanError::OverBudget { .. }) => {
            super::error(
                lang,
                &format!(
                    "{} {}",
                    tr!(
                        lang,
                        "pack-over-limit",
                        model = spec.id.as_str(),
                        why = why.render(lang)
                    ),
                    limit.explain(lang)
                ),
            );
            Err(std::process::ExitCode::from(1))
        }
        Ok(_) | Err(crate::core::plan::PlanError::Mismatch(_)) => Ok(()),
    }
}
