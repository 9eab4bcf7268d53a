//! A class's results: per-question statistics as Moodle's quiz statistics define them,
//! the distribution of totals, the most common wrong answers, and a CSV gradebook.
//! Pure functions of the scores; the `results` command gathers them from reports.

use crate::core::i18n::Lang;
use crate::core::number::parse_number;
use crate::core::shape::parse_shape;
use std::collections::HashMap;

/// One question's column in a class.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub id: String,
    pub number: String,
    pub out_of: f64,
    /// Computed questions list their common wrong answers.
    pub computed: bool,
}

/// One student's row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub student: String,
    /// Per column; `None` while the teacher has not graded it.
    pub scores: Vec<Option<f64>>,
    /// Per column, the last answer's text (`None`: not answered).
    pub answers: Vec<Option<String>>,
}

impl Row {
    /// The sum of the known scores.
    pub fn total(&self) -> f64 {
        self.scores.iter().flatten().fold(0.0, |a, b| a + b)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Class {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// A question's statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionStats {
    /// Students with a score for it (ungraded answers are left out).
    pub n: usize,
    /// Mean score as a percentage of the question's points.
    pub facility: Option<f64>,
    /// 100 × the correlation between the question's scores and the rest of the test.
    pub discrimination: Option<f64>,
}

/// Facility index: the mean score as a percentage of `out_of`; `None` with no scores.
pub fn facility(scores: &[f64], out_of: f64) -> Option<f64> {
    if scores.is_empty() || out_of <= 0.0 {
        return None;
    }
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    Some(100.0 * mean / out_of)
}

/// Pearson's correlation of `x` and `y`; `None` when either variance is 0 (or n < 2).
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 2 || y.len() != n {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    let tiny = 1e-12;
    if sxx <= tiny || syy <= tiny {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

/// Discrimination index: 100 × the correlation between a question's scores and the rest
/// of the test (each total minus that question's score).
pub fn discrimination(item: &[f64], totals: &[f64]) -> Option<f64> {
    let rest: Vec<f64> = totals.iter().zip(item).map(|(t, s)| t - s).collect();
    pearson(item, &rest).map(|r| 100.0 * r)
}

impl Class {
    /// Every column's statistics; a student without a score for a column is left out of it.
    pub fn stats(&self) -> Vec<QuestionStats> {
        self.columns
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let (item, totals): (Vec<f64>, Vec<f64>) = self
                    .rows
                    .iter()
                    .filter_map(|r| r.scores[j].map(|s| (s, r.total())))
                    .unzip();
                QuestionStats {
                    n: item.len(),
                    facility: facility(&item, c.out_of),
                    discrimination: discrimination(&item, &totals),
                }
            })
            .collect()
    }

    pub fn out_of(&self) -> f64 {
        self.columns.iter().map(|c| c.out_of).sum()
    }

    /// Per computed column, its wrong answers grouped by normalised text, most common
    /// first (ties by text), at most `top`.
    pub fn wrong_answers(&self, top: usize) -> Vec<(usize, Vec<(String, usize)>)> {
        let mut out = Vec::new();
        for (j, c) in self.columns.iter().enumerate() {
            if !c.computed {
                continue;
            }
            let mut counts: HashMap<String, usize> = HashMap::new();
            for r in &self.rows {
                if let (Some(text), Some(s)) = (&r.answers[j], r.scores[j]) {
                    if s < c.out_of - 1e-9 {
                        *counts.entry(normalise_answer(text)).or_default() += 1;
                    }
                }
            }
            let mut v: Vec<(String, usize)> = counts.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v.truncate(top);
            if !v.is_empty() {
                out.push((j, v));
            }
        }
        out
    }

    /// The gradebook as CSV (RFC 4180, CRLF line ends): `student,total,<question>…`;
    /// an ungraded score is an empty cell; numbers use `.` as their decimal point.
    pub fn gradebook_csv(&self) -> String {
        let mut out = String::new();
        let mut header = vec!["student".to_string(), "total".to_string()];
        header.extend(self.columns.iter().map(|c| c.id.clone()));
        push_record(&mut out, &header);
        for r in &self.rows {
            let mut cells = vec![r.student.clone(), csv_number(r.total())];
            cells.extend(
                r.scores
                    .iter()
                    .map(|s| s.map(csv_number).unwrap_or_default()),
            );
            push_record(&mut out, &cells);
        }
        out
    }
}

fn csv_number(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn push_record(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// One CSV field: a text a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`; a field with a comma, a quote
/// or a line break is quoted, its quotes doubled (RFC 4180).
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// An answer's text in a form where spellings of the same answer meet: a number as its
/// value, a shape as `AxBxC`, anything else trimmed, lowercased, spaces collapsed.
pub fn normalise_answer(text: &str) -> String {
    if let Ok(v) = parse_number(text) {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            return format!("{}", v as i64);
        }
        return format!("{v}");
    }
    if let Ok(s) = parse_shape(text) {
        return s.to_string();
    }
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One bar of the histogram: totals in `[lo, hi)` (the last bucket includes `hi`).
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
}

/// Totals in `buckets` equal buckets over `[0, out_of]`.
pub fn histogram(totals: &[f64], out_of: f64, buckets: usize) -> Vec<Bucket> {
    let n = buckets.max(1);
    let width = out_of / n as f64;
    let mut out: Vec<Bucket> = (0..n)
        .map(|i| Bucket {
            lo: i as f64 * width,
            hi: (i + 1) as f64 * width,
            count: 0,
        })
        .collect();
    for t in totals {
        // A small epsilon so 3.0 / (9 / 9) lands in [3, 4), not [2, 3).
        let i = ((t * n as f64 / out_of) + 1e-9).floor().max(0.0) as usize;
        out[i.min(n - 1)].count += 1;
    }
    out
}

/// The buckets for a test out of `out_of` points: one per point up to 20, else 10.
pub fn default_buckets(out_of: f64) -> usize {
    if out_of.fract() == 0.0 && (1.0..=20.0).contains(&out_of) {
        out_of as usize
    } else {
        10
    }
}

/// The histogram as text lines: `lo–hi │ ████ count`, the longest bar `width` cells.
pub fn histogram_lines(buckets: &[Bucket], width: usize, lang: Lang) -> Vec<String> {
    let max = buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let labels: Vec<String> = buckets
        .iter()
        .map(|b| format!("{}–{}", lang.real(round2(b.lo)), lang.real(round2(b.hi))))
        .collect();
    let pad = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    buckets
        .iter()
        .zip(labels)
        .map(|(b, l)| {
            let bar = (b.count * width).div_ceil(max);
            format!(
                "{l:>pad$} │ {}{}{}",
                "█".repeat(bar),
                if bar > 0 { " " } else { "" },
                b.count
            )
        })
        .collect()
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_of_a_line_is_one() {
        assert_eq!(pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), Some(1.0));
        assert_eq!(pearson(&[1.0, 1.0], &[2.0, 4.0]), None);
    }
}
