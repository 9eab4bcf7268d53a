//! `mltutor inspect`: a model's summary like torchinfo's, from a real forward pass.

use super::models::ModelArgs;
use super::USAGE;
use crate::core::shape::{parse_shape, Shape};
use crate::core::summary::{render_text, InspectError};
use crate::engine::inspect;
use clap::Args;
use std::process::ExitCode;
#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub which: ModelArgs,
    /// Shape of one sample, e.g. 3x40x40 or "(3, 40, 40)" (default: the model's own).
    #[arg(long, value_name = "SHAPE")]
    pub input: Option<String>,
    /// Samples per batch for the forward pass.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub batch: usize,
    /// Also print the model as PyTorch code.
    #[arg(long)]
    pub code: bool,
}

pub fn run(a: InspectArgs, budget: u64) -> ExitCode {
    let spec = match a.which.resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(USAGE);
        }
    };
    let input: Option<Shape> = match a.input.as_deref().map(parse_shape) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            eprintln!("error: --input: {e}");
            return ExitCode::from(USAGE);
        }
    };
    if a.batch == 0 {
        eprintln!("error: --batch must be at least 1");
        return ExitCode::from(USAGE);
    }
    if a.code {
        println!("{}", crate::core::codegen::pytorch_code(&spec));
    }
    match inspect(&spec, input.as_ref(), a.batch, budget) {
        Ok(summary) => {
            print!("{}", render_text(&summary));
            ExitCode::SUCCESS
        }
        Err(InspectError::Spec(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(USAGE)
        }
        Err(e) => {
            let shown = input.unwrap_or_else(|| Shape(spec.input.clone()));
            println!("The input {shown} does not run through `{}`:\n{e}", spec.id);
            ExitCode::from(1)
        }
    }
}
