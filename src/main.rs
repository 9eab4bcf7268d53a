use clap::Parser;

/// Keep large buffers in the heap instead of mapping and unmapping them for every tensor:
/// with glibc's defaults each training step paid page faults and cross-core TLB flushes
/// for every activation (a third of the step's time, measured with perf).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before any other thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}

/// candle's pool for large elementwise ops spins 25,000 times after each op before it
/// sleeps: on a few cores that spinning takes the CPU from the threads of the next op (our
/// convolutions). Sleeping at once made batch-32 training about 15 % faster on 2 cores.
/// A value the user sets is kept.
fn tune_candle_pool() {
    const SPIN: &str = "CANDLE_BARRIER_POOL_SPIN_LIMIT";
    if std::env::var_os(SPIN).is_none() {
        // Called before any other thread exists, so no one reads the environment meanwhile.
        std::env::set_var(SPIN, "0");
    }
}

/// Output piped into `head` ends when the reader closes the pipe: end quietly as Unix tools
/// do, not with Rust's "failed printing to stdout" panic. Only when standard output is not a
/// terminal, so the interface (which must restore the terminal) keeps its own handling.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        // SAFETY: restoring a signal's default disposition, before any other thread exists.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
}

fn main() -> std::process::ExitCode {
    tune_allocator();
    tune_candle_pool();
    quiet_on_closed_pipe();
    let cli = mltutor::cli::Cli::parse();
    mltutor::cli::run(cli)
}
