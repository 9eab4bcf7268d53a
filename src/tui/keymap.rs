//! The one keymap: per context, rows of (keys, action, what it does, keys shown).
//!
//! Key handling looks the pressed key up here and dispatches on [`Action`] (see
//! `update`); the footer and the `?` help are drawn from the same rows (see `view::keys`).
//! This module is data: it knows neither the state nor the screen; `bindings` evaluates
//! each row's [`When`] against the state.
//!
//! A key is looked up in the rows of its context, most specific pattern first: a key held
//! with Shift, Ctrl or Alt, then a plain key, then any character, then any key; among rows
//! of one level, the first whose condition holds wins. So the table's order is the order
//! shown, and `Shift+↑` finds its row before plain `↑` does.

use crate::core::i18n::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where the keyboard is: a screen, a typing mode, or a dialog over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    List,
    /// A question, browsing (not typing).
    Question,
    /// Typing an answer.
    Typing,
    Report,
    Lab,
    /// Typing a lab setting.
    LabTyping,
    /// A yes/no dialog.
    Confirm,
    /// The `?` help over a screen.
    Help,
}

/// Every context, for tests and documentation.
pub const CONTEXTS: [Context; 8] = [
    Context::List,
    Context::Question,
    Context::Typing,
    Context::Report,
    Context::Lab,
    Context::LabTyping,
    Context::Confirm,
    Context::Help,
];

/// A key pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// This key, whatever modifiers are held (unless a row asks for them).
    Plain(KeyCode),
    /// This key with Shift held.
    Shift(KeyCode),
    /// This key with Ctrl held.
    Ctrl(KeyCode),
    /// This key with Alt held.
    Alt(KeyCode),
    /// Any character typed without Ctrl or Alt.
    AnyChar,
    /// Any key at all.
    Any,
}

impl Key {
    /// Lookup order: modified keys first, then plain keys, then any character, then any key.
    pub fn level(self) -> u8 {
        match self {
            Key::Shift(_) | Key::Ctrl(_) | Key::Alt(_) => 0,
            Key::Plain(_) => 1,
            Key::AnyChar => 2,
            Key::Any => 3,
        }
    }

    pub fn matches(self, k: &KeyEvent) -> bool {
        let m = k.modifiers;
        match self {
            Key::Plain(c) => k.code == c,
            Key::Shift(c) => k.code == c && m.contains(KeyModifiers::SHIFT),
            Key::Ctrl(c) => k.code == c && m.contains(KeyModifiers::CONTROL),
            Key::Alt(c) => k.code == c && m.contains(KeyModifiers::ALT),
            // A control character (a raw backspace, escape...) types nothing.
            Key::AnyChar => {
                matches!(k.code, KeyCode::Char(c) if !c.is_control())
                    && !m.contains(KeyModifiers::CONTROL)
                    && !m.contains(KeyModifiers::ALT)
            }
            Key::Any => true,
        }
    }

    /// A key event this pattern matches (for tests, and to replay a row's key).
    pub fn example(self) -> KeyEvent {
        match self {
            Key::Plain(c) => KeyEvent::new(c, KeyModifiers::NONE),
            Key::Shift(c) => KeyEvent::new(c, KeyModifiers::SHIFT),
            Key::Ctrl(c) => KeyEvent::new(c, KeyModifiers::CONTROL),
            Key::Alt(c) => KeyEvent::new(c, KeyModifiers::ALT),
            Key::AnyChar => KeyEvent::new(KeyCode::Char('7'), KeyModifiers::NONE),
            Key::Any => KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE),
        }
    }
}

/// When a row applies (to handling and display alike); `bindings::holds` evaluates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// Exam mode, not yet submitted.
    ExamOpen,
    /// Exam mode, submitted.
    ExamDone,
    /// The question is answered by choosing options.
    Choosing,
    /// The question is answered by ordering steps.
    Ordering,
    /// The question is answered by matching left items to right items.
    Matching,
    /// An open answer compared with the reference: the student ticks key points.
    Rating,
    /// The question is answered by typing (and is not being rated).
    Writing,
    /// The question is answered on one line (a number or a shape): a character that no
    /// row binds starts typing.
    Field,
    /// An open question whose reference may be revealed now.
    CanReveal,
    /// Typing on one line.
    SingleLine,
    /// Typing on several lines.
    MultiLine,
    /// A training run is going on.
    Running,
    /// No training run is going on.
    Idle,
}

