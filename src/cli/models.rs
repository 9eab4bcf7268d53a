//! Which model a command works on: `--pack FILE --model ID`, or the built-in ones.

use crate::core::spec::{builtin_models, parse_model, ModelSpec};
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

impl ModelArgs {
    /// The model asked for: `--model` from `--pack`, else the file's first; by default the
    /// exam's CNN.
    pub fn resolve(&self) -> Result<ModelSpec, String> {
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
pub fn load_models(path: Option<&Path>) -> Result<Vec<ModelSpec>, String> {
    match path {
        None => Ok(builtin_models()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            parse_model(&text).map(|m| vec![m]).map_err(|e| {
                format!(
                    "{}:{}:{}: {}",
                    p.display(),
                    e.position.line,
                    e.position.col,
                    e.code
                )
            })
        }
    }
}

/// Pick a model by id, or the first one.
pub fn pick_model(models: Vec<ModelSpec>, id: Option<&str>) -> Result<ModelSpec, String> {
    let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
    match id {
        None => models
            .into_iter()
            .next()
            .ok_or_else(|| "no model in the file".to_string()),
        Some(id) => models
            .into_iter()
            .find(|m| m.id == id)
            .ok_or_else(|| format!("no model `{id}`; available: {}", ids.join(", "))),
    }
}
