//! End-to-end tests of the built binary in a pseudo-terminal: keys are typed, the screen
//! is read through a vt100 parser, and each wait is for a screen condition with a deadline.

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Session {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    fn start(data_dir: &std::path::Path, args: &[&str]) -> Self {
        Self::start_sized(data_dir, args, 40, 120)
    }

    fn start_sized(data_dir: &std::path::Path, args: &[&str], rows: u16, cols: u16) -> Self {
        Self::start_with_env(data_dir, args, rows, cols, &[])
    }

    fn start_with_env(
        data_dir: &std::path::Path,
        args: &[&str],
        rows: u16,
        cols: u16,
        env: &[(&str, &std::path::Path)],
    ) -> Self {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_mltutor"));
        cmd.args(args);
        cmd.env("MLTUTOR_DATA_DIR", data_dir);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn mltutor");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let p = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        Self {
            parser,
            writer,
            child,
            _master: pair.master,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Wait until the screen shows `text`, or fail after the deadline with the screen.
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "`{text}` never appeared; the screen was:\n{}",
            self.screen()
        );
    }

    fn keys(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Wait for the process to exit, with a deadline.
    fn wait_exit(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("mltutor did not exit; the screen was:\n{}", self.screen());
    }
}

const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const ENTER: &str = "\r";

#[test]
fn answer_the_parameter_count_and_see_it_graded() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &["--lang", "en"]);
    s.wait_for("Counting weights");
    s.keys(&format!("{DOWN}{DOWN}{DOWN}"));
    s.keys(ENTER);
    s.wait_for("How many weights");
    s.keys("53 300");
    s.wait_for("> 53 300");
    s.keys(ENTER);
    s.wait_for("Correct — 100%");
    s.wait_for("Counted from candle's tensors");
    // The side panel shows the per-layer counts once answered.
    s.wait_for("50,000");
    s.keys("q");
    assert!(s.wait_exit());
}

#[test]
fn progress_is_saved_on_quit_and_restored_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &["--lang", "fr"]);
    s.wait_for("Compter les poids");
    // Question 6 (GPU speed-up) is the eighth in the list.
    for _ in 0..7 {
        s.keys(DOWN);
    }
    s.keys(ENTER);
    s.wait_for("accélération");
    s.keys("x10");
    s.keys(ENTER);
    s.wait_for("Juste");
    s.keys("\x1b");
    s.wait_for("Questions");
    s.keys("q");
    assert!(s.wait_exit());
    let saved = std::fs::read_to_string(dir.path().join("enm-ml-test1.self-check.json")).unwrap();
    assert!(saved.contains("\"q6\"") && saved.contains("x10"), "{saved}");

    let mut again = Session::start(dir.path(), &["--lang", "fr"]);
    again.wait_for("Bon retour");
    again.wait_for("Juste (100\u{a0}%)");
    again.keys("q");
    assert!(again.wait_exit());
}

#[test]
fn a_training_run_moves_while_keys_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &["--lang", "en"]);
    s.wait_for("Counting weights");
    s.keys("t");
    s.wait_for("Training lab");
    // A short run: 1 epoch of 200 samples.
    s.keys("e\x7f\x7f1\r");
    for _ in 0..4 {
        s.keys("j");
    }
    s.keys("e\x7f\x7f\x7f\x7f200\r");
    s.wait_for("training samples 200");
    s.keys("s");
    s.wait_for("samples/s");
    // The interface answers keys while training: the help opens and closes.
    s.keys("?");
    s.wait_for("Esc or ? closes this help");
    s.keys("\x1b");
    s.wait_for("best epoch 1");
    s.keys("q");
    assert!(s.wait_exit());
}

/// A click (SGR mouse report, 1-based cells) on question 4a's line opens it; the wheel
/// moves the selection; on exit the terminal no longer reports the mouse.
#[test]
fn the_mouse_opens_a_question_and_is_released_on_exit() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &["--lang", "en"]);
    s.wait_for("Counting weights");
    assert_ne!(
        s.parser.lock().unwrap().screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "the interface asks for mouse reports"
    );
    // Row 6 (1-based) is the fourth question's line: header, border, then 1, 2, 3, 4a.
    s.keys("\x1b[<0;20;6M\x1b[<0;20;6m");
    s.wait_for("How many weights");
    // Opened browsing, not typing: the footer says how to start.
    s.wait_for("type the answer");
    s.keys("\x1b");
    s.wait_for("Self-check mode");
    // Wheel down twice from 4a: 4c; Enter opens it.
    s.keys("\x1b[<65;20;10M\x1b[<65;20;10M");
    s.keys(ENTER);
    s.wait_for("A shape that fits");
    s.wait_for("type the answer");
    s.keys("q");
    assert!(s.wait_exit());
    assert_eq!(
        s.parser.lock().unwrap().screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::None
    );
}

