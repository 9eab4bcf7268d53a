//! Which model a command works on: `--pack FILE --model ID`, or the built-in ones.

use crate::core::i18n::Lang;
use crate::core::spec::{builtin_models, parse_model, ModelSpec};
use crate::tr;
use clap::Args;
use std::path::{Path, PathBuf};

/// Which model a command works on.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// A pack or model-spec RON file; default: the exam's built-in models.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
    /// Which model of the file (default: the exam's CNN, or the file's first).
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,
}

/// Why the model asked for could not be had.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelsError {
    /// The file could not be read (the system's reason).
    Read { path: PathBuf, why: String },
    /// The file is not a model spec (ron's message, in English).
    Parse {
        path: PathBuf,
        line: usize,
        col: usize,
        why: String,
    },
    /// The file holds no model.
    Empty,
    /// No model has this id.
    NoSuchModel { id: String, available: Vec<String> },
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
            ModelsError::Parse {
                path,
                line,
                col,
                why,
            } => format!("{}:{line}:{col}: {why}", path.display()),
            ModelsError::Empty => tr!(lang, "cli-models-empty"),
            ModelsError::NoSuchModel { id, available } => tr!(
                lang,
                "cli-models-no-such-model",
                id = id.as_str(),
                available = available.join(", ")
            ),
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
        let pack = self.pack.as_deref();
        let id = self.model.as_deref().or(if pack.is_none() {
            Some("exam_cnn")
        } else {
            None
        });
        pick_model(load_models(pack)?, id)
    }
}

/// Models from a file, or the built-in ones.
pub fn load_models(path: Option<&Path>) -> Result<Vec<ModelSpec>, ModelsError> {
    match path {
        None => Ok(builtin_models()),
        Some(p) => {
            let text = crate::core::pack::read_text_file(p, crate::core::pack::MAX_PACK_BYTES)
                .map_err(|e| ModelsError::Read {
                    path: p.to_path_buf(),
                    why: e.to_string(),
                })?;
            parse_model(&text)
                .map(|m| vec![m])
                .map_err(|e| ModelsError::Parse {
                    path: p.to_path_buf(),
                    line: e.position.line,
                    col: e.position.col,
                    why: e.code.to_string(),
                })
        }
    }
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
