//! `mltutor inspect`: a model's summary like torchinfo's, from a real forward pass.

use super::models::ModelArgs;
use super::{error, USAGE};
use crate::core::i18n::Lang;
use crate::core::plan::PlanError;
use crate::core::shape::{parse_shape, Shape};
use crate::core::summary::{render_text, InspectError};
use crate::engine::inspect;
use crate::tr;
use clap::Args;
use std::process::ExitCode;
#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub which: ModelArgs,
    /// Samples per batch for the forward pass.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub batch: usize,
    /// Also print the model as PyTorch code.
    #[arg(long)]
    pub code: bool,
    /// Read the model from PyTorch source instead of a spec: a Python file's nn.Module class.
    #[arg(long, value_name = "FILE.py", conflicts_with_all = ["pack", "model"])]
    pub pytorch: Option<std::path::PathBuf>,
    /// With --pytorch: which class is the model (needed when the file has several).
    #[arg(long, value_name = "NAME", requires = "pytorch")]
    pub class: Option<String>,
}

pub fn run(a: InspectArgs, lang: Lang, flag_mib: Option<u64>) -> ExitCode {
    let resolved = match &a.pytorch {
        Some(file) => {
            match super::import::read_source(
                file,
                a.class.as_deref(),
                a.which.input.as_deref(),
                lang,
            ) {
                Ok(spec) => Ok((spec, crate::core::pack::MemoryLimit::choose(flag_mib, None))),
                Err(code) => return code,
            }
        }
        None => a.which.resolve_inspect(flag_mib),
    };
    let (spec, limit) = match resolved {
        Ok(s) => s,
        Err(e) => {
            error(lang, &e.render(lang));
            return ExitCode::from(USAGE);
        }
    };
    let input: Option<Shape> = match a.which.input.as_deref().map(parse_shape) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            error(lang, &format!("--input: {}", e.render(lang)));
            return ExitCode::from(USAGE);
        }
    };
    if a.batch == 0 {
        error(lang, &tr!(lang, "cli-at-least-one", flag = "--batch"));
        return ExitCode::from(USAGE);
    }
    if a.code {
        // With its imports, so that the code runs (and reads back) as printed.
        println!("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n");
        println!("{}", crate::core::codegen::pytorch_code(&spec));
    }
    match inspect(&spec, input.as_ref(), a.batch, limit.bytes) {
        Ok(summary) => {
            print!("{}", render_text(&summary, lang));
            ExitCode::SUCCESS
        }
        Err(InspectError::Spec(e)) => {
            error(lang, &e.render(lang));
            ExitCode::from(USAGE)
        }
        Err(e @ (InspectError::Plan(_) | InspectError::Engine(_))) => {
            let shown = input.unwrap_or_else(|| Shape(spec.input.clone()));
            // Over the memory limit: which limit, and how to raise it.
            let limit_note = match &e {
                InspectError::Plan(PlanError::OverBudget { .. }) => {
                    format!("\n{}", limit.explain(lang))
                }
                InspectError::Plan(PlanError::Mismatch(_))
                | InspectError::Engine(_)
                | InspectError::Spec(_) => String::new(),
            };
            println!(
                "{}\n{}{limit_note}",
                tr!(
                    lang,
                    "cli-inspect-does-not-run",
                    input = shown.to_string(),
                    model = spec.id.as_str()
                ),
                e.render(lang)
            );
            ExitCode::from(1)
        }
    }
}