/// What a key does. Each screen's update matches its own actions exhaustively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Open the `?` help.
    Help,
    /// Quit, asking first when typed text or a run would be lost.
    Quit,
    List(ListAction),
    Question(QuestionAction),
    Typing(TypingAction),
    Report(ReportAction),
    Lab(LabAction),
    LabTyping(LabTypingAction),
    Confirm(ConfirmAction),
    CloseHelp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListAction {
    Up,
    Down,
    First,
    Last,
    Open,
    Continue,
    SubmitExam,
    Report,
    Lab,
    ResetAll,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionAction {
    Up,
    Down,
    StepUp,
    StepDown,
    Toggle,
    Submit,
    StartTyping,
    /// Start typing with the character pressed (a one-line field, a key bound to nothing else).
    TypeAhead,
    Reveal,
    Hint,
    NextPane,
    PreviousPane,
    Next,
    Previous,
    Lab,
    Reset,
    Back,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypingAction {
    Submit,
    NewLine,
    Insert,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    /// Erase from the line's start to the cursor.
    ClearToStart,
    /// Erase the word before the cursor.
    DeleteWord,
    Stop,
    NextPane,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAction {
    Up,
    Down,
    Review,
    Back,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabAction {
    Up,
    Down,
    Edit,
    Switch,
    LogScale,
    Start,
    Stop,
    Clear,
    Back,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabTypingAction {
    Insert,
    Backspace,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmAction {
    Yes,
    No,
}

/// One binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Every key that does it.
    pub keys: &'static [Key],
    pub action: Action,
    /// What it does: a message id (`assets/locales/*/tui.ftl`).
    pub what: &'static str,
    /// The keys named in the footer and the help; empty: not shown there (an alias, or a
    /// key named by the row before, as `↓` in `↑↓ move`).
    pub shown: &'static [Key],
    pub when: When,
}

use KeyCode::{
    BackTab, Backspace, Delete, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab,
    Up, F,
};

const fn ch(c: char) -> Key {
    Key::Plain(KeyCode::Char(c))
}
const fn k(c: KeyCode) -> Key {
    Key::Plain(c)
}
const fn row(
    keys: &'static [Key],
    action: Action,
    what: &'static str,
    shown: &'static [Key],
    when: When,
) -> Row {
    Row {
        keys,
        action,
        what,
        shown,
        when,
    }
}

const NONE: &[Key] = &[];
const ARROWS_JK: &[Key] = &[k(Up), k(Down), ch('j'), ch('k')];
const ARROWS: &[Key] = &[k(Up), k(Down)];
#[rustfmt::skip]
const HELP: Row = row(&[ch('?')], Action::Help, "key-help", &[ch('?')], When::Always);
#[rustfmt::skip]
const QUIT: Row = row(&[ch('q')], Action::Quit, "key-quit", &[ch('q')], When::Always);

/// Bindings of every screen and typing mode (not of dialogs), after their own rows.
#[rustfmt::skip]
static GLOBAL: &[Row] = &[
    row(&[Key::Ctrl(KeyCode::Char('c'))], Action::Quit, "key-quit", NONE, When::Always),
    row(&[k(F(1))], Action::Help, "key-help", NONE, When::Always),
];

#[rustfmt::skip]
static LIST: &[Row] = {
    use ListAction as A;
    const fn l(a: A) -> Action {
        Action::List(a)
    }
    &[
        HELP,
        QUIT,
        row(&[k(Up), ch('k')], l(A::Up), "key-move", ARROWS_JK, When::Always),
        row(&[k(Down), ch('j')], l(A::Down), "key-move", NONE, When::Always),
        row(&[k(Home), ch('g')], l(A::First), "key-first", NONE, When::Always),
        row(&[k(End), ch('G')], l(A::Last), "key-last", NONE, When::Always),
        row(
            &[k(Enter), k(Right), ch('l')],
            l(A::Open),
            "key-open-question",
            &[k(Enter)],
            When::Always,
        ),
        row(&[ch('c')], l(A::Continue), "key-continue", &[ch('c')], When::Always),
        row(&[ch('s')], l(A::SubmitExam), "key-submit-exam", &[ch('s')], When::ExamOpen),
        row(&[ch('r')], l(A::Report), "key-report", &[ch('r')], When::ExamDone),
        row(&[ch('t')], l(A::Lab), "key-lab", &[ch('t')], When::Always),
        row(&[ch('R')], l(A::ResetAll), "key-reset-all", &[ch('R')], When::Always),
    ]
};

#[rustfmt::skip]
static QUESTION: &[Row] = {
    use QuestionAction as A;
    const fn q(a: A) -> Action {
        Action::Question(a)
    }
    const UP: &[Key] = &[k(Up), ch('k')];
    const DOWN: &[Key] = &[k(Down), ch('j')];
    &[
        HELP,
        QUIT,
        // Early in the table: the footer shows it even when it has room for few keys.
        row(&[k(Esc)], q(A::Back), "key-question-list", &[k(Esc)], When::Always),
        // Choosing options.
        row(UP, q(A::Up), "key-move", ARROWS_JK, When::Choosing),
        row(DOWN, q(A::Down), "key-move", NONE, When::Choosing),
        row(&[ch(' ')], q(A::Toggle), "key-select", &[ch(' ')], When::Choosing),
        row(&[k(Enter)], q(A::Submit), "key-submit", &[k(Enter)], When::Choosing),
        // Ordering steps.
        row(UP, q(A::Up), "key-move", ARROWS_JK, When::Ordering),
        row(DOWN, q(A::Down), "key-move", NONE, When::Ordering),
        row(
            &[ch('K'), Key::Shift(Up), Key::Shift(KeyCode::Char('k'))],
            q(A::StepUp),
            "key-move-step",
            &[ch('K'), ch('J'), Key::Shift(Up), Key::Shift(Down)],
            When::Ordering,
        ),
        row(
            &[ch('J'), Key::Shift(Down), Key::Shift(KeyCode::Char('j'))],
            q(A::StepDown),
            "key-move-step",
            NONE,
            When::Ordering,
        ),
        row(&[k(Enter)], q(A::Submit), "key-submit", &[k(Enter)], When::Ordering),
        // Matching pairs: Space / J the next right item, K the previous one.
        row(UP, q(A::Up), "key-move", ARROWS_JK, When::Matching),
        row(DOWN, q(A::Down), "key-move", NONE, When::Matching),
        row(
            &[ch(' '), ch('J'), Key::Shift(Down), Key::Shift(KeyCode::Char('j'))],
            q(A::Toggle),
            "moodle-key-match-next",
            &[ch(' '), ch('J')],
            When::Matching,
        ),
        row(
            &[ch('K'), Key::Shift(Up), Key::Shift(KeyCode::Char('k'))],
            q(A::StepUp),
            "moodle-key-match-previous",
            &[ch('K')],
            When::Matching,
        ),
        row(&[k(Enter)], q(A::Submit), "key-submit", &[k(Enter)], When::Matching),
        // Rating an open answer against the reference.
        row(UP, q(A::Up), "key-move", ARROWS, When::Rating),
        row(DOWN, q(A::Down), "key-move", NONE, When::Rating),
        row(&[ch(' ')], q(A::Toggle), "key-tick", &[ch(' ')], When::Rating),
        row(&[k(Enter)], q(A::Submit), "key-record-rating", &[k(Enter)], When::Rating),
        row(&[ch('e'), ch('i')], q(A::StartTyping), "key-edit-answer", &[ch('e')], When::Rating),
        row(&[ch('r')], q(A::Reveal), "key-reveal", NONE, When::Rating),
        // Typed answers.
        row(
            &[k(Enter), ch('e'), ch('i')],
            q(A::StartTyping),
            "key-type-answer",
            &[k(Enter), ch('e')],
            When::Writing,
        ),
        row(&[ch('r')], q(A::Reveal), "key-reveal", &[ch('r')], When::CanReveal),
        // A one-line field: digits and the other characters bound to nothing start typing.
        row(&[Key::AnyChar], q(A::TypeAhead), "key-type-answer", NONE, When::Field),
        // Every kind.
        row(&[ch('h')], q(A::Hint), "key-hint", &[ch('h')], When::Always),
        row(&[k(Tab)], q(A::NextPane), "key-next-pane-scroll", &[k(Tab)], When::Always),
        row(&[k(BackTab)], q(A::PreviousPane), "key-previous-pane", NONE, When::Always),
        // The arrows scroll the other panes (and move in the answer's list).
        row(UP, q(A::Up), "key-scroll", NONE, When::Always),
        row(DOWN, q(A::Down), "key-scroll", NONE, When::Always),
        row(
            &[ch('n'), k(Right), k(PageDown)],
            q(A::Next),
            "key-next-prev-question",
            &[ch('n'), ch('p')],
            When::Always,
        ),
        row(
            &[ch('p'), k(Left), k(PageUp)],
            q(A::Previous),
            "key-next-prev-question",
            NONE,
            When::Always,
        ),
        row(&[ch('t')], q(A::Lab), "key-lab", &[ch('t')], When::Always),
        row(&[ch('R')], q(A::Reset), "key-reset-question", &[ch('R')], When::Always),
    ]
};

#[rustfmt::skip]
static TYPING: &[Row] = {
    use TypingAction as A;
    const fn t(a: A) -> Action {
        Action::Typing(a)
    }
    const SUBMIT: &[Key] = &[
        Key::Ctrl(KeyCode::Char('s')),
        Key::Ctrl(KeyCode::Char('d')),
        Key::Ctrl(Enter),
        Key::Alt(KeyCode::Char('s')),
        Key::Alt(KeyCode::Char('d')),
        Key::Alt(Enter),
    ];
    &[
        row(&[k(Enter)], t(A::Submit), "key-submit", &[k(Enter)], When::SingleLine),
        row(&[k(Enter)], t(A::NewLine), "key-new-line", &[k(Enter)], When::MultiLine),
        row(
            &[Key::Ctrl(KeyCode::Char('s'))],
            t(A::Submit),
            "key-submit",
            &[Key::Ctrl(KeyCode::Char('s'))],
            When::MultiLine,
        ),
        row(SUBMIT, t(A::Submit), "key-submit", NONE, When::Always),
        row(&[k(Esc)], t(A::Stop), "key-stop-typing", &[k(Esc)], When::Always),
        row(&[k(Tab)], t(A::NextPane), "key-next-pane", &[k(Tab)], When::Always),
        row(&[k(F(1))], Action::Help, "key-help", &[k(F(1))], When::Always),
        row(
            &[Key::Ctrl(KeyCode::Char('u'))],
            t(A::ClearToStart),
            "key-clear-to-start",
            &[Key::Ctrl(KeyCode::Char('u'))],
            When::Always,
        ),
        row(
            &[Key::Ctrl(KeyCode::Char('w'))],
            t(A::DeleteWord),
            "key-delete-word",
            &[Key::Ctrl(KeyCode::Char('w'))],
            When::Always,
        ),
        row(&[Key::AnyChar], t(A::Insert), "key-type", NONE, When::Always),
        row(&[k(Backspace)], t(A::Backspace), "key-erase-back", NONE, When::Always),
        row(&[k(Delete)], t(A::Delete), "key-erase", NONE, When::Always),
        row(&[k(Left)], t(A::Left), "key-cursor", NONE, When::Always),
        row(&[k(Right)], t(A::Right), "key-cursor", NONE, When::Always),
        row(&[k(Up)], t(A::Up), "key-cursor", NONE, When::Always),
        row(&[k(Down)], t(A::Down), "key-cursor", NONE, When::Always),
        row(&[k(Home)], t(A::Home), "key-line-start", NONE, When::Always),
        row(&[k(End)], t(A::End), "key-line-end", NONE, When::Always),
    ]
};

#[rustfmt::skip]
static REPORT: &[Row] = {
    use ReportAction as A;
    const fn r(a: A) -> Action {
        Action::Report(a)
    }
    &[
        HELP,
        QUIT,
        row(&[k(Up), ch('k')], r(A::Up), "key-move", ARROWS, When::Always),
        row(&[k(Down), ch('j')], r(A::Down), "key-move", NONE, When::Always),
        row(&[k(Enter)], r(A::Review), "key-review-question", &[k(Enter)], When::Always),
        row(
            &[k(Esc), k(Left), ch('h')],
            r(A::Back),
            "key-question-list",
            &[k(Esc)],
            When::Always,
        ),
    ]
};

#[rustfmt::skip]
static LAB: &[Row] = {
    use LabAction as A;
    const fn b(a: A) -> Action {
        Action::Lab(a)
    }
    &[
        HELP,
        QUIT,
        row(&[k(Up), ch('k')], b(A::Up), "key-choose-setting", ARROWS, When::Always),
        row(&[k(Down), ch('j')], b(A::Down), "key-choose-setting", NONE, When::Always),
        row(&[k(Enter), ch('e')], b(A::Edit), "key-edit-switch", &[k(Enter)], When::Always),
        row(&[ch(' '), k(Left), k(Right)], b(A::Switch), "key-switch", NONE, When::Always),
        // One row shows both (the help lists `x`, idle or not); each key its own action.
        row(&[ch('s')], b(A::Start), "lab-key-start-stop", &[ch('s'), ch('x')], When::Always),
        row(&[ch('x')], b(A::Stop), "key-stop-run", NONE, When::Always),
        row(&[ch('c')], b(A::Clear), "key-clear-curves", &[ch('c')], When::Idle),
        row(&[ch('l')], b(A::LogScale), "key-log-scale", &[ch('l')], When::Always),
        row(&[k(Esc)], b(A::Back), "key-back", &[k(Esc)], When::Always),
    ]
};

#[rustfmt::skip]
static LAB_TYPING: &[Row] = {
    use LabTypingAction as A;
    const fn b(a: A) -> Action {
        Action::LabTyping(a)
    }
    &[
        row(&[Key::AnyChar], b(A::Insert), "key-type-value", &[Key::AnyChar], When::Always),
        row(
            &[k(Enter), k(Esc), k(Tab)],
            b(A::Done),
            "key-done",
            &[k(Enter), k(Esc)],
            When::Always,
        ),
        row(&[k(Backspace)], b(A::Backspace), "key-erase-back", NONE, When::Always),
    ]
};

#[rustfmt::skip]
static CONFIRM: &[Row] = &[
    row(
        &[ch('y'), ch('o'), k(Enter)],
        Action::Confirm(ConfirmAction::Yes),
        "key-yes",
        &[ch('y'), ch('o')],
        When::Always,
    ),
    row(&[Key::Any], Action::Confirm(ConfirmAction::No), "key-no", &[Key::Any], When::Always),
];

#[rustfmt::skip]
static HELP_ROWS: &[Row] = &[row(
    &[k(Esc), ch('?'), ch('q'), k(F(1)), k(Enter)],
    Action::CloseHelp,
    "key-close-help",
    &[k(Esc), ch('?')],
    When::Always,
)];

/// The rows of a context, in the order shown, its own before the global ones.
pub fn rows(ctx: Context) -> impl Iterator<Item = &'static Row> {
    let (own, global): (&'static [Row], &'static [Row]) = match ctx {
        Context::List => (LIST, GLOBAL),
        Context::Question => (QUESTION, GLOBAL),
        Context::Typing => (TYPING, GLOBAL),
        Context::Report => (REPORT, GLOBAL),
        Context::Lab => (LAB, GLOBAL),
        Context::LabTyping => (LAB_TYPING, GLOBAL),
        Context::Confirm => (CONFIRM, &[]),
        Context::Help => (HELP_ROWS, &[]),
    };
    own.iter().chain(global.iter())
}

/// The row a key triggers in `ctx`, given which conditions hold.
pub fn lookup(ctx: Context, key: &KeyEvent, holds: impl Fn(When) -> bool) -> Option<&'static Row> {
    (0..=3).find_map(|level| {
        rows(ctx)
            .find(|r| holds(r.when) && r.keys.iter().any(|p| p.level() == level && p.matches(key)))
    })
}

fn is_arrow(c: KeyCode) -> bool {
    matches!(c, Up | Down | Left | Right)
}

fn code_name(c: KeyCode, lang: Lang) -> String {
    match c {
        Up => "↑".into(),
        Down => "↓".into(),
        Left => "←".into(),
        Right => "→".into(),
        Enter => crate::tr!(lang, "key-name-enter"),
        Esc => crate::tr!(lang, "key-name-esc"),
        Tab => crate::tr!(lang, "key-name-tab"),
        BackTab => crate::tr!(lang, "key-name-backtab"),
        Backspace => crate::tr!(lang, "key-name-backspace"),
        Delete => crate::tr!(lang, "key-name-delete"),
        Home => crate::tr!(lang, "key-name-home"),
        End => crate::tr!(lang, "key-name-end"),
        PageUp => crate::tr!(lang, "key-name-page-up"),
        PageDown => crate::tr!(lang, "key-name-page-down"),
        KeyCode::Char(' ') => crate::tr!(lang, "key-name-space"),
        KeyCode::Char(c) => c.to_string(),
        F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    }
}

/// A key's name as the footer writes it: `Enter` (`Entrée`), `Ctrl+S`, `⇧↑`, `j`.
pub fn key_name(key: Key, lang: Lang) -> String {
    let upper = |c: KeyCode| match c {
        KeyCode::Char(ch) => ch.to_uppercase().to_string(),
        other => code_name(other, lang),
    };
    match key {
        Key::Plain(c) => code_name(c, lang),
        Key::Shift(c) => format!("⇧{}", code_name(c, lang)),
        Key::Ctrl(c) => crate::tr!(lang, "key-name-ctrl", key = upper(c)),
        Key::Alt(c) => crate::tr!(lang, "key-name-alt", key = upper(c)),
        Key::AnyChar => crate::tr!(lang, "key-name-characters"),
        Key::Any => crate::tr!(lang, "key-name-any"),
    }
}

/// Keys as the footer lists them: separated by spaces, arrows written together
/// (`↑↓ j k`, `K J ⇧↑↓`).
pub fn keys_label(keys: &[Key], lang: Lang) -> String {
    let mut out = String::new();
    let mut prev: Option<Key> = None;
    for &key in keys {
        let joined = match (prev, key) {
            (Some(Key::Plain(a)), Key::Plain(b)) | (Some(Key::Shift(a)), Key::Shift(b)) => {
                is_arrow(a) && is_arrow(b)
            }
            _ => false,
        };
        if joined {
            let (Key::Plain(c) | Key::Shift(c)) = key else {
                unreachable!("joined keys are arrows")
            };
            out.push_str(&code_name(c, lang));
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&key_name(key, lang));
        }
        prev = Some(key);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_join_arrows_and_name_keys_per_language() {
        let (en, fr) = (Lang::en(), Lang::fr());
        assert_eq!(keys_label(ARROWS_JK, en), "↑↓ j k");
        assert_eq!(
            keys_label(&[ch('K'), ch('J'), Key::Shift(Up), Key::Shift(Down)], en),
            "K J ⇧↑↓"
        );
        assert_eq!(keys_label(&[k(Enter), ch('e')], en), "Enter e");
        assert_eq!(keys_label(&[k(Enter), k(Esc)], fr), "Entrée Échap");
        assert_eq!(keys_label(&[Key::Ctrl(KeyCode::Char('s'))], en), "Ctrl+S");
        assert_eq!(keys_label(&[ch(' ')], fr), "Espace");
    }

    #[test]
    fn the_most_specific_key_wins() {
        let shift_up = KeyEvent::new(Up, KeyModifiers::SHIFT);
        let row = lookup(Context::Question, &shift_up, |w| {
            matches!(w, When::Ordering | When::Always)
        })
        .unwrap();
        assert_eq!(row.action, Action::Question(QuestionAction::StepUp));
        // Not an ordering question: Shift+↑ moves as ↑ does.
        let row = lookup(Context::Question, &shift_up, |w| w == When::Always).unwrap();
        assert_eq!(row.action, Action::Question(QuestionAction::Up));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let row = lookup(Context::Lab, &ctrl_c, |_| true).unwrap();
        assert_eq!(row.action, Action::Quit);
        let row = lookup(Context::Confirm, &Key::Plain(Esc).example(), |_| true).unwrap();
        assert_eq!(row.action, Action::Confirm(ConfirmAction::No));
    }

    #[test]
    fn every_row_has_keys_and_shows_only_keys_of_its_context() {
        for ctx in CONTEXTS {
            for r in rows(ctx) {
                assert!(!r.keys.is_empty(), "{ctx:?}: {r:?}");
                for s in r.shown {
                    assert!(
                        rows(ctx).any(|o| o.keys.contains(s)),
                        "{ctx:?}: {s:?} is shown but bound to nothing"
                    );
                }
            }
        }
    }
}
