//! The lab's charts: training loss (raw and smoothed) with validation loss, and the
//! validation accuracy, one colour per run.

use super::theme::Theme;
use crate::core::i18n::Lang;
use crate::tr;
use crate::tui::state::State;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph, Wrap};
use ratatui::Frame;

const COLOURS: [Color; 4] = [Color::Cyan, Color::Magenta, Color::Yellow, Color::Green];

/// (points, style, drawn thick); the legend line names them.
type Curve = (Vec<(f64, f64)>, Style, bool);

/// The colour of the `i`-th run's curves.
fn run_colour(i: usize) -> Color {
    COLOURS[i % COLOURS.len()]
}

/// The legend, drawn on its own line(s) above the charts at every size: which mark is the
/// training loss and which the validation loss, and with several runs, each run's colour
/// (on a second line when they do not fit in `width`). ratatui's own legend hides itself
/// on small charts and covers the curves on large ones.
pub(super) fn legend(s: &State, t: Theme, width: u16) -> Vec<Line<'static>> {
    let l = s.lang;
    let runs = &s.lab.runs;
    // One run: its colour on the marks; several: neutral marks and a colour per run.
    let mark = match runs.len() {
        1 => t.fg(run_colour(0)),
        _ => Style::default(),
    };
    let marks = Line::from(vec![
        Span::styled("⠶⠶ ", mark),
        Span::raw(tr!(l, "lab-legend-train")),
        Span::raw("  "),
        Span::styled("▄▄ ", mark.add_modifier(Modifier::BOLD)),
        Span::raw(tr!(l, "lab-legend-val")),
    ]);
    if runs.len() < 2 {
        return vec![marks];
    }
    let mut colours = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        if i > 0 {
            colours.push(Span::raw("  "));
        }
        colours.push(Span::styled("■ ", t.fg(run_colour(i))));
        colours.push(Span::raw(run.label.clone()));
    }
    let colours = Line::from(colours);
    if marks.width() + 2 + colours.width() <= width as usize {
        let mut one = marks;
        one.spans.push(Span::raw("  "));
        one.spans.extend(colours.spans);
        vec![one]
    } else {
        vec![marks, colours]
    }
}

