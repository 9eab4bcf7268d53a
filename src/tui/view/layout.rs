//! The frame's layout, and mouse hit-testing that uses the same layout.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::widgets::Block;

/// Smallest terminal the interface lays out for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Whether a terminal of `width` × `height` is too small to lay out.
pub(super) fn too_small(width: u16, height: u16) -> bool {
    width < MIN_SIZE.0 || height < MIN_SIZE.1
}

/// The frame: a header line, the body, two footer lines.
pub(super) fn frame_areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(area)
}

/// Which of the list's `n` questions a click at (`column`, `row`) falls on, for a terminal
/// of `size` (columns, rows): each question is one line inside the list's border.
pub fn list_item_at(size: (u16, u16), n: usize, column: u16, row: u16) -> Option<usize> {
    let area = Rect::new(0, 0, size.0, size.1);
    if too_small(size.0, size.1) {
        return None;
    }
    let [_, body, _] = frame_areas(area);
    let inner = Block::bordered().inner(body);
    if !inner.contains(Position::new(column, row)) {
        return None;
    }
    let i = (row - inner.y) as usize;
    (i < n).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_hit_the_list_rows_inside_the_border() {
        // Header on row 0, the list's border on row 1: the first question is on row 2.
        assert_eq!(list_item_at((80, 24), 8, 10, 2), Some(0));
        assert_eq!(list_item_at((80, 24), 8, 10, 9), Some(7));
        assert_eq!(
            list_item_at((80, 24), 8, 10, 10),
            None,
            "below the last question"
        );
        assert_eq!(list_item_at((80, 24), 8, 10, 1), None, "on the border");
        assert_eq!(list_item_at((80, 24), 8, 0, 2), None, "on the left border");
        assert_eq!(
            list_item_at((79, 24), 8, 10, 2),
            None,
            "too small to lay out"
        );
    }
}
