//! The frame's layout, and mouse hit-testing that uses the same layout.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::widgets::Block;

/// Smallest terminal the interface lays out for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Whether a terminal of `width` × `height` is too small to lay out.
pub(super) fn too_small(width: u16, height: u16) -> bool {
    width < MIN_SIZE.0 || height < MIN_SIZE.1
}

/// The frame: a header line, the body, and `footer` lines (the status and key hints).
pub(super) fn frame_areas(area: Rect, footer: u16) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(footer),
    ])
    .areas(area)
}

/// Rows for panes stacked in `total` rows, each wanting `wants[i]` rows (its content and
/// borders): when all fit, each gets what it wants and the rows left go to pane `grow`;
/// otherwise the panes wanting less than an equal share get it, and the others share the
/// rest equally (so a long statement cannot squeeze a short correction, nor the reverse).
/// No pane gets less than `min` rows when there is room for it.
pub(super) fn share_heights(total: u16, wants: &[u16], min: u16, grow: usize) -> Vec<u16> {
    let n = wants.len();
    if n == 0 {
        return Vec::new();
    }
    let wants: Vec<u16> = wants.iter().map(|w| (*w).max(min)).collect();
    let sum: u32 = wants.iter().map(|w| u32::from(*w)).sum();
    if sum <= u32::from(total) {
        let mut out = wants;
        let left = total - sum as u16;
        let g = grow.min(n - 1);
        out[g] += left;
        return out;
    }
    // Max-min fairness: serve the smallest wants first.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| wants[i]);
    let mut out = vec![0u16; n];
    let mut left = total;
    for (k, &i) in order.iter().enumerate() {
        let share = left / (n - k) as u16;
        let got = if wants[i] <= share {
            wants[i]
        } else {
            // This pane and every larger one share what is left equally; the first ones
            // get the rows that do not divide.
            let rest = (n - k) as u16;
            let extra = left % rest;
            for (j, &p) in order[k..].iter().enumerate() {
                out[p] = left / rest + u16::from((j as u16) < extra);
            }
            break;
        };
        out[i] = got;
        left -= got;
    }
    out
}

/// The first question a list of `rows` visible rows shows so that `cursor` is in view
/// (the list scrolls as little as it can).
pub(super) fn list_offset(cursor: usize, rows: u16) -> usize {
    (cursor + 1).saturating_sub(usize::from(rows.max(1)))
}

/// Which of the list's `n` questions a click at (`column`, `row`) falls on, for a terminal
/// of `size` (columns, rows) and the list's `cursor`: each question is one line inside the
/// list's border, scrolled as drawn.
pub fn list_item_at(
    size: (u16, u16),
    n: usize,
    cursor: usize,
    column: u16,
    row: u16,
) -> Option<usize> {
    let area = Rect::new(0, 0, size.0, size.1);
    if too_small(size.0, size.1) {
        return None;
    }
    // The footer's height does not move the list's first rows.
    let [_, body, _] = frame_areas(area, 2);
    let inner = Block::bordered().inner(body);
    if !inner.contains(Position::new(column, row)) {
        return None;
    }
    let i = (row - inner.y) as usize + list_offset(cursor, inner.height);
    (i < n).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_get_what_they_need_and_share_fairly_when_short() {
        // Everything fits: the statement (pane 0) takes the rows left.
        assert_eq!(share_heights(21, &[5, 4, 6], 3, 0), vec![11, 4, 6]);
        // A long statement does not squeeze a short correction: 21 rows for 30, 4 and 8.
        assert_eq!(share_heights(21, &[30, 4, 8], 3, 0), vec![9, 4, 8]);
        // Two long panes split what the short one leaves: 21 - 4 = 17 -> 9 and 8.
        assert_eq!(share_heights(21, &[30, 4, 20], 3, 0), vec![8, 4, 9]);
        // Every pane long: equal thirds.
        assert_eq!(share_heights(21, &[30, 40, 50], 3, 0), vec![7, 7, 7]);
        // A pane with nothing to show still gets its borders and a line.
        assert_eq!(share_heights(10, &[0, 2], 3, 1), vec![3, 7]);
        assert!(share_heights(5, &[], 3, 0).is_empty());
        for total in 0..40u16 {
            let got = share_heights(total, &[25, 3, 12, 7], 3, 0);
            // Every row is used, and no pane gets more than it wants when rows are short.
            assert_eq!(got.iter().sum::<u16>(), total, "{total}: {got:?}");
            if total < 47 {
                assert!(
                    got.iter().zip([25, 3, 12, 7]).all(|(g, w)| *g <= w),
                    "{got:?}"
                );
            }
        }
    }

    #[test]
    fn clicks_hit_the_list_rows_inside_the_border() {
        // Header on row 0, the list's border on row 1: the first question is on row 2.
        assert_eq!(list_item_at((80, 24), 8, 0, 10, 2), Some(0));
        assert_eq!(list_item_at((80, 24), 8, 0, 10, 9), Some(7));
        assert_eq!(
            list_item_at((80, 24), 8, 0, 10, 10),
            None,
            "below the last question"
        );
        assert_eq!(list_item_at((80, 24), 8, 0, 10, 1), None, "on the border");
        assert_eq!(
            list_item_at((80, 24), 8, 0, 0, 2),
            None,
            "on the left border"
        );
        assert_eq!(
            list_item_at((79, 24), 8, 0, 10, 2),
            None,
            "too small to lay out"
        );
        // 40 questions in 21 rows, the cursor on the 31st: rows 11 to 31 show (0-based
        // 10 to 30).
        assert_eq!(list_offset(30, 21), 10);
        assert_eq!(list_offset(20, 21), 0);
        // At 80x24 the list has 24 - 1 (header) - 2 (footer) - 2 (borders) = 19 rows:
        // with the cursor on the 31st, the first row under the border is the 13th.
        assert_eq!(list_item_at((80, 24), 40, 30, 10, 2), Some(12));
    }
}
