//! The terminal interface: a thin layer over the headless core.

pub mod app;
pub mod bindings;
pub mod keymap;
pub mod lab;
pub mod msg;
pub mod runtime;
pub mod state;
pub mod text;
pub mod update;
pub mod view;

use crate::core::i18n::Lang;
use crate::core::pack::Pack;
use crate::core::progress::{load, progress_path, Loaded, Mode};
use msg::{Effect, Msg};
use state::State;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;

/// What the student asked for on the command line.
pub struct TuiOptions {
    pub pack: Pack,
    pub lang: Lang,
    pub mode: Mode,
    pub data_dir: PathBuf,
    pub time_limit_min: Option<u64>,
    pub budget: u64,
}

/// Build the initial state and runtime pieces shared by the binary and the tests.
pub fn prepare(opts: &TuiOptions, tx: Sender<Msg>) -> (State, runtime::Runtime, Vec<Effect>) {
    let pack = Arc::new(opts.pack.clone());
    let facts = Arc::new(crate::engine::facts(&pack, opts.budget));
    let mut state = State::new(pack.clone(), facts.clone(), opts.lang, opts.mode);
    state.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    state.exam.limit_secs = opts.time_limit_min.map(|m| m * 60);
    let path = progress_path(&opts.data_dir, &pack.meta.id, opts.mode);
    let mut effects = Vec::new();
    match load(&path) {
        Loaded::Fresh => {}
        Loaded::Resumed(p) => {
            effects = state.resume(&p);
            state.status = Some(crate::tr!(
                opts.lang,
                "tui-welcome-back",
                key = keymap::key_name(
                    keymap::Key::Plain(crossterm::event::KeyCode::Char('c')),
                    opts.lang
                )
            ));
        }
        Loaded::MovedAside(to, why) => {
            state.status = Some(crate::tr!(
                opts.lang,
                "tui-progress-moved-aside",
                path = to.display().to_string(),
                why = why.to_string()
            ));
        }
    }
    let rt = runtime::Runtime::new(tx, pack, facts, path, opts.data_dir.join("reports"));
    (state, rt, effects)
}

/// Stop mouse reporting (the terminal would otherwise keep sending it to the shell).
fn release_mouse() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
}

/// Run the interface in the real terminal. The terminal is restored on every exit path:
/// `ratatui::init` installs a panic hook that restores it, and the guard covers errors.
pub fn run(opts: TuiOptions) -> std::io::Result<()> {
    // Leave the interface a core: bound the compute threads of training runs.
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let n = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        // SAFETY: no other thread exists yet at this point of start-up.
        std::env::set_var(
            "RAYON_NUM_THREADS",
            (n.saturating_sub(1)).max(1).to_string(),
        );
    }
    let (tx, rx) = channel();
    let (mut state, mut rt, effects) = prepare(&opts, tx.clone());
    for e in effects {
        rt.execute(e);
    }
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            release_mouse();
            ratatui::restore();
        }
    }
    let mut terminal = ratatui::init();
    let _restore = Restore;
    // ratatui's panic hook restores the screen; the mouse must be released too, first.
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        release_mouse();
        ratatui_hook(info);
    }));
    crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
    let input_tx = tx.clone();
    std::thread::Builder::new()
        .name("mltutor-input".into())
        .spawn(move || loop {
            use crossterm::event::{Event, MouseButton, MouseEventKind};
            let msg = match crossterm::event::read() {
                Ok(Event::Key(k)) => Msg::Key(k),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(Event::Mouse(m)) => match m.kind {
                    MouseEventKind::ScrollUp => Msg::Scroll { up: true },
                    MouseEventKind::ScrollDown => Msg::Scroll { up: false },
                    MouseEventKind::Down(MouseButton::Left) => Msg::Click {
                        column: m.column,
                        row: m.row,
                    },
                    _ => continue,
                },
                Ok(_) => continue,
                Err(_) => break,
            };
            if input_tx.send(msg).is_err() {
                break;
            }
        })?;
    if opts.mode == Mode::Exam {
        let tick_tx = tx.clone();
        std::thread::Builder::new()
            .name("mltutor-clock".into())
            .spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
                if tick_tx.send(Msg::Tick).is_err() {
                    break;
                }
            })?;
    }
    drop(tx);
    runtime::run_loop(&mut terminal, &mut state, &rx, &mut rt)?;
    Ok(())
}
