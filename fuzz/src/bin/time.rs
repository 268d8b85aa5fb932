//! Fuzz target `time`: see `runbook::fuzzing::time` for what it exercises.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        runbook::fuzzing::time(data);
    });
}
