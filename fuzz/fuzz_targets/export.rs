#![no_main]
use libfuzzer_sys::fuzz_target;

// The first byte picks the format (every format of the registry), the rest is the page.
fuzz_target!(|data: &[u8]| {
    notes_export::fuzzing::export_any(data);
});
