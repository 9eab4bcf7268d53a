//! A question, browsing: moving in the answer's widget, submitting, hints, panes, moving on.

use crate::core::grade::Answer;
use crate::tr;
use crate::tui::keymap::QuestionAction;
use crate::tui::msg::Effect;
use crate::tui::state::{widget, Confirm, Pane, Screen, State, Widget};
use crossterm::event::{KeyCode, KeyEvent};

pub(super) fn on(s: &mut State, a: QuestionAction, k: KeyEvent) -> Vec<Effect> {
    let n = s.questions.len();
    match a {
        QuestionAction::Up => move_cursor(s, -1),
        QuestionAction::Down => move_cursor(s, 1),
        QuestionAction::StepUp => move_step(s, -1),
        QuestionAction::StepDown => move_step(s, 1),
        QuestionAction::Toggle => toggle(s),
        QuestionAction::Submit => {
            // The steps as first shown are not an answer: nothing is graded or recorded.
            if s.order_untouched(s.current) {
                s.status = Some(tr!(s.lang, "core-order-not-answered"));
                return Vec::new();
            }
            return s.submit_current();
        }
        QuestionAction::StartTyping => {
            s.focus = Pane::Answer;
            s.editing = true;
        }
        QuestionAction::TypeAhead => {
            s.focus = Pane::Answer;
            s.editing = true;
            if let KeyCode::Char(c) = k.code {
                s.qs_mut().input.insert(c);
                return s.trace_effect();
            }
        }
        QuestionAction::Reveal => {
            // The reference is compared with an answer: an empty one is not revealed upon
            // (nor counted as answered).
            if s.qs().answer.is_none() && s.qs().input.text().trim().is_empty() {
                s.status = Some(crate::tr!(s.lang, "tui-type-first"));
                return Vec::new();
            }
            let q = s.qs_mut();
            q.revealed = true;
            if q.answer.is_none() {
                q.answer = Some(Answer::Open {
                    text: q.input.text(),
                    ticked: Vec::new(),
                });
            }
            s.focus = Pane::Answer;
        }
        QuestionAction::Hint => {
            let total = s.question().hints.len();
            let q = s.qs_mut();
            if q.hints_shown < total {
                q.hints_shown += 1;
                return vec![s.save()];
            }
            s.status = Some(tr!(s.lang, "tui-no-more-hints"));
        }
        QuestionAction::NextPane => s.focus = next_pane(s, true),
        QuestionAction::PreviousPane => s.focus = next_pane(s, false),
        QuestionAction::Next => {
            if s.current + 1 < n {
                s.open_question(s.current + 1);
                return vec![s.save()];
            }
        }
        QuestionAction::Previous => {
            if s.current > 0 {
                s.open_question(s.current - 1);
                return vec![s.save()];
            }
        }
        QuestionAction::Lab => s.open_lab(Some(s.current)),
        QuestionAction::Reset => s.confirm = Some(Confirm::ResetQuestion),
        QuestionAction::Back => {
            s.screen = Screen::List;
            s.list_cursor = s.current;
            s.status = None;
            return vec![s.save()];
        }
    }
    Vec::new()
}

fn next_pane(s: &State, forward: bool) -> Pane {
    let mut panes = vec![Pane::Answer, Pane::Statement];
    if s.feedback_visible() && (s.qs().score.is_some() || s.qs().revealed) {
        panes.push(Pane::Feedback);
    }
    if matches!(s.question().kind, crate::core::pack::Kind::Computed { .. }) {
        panes.push(Pane::Model);
    }
    let i = panes.iter().position(|p| *p == s.focus).unwrap_or(0);
    let n = panes.len();
    panes[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

/// Up or down: scroll the focused pane, or move the cursor over the answer's items.
fn move_cursor(s: &mut State, d: i32) {
    let focus = s.focus;
    let w = widget(s.question());
    // How far each pane may scroll as drawn now: never past its last line.
    let limits = s.size.map_or([500; 3], |size| {
        crate::tui::view::question_scroll_limits(s, size)
    });
    let q = s.qs_mut();
    let scroll_idx = match focus {
        Pane::Statement => Some(0),
        Pane::Feedback => Some(1),
        Pane::Model => Some(2),
        Pane::Answer => None,
    };
    if let Some(i) = scroll_idx {
        q.scroll[i] = if d < 0 {
            q.scroll[i].min(limits[i]).saturating_sub(1)
        } else {
            q.scroll[i].saturating_add(1).min(limits[i])
        };
        return;
    }
    let len = match w {
        Widget::Order => q.order.len(),
        Widget::Match => q.matches.len(),
        Widget::Open if q.revealed => q.ticked.len(),
        Widget::Open | Widget::Choose | Widget::Field => q.options.len(),
    };
    if len == 0 {
        return;
    }
    q.cursor = if d < 0 {
        q.cursor.saturating_sub(1)
    } else {
        (q.cursor + 1).min(len - 1)
    };
}

/// Move the step under the cursor up or down (ordering questions); for a matching
/// question, K picks the previous right item.
fn move_step(s: &mut State, d: i32) {
    if widget(s.question()) == Widget::Match {
        cycle_match(s, false);
        return;
    }
    let q = s.qs_mut();
    let i = q.cursor;
    let j = if d < 0 {
        i.checked_sub(1)
    } else {
        Some(i + 1).filter(|j| *j < q.order.len())
    };
    if let Some(j) = j {
        q.order.swap(i, j);
        q.cursor = j;
    }
}

/// Space: select an option, or tick a key point when rating an open answer.
fn toggle(s: &mut State) {
    use crate::core::pack::Kind;
    // One pick only: listed per kind, so that a new kind says whether it is single.
    let single = match &s.question().kind {
        Kind::Choice { multiple, .. } => !multiple,
        Kind::Computed { .. }
        | Kind::Open { .. }
        | Kind::Numeric { .. }
        | Kind::Order { .. }
        | Kind::ShortAnswer { .. }
        | Kind::Matching { .. }
        | Kind::Description => false,
    };
    if widget(s.question()) == Widget::Match {
        cycle_match(s, true);
        return;
    }
    let w = widget(s.question());
    // The cursor is a position on screen; the options are shown in the student's order.
    let shown = s.choice_order(s.current);
    let q = s.qs_mut();
    match w {
        Widget::Open if q.revealed => {
            if let Some(t) = q.ticked.get_mut(q.cursor) {
                *t = !*t;
            }
        }
        Widget::Choose => {
            let Some(&c) = shown.get(q.cursor) else {
                return;
            };
            if single {
                for (i, sel) in q.selected.iter_mut().enumerate() {
                    *sel = i == c;
                }
            } else if let Some(sel) = q.selected.get_mut(c) {
                *sel = !*sel;
            }
        }
        Widget::Open | Widget::Order | Widget::Field | Widget::Match => {}
    }
}

/// Matching: the left item under the cursor takes the next (or previous) right item in
/// the order shown; past the last, none.
fn cycle_match(s: &mut State, forward: bool) {
    let shown = s.choice_order(s.current);
    let n = shown.len();
    let q = s.qs_mut();
    let Some(slot) = q.matches.get_mut(q.cursor) else {
        return;
    };
    if n == 0 {
        return;
    }
    let at = slot.and_then(|c| shown.iter().position(|x| *x == c));
    *slot = match (at, forward) {
        (None, true) => Some(shown[0]),
        (None, false) => Some(shown[n - 1]),
        (Some(p), true) => shown.get(p + 1).copied(),
        (Some(p), false) => p.checked_sub(1).map(|p| shown[p]),
    };
}
