#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    notes_export::fuzzing::read_and_export(data, Some("md"));
});
