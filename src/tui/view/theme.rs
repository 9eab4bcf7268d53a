//! Colours, or none at all when NO_COLOR is set.

use crate::core::grade::Verdict;
use ratatui::style::{Color, Modifier, Style};

/// The styles every view draws with.
#[derive(Clone, Copy)]
pub(crate) struct Theme {
    pub(crate) color: bool,
}

impl Theme {
    pub(crate) fn fg(self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    pub(crate) fn accent(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub(crate) fn good(self) -> Style {
        self.fg(Color::Green)
    }
    pub(crate) fn bad(self) -> Style {
        self.fg(Color::Red)
    }
    pub(crate) fn partial(self) -> Style {
        self.fg(Color::Yellow)
    }
    pub(crate) fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
    pub(crate) fn selected(self) -> Style {
        if self.color {
            Style::default().bg(Color::Blue).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    pub(crate) fn verdict(self, v: Option<Verdict>) -> Style {
        match v {
            Some(Verdict::Correct) => self.good(),
            Some(Verdict::Partial) => self.partial(),
            Some(Verdict::Wrong) => self.bad(),
            None => Style::default(),
        }
    }
    pub(crate) fn border(self, focused: bool) -> Style {
        if focused {
            self.accent()
        } else {
            self.dim()
        }
    }
}
