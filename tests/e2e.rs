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
    s.wait_for("speed-up");
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
    s.keys("\x1b");
    s.wait_for("type the answer");
    s.keys("\x1b");
    s.wait_for("Self-check mode");
    // Wheel down twice from 4a: 4c; Enter opens it.
    s.keys("\x1b[<65;20;10M\x1b[<65;20;10M");
    s.keys(ENTER);
    s.wait_for("A shape that fits");
    s.keys("\x1b");
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
