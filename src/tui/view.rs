//! Views: pure functions of `&State` that draw a frame.

use super::app::{Confirm, LiveTrace, Pane, Screen, State};
use super::lab::{field_name, Run, FIELDS};
use crate::core::feedback::{feedback_lines, verdict_text};
use crate::core::grade::Verdict;
use crate::core::i18n::Lang;
use crate::core::pack::{Ask, Kind, Question};
use crate::core::progress::Mode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Axis, Block, Borders, Chart, Clear, Dataset, Gauge, GraphType, Paragraph, Wrap,
};
use ratatui::Frame;

/// Smallest terminal the interface lays out for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Colours, or none at all when NO_COLOR is set.
#[derive(Clone, Copy)]
struct Theme {
    color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    fn accent(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    fn good(self) -> Style {
        self.fg(Color::Green)
    }
    fn bad(self) -> Style {
        self.fg(Color::Red)
    }
    fn partial(self) -> Style {
        self.fg(Color::Yellow)
    }
    fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
    fn selected(self) -> Style {
        if self.color {
            Style::default().bg(Color::Blue).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    fn verdict(self, v: Option<Verdict>) -> Style {
        match v {
            Some(Verdict::Correct) => self.good(),
            Some(Verdict::Partial) => self.partial(),
            Some(Verdict::Wrong) => self.bad(),
            None => Style::default(),
        }
    }
    fn border(self, focused: bool) -> Style {
        if focused {
            self.accent()
        } else {
            self.dim()
        }
    }
}

/// Draw the whole interface.
pub fn draw(f: &mut Frame, s: &State) {
    let area = f.area();
    let t = Theme { color: s.color };
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        draw_too_small(f, area, s.lang);
        return;
    }
    let [header, body, footer] = frame_areas(area);
    draw_header(f, header, s, t);
    match s.screen {
        Screen::List => draw_list(f, body, s, t),
        Screen::Question => draw_question(f, body, s, t),
        Screen::Report => draw_report(f, body, s, t),
        Screen::Lab => draw_lab(f, body, s, t),
    }
    draw_footer(f, footer, s, t);
    if s.help {
        draw_help(f, area, s, t);
    }
    if let Some(c) = s.confirm {
        draw_confirm(f, area, s, c, t);
    }
}

fn draw_too_small(f: &mut Frame, area: Rect, lang: Lang) {
    let msg = match lang.pick() {
        crate::core::i18n::Pick::En => format!(
            "Terminal too small: {}x{}. mltutor needs at least {}x{}: enlarge the window (q quits).",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        ),
        crate::core::i18n::Pick::Fr => format!(
            "Terminal trop petit : {}x{}. mltutor a besoin d'au moins {}x{} : agrandissez la fenêtre (q pour quitter).",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        ),
    };
    f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
}

fn mode_name(m: Mode, lang: Lang) -> &'static str {
    match m {
        Mode::SelfCheck => lang.t("self-check", "auto-évaluation"),
        Mode::Exam => lang.t("exam", "examen"),
    }
}

fn clock(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

fn draw_header(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let (answered, score) = s.totals();
    let n = s.questions.len();
    let mut right = format!("{} {answered}/{n}", s.lang.t("answered", "répondu"));
    if s.feedback_visible() {
        right += &format!(" · {} {:.1}/{n}", s.lang.t("score", "score"), score);
    }
    if s.mode == Mode::Exam {
        match (s.exam.limit_secs, s.exam.submitted) {
            (_, true) => right += &format!(" · {}", s.lang.t("submitted", "remis")),
            (Some(l), false) => {
                right += &format!(" · ⏱ {}", clock(l.saturating_sub(s.exam.elapsed_secs)))
            }
            (None, false) => right += &format!(" · ⏱ {}", clock(s.exam.elapsed_secs)),
        }
    }
    let left = format!(" {} — {} ", s.pack.meta.title, mode_name(s.mode, s.lang));
    let pad =
        (area.width as usize).saturating_sub(left.chars().count() + right.chars().count() + 1);
    let line = Line::from(vec![
        Span::styled(left, t.accent()),
        Span::raw(" ".repeat(pad)),
        Span::raw(right),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

/// The keys shown in the footer and the help of each screen: (keys, what).
pub fn keys(s: &State) -> Vec<(&'static str, &'static str)> {
    let l = s.lang;
    let mut v: Vec<(&'static str, &'static str)> = Vec::new();
    let typing = (s.screen == Screen::Question && s.editing)
        || (s.screen == Screen::Lab && s.lab.editing_field);
    if !typing {
        v.push(("?", l.t("help", "aide")));
        v.push(("q", l.t("quit", "quitter")));
    }
    match s.screen {
        Screen::List => {
            v.push(("↑↓ j k", l.t("move", "se déplacer")));
            v.push(("Enter", l.t("open the question", "ouvrir la question")));
            v.push((
                "c",
                l.t("continue where you left off", "reprendre où vous en étiez"),
            ));
            if s.mode == Mode::Exam && !s.exam.submitted {
                v.push(("s", l.t("submit the exam", "remettre l'épreuve")));
            }
            if s.mode == Mode::Exam && s.exam.submitted {
                v.push(("r", l.t("report", "rapport")));
            }
            v.push(("t", l.t("training lab", "labo d'entraînement")));
            v.push(("R", l.t("reset the whole pack", "tout réinitialiser")));
        }
        Screen::Question if s.editing => {
            v.push((
                "Enter",
                if s.qs().input.multiline {
                    l.t("new line", "nouvelle ligne")
                } else {
                    l.t("submit", "valider")
                },
            ));
            if s.qs().input.multiline {
                v.push(("Ctrl+S", l.t("submit", "valider")));
            }
            v.push(("Esc", l.t("stop typing", "arrêter la saisie")));
            v.push(("Tab", l.t("next pane", "panneau suivant")));
            v.push(("F1", l.t("help", "aide")));
        }
        Screen::Question => {
            let q = s.question();
            match &q.kind {
                Kind::Choice { .. }
                | Kind::Computed {
                    ask: Ask::ParameterFree,
                    ..
                } => {
                    v.push(("↑↓ j k", l.t("move", "se déplacer")));
                    v.push(("Space", l.t("select", "choisir")));
                    v.push(("Enter", l.t("submit", "valider")));
                }
                Kind::Order { .. } => {
                    v.push(("↑↓ j k", l.t("move", "se déplacer")));
                    v.push((
                        "K J ⇧↑↓",
                        l.t("move the step up/down", "monter/descendre l'étape"),
                    ));
                    v.push(("Enter", l.t("submit", "valider")));
                }
                Kind::Open { .. } if s.qs().revealed => {
                    v.push(("↑↓", l.t("move", "se déplacer")));
                    v.push(("Space", l.t("tick a key point", "cocher un point clé")));
                    v.push(("Enter", l.t("record my rating", "enregistrer ma note")));
                    v.push(("e", l.t("edit my answer", "modifier ma réponse")));
                }
                _ => {
                    v.push(("Enter e", l.t("type the answer", "saisir la réponse")));
                    if matches!(q.kind, Kind::Open { .. }) && s.feedback_visible() {
                        v.push(("r", l.t("reveal the reference", "voir la référence")));
                    }
                }
            }
            v.push(("h", l.t("hint", "indice")));
            v.push((
                "Tab",
                l.t("next pane (↑↓ scroll)", "panneau suivant (↑↓ défile)"),
            ));
            v.push((
                "n p",
                l.t("next/previous question", "question suivante/précédente"),
            ));
            v.push(("t", l.t("training lab", "labo d'entraînement")));
            v.push(("R", l.t("reset this question", "réinitialiser la question")));
            v.push(("Esc", l.t("question list", "liste des questions")));
        }
        Screen::Report => {
            v.push(("↑↓", l.t("move", "se déplacer")));
            v.push(("Enter", l.t("review the question", "revoir la question")));
            v.push(("Esc", l.t("question list", "liste des questions")));
        }
        Screen::Lab if s.lab.editing_field => {
            v.push(("0-9 .", l.t("type the value", "saisir la valeur")));
            v.push(("Enter Esc", l.t("done", "terminé")));
        }
        Screen::Lab => {
            v.push(("↑↓", l.t("choose a setting", "choisir un réglage")));
            v.push(("Enter", l.t("edit / switch", "modifier / basculer")));
            if s.lab.running {
                v.push(("x", l.t("stop the run", "arrêter l'entraînement")));
            } else {
                v.push(("s", l.t("start training", "lancer l'entraînement")));
                v.push(("c", l.t("clear the curves", "effacer les courbes")));
            }
            v.push(("l", l.t("log scale", "échelle log")));
            v.push(("Esc", l.t("back", "retour")));
        }
    }
    v
}

fn draw_footer(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let [status, hints] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let msg = s
        .status
        .clone()
        .or_else(|| s.lab.status.clone())
        .unwrap_or_default();
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

fn state_text(s: &State, i: usize) -> (String, Style) {
    let q = &s.questions[i];
    let t = Theme { color: s.color };
    let l = s.lang;
    if q.pending {
        return (l.t("computing…", "calcul…").into(), t.dim());
    }
    if q.answer.is_none() {
        return (l.t("unanswered", "sans réponse").into(), t.dim());
    }
    if !s.feedback_visible() {
        return (l.t("answered", "répondu").into(), Style::default());
    }
    match q.verdict() {
        Some(v) => (
            format!(
                "{} ({:.0}%)",
                verdict_text(v, l),
                q.score.unwrap_or(0.0) * 100.0
            ),
            t.verdict(Some(v)),
        ),
        None => (l.t("to rate", "à évaluer").into(), t.partial()),
    }
}

/// A row of a question list, highlighted under the cursor.
fn cursor_line(spans: Vec<Span<'static>>, selected: bool, t: Theme) -> Line<'static> {
    if selected {
        Line::from(
            spans
                .into_iter()
                .map(|sp| sp.patch_style(t.selected()))
                .collect::<Vec<_>>(),
        )
    } else {
        Line::from(spans)
    }
}

/// The frame: a header line, the body, two footer lines.
fn frame_areas(area: Rect) -> [Rect; 3] {
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
    if size.0 < MIN_SIZE.0 || size.1 < MIN_SIZE.1 {
        return None;
    }
    let [_, body, _] = frame_areas(area);
    let inner = Block::bordered().inner(body);
    if !inner.contains(ratatui::layout::Position::new(column, row)) {
        return None;
    }
    let i = (row - inner.y) as usize;
    (i < n).then_some(i)
}

fn draw_list(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let block = Block::bordered()
        .title(format!(" {} ", s.lang.t("Questions", "Questions")))
        .border_style(t.border(true));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = Vec::new();
    for (i, q) in s.pack.questions.iter().enumerate() {
        let (state, style) = state_text(s, i);
        let width = inner.width as usize;
        let title = format!("{:>4}  {}", q.number, q.title);
        let pad = width.saturating_sub(title.chars().count() + state.chars().count() + 2);
        let spans = vec![
            Span::raw(title),
            Span::raw(" ".repeat(pad)),
            Span::styled(state, style),
        ];
        lines.push(cursor_line(spans, i == s.list_cursor, t));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        match s.mode {
            Mode::SelfCheck => s.lang.t(
                "Self-check mode: feedback and the worked correction after each answer. Retry at will.",
                "Mode auto-évaluation : correction détaillée après chaque réponse. Réessayez à volonté.",
            ),
            Mode::Exam => s.lang.t(
                "Exam mode: no feedback until you submit (s). Then your score and a report.",
                "Mode examen : pas de correction avant la remise (s). Ensuite, votre score et un rapport.",
            ),
        },
        t.dim(),
    ));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Python code with simple syntax colouring.
fn code_lines(code: &str, t: Theme) -> Vec<Line<'static>> {
    const KEYWORDS: [&str; 8] = [
        "class", "def", "return", "super", "self", "import", "as", "True",
    ];
    code.lines()
        .map(|line| {
            let mut spans = Vec::new();
            let mut word = String::new();
            let flush = |word: &mut String, spans: &mut Vec<Span<'static>>| {
                if word.is_empty() {
                    return;
                }
                let style = if KEYWORDS.contains(&word.as_str()) || word == "False" {
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

fn statement_text(s: &State, q: &Question, t: Theme) -> Text<'static> {
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::styled(
        format!(
            "{} {} — {}",
            s.lang.t("Question", "Question"),
            q.number,
            q.title
        ),
        t.accent(),
    ));
    for l in q.statement.lines() {
        lines.push(Line::raw(l.to_string()));
    }
    if let Some(model) = q.code.as_deref().and_then(|m| s.pack.model(m)) {
        lines.push(Line::raw(""));
        lines.extend(code_lines(&crate::core::codegen::pytorch_code(model), t));
    }
    let st = s.qs();
    if st.hints_shown > 0 {
        lines.push(Line::raw(""));
        for (i, h) in q.hints.iter().take(st.hints_shown).enumerate() {
            lines.push(Line::styled(
                format!(
                    "{} {}/{}: {h}",
                    s.lang.t("Hint", "Indice"),
                    i + 1,
                    q.hints.len()
                ),
                t.partial(),
            ));
        }
    }
    Text::from(lines)
}

fn answer_lines(s: &State, q: &Question, t: Theme) -> Vec<Line<'static>> {
    let st = s.qs();
    let focused = s.focus == Pane::Answer;
    let cursor_style = |i: usize| {
        if focused && i == st.cursor {
            t.selected()
        } else {
            Style::default()
        }
    };
    match &q.kind {
        Kind::Choice { .. }
        | Kind::Computed {
            ask: Ask::ParameterFree,
            ..
        } if !st.options.is_empty() => {
            let radio = matches!(
                q.kind,
                Kind::Choice {
                    multiple: false,
                    ..
                }
            );
            st.options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let mark = match (radio, st.selected[i]) {
                        (true, true) => "(•)",
                        (true, false) => "( )",
                        (false, true) => "[x]",
                        (false, false) => "[ ]",
                    };
                    Line::styled(format!("{mark} {o}"), cursor_style(i))
                })
                .collect()
        }
        Kind::Order { steps } => st
            .order
            .iter()
            .enumerate()
            .map(|(pos, &step)| {
                Line::styled(format!("{}. {}", pos + 1, steps[step]), cursor_style(pos))
            })
            .collect(),
        Kind::Open {
            key_points,
            reference,
        } => {
            let mut v: Vec<Line> = st
                .input
                .lines()
                .iter()
                .map(|l| Line::raw(l.clone()))
                .collect();
            if st.input.is_empty() && !s.editing {
                v = vec![Line::styled(
                    s.lang
                        .t(
                            "(press Enter to write your answer)",
                            "(Entrée pour écrire votre réponse)",
                        )
                        .to_string(),
                    t.dim(),
                )];
            }
            if st.revealed {
                v.push(Line::raw(""));
                v.push(Line::styled(
                    format!("{} {reference}", s.lang.t("Reference:", "Référence :")),
                    t.good(),
                ));
                v.push(Line::styled(
                    s.lang
                        .t(
                            "Tick the key points your answer covers:",
                            "Cochez les points clés couverts par votre réponse :",
                        )
                        .to_string(),
                    t.dim(),
                ));
                for (i, k) in key_points.iter().enumerate() {
                    let mark = if st.ticked.get(i).copied().unwrap_or(false) {
                        "[x]"
                    } else {
                        "[ ]"
                    };
                    v.push(Line::styled(format!("{mark} {k}"), cursor_style(i)));
                }
            }
            v
        }
        _ => {
            let mut v = vec![Line::from(vec![
                Span::styled("> ", t.accent()),
                Span::raw(st.input.text()),
            ])];
            if st.input.is_empty() && !s.editing {
                v = vec![Line::styled(
                    s.lang
                        .t(
                            "(press Enter to type your answer)",
                            "(Entrée pour saisir votre réponse)",
                        )
                        .to_string(),
                    t.dim(),
                )];
            }
            if let Kind::Numeric { unit, .. } = &q.kind {
                if !unit.is_empty() {
                    v.push(Line::styled(
                        format!("{} {unit}", s.lang.t("unit:", "unité :")),
                        t.dim(),
                    ));
                }
            }
            if let Kind::Computed {
                ask: Ask::InputShape,
                ..
            } = &q.kind
            {
                v.push(Line::styled(
                    s.lang
                        .t(
                            "e.g. 3x40x40, (3, 40, 40), 3 40 40",
                            "ex. 3x40x40, (3, 40, 40), 3 40 40",
                        )
                        .to_string(),
                    t.dim(),
                ));
            }
            v
        }
    }
}

fn feedback_text(s: &State, q: &Question, t: Theme) -> Text<'static> {
    let st = s.qs();
    let mut lines: Vec<Line> = Vec::new();
    if st.pending {
        lines.push(Line::styled(
            s.lang
                .t("Running the model…", "Exécution du modèle…")
                .to_string(),
            t.dim(),
        ));
    }
    if let (Some(v), true) = (st.verdict(), s.feedback_visible()) {
        lines.push(Line::styled(
            format!(
                "{} — {:.0}%",
                verdict_text(v, s.lang),
                st.score.unwrap_or(0.0) * 100.0
            ),
            t.verdict(Some(v)).add_modifier(Modifier::BOLD),
        ));
        for fb in &st.feedback {
            for l in feedback_lines(fb, s.lang) {
                let style = if l.starts_with('✓') {
                    t.good()
                } else if l.starts_with('✗') {
                    t.bad()
                } else {
                    Style::default()
                };
                lines.push(Line::styled(l, style));
            }
        }
        if !q.correction.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                s.lang.t("Correction", "Correction").to_string(),
                t.accent(),
            ));
            for l in q.correction.lines() {
                lines.push(Line::raw(l.to_string()));
            }
        }
        if let Some(crate::core::pack::Evidence::LinearFormula(m)) = &q.evidence {
            if let Some(ev) = s.facts.evidence.get(m) {
                lines.push(Line::raw(""));
                for l in crate::core::answer_key::linear_evidence_lines(ev, s.lang) {
                    lines.push(Line::raw(l));
                }
            }
        }
    }
    Text::from(lines)
}

/// The live model summary: layer table and totals, and for input-shape questions the
/// trace of what the student is typing.
fn model_text(s: &State, q: &Question, t: Theme) -> Text<'static> {
    let Kind::Computed { model, ask, .. } = &q.kind else {
        return Text::default();
    };
    let Some((_, summary)) = s.facts.models.get(model) else {
        return Text::raw(format!("model `{model}` unavailable"));
    };
    let l = s.lang;
    let mut lines = Vec::new();
    let st = s.qs();
    let input_question = *ask == Ask::InputShape;
    if input_question {
        match &st.trace {
            None => lines.push(Line::styled(
                l.t(
                    "Type a shape: the network runs on it as you type.",
                    "Tapez une forme : le réseau la traite au fil de la frappe.",
                )
                .to_string(),
                t.dim(),
            )),
            Some(LiveTrace::Unreadable(why)) => {
                lines.push(Line::styled(why.render(s.lang), t.partial()))
            }
            Some(LiveTrace::Runs(trace)) => {
                lines.push(Line::styled(
                    l.t("✓ runs:", "✓ passe :").to_string(),
                    t.good(),
                ));
                for (label, shape) in trace {
                    lines.push(Line::raw(format!("{label:<18} {shape}")));
                }
            }
            Some(LiveTrace::Breaks(why)) => {
                lines.push(Line::styled(
                    l.t("✗ breaks:", "✗ échoue :").to_string(),
                    t.bad(),
                ));
                lines.push(Line::raw(why.render(l)));
            }
        }
        lines.push(Line::raw(""));
    }
    // Parameter counts are part of the answer of 4a: shown once feedback is visible.
    let show_params = s.feedback_visible()
        && (st.score.is_some() || !matches!(ask, Ask::ParameterCount { .. } | Ask::ParameterFree));
    lines.push(Line::styled(
        format!(
            "{:<17}{:<12}{:>9}",
            l.t("layer", "couche"),
            l.t("output", "sortie"),
            l.t("params", "params")
        ),
        t.accent(),
    ));
    for r in &summary.rows {
        let p = if !show_params {
            "?".to_string()
        } else if r.counts.trainable + r.counts.buffers == 0 {
            "—".to_string()
        } else {
            l.num(r.counts.trainable + r.counts.buffers)
        };
        let shape = if input_question && !s.feedback_visible() {
            "…".into()
        } else {
            r.output.to_string()
        };
        lines.push(Line::raw(format!("{:<17}{:<12}{:>9}", r.label, shape, p)));
    }
    if show_params {
        lines.push(Line::styled(
            format!(
                "{:<29}{:>9}",
                l.t("total", "total"),
                l.num(summary.total_params())
            ),
            t.accent(),
        ));
        lines.push(Line::raw(format!(
            "{} {}",
            l.t("mult-adds:", "mult-adds :"),
            l.num(summary.mult_adds())
        )));
    }
    lines.push(Line::styled(
        l.t("(computed with candle)", "(calculé avec candle)")
            .to_string(),
        t.dim(),
    ));
    Text::from(lines)
}

