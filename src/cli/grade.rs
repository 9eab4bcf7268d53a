//! `mltutor grade REPORT.json… [--pack FILE] [--grades FILE] [--out DIR]`: grade exam
//! reports again from their answers, so an edited score changes nothing; open answers
//! take the teacher's scores from a grading file. Exit code: 0 when all is well, 1 when a
//! report is flagged (another pack version, edited scores, unknown questions), 2 when an
//! argument or a file is unusable.

use super::{error, USAGE};
use crate::core::grade::Facts;
use crate::core::grading_file::Grades;
use crate::core::i18n::Lang;
use crate::core::pack::Pack;
use crate::core::report::{regrade, ExamReport, Regraded};
use crate::tr;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    /// Exam reports (`.json`) written by mltutor.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// The pack the exam was taken on; default: the built-in exam in the report's language.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
    /// The teacher's scores of open questions: CSV `student,question,score`, or RON.
    #[arg(long, value_name = "FILE")]
    pub grades: Option<PathBuf>,
    /// Write the re-graded reports (new files, never overwriting) in this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The packs reports are graded with, their facts computed once, and the teacher's scores.
pub(crate) struct Regrader {
    given: Option<(Pack, Facts)>,
    /// The text of `--pack`, to draw the variant each report records.
    given_text: Option<(String, std::path::PathBuf)>,
    /// The other variants of `--pack` reports were taken on, loaded once each.
    variants: HashMap<u64, (Pack, Facts)>,
    /// Variants of `--pack` that do not load, and why.
    variant_errors: HashMap<u64, crate::core::pack::PackError>,
    builtin: HashMap<String, (Pack, Facts)>,
    grades: Grades,
    /// Packs the grading file was checked against (by hash).
    checked: Vec<String>,
    budget: u64,
}

impl Regrader {
    /// Load `--pack` and `--grades`; what is unusable is reported and gives the usage code.
    pub(crate) fn new(
        pack: Option<&Path>,
        grades: Option<&Path>,
        lang: Lang,
        budget: u64,
    ) -> Result<Self, ExitCode> {
        let given = match pack {
            None => None,
            Some(p) => {
                let pack = super::pack_or_builtin(Some(p), lang, budget)?;
                let facts = crate::engine::facts(&pack, budget);
                Some((pack, facts))
            }
        };
        let given_text = match (pack, &given) {
            (Some(p), Some((g, _))) if g.variant.is_some() => crate::core::check::read_pack_text(p)
                .ok()
                .map(|t| (t, crate::core::check::folder_of(p).to_path_buf())),
            _ => None,
        };
        let grades = match grades {
            None => Grades::default(),
            Some(g) => Grades::load(g).map_err(|e| {
                error(lang, &format!("{}: {}", g.display(), e.render(lang)));
                ExitCode::from(USAGE)
            })?,
        };
        Ok(Self {
            given,
            given_text,
            variants: HashMap::new(),
            variant_errors: HashMap::new(),
            builtin: HashMap::new(),
            grades,
            checked: Vec::new(),
            budget,
        })
    }

    /// The pack a report is graded with: `--pack`, else the built-in exam in its language.
    /// A pack with variables gives the variant the report records (variant 0 for a report
    /// that records none).
    pub(crate) fn pack_for(&mut self, report: &ExamReport) -> &(Pack, Facts) {
        let wanted = report.variant.unwrap_or(0);
        let other_variant = self
            .given
            .as_ref()
            .is_some_and(|(g, _)| g.variant.is_some_and(|v| v != wanted));
        if other_variant {
            if !self.variants.contains_key(&wanted) && !self.variant_errors.contains_key(&wanted) {
                if let Some((text, dir)) = &self.given_text {
                    let limit = crate::core::pack::MemoryLimit::given(self.budget);
                    match crate::core::check::load_text_variant_in(
                        text,
                        Some(dir),
                        Some(limit),
                        &crate::engine::CandleRunner,
                        Some(wanted),
                    ) {
                        Ok((pack, _, _)) => {
                            let facts = crate::engine::facts(&pack, self.budget);
                            self.variants.insert(wanted, (pack, facts));
                        }
                        Err(e) => {
                            self.variant_errors.insert(wanted, e);
                        }
                    }
                }
            }
            if let Some(v) = self.variants.get(&wanted) {
                return v;
            }
        }
        if let Some(g) = &self.given {
            return g;
        }
        let code = if report.language == "fr" { "fr" } else { "en" };
        let budget = self.budget;
        self.builtin.entry(code.to_string()).or_insert_with(|| {
            let pack = crate::core::pack::builtin_pack(code);
            let facts = crate::engine::facts(&pack, budget);
            (pack, facts)
        })
    }

