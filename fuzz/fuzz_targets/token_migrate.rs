#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| farthing_fuzz::token::fuzz_migrate(data));
