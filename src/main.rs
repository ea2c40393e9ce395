use std::process::ExitCode;

fn main() -> ExitCode {
    // A generous stack: deeply nested notes are walked recursively in places.
    let worker = std::thread::Builder::new()
        .stack_size(512 * 1024 * 1024)
        .spawn(|| notes_export::cli::main_with_args(std::env::args_os()));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: internal failure");
            ExitCode::from(101)
        }
    }
}
