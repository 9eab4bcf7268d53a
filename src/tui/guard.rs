//! What protects the student's terminal and answers from the outside world: a terminal
//! check at start, signals that restore the terminal and save, the footer's reminder that
//! answers are not saved, and the repair of a save file that does not fit the pack.

use super::msg::Msg;
use super::state::State;
use crate::core::i18n::Lang;
use crate::core::progress::{LockError, Repair};
use crate::tr;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// The signals that stop the interface cleanly.
pub const STOP_SIGNALS: [i32; 4] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
];

/// How long the interface has, after a signal, to stop training and save before the
/// terminal is restored and the process leaves anyway.
pub const SIGNAL_GRACE: Duration = Duration::from_secs(10);

/// The first stop signal received (0: none).
static CAUGHT: AtomicI32 = AtomicI32::new(0);

/// The stop signal received, if any.
pub fn caught_signal() -> Option<i32> {
    match CAUGHT.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// A signal's name, as `kill -l` writes it.
pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        signal_hook::consts::SIGTERM => "SIGTERM",
        signal_hook::consts::SIGINT => "SIGINT",
        signal_hook::consts::SIGHUP => "SIGHUP",
        signal_hook::consts::SIGQUIT => "SIGQUIT",
        _ => "signal",
    }
}

/// Whether both standard input and output are a terminal: the interface needs both.
pub fn has_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// The message for a start without a terminal.
pub fn no_terminal_message(lang: Lang) -> String {
    tr!(lang, "tuih-no-terminal")
}

/// The message for a second instance on the same pack, mode and data folder.
pub fn locked_message(lang: Lang, pid: u32, dir: &std::path::Path) -> String {
    tr!(
        lang,
        "tuih-locked",
        pid = pid.to_string(),
        dir = dir.display().to_string()
    )
}

/// The status when the lock could not be taken for another reason than a second instance.
pub fn lock_failed_message(lang: Lang, e: &LockError, dir: &std::path::Path) -> String {
    let why = match e {
        LockError::Io(why) => why.clone(),
        LockError::Locked { pid } => pid.to_string(),
    };
    tr!(
        lang,
        "tuih-lock-failed",
        dir = dir.display().to_string(),
        why = why
    )
}

/// Catch the stop signals. The first one becomes `Msg::Terminate` (stop training, save,
/// quit through the normal path); a second one, or a loop that has not finished within
/// `SIGNAL_GRACE`, runs `restore` and leaves with status 128 + the signal.
pub fn watch_signals(tx: Sender<Msg>, restore: fn()) -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(STOP_SIGNALS)?;
    std::thread::Builder::new()
        .name("mltutor-signals".into())
        .spawn(move || {
            let Some(sig) = signals.forever().next() else {
                return;
            };
            CAUGHT.store(sig, Ordering::SeqCst);
            let _ = tx.send(Msg::Terminate);
            let deadline = Instant::now() + SIGNAL_GRACE;
            while Instant::now() < deadline {
                if signals.pending().next().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            restore();
            std::process::exit(128 + sig);
        })?;
    Ok(())
}

/// The footer's message: while the last save failed, a reminder that answers are NOT
/// saved comes first, whatever else is said.
pub fn footer_message(s: &State, msg: String) -> String {
    let Some(why) = &s.save_error else {
        return msg;
    };
    let banner = tr!(s.lang, "tuih-not-saved", why = why.as_str());
    if msg.is_empty() || msg == tr!(s.lang, "tui-save-failed", why = why.as_str()) {
        banner
    } else {
        format!("{banner} · {msg}")
    }
}

/// The status line after a save file was made to fit the pack: how many changes, and each
/// one (none: no message).
pub fn repair_message(repairs: &[Repair], lang: Lang) -> Option<String> {
    (!repairs.is_empty()).then(|| {
        let what: Vec<String> = repairs.iter().map(|r| r.render(lang)).collect();
        tr!(
            lang,
            "tuih-repaired",
            n = repairs.len() as u64,
            what = what.join("; ")
        )
    })
}