fn pane_block(title: String, focused: bool, t: Theme) -> Block<'static> {
    Block::bordered()
        .title(title)
        .border_style(t.border(focused))
}

fn draw_question(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let q = s.question();
    let st = s.qs();
    let computed = matches!(q.kind, Kind::Computed { .. });
    let wide = area.width >= 110;
    let (main, side) = if computed && wide {
        let [m, sd] = Layout::horizontal([Constraint::Min(60), Constraint::Length(44)]).areas(area);
        (m, Some(sd))
    } else {
        (area, None)
    };
    let show_feedback = s.feedback_visible() && (st.score.is_some() || st.pending);
    let answer_h = (answer_lines(s, q, t).len() as u16 + 2).clamp(3, main.height / 2);
    let constraints = if show_feedback {
        vec![
            Constraint::Percentage(40),
            Constraint::Length(answer_h),
            Constraint::Min(4),
        ]
    } else {
        vec![Constraint::Min(4), Constraint::Length(answer_h)]
    };
    let parts = Layout::vertical(constraints).split(main);
    // On narrow screens the model pane replaces the statement while it has the focus.
    let (top_title, top_text, top_scroll, top_focused) = if side.is_none() && s.focus == Pane::Model
    {
        (
            format!(" {} ", s.lang.t("Model (live)", "Modèle (en direct)")),
            model_text(s, q, t),
            st.scroll[2],
            true,
        )
    } else {
        let hint = if computed && side.is_none() {
            s.lang.t(" — Tab: model", " — Tab : modèle")
        } else {
            ""
        };
        (
            format!(
                " {} {}/{}{hint} ",
                s.lang.t("Statement", "Énoncé"),
                s.current + 1,
                s.questions.len()
            ),
            statement_text(s, q, t),
            st.scroll[0],
            s.focus == Pane::Statement,
        )
    };
    f.render_widget(
        Paragraph::new(top_text)
            .wrap(Wrap { trim: false })
            .scroll((top_scroll, 0))
            .block(pane_block(top_title, top_focused, t)),
        parts[0],
    );
    let hints = if q.hints.is_empty() {
        String::new()
    } else {
        format!(
            " · {} {}/{}",
            s.lang.t("hints", "indices"),
            st.hints_shown,
            q.hints.len()
        )
    };
    let answer_title = format!(" {}{hints} ", s.lang.t("Your answer", "Votre réponse"));
    let answer_block = pane_block(answer_title, s.focus == Pane::Answer, t);
    let inner = answer_block.inner(parts[1]);
    let lines = answer_lines(s, q, t);
    // Keep the cursor line visible in long lists.
    let scroll = (st.cursor as u16).saturating_sub(inner.height.saturating_sub(1));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(answer_block),
        parts[1],
    );
    if s.editing && inner.width > 2 {
        let (row, col) = st.input.cursor();
        let prefix = if st.input.multiline { 0 } else { 2 };
        let x = inner.x + ((prefix + col) as u16).min(inner.width - 1);
        let y = inner.y + (row as u16).min(inner.height.saturating_sub(1));
        f.set_cursor_position((x, y));
    }
    if show_feedback {
        f.render_widget(
            Paragraph::new(feedback_text(s, q, t))
                .wrap(Wrap { trim: false })
                .scroll((st.scroll[1], 0))
                .block(pane_block(
                    format!(" {} ", s.lang.t("Feedback", "Correction")),
                    s.focus == Pane::Feedback,
                    t,
                )),
            parts[2],
        );
    }
    if let Some(side) = side {
        f.render_widget(
            Paragraph::new(model_text(s, q, t))
                .wrap(Wrap { trim: false })
                .scroll((st.scroll[2], 0))
                .block(pane_block(
                    format!(" {} ", s.lang.t("Model (live)", "Modèle (en direct)")),
                    s.focus == Pane::Model,
                    t,
                )),
            side,
        );
    }
}

