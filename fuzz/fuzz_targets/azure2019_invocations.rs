//! Fuzz target: an Azure 2019 invocations file.
//!
//! The first input byte picks scenario options; the rest is the file, loaded through a
//! `[workload.trace]` scenario, streamed, and inspected (see `fuzz/src/lib.rs`).
#![no_main]

use fuzz_harness::TraceInput;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_harness::trace(
    TraceInput::Azure2019Invocations,
    data
));
