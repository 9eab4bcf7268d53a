//! The training lab screen: settings, each run's results, the charts and the gauges.

use super::chart::{draw_lab_charts, legend};
use super::header::clock;
use super::theme::Theme;
use crate::core::i18n::Lang;
use crate::core::pack::LabPreset;
use crate::tr;
use crate::tui::lab::{Run, FIELDS};
use crate::tui::state::State;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Wrap};
use ratatui::Frame;

/// The lab's title; in an exam not yet submitted, without what it is meant to show.
fn lab_title(preset: LabPreset, l: Lang, sealed: bool) -> String {
    match preset {
        LabPreset::Train => tr!(l, "view-lab-title-train"),
        LabPreset::Validation if sealed => tr!(l, "exam-lab-title-validation"),
        LabPreset::Validation => tr!(l, "view-lab-title-validation"),
        LabPreset::Speedup => tr!(l, "view-lab-title-speedup"),
        LabPreset::DataQuality => tr!(l, "view-lab-title-data-quality"),
    }
}

pub(super) fn draw_lab(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let l = s.lang;
    let lab = &s.lab;
    let [left, right] =
        Layout::horizontal([Constraint::Length(30), Constraint::Min(40)]).areas(area);
    // Settings.
    let mut lines = Vec::new();
    if let Some(cfg) = &lab.config {
        lines.push(Line::styled(
            tr!(l, "view-lab-model", model = cfg.model.id.as_str()),
            t.dim(),
        ));
        // The classes' names may take two lines where the pane has room for them (the
        // settings and a run's result still show), else the line says how many.
        let inner = left.height.saturating_sub(2);
        let max_chars = if inner >= 22 {
            usize::MAX
        } else {
            usize::from(left.width.saturating_sub(2))
        };
        for line in lab.data_lines(max_chars) {
            lines.push(Line::styled(line, t.dim()));
        }
    }
    for (i, (fld, text)) in FIELDS.iter().zip(&lab.texts).enumerate() {
        let style = if i == lab.cursor {
            t.selected()
        } else {
            Style::default()
        };
        let cursor = if i == lab.cursor && lab.editing_field {
            "▏"
        } else {
            ""
        };
        lines.push(Line::styled(
            format!("{:<17}{text}{cursor}", lab.field_label(*fld)),
            style,
        ));
    }
    if let Some(e) = &lab.error {
        lines.push(Line::raw(""));
        lines.push(Line::styled(e.clone(), t.bad()));
    }
    lines.push(Line::raw(""));
    for run in &lab.runs {
        lines.extend(run_lines(run, l, t));
    }
    match lab.preset {
        LabPreset::Speedup => lines.extend(speedup_lines(s, t)),
        LabPreset::Train | LabPreset::Validation | LabPreset::DataQuality => {}
    }
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(format!(" {} ", tr!(l, "view-lab-settings")))
                .border_style(t.border(true)),
        ),
        left,
    );
    // The legend on one line, or two when the runs' colours do not fit on one.
    let legend = legend(s, t, right.width);
    let legend_rows = legend.len() as u16;
    let [title, key, loss, acc, gauges] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(legend_rows),
        Constraint::Percentage(50),
        Constraint::Min(5),
        Constraint::Length(2),
    ])
    .areas(right);
    f.render_widget(
        Paragraph::new(Span::styled(
            lab_title(lab.preset, l, s.sealed()),
            t.accent(),
        )),
        title,
    );
    f.render_widget(Paragraph::new(legend), key);
    draw_lab_charts(f, loss, acc, s, t);
    if let Some(run) = lab.runs.last() {
        draw_gauges(f, gauges, run, l, t);
    }
}

/// The epoch gauge, and the batch gauge with the speed and the time left.
fn draw_gauges(f: &mut Frame, area: Rect, run: &Run, l: Lang, t: Theme) {
    let [g1, g2] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let epoch_ratio = if run.epochs > 0 {
        (run.epoch as f64 / run.epochs as f64).min(1.0)
    } else {
        0.0
    };
    let in_epoch = if run.steps_per_epoch > 0 {
        let done = run
            .step
            .saturating_sub((run.epoch.saturating_sub(1)).saturating_mul(run.steps_per_epoch));
        (done as f64 / run.steps_per_epoch as f64).min(1.0)
    } else {
        0.0
    };
    f.render_widget(
        Gauge::default()
            .ratio(epoch_ratio)
            .label(tr!(
                l,
                "view-lab-epoch-gauge",
                epoch = run.epoch.to_string(),
                epochs = run.epochs.to_string()
            ))
            .gauge_style(t.good()),
        g1,
    );
    let mut label = tr!(
        l,
        "view-lab-batch-gauge",
        rate = l.num(run.samples_per_s.max(0.0).round() as u64)
    );
    if let Some(e) = run.eta_s() {
        label += " · ";
        label += &tr!(l, "view-lab-eta", time = clock(e as u64));
    }
    f.render_widget(
        Gauge::default()
            .ratio(in_epoch)
            .label(label)
            .gauge_style(t.fg(Color::Blue)),
        g2,
    );
}

/// The speed-up lab's verdict: the measured ratio, or what a GPU would change.
fn speedup_lines(s: &State, t: Theme) -> Vec<Line<'static>> {
    let l = s.lang;
    let rate = |label: &str| {
        s.lab
            .runs
            .iter()
            .find(|r| r.label == label)
            .and_then(|r| r.summary.as_ref())
            .map(|x| x.samples_per_s)
    };
    let mut v = vec![Line::raw("")];
    match (rate("cpu"), rate("cuda")) {
        (Some(cpu), Some(gpu)) if cpu > 0.0 => v.push(Line::styled(
            tr!(l, "view-lab-speedup", ratio = l.dec(gpu / cpu, 1)),
            t.accent(),
        )),
        // A plain constant of the build, not a computation.
        _ if !s.cuda_built && s.sealed() => {
            v.push(Line::styled(tr!(l, "exam-lab-no-cuda"), t.dim()))
        }
        _ if !s.cuda_built => v.push(Line::styled(tr!(l, "view-lab-no-cuda"), t.dim())),
        _ => {}
    }
    v
}

/// A run's label and device, then its result, its error or its last epoch.
fn run_lines(run: &Run, l: Lang, t: Theme) -> Vec<Line<'static>> {
    let mut v = vec![Line::styled(
        format!("{} [{}]", run.label, run.device),
        t.accent(),
    )];
    if let Some(e) = &run.error {
        v.push(Line::styled(e.clone(), t.bad()));
    } else if let Some(sum) = &run.summary {
        v.push(Line::raw(tr!(
            l,
            "view-lab-run-best",
            epoch = sum.best_epoch.to_string(),
            accuracy = l.percent(sum.final_accuracy * 100.0, 1)
        )));
        v.push(Line::raw(tr!(
            l,
            "view-lab-run-speed",
            seconds = l.dec(sum.elapsed_s, 1),
            rate = l.num(sum.samples_per_s.max(0.0).round() as u64),
            stopped = if sum.stopped { "yes" } else { "no" }
        )));
    } else if let Some(m) = &run.last_epoch {
        v.push(Line::raw(tr!(
            l,
            "view-lab-run-last",
            loss = l.dec(m.val_loss, 3),
            accuracy = l.percent(m.val_accuracy * 100.0, 1)
        )));
    }
    v
}