fn draw_report(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let l = s.lang;
    let block = Block::bordered()
        .title(format!(" {} ", l.t("Exam report", "Rapport d'examen")))
        .border_style(t.border(true));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = Vec::new();
    let (_, total) = s.totals();
    lines.push(Line::styled(
        format!(
            "{} {:.2} / {}   ({} {})",
            l.t("Total:", "Total :"),
            total,
            s.questions.len(),
            l.t("time", "durée"),
            clock(s.exam.elapsed_secs)
        ),
        t.accent(),
    ));
    lines.push(Line::raw(""));
    for (i, q) in s.pack.questions.iter().enumerate() {
        let (state, style) = state_text(s, i);
        let mut spans = vec![
            Span::raw(format!(
                "{:>4}  {:<34}",
                q.number,
                q.title.chars().take(33).collect::<String>()
            )),
            Span::styled(state, style),
        ];
        if matches!(q.kind, Kind::Open { .. }) && s.questions[i].answer.is_some() {
            spans.push(Span::styled(
                format!("  {}", l.t("(self-rated)", "(auto-évaluée)")),
                t.dim(),
            ));
        }
        lines.push(cursor_line(spans, i == s.list_cursor, t));
    }
    lines.push(Line::raw(""));
    match &s.exam.report {
        Some((json, md)) => {
            lines.push(Line::raw(format!(
                "{} {}",
                l.t("Report written to", "Rapport écrit dans"),
                md.display()
            )));
            lines.push(Line::raw(format!(
                "{} {}",
                l.t("and", "et"),
                json.display()
            )));
        }
        None => lines.push(Line::styled(
            l.t("Writing the report…", "Écriture du rapport…")
                .to_string(),
            t.dim(),
        )),
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn draw_help(f: &mut Frame, area: Rect, s: &State, t: Theme) {
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
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::styled(
        s.lang
            .t(
                "mouse: a click opens a question, the wheel scrolls",
                "souris : clic sur une question, molette pour défiler",
            )
            .to_string(),
        t.dim(),
    ));
    lines.push(Line::styled(
        s.lang
            .t("Esc or ? closes this help", "Échap ou ? ferme cette aide")
            .to_string(),
        t.dim(),
    ));
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(format!(" {} ", s.lang.t("Keys", "Touches")))
                .border_style(t.accent()),
        ),
        popup,
    );
}

