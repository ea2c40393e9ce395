#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = notes_export::fuzzing::graph_from_bytes(data);
});