#[test]
fn a_tiny_terminal_gets_a_message_and_quits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start_sized(dir.path(), &["--lang", "en"], 10, 50);
    s.wait_for("Terminal too small");
    s.keys("q");
    assert!(s.wait_exit());
}

/// A language added by files alone: the English messages, each marked, in a folder named
/// by `MLTUTOR_LOCALES`. No code knows it; the interface shows it.
#[test]
fn a_language_added_as_files_shows_in_the_interface() {
    let dir = tempfile::tempdir().unwrap();
    let locales = tempfile::tempdir().unwrap();
    let eo = locales.path().join("eo");
    std::fs::create_dir(&eo).unwrap();
    let mut marked = 0;
    for e in std::fs::read_dir("assets/locales/en").unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let out: Vec<String> = text
            .lines()
            .map(|l| {
                // `id = text` becomes `id = ⟦text`; separators and names are left as they are.
                match l.split_once(" = ") {
                    Some((id, v))
                        if !id.starts_with(' ')
                            && !id.starts_with('#')
                            && !id.starts_with("number-")
                            && !v.trim().is_empty() =>
                    {
                        marked += 1;
                        format!("{id} = ⟦{v}")
                    }
                    _ => l.to_string(),
                }
            })
            .collect();
        std::fs::write(eo.join(path.file_name().unwrap()), out.join("\n") + "\n").unwrap();
    }
    assert!(marked > 50, "only {marked} messages marked");
    let mut s = Session::start_with_env(
        dir.path(),
        &["--lang", "eo"],
        32,
        100,
        &[("MLTUTOR_LOCALES", locales.path())],
    );
    s.wait_for("⟦");
    let screen = s.screen();
    let marks = screen.matches('⟦').count();
    assert!(
        marks >= 3,
        "the interface is not in the added language:\n{screen}"
    );
    s.keys("q");
    assert!(s.wait_exit());
}

/// A pty session that also keeps the raw bytes the program wrote (escape sequences
/// included), for checking what the terminal is left in.
fn start_raw(
    data_dir: &std::path::Path,
    args: &[&str],
) -> (Session, Arc<Mutex<Vec<u8>>>, std::thread::JoinHandle<()>) {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_mltutor"));
    cmd.args(args);
    cmd.env("MLTUTOR_DATA_DIR", data_dir);
    cmd.env("TERM", "xterm-256color");
    cmd.env("NO_COLOR", "1");
    let child = pair.slave.spawn_command(cmd).expect("spawn mltutor");
    drop(pair.slave);
    let parser = Arc::new(Mutex::new(vt100::Parser::new(40, 120, 0)));
    let raw = Arc::new(Mutex::new(Vec::new()));
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let (p, r) = (parser.clone(), raw.clone());
    let done = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            r.lock().unwrap().extend_from_slice(&buf[..n]);
            p.lock().unwrap().process(&buf[..n]);
        }
    });
    let writer = pair.master.take_writer().expect("writer");
    let s = Session {
        parser,
        writer,
        child,
        _master: pair.master,
    };
    (s, raw, done)
}

fn rfind(hay: &[u8], needle: &str) -> Option<usize> {
    hay.windows(needle.len())
        .rposition(|w| w == needle.as_bytes())
}

/// Issue 16: SIGTERM, SIGINT, SIGHUP or SIGQUIT during a lab run stops the run, saves
/// progress and gives the terminal back: after the last sequence that set the alternate
/// screen, the hidden cursor and mouse reporting come the ones that undo them. Read from
/// the raw bytes, not the screen.
#[test]
fn sigterm_during_a_lab_run_restores_the_terminal_and_saves() {
    for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGQUIT] {
        a_signal_during_a_lab_run(sig);
    }
}

fn a_signal_during_a_lab_run(sig: i32) {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, raw, _reader) = start_raw(dir.path(), &["--lang", "en"]);
    s.wait_for("Counting weights");
    s.keys("t");
    s.wait_for("Training lab");
    s.keys("s");
    s.wait_for("samples/s");
    let pid = s.child.process_id().expect("the child's pid") as i32;
    // SAFETY: a plain kill(2) on our own child.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Ok(Some(status)) = s.child.try_wait() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "mltutor did not exit after signal {sig}; the screen was:\n{}",
            s.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.exit_code(), 128 + sig as u32, "{status:?}");
    // Let the reader drain what was written last.
    std::thread::sleep(Duration::from_millis(300));
    let out = raw.lock().unwrap().clone();
    for (set, unset) in [
        ("\x1b[?1049h", "\x1b[?1049l"),
        ("\x1b[?25l", "\x1b[?25h"),
        ("\x1b[?1000h", "\x1b[?1000l"),
        ("\x1b[?1006h", "\x1b[?1006l"),
    ] {
        let last_set = rfind(&out, set).unwrap_or_else(|| panic!("{set:?} never sent"));
        let last_unset = rfind(&out, unset);
        assert!(
            last_unset.is_some_and(|u| u > last_set),
            "signal {sig}: {unset:?} does not follow the last {set:?}; the output ends with {:?}",
            String::from_utf8_lossy(&out[out.len().saturating_sub(300)..])
        );
    }
    // Progress was saved on the way out.
    let saved = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().ends_with(".json"));
    assert!(saved, "signal {sig}: no progress file in the data folder");
}

