//! Fuzz target `runbook`: see `runbook::fuzzing::runbook` for what it exercises.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        runbook::fuzzing::runbook(data);
    });
}
