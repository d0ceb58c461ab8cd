#!/usr/bin/env bash
# Runs the coverage-guided fuzz targets (cargo-fuzz / libFuzzer), one after another, each for
# SECONDS, at the lowest CPU priority; see docs/fuzzing.md.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      # default: 60 s, every target
#   fuzz/run.sh 600 plain_csv azure2021    # ten minutes each for two targets
#   FUZZ_ARGS=-max_len=4096 fuzz/run.sh 300 azure2019_invocations   # extra libFuzzer flags
#
# Needs `cargo install cargo-fuzz` and a C++ compiler (libFuzzer is built from source).
# libFuzzer needs nightly-only rustc flags (sanitizer and coverage instrumentation); this
# script sets RUSTC_BOOTSTRAP=1, rustc's documented escape hatch that lets the stable
# toolchain accept them. Nothing else is built that way: the fuzz crate is its own workspace.
#
# Each target's working corpus is fuzz/corpus/TARGET/ (seeded from the shipped scenarios and
# traces on every run, grown by the fuzzer, not checked in). A crash, panic, timeout or
# oversized allocation is written to fuzz/artifacts/TARGET/; the log of each run is
# fuzz/logs/TARGET.log (fuzzing) and TARGET.replay.log (the corpus replayed once to time
# every input); the script prints, per target, the last status line (executions `#N`, edges
# covered `cov`, features `ft`, corpus size, findings) and the whole corpus's coverage.
set -euo pipefail
cd "$(dirname "$0")"
root=..

seconds=${1:-60}
shift || true
all=(scenario azure2019_invocations azure2019_durations azure2019_memory azure2021 plain_csv)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || { echo "run.sh: cargo-fuzz not installed (cargo install cargo-fuzz)" >&2; exit 2; }

# Seeds: the shipped files. A trace target's first byte picks scenario options (see
# fuzz/src/lib.rs), so each trace seed is added with a few option bytes in front.
seed_trace() { # target file...
    local dir=corpus/$1 f b
    shift
    mkdir -p "$dir"
    for f in "$@"; do
        for b in 00 13 4c ff; do
            { printf "\\x$b"; cat "$f"; } >"$dir/seed-$b-$(basename "$(dirname "$f")")-$(basename "$f")"
        done
    done
}
seed() {
    local t=$1
    case $t in
    scenario)
        mkdir -p corpus/scenario
        cp $root/scenarios/*.toml corpus/scenario/ ;;
    azure2019_invocations)
        seed_trace "$t" $root/tests/data/traces/tiny2019/invocations.csv \
            $root/tests/data/traces/azure2019-original-layout/invocations_9rows.csv \
            $root/scenarios/traces/azure2019-100fn/invocations.csv ;;
    azure2019_durations)
        seed_trace "$t" $root/tests/data/traces/tiny2019/durations.csv \
            $root/scenarios/traces/azure2019-100fn/durations.csv ;;
    azure2019_memory)
        seed_trace "$t" $root/tests/data/traces/tiny2019/memory.csv \
            $root/scenarios/traces/azure2019-100fn/memory.csv ;;
    azure2021 | plain_csv)
        seed_trace "$t" $root/tests/data/traces/tiny.csv $root/tests/data/traces/tiny2021.csv \
            $root/tests/data/traces/azure2021-200rows/Azure2021_200.csv ;;
    *) echo "run.sh: unknown target $t (one of: ${all[*]})" >&2; exit 2 ;;
    esac
}
dict() { [ "$1" = scenario ] && echo dict/scenario.dict || echo dict/trace.dict; }

nice -n 19 cargo fuzz build

mkdir -p logs
status=0
for t in "${targets[@]}"; do
    seed "$t"
    mkdir -p "artifacts/$t"
    echo "== $t: ${seconds}s"
    # -fork=1 with -ignore_*: one worker process; a finding is saved and fuzzing goes on, so
    # a long run reports every distinct problem instead of stopping at the first.
    # -timeout: an input taking over 5 s is a hang (slow units over 1 s are reported too);
    # -malloc_limit_mb: one allocation over 512 MB for an input of a few KB is absurd.
    nice -n 19 cargo fuzz run "$t" "corpus/$t" -- \
        -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
        -max_total_time="$seconds" -timeout=5 -report_slow_units=1 \
        -rss_limit_mb=2048 -malloc_limit_mb=512 -dict="$(dict "$t")" ${FUZZ_ARGS:-} \
        >"logs/$t.log" 2>&1 || true
    # The last status line: executions (#N), edges (cov), features (ft), corpus size and the
    # counts of out-of-memory / timeout / crash findings.
    grep -E '^#[0-9]+: cov:' "logs/$t.log" | tail -1 || true
    # Then every corpus input once more, without fork mode: libFuzzer reports (and saves as
    # artifacts/TARGET/slow-unit-*) any input taking a second or more, and prints the
    # coverage of the whole corpus (INITED cov/ft).
    nice -n 19 cargo fuzz run "$t" "corpus/$t" -- -runs=0 -timeout=5 -report_slow_units=1 \
        -rss_limit_mb=2048 -malloc_limit_mb=512 >"logs/$t.replay.log" 2>&1 || true
    grep -E 'INITED|Slowest unit' "logs/$t.replay.log" || true
    found=$(find "artifacts/$t" -type f | wc -l)
    if [ "$found" -gt 0 ]; then
        echo "   FOUND $found PROBLEM INPUT(S) in fuzz/artifacts/$t/ (log: fuzz/logs/$t.log)"
        status=1
    fi
done
exit $status