/// The bounds of the loss chart: x spans the whole planned run (so curves grow instead
/// of being rescaled), y the points drawn, never an empty range.
fn bounds(curves: &[Curve], planned_epochs: usize) -> (f64, f64, f64) {
    let (mut xmax, mut ymin, mut ymax) = (
        planned_epochs.max(1) as f64,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for (pts, _, _) in curves {
        for &(x, y) in pts {
            xmax = xmax.max(x);
            ymin = ymin.min(y);
            ymax = ymax.max(y);
        }
    }
    if !ymin.is_finite() {
        ymin = 0.0;
        ymax = 1.0;
    }
    if ymax - ymin < 1e-6 {
        ymax = ymin + 1.0;
    }
    (xmax, ymin, ymax)
}

/// A y-axis label: on a log scale, the value the log stands for.
fn y_label(y: f64, log_scale: bool, l: Lang) -> String {
    if log_scale {
        l.dec(10f64.powf(y), 3)
    } else {
        l.dec(y, 2)
    }
}

pub(super) fn draw_lab_charts(f: &mut Frame, loss_area: Rect, acc_area: Rect, s: &State, t: Theme) {
    let l = s.lang;
    let lab = &s.lab;
    let tf = |y: f64| {
        if lab.log_scale {
            y.max(1e-4).log10()
        } else {
            y
        }
    };
    let mut owned: Vec<Curve> = Vec::new();
    for (i, run) in lab.runs.iter().enumerate() {
        let c = run_colour(i);
        let raw: Vec<(f64, f64)> = run
            .train_loss
            .points()
            .into_iter()
            .map(|(x, y)| (x, tf(y)))
            .collect();
        let smooth: Vec<(f64, f64)> = run
            .train_loss
            .smoothed(0.1)
            .iter()
            .map(|&(x, y)| (x, tf(y)))
            .collect();
        let val: Vec<(f64, f64)> = run
            .val_loss
            .points()
            .into_iter()
            .map(|(x, y)| (x, tf(y)))
            .collect();
        owned.push((raw, t.dim(), false));
        owned.push((smooth, t.fg(c), false));
        owned.push((val, t.fg(c).add_modifier(Modifier::BOLD), true));
    }
    let planned = lab.runs.iter().map(|r| r.epochs).max().unwrap_or(1);
    let (xmax, ymin, ymax) = bounds(&owned, planned);
    let x_labels = || vec![Line::raw("0"), Line::raw(l.dec(xmax, 0))];
    let title = if lab.log_scale {
        format!(" {} ", tr!(l, "view-chart-loss-log"))
    } else {
        format!(" {} ", tr!(l, "view-chart-loss"))
    };
    if lab.runs.is_empty() {
        f.render_widget(
            Paragraph::new(tr!(l, "view-chart-empty"))
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(title).border_style(t.dim())),
            loss_area,
        );
    } else {
        let datasets: Vec<Dataset> = owned
            .iter()
            .map(|(pts, style, scatter)| {
                let d = Dataset::default()
                    .data(pts)
                    .style(*style)
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line);
                // Validation: one point per epoch, joined by a bold line.
                // Unnamed: the legend line above the charts names the curves at every
                // size (ratatui's legend hides on small charts, covers curves on large).
                if *scatter {
                    d.marker(Marker::HalfBlock)
                } else {
                    d
                }
            })
            .collect();
        let chart = Chart::new(datasets)
            .block(Block::bordered().title(title).border_style(t.dim()))
            .x_axis(
                Axis::default()
                    .title(tr!(l, "view-chart-epoch"))
                    .bounds([0.0, xmax])
                    .labels(x_labels()),
            )
            .y_axis(Axis::default().bounds([ymin, ymax]).labels(vec![
                Line::raw(y_label(ymin, lab.log_scale, l)),
                Line::raw(y_label(ymax, lab.log_scale, l)),
            ]));
        f.render_widget(chart, loss_area);
    }
    type AccCurve = (Vec<(f64, f64)>, Style);
    let accs: Vec<AccCurve> = lab
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                r.val_acc
                    .points()
                    .into_iter()
                    .map(|(x, y)| (x, y * 100.0))
                    .collect(),
                t.fg(run_colour(i)),
            )
        })
        .collect();
    let ds: Vec<Dataset> = accs
        .iter()
        .map(|(p, st)| {
            Dataset::default()
                .data(p)
                .style(*st)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
        })
        .collect();
    let chart = Chart::new(ds)
        .block(
            Block::bordered()
                .title(format!(" {} ", tr!(l, "view-chart-accuracy")))
                .border_style(t.dim()),
        )
        .x_axis(Axis::default().bounds([0.0, xmax]).labels(x_labels()))
        .y_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .labels(vec![Line::raw("0"), Line::raw("100")]),
        );
    f.render_widget(chart, acc_area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_span_the_planned_run_and_are_never_empty() {
        // No points: x spans the planned epochs, y falls back to 0..1.
        assert_eq!(bounds(&[], 5), (5.0, 0.0, 1.0));
        assert_eq!(bounds(&[], 0), (1.0, 0.0, 1.0));
        let curve = |pts: Vec<(f64, f64)>| (pts, Style::default(), false);
        // A flat curve gets a unit range; points beyond the plan widen x.
        assert_eq!(
            bounds(&[curve(vec![(1.0, 2.0), (7.0, 2.0)])], 5),
            (7.0, 2.0, 3.0)
        );
        assert_eq!(
            bounds(&[curve(vec![(1.0, 0.5)]), curve(vec![(2.0, 1.5)])], 5),
            (5.0, 0.5, 1.5)
        );
    }

    #[test]
    fn log_scale_labels_show_the_value_not_its_log() {
        let (en, fr) = (Lang::en(), Lang::fr());
        assert_eq!(y_label(-1.0, true, en), "0.100");
        assert_eq!(y_label(0.25, false, en), "0.25");
        assert_eq!(y_label(0.25, false, fr), "0,25");
    }
}