    /// Grade `report` again; a grading file that does not fit the pack is refused.
    pub(crate) fn regrade(
        &mut self,
        report: &ExamReport,
        grades_path: Option<&Path>,
        lang: Lang,
    ) -> Result<Regraded, ExitCode> {
        // The report's variant must load: grading it on another would be wrong.
        self.pack_for(report);
        if let Some(why) = self.variant_errors.get(&report.variant.unwrap_or(0)) {
            error(
                lang,
                &tr!(
                    lang,
                    "variant-grade-failed",
                    number = report.variant.unwrap_or(0).to_string(),
                    why = why.render_in("--pack", lang)
                ),
            );
            return Err(ExitCode::from(USAGE));
        }
        let teacher = self.grades.for_student(&report.student);
        let grades = self.grades.clone();
        let checked = self.checked.clone();
        let (pack, facts) = self.pack_for(report);
        if !checked.contains(&pack.source_hash) {
            if let Err(e) = grades.validate(pack) {
                let file = grades_path
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                error(lang, &format!("{file}: {}", e.render(lang)));
                return Err(ExitCode::from(USAGE));
            }
        }
        let hash = pack.source_hash.clone();
        let r = regrade(report, pack, facts, &teacher);
        self.checked.push(hash);
        Ok(r)
    }
}

/// The first 12 characters of a hash, enough to tell versions apart.
pub(crate) fn short(hash: &str) -> String {
    let h: String = hash.chars().take(12).collect();
    if h.is_empty() {
        "—".into()
    } else {
        h
    }
}

/// The lines that say why a re-graded report is flagged.
pub(crate) fn flags(r: &Regraded, stored: &ExamReport, pack: &Pack, lang: Lang) -> Vec<String> {
    let score = |s: Option<f64>| match s {
        Some(s) => lang.dec(s, 2),
        None => tr!(lang, "report-to-grade"),
    };
    let mut out = Vec::new();
    if !r.hash_matches {
        out.push(tr!(
            lang,
            "grade-hash-mismatch",
            report = short(&stored.pack_hash),
            pack = short(&pack.source_hash)
        ));
    }
    for id in &r.unknown_questions {
        out.push(tr!(lang, "grade-unknown-question", id = id.as_str()));
    }
    for e in &r.edited {
        out.push(tr!(
            lang,
            "grade-edited",
            number = e.number.as_str(),
            stored = score(e.stored),
            regraded = score(e.regraded)
        ));
    }
    if r.total_edited {
        out.push(tr!(
            lang,
            "grade-total-edited",
            total = lang.dec(stored.total, 2)
        ));
    }
    out
}

pub fn run(a: GradeArgs, lang: Lang, budget: u64) -> ExitCode {
    let mut g = match Regrader::new(a.pack.as_deref(), a.grades.as_deref(), lang, budget) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let (mut flagged, mut unusable) = (0usize, 0usize);
    for path in &a.reports {
        let file = path.display().to_string();
        let stored = match ExamReport::load(path) {
            Ok(r) => r,
            Err(e) => {
                error(lang, &format!("{file}: {}", e.render(lang)));
                unusable += 1;
                continue;
            }
        };
        let r = match g.regrade(&stored, a.grades.as_deref(), lang) {
            Ok(r) => r,
            Err(code) => return code,
        };
        let pack = g.pack_for(&stored).0.clone();
        println!(
            "{}",
            tr!(
                lang,
                "grade-report",
                file = file.as_str(),
                student = stored.student.as_str(),
                total = lang.dec(r.report.total, 2),
                out_of = lang.real(r.report.out_of),
                to_grade = r.report.to_grade
            )
        );
        if stored.mode == crate::core::progress::Mode::SelfCheck {
            println!("  {}", tr!(lang, "grade-self-check"));
        }
        let lines = flags(&r, &stored, &pack, lang);
        if !lines.is_empty() {
            flagged += 1;
        }
        for l in lines {
            println!("  ⚠ {l}");
        }
        if let Some(dir) = &a.out {
            match r.report.write(dir) {
                Ok((j, m)) => println!(
                    "  {}",
                    tr!(
                        lang,
                        "grade-written",
                        json = j.display().to_string(),
                        md = m.display().to_string()
                    )
                ),
                Err(e) => {
                    error(
                        lang,
                        &tr!(
                            lang,
                            "report-error-io",
                            path = dir.display().to_string(),
                            why = e.to_string()
                        ),
                    );
                    unusable += 1;
                }
            }
        }
    }
    println!(
        "{}",
        tr!(
            lang,
            "grade-summary",
            reports = a.reports.len(),
            flagged = flagged,
            unusable = unusable
        )
    );
    if unusable > 0 {
        ExitCode::from(USAGE)
    } else if flagged > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