fn draw_confirm(f: &mut Frame, area: Rect, s: &State, c: Confirm, t: Theme) {
    let l = s.lang;
    let q = match c {
        Confirm::Quit => l.t(
            "Quit? Text you typed but did not submit is kept as a draft.",
            "Quitter ? Le texte saisi non validé est gardé en brouillon.",
        ),
        Confirm::ResetQuestion => l.t(
            "Erase your answer to this question?",
            "Effacer votre réponse à cette question ?",
        ),
        Confirm::ResetAll => l.t(
            "Erase every answer of this pack?",
            "Effacer toutes les réponses de ce pack ?",
        ),
        Confirm::Submit => l.t(
            "Submit the exam? Answers can no longer change.",
            "Remettre l'épreuve ? Les réponses ne pourront plus changer.",
        ),
    };
    let w = 60.min(area.width);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + area.height / 2 - 3,
        w,
        5,
    );
    f.render_widget(Clear, popup);
    let text = vec![
        Line::raw(q),
        Line::styled(
            l.t(
                "y: yes   any other key: no",
                "o/y : oui   autre touche : non",
            )
            .to_string(),
            t.accent(),
        ),
    ];
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(
            Block::bordered()
                .borders(Borders::ALL)
                .border_style(t.partial()),
        ),
        popup,
    );
}

