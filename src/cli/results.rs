//! `mltutor results DIR [--csv FILE] [--pack FILE] [--grades FILE] [--stored]`: a class's
//! results from the exam reports (`*.json`) in a folder, each graded again from its answers
//! as `mltutor grade` does (with `--stored`, the scores as the reports hold them). Per
//! question the facility and discrimination indices (Moodle's definitions), the
//! distribution of totals, the most common wrong answers of computed questions, and a CSV
//! gradebook. Exit code: 0, 1 when a report is flagged, 2 for an unusable argument or file.

use super::grade::{flags, Regrader};
use super::{error, USAGE};
use crate::core::i18n::Lang;
use crate::core::report::{write_new, ExamReport};
use crate::core::results::{default_buckets, histogram, histogram_lines, Class, Column, Row};
use crate::tr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ResultsArgs {
    /// The folder of the class's reports (`*.json`).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Write the gradebook (student, total, one column per question) to this new CSV file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// The pack the exam was taken on; default: the built-in exam in each report's language.
    #[arg(long, value_name = "FILE")]
    pub pack: Option<PathBuf>,
    /// The teacher's scores of open questions (as for `mltutor grade`).
    #[arg(long, value_name = "FILE")]
    pub grades: Option<PathBuf>,
    /// Take the scores as the reports hold them instead of grading them again.
    #[arg(long)]
    pub stored: bool,
}

pub fn run(a: ResultsArgs, lang: Lang, budget: u64) -> ExitCode {
    let dir_name = a.dir.display().to_string();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&a.dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(e) => {
            error(
                lang,
                &tr!(
                    lang,
                    "report-error-io",
                    path = dir_name.as_str(),
                    why = e.to_string()
                ),
            );
            return ExitCode::from(USAGE);
        }
    };
    files.sort();
    let mut g = match Regrader::new(a.pack.as_deref(), a.grades.as_deref(), lang, budget) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let (mut flagged, mut unusable) = (0usize, 0usize);
    let mut class = Class::default();
    let mut title = String::new();
    let mut pack_id: Option<String> = None;
    for path in &files {
        let file = path.display().to_string();
        let stored = match ExamReport::load(path) {
            Ok(r) => r,
            Err(e) => {
                error(lang, &format!("{file}: {}", e.render(lang)));
                unusable += 1;
                continue;
            }
        };
        let pack = g.pack_for(&stored).0.clone();
        if *pack_id.get_or_insert_with(|| pack.meta.id.clone()) != stored.pack_id {
            println!(
                "⚠ {}",
                tr!(
                    lang,
                    "results-other-pack",
                    file = file.as_str(),
                    pack = stored.pack_id.as_str()
                )
            );
            flagged += 1;
            continue;
        }
        if class.columns.is_empty() {
            title = pack.meta.title.clone();
            class.columns = pack
                .questions
                .iter()
                .map(|q| Column {
                    id: q.id.clone(),
                    number: q.number.clone(),
                    out_of: crate::core::grading_file::QUESTION_POINTS,
                    computed: matches!(q.kind, crate::core::pack::Kind::Computed { .. }),
                })
                .collect();
        }
        let report = if a.stored {
            stored.clone()
        } else {
            let r = match g.regrade(&stored, a.grades.as_deref(), lang) {
                Ok(r) => r,
                Err(code) => return code,
            };
            let lines = flags(&r, &stored, &pack, lang);
            if !lines.is_empty() {
                flagged += 1;
                println!("{file}:");
                for l in lines {
                    println!("  ⚠ {l}");
                }
            }
            r.report
        };
        let find = |id: &str| report.questions.iter().find(|q| q.id == id);
        class.rows.push(Row {
            student: report.student.clone(),
            scores: class
                .columns
                .iter()
                .map(|c| find(&c.id).and_then(|q| q.score))
                .collect(),
            answers: class
                .columns
                .iter()
                .map(|c| find(&c.id).and_then(|q| q.answers.last().map(|s| s.text.clone())))
                .collect(),
        });
    }
    if class.rows.is_empty() {
        error(lang, &tr!(lang, "results-empty", dir = dir_name.as_str()));
        return ExitCode::from(USAGE);
    }
    print!("{}", render(&class, &title, a.stored, lang));
    if let Some(csv) = &a.csv {
        match write_new(csv, class.gradebook_csv().as_bytes()) {
            Ok(()) => println!(
                "{}",
                tr!(
                    lang,
                    "results-csv-written",
                    path = csv.display().to_string()
                )
            ),
            Err(e) => {
                error(
                    lang,
                    &tr!(
                        lang,
                        "report-error-io",
                        path = csv.display().to_string(),
                        why = e.to_string()
                    ),
                );
                unusable += 1;
            }
        }
    }
    if unusable > 0 {
        ExitCode::from(USAGE)
    } else if flagged > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The class's statistics as text.
pub fn render(class: &Class, title: &str, stored: bool, lang: Lang) -> String {
    let mut out = tr!(
        lang,
        "results-title",
        title = title,
        students = class.rows.len()
    );
    out += "\n";
    if stored {
        out += &tr!(lang, "results-stored");
        out += "\n";
    }
    out += "\n";
    let dash = "—".to_string();
    let stats = class.stats();
    let mut table: Vec<[String; 4]> = vec![[
        tr!(lang, "results-col-question"),
        tr!(lang, "results-col-facility"),
        tr!(lang, "results-col-discrimination"),
        tr!(lang, "results-col-n"),
    ]];
    for (c, s) in class.columns.iter().zip(&stats) {
        table.push([
            c.number.clone(),
            s.facility.map_or(dash.clone(), |f| lang.percent(f, 1)),
            s.discrimination.map_or(dash.clone(), |d| lang.dec(d, 1)),
            s.n.to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            table
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in &table {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let pad = w - c.chars().count();
                if i == 0 {
                    format!("{c}{}", " ".repeat(pad))
                } else {
                    format!("{}{c}", " ".repeat(pad))
                }
            })
            .collect();
        out += cells.join("  ").trim_end();
        out += "\n";
    }
    let out_of = class.out_of();
    let totals: Vec<f64> = class.rows.iter().map(Row::total).collect();
    out += "\n";
    out += &tr!(lang, "results-histogram", out_of = lang.real(out_of));
    out += "\n";
    for l in histogram_lines(
        &histogram(&totals, out_of, default_buckets(out_of)),
        40,
        lang,
    ) {
        out += &format!("  {l}\n");
    }
    let wrong = class.wrong_answers(3);
    if !wrong.is_empty() {
        out += "\n";
        out += &tr!(lang, "results-wrong");
        out += "\n";
        for (j, answers) in wrong {
            let items: Vec<String> = answers
                .iter()
                .map(|(t, n)| tr!(lang, "results-wrong-item", answer = t.as_str(), count = *n))
                .collect();
            out += &format!(
                "  {}\n",
                tr!(
                    lang,
                    "results-wrong-line",
                    number = class.columns[j].number.as_str(),
                    answers = items.join(", ")
                )
            );
        }
    }
    out
}
