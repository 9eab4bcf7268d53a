//! Python code with simple syntax colouring.

use super::theme::Theme;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

const KEYWORDS: [&str; 9] = [
    "class", "def", "return", "super", "self", "import", "as", "True", "False",
];

/// The lines of `code`, coloured: keywords, numbers, the `nn`/`F`/`torch` modules.
pub(super) fn code_lines(code: &str, t: Theme) -> Vec<Line<'static>> {
    code.lines()
        .map(|line| {
            let mut spans = Vec::new();
            let mut word = String::new();
            let flush = |word: &mut String, spans: &mut Vec<Span<'static>>| {
                if word.is_empty() {
                    return;
                }
                let style = if KEYWORDS.contains(&word.as_str()) {
                    t.fg(Color::Magenta)
                } else if word.chars().all(|c| c.is_ascii_digit()) {
                    t.fg(Color::Yellow)
                } else if word == "nn" || word == "F" || word == "torch" {
                    t.fg(Color::Cyan)
                } else {
                    Style::default()
                };
                spans.push(Span::styled(std::mem::take(word), style));
            };
            for c in line.chars() {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                } else {
                    flush(&mut word, &mut spans);
                    spans.push(Span::styled(c.to_string(), t.dim()));
                }
            }
            flush(&mut word, &mut spans);
            Line::from(spans)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_numbers_and_modules_are_coloured() {
        let t = Theme { color: true };
        let lines = code_lines("def f(self):\n    return nn.Linear(10, 1)", t);
        assert_eq!(lines.len(), 2);
        let style_of = |line: &Line, text: &str| {
            line.spans
                .iter()
                .find(|s| s.content == text)
                .unwrap_or_else(|| panic!("no span `{text}`"))
                .style
        };
        assert_eq!(style_of(&lines[0], "def").fg, Some(Color::Magenta));
        assert_eq!(style_of(&lines[0], "self").fg, Some(Color::Magenta));
        assert_eq!(style_of(&lines[0], "f").fg, None);
        assert_eq!(style_of(&lines[1], "nn").fg, Some(Color::Cyan));
        assert_eq!(style_of(&lines[1], "10").fg, Some(Color::Yellow));
        assert_eq!(style_of(&lines[1], "(").fg, Some(Color::DarkGray));
        // The text itself is unchanged.
        let text: String = lines[1].spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "    return nn.Linear(10, 1)");
    }
}