fn lab_title(s: &State) -> String {
    use crate::core::pack::LabPreset::*;
    let l = s.lang;
    match s.lab.preset {
        Train => l.t("Training lab", "Labo d'entraînement"),
        Validation => l.t(
            "Validation lab: watch the validation loss turn up (overfitting)",
            "Labo validation : la perte de validation remonte (sur-apprentissage)",
        ),
        Speedup => l.t(
            "Speed-up lab: samples per second on each device",
            "Labo accélération : échantillons par seconde sur chaque matériel",
        ),
        DataQuality => l.t(
            "Data-quality lab: a clean set beside a flawed one",
            "Labo qualité des données : un jeu propre à côté d'un jeu défectueux",
        ),
    }
    .to_string()
}

fn draw_lab(f: &mut Frame, area: Rect, s: &State, t: Theme) {
    let lab = &s.lab;
    let [left, right] =
        Layout::horizontal([Constraint::Length(30), Constraint::Min(40)]).areas(area);
    // Settings.
    let mut lines = Vec::new();
    if let Some(cfg) = &lab.config {
        lines.push(Line::styled(
            format!("{} {}", s.lang.t("model:", "modèle :"), cfg.model.id),
            t.dim(),
        ));
    }
    for (i, (fld, text)) in FIELDS.iter().zip(&lab.texts).enumerate() {
        let style = if i == lab.cursor {
            t.selected()
        } else {
            Style::default()
        };
        let cursor = if i == lab.cursor && lab.editing_field {
            "▏"
        } else {
            ""
        };
        lines.push(Line::styled(
            format!("{:<17}{text}{cursor}", field_name(*fld, s.lang)),
            style,
        ));
    }
    if let Some(e) = &lab.error {
        lines.push(Line::raw(""));
        lines.push(Line::styled(e.clone(), t.bad()));
    }
    lines.push(Line::raw(""));
    for run in &lab.runs {
        lines.extend(run_lines(run, s.lang, t));
    }
    if lab.preset == crate::core::pack::LabPreset::Speedup {
        lines.extend(speedup_lines(s, t));
    }
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(format!(" {} ", s.lang.t("Settings", "Réglages")))
                .border_style(t.border(true)),
        ),
        left,
    );
    let [title, loss, acc, gauges] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(55),
        Constraint::Min(5),
        Constraint::Length(2),
    ])
    .areas(right);
    f.render_widget(
        Paragraph::new(Span::styled(lab_title(s), t.accent())),
        title,
    );
    draw_lab_charts(f, loss, acc, s, t);
    if let Some(run) = lab.runs.last() {
        let [g1, g2] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(gauges);
        let epoch_ratio = if run.epochs > 0 {
            (run.epoch as f64 / run.epochs as f64).min(1.0)
        } else {
            0.0
        };
        let in_epoch = if run.steps_per_epoch > 0 {
            let done = run
                .step
                .saturating_sub((run.epoch.saturating_sub(1)) * run.steps_per_epoch);
            (done as f64 / run.steps_per_epoch as f64).min(1.0)
        } else {
            0.0
        };
        f.render_widget(
            Gauge::default()
                .ratio(epoch_ratio)
                .label(format!(
                    "{} {}/{}",
                    s.lang.t("epoch", "époque"),
                    run.epoch,
                    run.epochs
                ))
                .gauge_style(t.good()),
            g1,
        );
        let eta = run
            .eta_s()
            .map(|e| format!(" · ETA {}", clock(e as u64)))
            .unwrap_or_default();
        f.render_widget(
            Gauge::default()
                .ratio(in_epoch)
                .label(format!(
                    "{} · {:.0} {}{eta}",
                    s.lang.t("batch", "batch"),
                    run.samples_per_s,
                    s.lang.t("samples/s", "éch./s")
                ))
                .gauge_style(t.fg(Color::Blue)),
            g2,
        );
    }
}

