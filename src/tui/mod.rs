//! The terminal interface: a thin layer over the headless core.

pub mod app;
pub mod bindings;
pub mod guard;
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
    /// The student's name (exam mode); asked at the start when absent.
    pub student: Option<String>,
    /// `--variant N`: the variant of a pack with variables to open.
    pub variant: Option<u64>,
    /// The text the pack was read from, to draw the student's own variant of a pack with
    /// variables (`None`: the pack is used as given).
    pub source: Option<Arc<str>>,
    /// The folder the pack was read from: its models' `source:` paths are relative to it.
    pub source_dir: Option<PathBuf>,
}

/// Which variant of a pack with variables to open: `--variant`, else the one the save
/// records (a restart keeps it), else the student's own from their name (`--student`, or
/// the name saved); `None` when it waits for the name asked at the start of an exam.
fn wanted_variant(opts: &TuiOptions, loaded: &Loaded) -> Option<u64> {
    let saved = match loaded {
        Loaded::Resumed(p) => p
            .variant
            .and_then(|v| crate::core::variant::check_number(v).ok()),
        Loaded::Fresh | Loaded::MovedAside(..) => None,
    };
    let saved_student = match loaded {
        Loaded::Resumed(p) if opts.mode == Mode::Exam => p.student.clone(),
        Loaded::Resumed(_) | Loaded::Fresh | Loaded::MovedAside(..) => None,
    };
    let name = saved_student
        .or_else(|| opts.student.clone())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    opts.variant
        .or(saved)
        .or_else(|| name.map(|n| crate::core::variant::student_variant(&opts.pack.meta.id, &n)))
}

/// Keep a save made for another variant under a name of its own (`….variant-<N>`), so it
/// is neither mixed in nor lost. The new name, when it could be moved.
fn set_aside(path: &std::path::Path, variant: u64) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    (0..100u32)
        .map(|k| match k {
            0 => path.with_file_name(format!("{name}.variant-{variant}")),
            k => path.with_file_name(format!("{name}.variant-{variant}-{k}")),
        })
        .find(|target| target.symlink_metadata().is_err())
        .and_then(|target| std::fs::rename(path, &target).ok().map(|()| target))
}

/// The pack as given, or the variant `number` of its source; the message to show when that
/// variant could not be loaded (the pack as given is kept).
fn variant_of(opts: &TuiOptions, number: u64) -> (Pack, Option<String>) {
    if opts.pack.variant == Some(number) {
        return (opts.pack.clone(), None);
    }
    let Some(source) = &opts.source else {
        return (opts.pack.clone(), None);
    };
    let limit = crate::core::pack::MemoryLimit::given(opts.budget);
    match crate::core::check::load_text_variant_in(
        source,
        opts.source_dir.as_deref(),
        Some(limit),
        &crate::engine::CandleRunner,
        Some(number),
    ) {
        Ok((pack, _, _)) => (pack, None),
        Err(e) => (
            opts.pack.clone(),
            Some(crate::tr!(
                opts.lang,
                "variant-load-failed",
                number = number.to_string(),
                why = e
                    .render_in("", opts.lang)
                    .trim_start_matches(':')
                    .trim()
                    .to_string(),
                shown = opts.pack.variant.unwrap_or(0).to_string()
            )),
        ),
    }
}

/// Build the initial state and runtime pieces shared by the binary and the tests.
pub fn prepare(opts: &TuiOptions, tx: Sender<Msg>) -> (State, runtime::Runtime, Vec<Effect>) {
    let path = progress_path(&opts.data_dir, &opts.pack.meta.id, opts.mode);
    let mut loaded = load(&path);
    let mut note = None;
    let mut pending = false;
    let mut pack = opts.pack.clone();
    if opts.pack.variant.is_some() {
        let wanted = wanted_variant(opts, &loaded);
        if let (Some(w), Loaded::Resumed(p)) = (wanted, &loaded) {
            if let Some(other) = p.variant.filter(|v| *v != w) {
                let kept = set_aside(&path, other);
                note = Some(crate::tr!(
                    opts.lang,
                    "variant-save-set-aside",
                    saved = other.to_string(),
                    number = w.to_string(),
                    path = kept.unwrap_or_else(|| path.clone()).display().to_string()
                ));
                loaded = Loaded::Fresh;
            }
        }
        // An exam whose student is not known yet: the variant is drawn once the name is typed.
        pending = wanted.is_none() && opts.mode == Mode::Exam;
        let (p, failed) = variant_of(opts, wanted.unwrap_or(0));
        pack = p;
        note = note.or(failed);
    }
    let pack = Arc::new(pack);
    let facts = Arc::new(crate::engine::facts(&pack, opts.budget));
    let mut state = State::new(pack.clone(), facts.clone(), opts.lang, opts.mode);
    state.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    state.exam.limit_secs = opts.time_limit_min.map(|m| m * 60);
    state.install_id = crate::core::shuffle::install_id(&opts.data_dir);
    state.deal();
    let mut effects = apply_loaded(&mut state, loaded);
    if note.is_some() {
        state.status = note;
    }
    let mut rt =
        runtime::Runtime::new(tx, pack.clone(), facts, path, opts.data_dir.join("reports"));
    if pending {
        if let Some(source) = &opts.source {
            rt.pending_variant = Some(runtime::PendingVariant {
                source: source.clone(),
                dir: opts.source_dir.clone(),
                budget: opts.budget,
            });
        }
    }
    effects.extend(state.start_exam(crate::core::report::now_unix(), opts.student.clone()));
    // A name given on the command line has already chosen the variant; one typed later
    // chooses it then.
    rt.after_update(&mut state);
    (state, rt, effects)
}

