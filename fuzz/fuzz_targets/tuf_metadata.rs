#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| chainscope::fuzzing::tuf_metadata(data));
