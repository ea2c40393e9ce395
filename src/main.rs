use std::process::ExitCode;

// glibc's allocator returns freed heap to the kernel and faults it back in, many times over
// on a big graph (measured: 44% of the time spent zeroing pages); mimalloc keeps it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    notes_export::cli::main_with_args(std::env::args_os())
}
