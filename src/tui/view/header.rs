//! The header line: the pack, the mode, progress, score and the exam clock.

use super::theme::Theme;
use crate::core::i18n::Lang;
use crate::core::progress::Mode;
use crate::tr;
use crate::tui::state::State;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn mode_name(m: Mode, lang: Lang) -> String {
    match m {
        Mode::SelfCheck => tr!(lang, "view-mode-self-check"),
        Mode::Exam => tr!(lang, "view-mode-exam"),
    }
}

/// A duration as minutes and seconds: `12:05`.
pub(super) fn clock(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

pub(super) fn draw_header(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let l = s.lang;
    let (answered, score) = s.totals();
    let n = s.questions.len();
    let mut right = tr!(
        l,
        "view-header-answered",
        done = answered.to_string(),
        total = n.to_string()
    );
    if s.feedback_visible() {
        right += " · ";
        right += &tr!(
            l,
            "view-header-score",
            score = l.dec(score, 1),
            total = n.to_string()
        );
    }
    match s.mode {
        Mode::SelfCheck => {}
        Mode::Exam => {
            right += " · ";
            // Time left: to the saved wall-clock deadline once started, else the limit.
            let left = s.exam.remaining().or(s.exam.limit_secs);
            right += &match (left, s.exam.submitted) {
                (_, true) => tr!(l, "view-header-submitted"),
                (Some(left), false) => tr!(l, "view-header-clock", time = clock(left)),
                (None, false) => tr!(l, "view-header-clock", time = clock(s.exam.elapsed_secs)),
            };
        }
    }
    let left = format!(" {} — {} ", s.pack.meta.title, mode_name(s.mode, l));
    // A pack with variables: which variant this is, discreetly (a teacher asks for it).
    let variant = s
        .pack
        .variant
        .map(|n| format!("{} ", tr!(l, "variant-header", number = n.to_string())))
        .unwrap_or_default();
    let pad = (area.width as usize)
        .saturating_sub(left.chars().count() + variant.chars().count() + right.chars().count() + 1);
    let line = Line::from(vec![
        Span::styled(left, t.accent()),
        Span::styled(variant, t.dim()),
        Span::raw(" ".repeat(pad)),
        Span::raw(right),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn clock_shows_minutes_and_two_digit_seconds() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(65), "1:05");
        assert_eq!(clock(3600), "60:00");
    }
}
