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

fn main() -> std::process::ExitCode {
    tune_allocator();
    let cli = mltutor::cli::Cli::parse();
    mltutor::cli::run(cli)
}