/// Apply what was loaded from the save file: resume from it, once it is made to fit the
/// pack (a file that parses may come from another version of the pack, or be damaged),
/// and say so in the status line. Returns the grading work needed to rebuild feedback.
pub fn apply_loaded(state: &mut State, loaded: Loaded) -> Vec<Effect> {
    let lang = state.lang;
    match loaded {
        Loaded::Fresh => Vec::new(),
        Loaded::Resumed(p) => {
            let (p, repairs) = p.fit_to(&state.pack);
            let effects = state.resume(&p);
            state.status = Some(guard::repair_message(&repairs, lang).unwrap_or_else(|| {
                crate::tr!(
                    lang,
                    "tui-welcome-back",
                    key = keymap::key_name(
                        keymap::Key::Plain(crossterm::event::KeyCode::Char('c')),
                        lang
                    )
                )
            }));
            effects
        }
        Loaded::MovedAside(to, why) => {
            state.status = Some(crate::tr!(
                lang,
                "tui-progress-moved-aside",
                path = to.display().to_string(),
                why = why.to_string()
            ));
            Vec::new()
        }
    }
}

/// Stop mouse reporting (the terminal would otherwise keep sending it to the shell).
fn release_mouse() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
}

/// Give the terminal back as it was: mouse reporting off, the main screen, cooked mode and
/// a visible cursor. Safe to call more than once, from any thread.
fn restore_terminal() {
    release_mouse();
    ratatui::restore();
    let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
}

/// Run the interface in the real terminal. The terminal is restored on every exit path:
/// `ratatui::init` installs a panic hook that restores it, and the guard covers errors.
///
/// Without a terminal (input or output redirected) it says so and exits with status 2.
/// After a stop signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT) it stops training, saves, restores
/// the terminal and exits with status 128 + the signal.
pub fn run(opts: TuiOptions) -> std::io::Result<()> {
    if !guard::has_terminal() {
        eprintln!("{}", guard::no_terminal_message(opts.lang));
        std::process::exit(2);
    }
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
    // One instance per pack, mode and data folder: a second one would overwrite the
    // first's answers. The lock is taken before the save file is read.
    let lock =
        match crate::core::progress::acquire_lock(&opts.data_dir, &opts.pack.meta.id, opts.mode) {
            Ok(guard) => Ok(guard),
            Err(crate::core::progress::LockError::Locked { pid }) => {
                eprintln!("{}", guard::locked_message(opts.lang, pid, &opts.data_dir));
                std::process::exit(1);
            }
            Err(e) => Err(e),
        };
    let (tx, rx) = channel();
    let (mut state, mut rt, effects) = prepare(&opts, tx.clone());
    if let Err(e) = &lock {
        // Without a lock (a folder that cannot be written, say) the tutor still runs; the
        // student is told, and failed saves are shown as they happen.
        state.status = Some(guard::lock_failed_message(opts.lang, e, &opts.data_dir));
    }
    for e in effects {
        rt.execute(e);
    }
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            restore_terminal();
        }
    }
    let mut terminal = ratatui::init();
    let restore = Restore;
    guard::watch_signals(tx.clone(), restore_terminal)?;
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
                if tick_tx
                    .send(Msg::Clock(crate::core::report::now_unix()))
                    .is_err()
                {
                    break;
                }
            })?;
    }
    drop(tx);
    let looped = runtime::run_loop(&mut terminal, &mut state, &rx, &mut rt);
    if !state.quit {
        // The loop failed (the terminal went away): still stop training and save.
        for e in [state.save(), msg::Effect::StopTraining, msg::Effect::Quit] {
            rt.execute(e);
        }
    }
    drop(terminal);
    drop(restore);
    drop(lock);
    if let Some(sig) = guard::caught_signal() {
        eprintln!(
            "{}",
            crate::tr!(opts.lang, "tuih-signal", name = guard::signal_name(sig))
        );
        std::process::exit(128 + sig);
    }
    looped
}
