//! The keys of each screen: the footer's hints and the `?` help.

use super::Theme;
use crate::tr;
use crate::tui::bindings;
use crate::tui::keymap::{self, Context};
use crate::tui::state::State;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// The keys shown in the footer and the help of the screen: (keys, what), read from the
/// keymap (`tui::keymap`), the table key handling reads too.
pub fn keys(s: &State) -> Vec<(String, String)> {
    bindings::shown(s)
}

pub(super) fn draw_footer(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let [status, hints] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let msg = s
        .status
        .clone()
        .or_else(|| s.lab.status.clone())
        .unwrap_or_default();
    let msg = crate::tui::guard::footer_message(s, msg);
    let mut spans = Vec::new();
    for (k, what) in keys(s) {
        spans.push(Span::styled(format!(" {k} "), t.accent()));
        spans.push(Span::raw(format!("{what} ")));
    }
    let hints_para = Paragraph::new(Line::from(spans)).wrap(Wrap { trim: true });
    if msg.is_empty() {
        // No message: the key hints may use both lines.
        f.render_widget(hints_para, area);
    } else {
        f.render_widget(Paragraph::new(Span::styled(msg, t.partial())), status);
        f.render_widget(hints_para, hints);
    }
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
