use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = mltutor::cli::Cli::parse();
    mltutor::cli::run(cli)
}