/// The speed-up lab's verdict: the measured ratio, or what a GPU would change.
fn speedup_lines(s: &State, t: Theme) -> Vec<Line<'static>> {
    let l = s.lang;
    let rate = |label: &str| {
        s.lab
            .runs
            .iter()
            .find(|r| r.label == label)
            .and_then(|r| r.summary.as_ref())
            .map(|x| x.samples_per_s)
    };
    let mut v = vec![Line::raw("")];
    match (rate("cpu"), rate("cuda")) {
        (Some(cpu), Some(gpu)) if cpu > 0.0 => v.push(Line::styled(
            format!("{} ×{:.1}", l.t("GPU speed-up:", "Accélération GPU :"), gpu / cpu),
            t.accent(),
        )),
        _ if !crate::engine::CUDA_BUILT => v.push(Line::styled(
            l.t(
                "This build has no CUDA, so only the CPU is measured. On a GPU the matrix products of the convolutions run on thousands of cores: for a ResNet, expect 10 to 100 times more samples per second (question 6); for a model this small, less, as sampling batches and launching kernels take their share.",
                "Cette version n'a pas CUDA : seul le CPU est mesuré. Sur GPU, les produits matriciels des convolutions tournent sur des milliers de cœurs : pour un ResNet, comptez 10 à 100 fois plus d'échantillons par seconde (question 6) ; pour un modèle aussi petit, moins, car l'échantillonnage des batches et le lancement des noyaux prennent leur part.",
            )
            .to_string(),
            t.dim(),
        )),
        _ => {}
    }
    v
}

