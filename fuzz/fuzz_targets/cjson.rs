#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| chainscope::fuzzing::cjson_round_trip(data));
