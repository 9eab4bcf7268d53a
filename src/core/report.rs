//! The exam report: score per question and total, exported as JSON and Markdown.

use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub answered: bool,
    pub score: f64,
    pub hints_used: usize,
    /// Open answers are rated by the student against the reference.
    pub self_rated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub pack_id: String,
    pub title: String,
    pub language: String,
    pub mode: String,
    pub elapsed_secs: u64,
    pub rows: Vec<ReportRow>,
    pub total: f64,
    pub out_of: usize,
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# {} — report\n\nPack `{}` ({}), {} mode, time {}:{:02}.\n\n| Question | Title | Answered | Score | Hints |\n|---|---|---|---|---|\n",
            self.title,
            self.pack_id,
            self.language,
            self.mode,
            self.elapsed_secs / 60,
            self.elapsed_secs % 60
        );
        for r in &self.rows {
            out += &format!(
                "| {} | {} | {} | {:.2}{} | {} |\n",
                r.number,
                r.title,
                if r.answered { "yes" } else { "no" },
                r.score,
                if r.self_rated { " (self-rated)" } else { "" },
                r.hints_used
            );
        }
        out += &format!("\n**Total: {:.2} / {}**\n", self.total, self.out_of);
        out
    }

    /// Write `<dir>/<pack>-report.json` and `.md` atomically; return both paths.
    pub fn write(&self, dir: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
        let base = crate::core::progress::progress_path(
            dir,
            &self.pack_id,
            crate::core::progress::Mode::Exam,
        );
        let json = base.with_extension("report.json");
        let md = base.with_extension("report.md");
        let body = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::core::progress::write_atomic(&json, &body)?;
        crate::core::progress::write_atomic(&md, self.markdown().as_bytes())?;
        Ok((json, md))
    }
}
