//! Views: pure functions of `&State` that draw a frame. They only read the state: what
//! takes computing (model summaries, question 3's evidence, live traces) is computed
//! before, off the drawing path, and every string comes from the Fluent messages
//! (`assets/locales/<lang>/tui-view.ftl`).
//!
//! One file per concern: `theme` (colours), `layout` (the frame and mouse
//! hit-testing), `header`, one file per screen (`list`, `question` with the
//! `model` panel, `report`, `lab` with its `chart`s), `popup` (confirmation,
//! too small), `highlight` (Python code), and `keys` (footer and help).

mod chart;
mod header;
mod highlight;
pub mod keys;
mod lab;
mod layout;
mod list;
mod model;
mod popup;
mod question;
mod report;
mod theme;

pub use keys::keys;
pub use layout::{list_item_at, MIN_SIZE};
pub use question::scroll_limits as question_scroll_limits;
pub(crate) use theme::Theme;

use crate::tui::state::{Screen, State};
use keys::{draw_footer, draw_help};
use ratatui::Frame;

/// Draw the whole interface.
pub fn draw(f: &mut Frame, s: &State) {
    let area = f.area();
    let t = Theme { color: s.color };
    if layout::too_small(area.width, area.height) {
        popup::draw_too_small(f, area, s.lang);
        return;
    }
    let footer_h = keys::Footer::new(s, area.width).height();
    let [header, body, footer] = layout::frame_areas(area, footer_h);
    header::draw_header(f, header, s, t);
    match s.screen {
        Screen::List => list::draw_list(f, body, s, t),
        Screen::Question => question::draw_question(f, body, s, t),
        Screen::Report => report::draw_report(f, body, s, t),
        Screen::Lab => lab::draw_lab(f, body, s, t),
    }
    draw_footer(f, footer, s, t);
    if s.help {
        draw_help(f, area, s, t);
    }
    if s.exam.naming.is_some() {
        popup::draw_naming(f, area, s, t);
    }
    if let Some(c) = s.confirm {
        popup::draw_confirm(f, area, s, c, t);
    }
}
