#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| chainscope::fuzzing::intoto_document(data));
