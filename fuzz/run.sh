#!/bin/sh
# Runs one fuzz target with cargo-afl for a while, in the background-friendly way this repo's
# figures were taken: `fuzz/run.sh TARGET SECONDS` (targets: runbook scenario journal time).
# Needs `cargo install cargo-afl` once (it builds AFL++ on first use). Findings land in
# fuzz/out/TARGET/default/{crashes,hangs}; copy each into tests/fixtures/fuzz/TARGET/.
set -eu
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
secs=${2:-3600}
cd "$(dirname "$0")"
cargo afl build --release --bin "$target"
mkdir -p "out/$target"
# A resumed run (`-i -`) continues the queue already in out/TARGET.
input="corpus/$target"
[ -d "out/$target/default/queue" ] && input=-
AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
AFL_AUTORESUME=1 AFL_IGNORE_SEED_PROBLEMS=1 \
    nice -n 19 cargo afl fuzz -i "$input" -o "out/$target" -x "dict/$target.dict" \
    -t 2000 -V "$secs" "target/release/$target"
