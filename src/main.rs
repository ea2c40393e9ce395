use std::process::ExitCode;

// glibc's allocator returns freed heap to the kernel and faults it back in, many times over
// on a big graph (measured: 44% of the time spent zeroing pages); mimalloc keeps it.
#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// mimalloc, asked for alignment only when it must be: its aligned entry points leave the
/// fast path for every block over 1 KiB (about 80 instructions an allocation, against ~30
/// for `mi_malloc`). The `mimalloc` crate always takes them: measured against it on the large
/// benchmark graph (5 alternating runs each), this kept Word's peak memory at 146 MB against
/// 162 MB and Markdown's processor time 5% lower.
struct Mimalloc;

/// Whether `mi_malloc` is aligned enough for `align`: every mimalloc block is a whole number
/// of words and holds a free-list pointer while free, so blocks are pointer-aligned. (A block
/// of 24 bytes is not 16-aligned: wider alignments take the aligned entry points.)
fn plain(align: usize) -> bool {
    align <= std::mem::align_of::<usize>()
}

// SAFETY: every method hands the request to mimalloc's matching entry point, which returns
// memory of at least `size` bytes aligned to `align` or null: `mi_malloc`, `mi_zalloc` and
// `mi_realloc` when `plain` says their pointer alignment suffices, the `_aligned` ones
// otherwise. Memory is freed with `mi_free`, which takes a block from any of them; `realloc`
// keeps the alignment the block was allocated with (`layout` is the old layout).
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        match plain(layout.align()) {
            true => mi::mi_malloc(layout.size()).cast(),
            false => mi::mi_malloc_aligned(layout.size(), layout.align()).cast(),
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        match plain(layout.align()) {
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
        match plain(layout.align()) {
            true => mi::mi_realloc(ptr.cast(), new_size).cast(),
            false => mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast(),
        }
    }
}

fn main() -> ExitCode {
    notes_export::cli::main_with_args(std::env::args_os())
}
