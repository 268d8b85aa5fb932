//! Fuzz target `scenario`: see `runbook::fuzzing::scenario` for what it exercises.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        runbook::fuzzing::scenario(data);
    });
}
