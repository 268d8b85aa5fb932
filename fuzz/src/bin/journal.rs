//! Fuzz target `journal`: see `runbook::fuzzing::journal` for what it exercises.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        runbook::fuzzing::journal(data);
    });
}
