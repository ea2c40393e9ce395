use std::process::ExitCode;

// glibc's allocator returns freed heap to the kernel and faults it back in, many times over
// on a big graph (measured: 44% of the time spent zeroing pages); mimalloc keeps it.
#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// mimalloc, asked for alignment only when it must be: its aligned entry points leave the
/// fast path for every block over 1 KiB (about 80 instructions an allocation, against ~20
/// for `mi_malloc`). `mi_malloc` aligns to 16 bytes whatever the size a Rust layout of
/// alignment 16 can have (sizes are multiples of the alignment), as malloc must; the
/// standard library's own allocator takes `malloc` on the same condition.
struct Mimalloc;

/// The alignment `mi_malloc` guarantees (`MI_MAX_ALIGN_SIZE`, malloc's `max_align_t`).
const MIN_ALIGN: usize = 16;

unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        match layout.align() <= MIN_ALIGN {
            true => mi::mi_malloc(layout.size()).cast(),
            false => mi::mi_malloc_aligned(layout.size(), layout.align()).cast(),
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        match layout.align() <= MIN_ALIGN {
            true => mi::mi_zalloc(layout.size()).cast(),
            false => mi::mi_zalloc_aligned(layout.size(), layout.align()).cast(),
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        libmimalloc_sys::mi_free(ptr.cast());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys as mi;
        match layout.align() <= MIN_ALIGN {
            true => mi::mi_realloc(ptr.cast(), new_size).cast(),
            false => mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast(),
        }
    }
}

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