/// Issue 16: started without a terminal (input and output redirected), the tutor says so
/// and exits with status 2 instead of panicking.
#[test]
fn without_a_terminal_the_tutor_says_so_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mltutor"))
        .args(["--lang", "en"])
        .env("MLTUTOR_DATA_DIR", dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Issue 16: a second tutor on the same data folder (same pack and mode) is told that
/// another one has it open, and exits before reading or writing anything; once the first
/// quits, a new one starts. A lock left by a process that is gone is taken over.
#[test]
fn a_second_tutor_on_one_data_folder_is_told_and_cannot_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Session::start(dir.path(), &["--lang", "en"]);
    first.wait_for("Counting weights");
    let mut second = Session::start(dir.path(), &["--lang", "en"]);
    assert!(
        !second.wait_exit(),
        "the second tutor should exit with an error"
    );
    let pid = first.child.process_id().unwrap();
    // The reader thread may still be passing the last bytes on: wait for them.
    second.wait_for("Another mltutor");
    second.wait_for(&pid.to_string());
    first.keys("q");
    assert!(first.wait_exit());
    // The lock is gone with the first; a stale one (a pid that no process has) is taken over.
    let locks: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".lock"))
        .collect();
    assert!(locks.is_empty(), "{locks:?}");
    std::fs::write(
        mltutor::core::progress::lock_path(
            dir.path(),
            &mltutor::core::pack::builtin_pack("en").meta.id,
            mltutor::core::progress::Mode::SelfCheck,
        ),
        "2147483600",
    )
    .unwrap();
    let mut third = Session::start(dir.path(), &["--lang", "en"]);
    third.wait_for("Counting weights");
    third.keys("q");
    assert!(third.wait_exit());
}

/// The seconds left that the header shows (`⏱ m:ss`).
fn clock_left(screen: &str) -> u64 {
    let at = screen
        .find('⏱')
        .unwrap_or_else(|| panic!("no clock:\n{screen}"));
    let t: String = screen[at + '⏱'.len_utf8()..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    let (m, s) = t.split_once(':').unwrap();
    m.parse::<u64>().unwrap() * 60 + s.parse::<u64>().unwrap()
}

/// An exam is a sealed attempt: the clock runs while the program is closed, and once
/// submitted the score cannot change, not even after a restart.
#[test]
fn exam_clock_runs_while_closed_and_the_score_is_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--lang",
        "en",
        "--mode",
        "exam",
        "--time-limit",
        "5",
        "--student",
        "Ada Lovelace",
    ];
    let mut s = Session::start(dir.path(), &args);
    s.wait_for("Counting weights");
    s.wait_for("⏱ 4:5");
    s.keys(&format!("{DOWN}{DOWN}{DOWN}{ENTER}"));
    s.wait_for("How many weights");
    s.keys(&format!("53300{ENTER}"));
    s.wait_for("Answer saved");
    s.keys("\x1b");
    s.wait_for("answered 1/9");
    s.keys("q");
    assert!(s.wait_exit());
    std::thread::sleep(Duration::from_secs(4));

    let mut s = Session::start(dir.path(), &args);
    s.wait_for("answered 1/9");
    let left = clock_left(&s.screen());
    assert!(left <= 300 - 4, "the clock ran while closed: {left} s left");
    s.keys("s");
    s.wait_for("8 questions are unanswered");
    s.keys("y");
    s.wait_for("Report written");
    assert!(s.screen().contains("Ada Lovelace"), "{}", s.screen());
    s.wait_for("score 1.0/9");
    // Review question 1 and try everything that changed a score before.
    s.keys(&format!("{UP}{UP}{UP}{ENTER}"));
    s.wait_for("Question 1 —");
    s.keys(&format!("r   {ENTER}e typed{ENTER}\x1b"));
    s.keys("n\x1b");
    s.keys("R");
    std::thread::sleep(Duration::from_millis(300));
    assert!(s.screen().contains("score 1.0/9"), "{}", s.screen());
    s.keys("\x1b\x1bq");
    assert!(s.wait_exit());

    let mut s = Session::start(dir.path(), &args);
    s.wait_for("submitted");
    s.wait_for("score 1.0/9");
    s.keys("q");
    assert!(s.wait_exit());
    // Each report is written once, under its own name.
    let reports: Vec<_> = std::fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let json = std::fs::read_to_string(&reports[0]).unwrap();
    assert!(json.contains("\"student\": \"Ada Lovelace\""), "{json}");
}