fn run_lines(run: &Run, lang: Lang, t: Theme) -> Vec<Line<'static>> {
    let mut v = vec![Line::styled(
        format!("{} [{}]", run.label, run.device),
        t.accent(),
    )];
    if let Some(e) = &run.error {
        v.push(Line::styled(e.clone(), t.bad()));
    } else if let Some(sum) = &run.summary {
        v.push(Line::raw(format!(
            "{} {} · {} {:.1}%",
            lang.t("best epoch", "meilleure époque"),
            sum.best_epoch,
            lang.t("acc.", "préc."),
            sum.final_accuracy * 100.0
        )));
        v.push(Line::raw(format!(
            "{:.1} s · {:.0} {}{}",
            sum.elapsed_s,
            sum.samples_per_s,
            lang.t("samples/s", "éch./s"),
            if sum.stopped {
                lang.t(" (stopped)", " (arrêté)")
            } else {
                ""
            }
        )));
    } else if let Some(m) = &run.last_epoch {
        v.push(Line::raw(format!(
            "val {:.3} · {:.1}%",
            m.val_loss,
            m.val_accuracy * 100.0
        )));
    }
    v
}

fn draw_lab_charts(f: &mut Frame, loss_area: Rect, acc_area: Rect, s: &State, t: Theme) {
    let lab = &s.lab;
    let colours = [Color::Cyan, Color::Magenta, Color::Yellow, Color::Green];
    let tf = |y: f64| {
        if lab.log_scale {
            y.max(1e-4).log10()
        } else {
            y
        }
    };
    // (legend, points, style, drawn thick)
    type Curve = (String, Vec<(f64, f64)>, Style, bool);
    let mut owned: Vec<Curve> = Vec::new();
    for (i, run) in lab.runs.iter().enumerate() {
        let c = colours[i % colours.len()];
        let raw: Vec<(f64, f64)> = run
            .train_loss
            .points()
            .into_iter()
            .map(|(x, y)| (x, tf(y)))
            .collect();
        let smooth: Vec<(f64, f64)> = run
            .train_loss
            .smoothed(0.1)
            .iter()
            .map(|&(x, y)| (x, tf(y)))
            .collect();
        let val: Vec<(f64, f64)> = run
            .val_loss
            .points()
            .into_iter()
            .map(|(x, y)| (x, tf(y)))
            .collect();
        owned.push((String::new(), raw, t.dim(), false));
        owned.push((
            format!("{} {}", run.label, s.lang.t("train", "entr.")),
            smooth,
            t.fg(c),
            false,
        ));
        owned.push((
            format!("{} val", run.label),
            val,
            t.fg(c).add_modifier(Modifier::BOLD),
            true,
        ));
    }
    // The x axis spans the whole run, so curves grow instead of being rescaled.
    let planned = lab.runs.iter().map(|r| r.epochs).max().unwrap_or(1).max(1) as f64;
    let (mut xmax, mut ymin, mut ymax) = (planned, f64::INFINITY, f64::NEG_INFINITY);
    for (_, pts, _, _) in &owned {
        for &(x, y) in pts {
            xmax = xmax.max(x);
            ymin = ymin.min(y);
            ymax = ymax.max(y);
        }
    }
    if !ymin.is_finite() {
        ymin = 0.0;
        ymax = 1.0;
    }
    if ymax - ymin < 1e-6 {
        ymax = ymin + 1.0;
    }
    let datasets: Vec<Dataset> = owned
        .iter()
        .map(|(name, pts, style, scatter)| {
            let d = Dataset::default()
                .data(pts)
                .style(*style)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line);
            // Validation: one point per epoch, joined by a bold line.
            let d = if *scatter {
                d.marker(Marker::HalfBlock)
            } else {
                d
            };
            if name.is_empty() {
                d
            } else {
                d.name(name.clone())
            }
        })
        .collect();
    let ylab = |y: f64| {
        if lab.log_scale {
            format!("{:.3}", 10f64.powf(y))
        } else {
            format!("{y:.2}")
        }
    };
    let title = if lab.log_scale {
        s.lang.t(" Loss (log scale) ", " Perte (échelle log) ")
    } else {
        s.lang.t(" Loss ", " Perte ")
    };
    let empty = lab.runs.is_empty();
    let chart = Chart::new(datasets)
        .block(Block::bordered().title(title).border_style(t.dim()))
        .x_axis(
            Axis::default()
                .title(s.lang.t("epoch", "époque"))
                .bounds([0.0, xmax])
                .labels(vec![Line::raw("0"), Line::raw(format!("{xmax:.0}"))]),
        )
        .y_axis(
            Axis::default()
                .bounds([ymin, ymax])
                .labels(vec![Line::raw(ylab(ymin)), Line::raw(ylab(ymax))]),
        );
    if empty {
        let msg = s.lang.t(
            "Press s to start a run: the curves appear here as it trains.",
            "Appuyez sur s pour lancer un entraînement : les courbes apparaissent ici.",
        );
        f.render_widget(
            Paragraph::new(msg)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(title).border_style(t.dim())),
            loss_area,
        );
    } else {
        f.render_widget(chart, loss_area);
    }
    type AccCurve = (String, Vec<(f64, f64)>, Style);
    let accs: Vec<AccCurve> = lab
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                format!("{} val acc", r.label),
                r.val_acc
                    .points()
                    .into_iter()
                    .map(|(x, y)| (x, y * 100.0))
                    .collect(),
                t.fg(colours[i % colours.len()]),
            )
        })
        .collect();
    let ds: Vec<Dataset> = accs
        .iter()
        .map(|(n, p, st)| {
            Dataset::default()
                .name(n.clone())
                .data(p)
                .style(*st)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
        })
        .collect();
    let chart = Chart::new(ds)
        .block(
            Block::bordered()
                .title(
                    s.lang
                        .t(" Validation accuracy (%) ", " Précision en validation (%) "),
                )
                .border_style(t.dim()),
        )
        .x_axis(
            Axis::default()
                .bounds([0.0, xmax])
                .labels(vec![Line::raw("0"), Line::raw(format!("{xmax:.0}"))]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .labels(vec![Line::raw("0"), Line::raw("100")]),
        );
    f.render_widget(chart, acc_area);
}
