//! The keys of each screen: the footer's hints and the `?` help.

use super::Theme;
use crate::tr;
use crate::tui::bindings;
use crate::tui::keymap::{self, Context};
use crate::tui::state::State;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

/// The keys shown in the footer and the help of the screen: (keys, what), read from the
/// keymap (`tui::keymap`), the table key handling reads too.
pub fn keys(s: &State) -> Vec<(String, String)> {
    bindings::shown(s)
}

/// Most lines the status message takes (a longer one ends with `…`).
const STATUS_LINES: usize = 3;
/// Most lines of key hints.
const HINT_LINES: usize = 2;

/// The footer laid out for a width: the status message wrapped at spaces, then the key
/// hints, each hint (keys and what they do) whole on one line. Hints that do not fit in
/// [`HINT_LINES`] lines are left out, never cut: `?` (first) lists them all.
pub struct Footer {
    pub status: Vec<String>,
    pub hints: Vec<Vec<(String, String)>>,
}

impl Footer {
    pub fn new(s: &State, width: u16) -> Self {
        let msg = s
            .status
            .clone()
            .or_else(|| s.lab.status.clone())
            .unwrap_or_default();
        let msg = crate::tui::guard::footer_message(s, msg);
        let width = usize::from(width.max(1));
        let mut status = wrap_words(&msg, width);
        if status.len() > STATUS_LINES {
            status.truncate(STATUS_LINES);
            if let Some(last) = status.last_mut() {
                while last.chars().count() + 1 > width && last.pop().is_some() {}
                last.push('…');
            }
        }
        let mut hints: Vec<Vec<(String, String)>> = vec![Vec::new()];
        let mut used = 0;
        for (k, what) in keys(s) {
            let w = hint_width(&k, &what);
            if used + w > width {
                if hints.len() == HINT_LINES || w > width {
                    // Left out; later, shorter hints may still fit on this line.
                    continue;
                }
                hints.push(Vec::new());
                used = 0;
            }
            used += w;
            if let Some(line) = hints.last_mut() {
                line.push((k, what));
            }
        }
        hints.retain(|l| !l.is_empty());
        Self { status, hints }
    }

    /// Rows the footer takes.
    pub fn height(&self) -> u16 {
        (self.status.len() + self.hints.len()).max(1) as u16
    }

    /// The footer as plain text, one string per row (for tests).
    pub fn rows(&self) -> Vec<String> {
        let mut out = self.status.clone();
        for line in &self.hints {
            out.push(line.iter().map(|(k, w)| format!(" {k} {w} ")).collect());
        }
        out
    }
}

/// Columns a hint takes: ` keys what `.
fn hint_width(k: &str, what: &str) -> usize {
    Span::raw(k).width() + Span::raw(what).width() + 3
}

/// `text` cut into lines of at most `width` columns at spaces; a word longer than a line
/// is split.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let mut w = Span::raw(word).width();
        if used > 0 && used + 1 + w > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        if w > width {
            // A word longer than a line: split it by characters.
            for c in word.chars() {
                if used >= width {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += 1;
            }
            w = 0;
        } else {
            line.push_str(word);
        }
        used += w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

pub(super) fn draw_footer(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let footer = Footer::new(s, area.width);
    let mut lines: Vec<Line> = footer
        .status
        .iter()
        .map(|l| Line::styled(l.clone(), t.partial()))
        .collect();
    for hints in &footer.hints {
        let mut spans = Vec::new();
        for (k, what) in hints {
            spans.push(Span::styled(format!(" {k} "), t.accent()));
            spans.push(Span::raw(format!("{what} ")));
        }
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines), area);
}

pub(super) fn draw_help(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let keys = keys(s);
    let h = (keys.len() as u16 + 5).min(area.height);
    let w = 64.min(area.width);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, popup);
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:>10}  "), t.accent()),
                Span::raw(what.clone()),
            ])
        })
        .collect();
    lines.push(Line::styled(tr!(s.lang, "tui-help-mouse"), t.dim()));
    lines.push(Line::styled(closing_line(s), t.dim()));
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(format!(" {} ", tr!(s.lang, "tui-help-title")))
                .border_style(t.accent()),
        ),
        popup,
    );
}

/// "Esc or ? closes this help": the first two keys the help's own row shows.
fn closing_line(s: &State) -> String {
    let shown: Vec<keymap::Key> = keymap::rows(Context::Help)
        .flat_map(|r| r.shown.iter().copied())
        .collect();
    let name = |i: usize| {
        shown
            .get(i)
            .map(|k| keymap::key_name(*k, s.lang))
            .unwrap_or_default()
    };
    tr!(s.lang, "tui-help-closes", first = name(0), second = name(1))
}

/// The keys of a yes/no dialog, from the keymap's `Confirm` rows: `y: yes   any other key: no`.
pub fn confirm_keys(lang: crate::core::i18n::Lang) -> String {
    keymap::rows(Context::Confirm)
        .filter(|r| !r.shown.is_empty())
        .map(|r| {
            tr!(
                lang,
                "tui-key-and-action",
                keys = keymap::keys_label(r.shown, lang),
                what = lang.tr(r.what)
            )
        })
        .collect::<Vec<_>>()
        .join("   ")
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn words_wrap_at_spaces_and_long_words_split() {
        assert_eq!(
            wrap_words("the save file is damaged: kept aside", 12),
            vec!["the save", "file is", "damaged:", "kept aside"]
        );
        assert_eq!(wrap_words("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert!(wrap_words("", 10).is_empty());
    }
}
