use std::process::ExitCode;

// glibc's allocator returns freed heap to the kernel and faults it back in, many times over
// on a big graph (measured: 44% of the time spent zeroing pages); mimalloc keeps it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
