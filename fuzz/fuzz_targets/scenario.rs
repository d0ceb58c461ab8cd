//! Fuzz target: scenario text -> `Scenario::parse` (parse + validate, traces loaded), then
//! the workload's request stream. See `fuzz/src/lib.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_harness::scenario(data));
