//! Variable values in commands are single shell words: whatever a value holds (quotes, `;`,
//! `$(...)`, backticks, newlines, backslashes), filled into a command template it reaches the
//! program as exactly one argument, unchanged, and nothing in it runs. Checked with a real
//! `sh` (the shell the runner uses), in every quoting context of the template.

use proptest::prelude::*;
use runbook::domain::template::fill_command;
use std::path::Path;
use std::process::Command;

/// Templates with one placeholder each, and what `printf '[%s]\n'` prints for value `v`.
fn contexts() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    // (name, template, before the value, after it)
    vec![
        ("unquoted", "printf '[%s]\\n' {{v}}", "[", "]\n"),
        (
            "unquoted, inside a word",
            "printf '[%s]\\n' --to={{v}}:1",
            "[--to=",
            ":1]\n",
        ),
        (
            "single quotes",
            "printf '[%s]\\n' 'a {{v}} b'",
            "[a ",
            " b]\n",
        ),
        (
            "double quotes",
            "printf '[%s]\\n' \"a {{v}} $HOME_X b\"",
            "[a ",
            "  b]\n",
        ),
        // $( ) and backticks: what the lexer marks unsure, still one word and nothing runs.
        (
            "$( )",
            "printf '[%s]\\n' \"$(printf '%s.' {{v}})\"",
            "[",
            ".]\n",
        ),
        (
            "backticks",
            "printf '[%s]\\n' \"`printf '%s.' {{v}}`\"",
            "[",
            ".]\n",
        ),
    ]
}

/// Runs `command` with `sh -c` in `dir` (the payloads' files would land there).
fn sh(dir: &Path, command: &str) -> (String, bool) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env_remove("HOME_X")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.success(),
    )
}

fn check(value: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let values = vec![("v".to_string(), value.to_string())];
    for (name, template, before, after) in contexts() {
        let command = fill_command(template, &values);
        let (stdout, ok) = sh(dir.path(), &command);
        prop_assert!(ok, "{name}: {command}");
        prop_assert_eq!(
            stdout,
            format!("{before}{value}{after}"),
            "{}: the value arrives as one argument, unchanged: {}",
            name,
            command
        );
        let made: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        prop_assert!(made.is_empty(), "{name}: a payload created {made:?}");
    }
    Ok(())
}

/// Pieces of values that attack each kind of quoting.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("`".to_string()),
        Just("$".to_string()),
        Just("\n".to_string()),
        Just(" ".to_string()),
        Just("; touch pwned;".to_string()),
        Just("$(touch pwned)".to_string()),
        Just("`touch pwned`".to_string()),
        Just("'; touch pwned; '".to_string()),
        Just("\"; touch pwned; \"".to_string()),
        Just("\ntouch pwned\n".to_string()),
        Just("${IFS}".to_string()),
        Just("*".to_string()),
        Just("{{v}}".to_string()),
        "[a-z0-9._-]{1,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_value_is_one_word_in_every_context(pieces in prop::collection::vec(piece(), 0..8)) {
        check(&pieces.concat())?;
    }
}

#[test]
fn the_reported_payloads_never_run() {
    for v in [
        "x; touch pwned",
        "x; touch /tmp/pwned",
        "$(touch pwned)",
        "`touch pwned`",
        "it's",
        "say \"hi\"",
        "a\nb",
        "back\\slash",
        "",
        "'",
        "''",
        "\\'",
        "-n",
    ] {
        check(v).unwrap();
    }
}

#[test]
fn a_heredoc_placeholder_is_quoted_as_if_unquoted() {
    // The lexer cannot make a heredoc body safe (quotes are text there); it fills the value
    // as a quoted word and `validate` warns. What runs is shown in full before it runs.
    let values = vec![("v".to_string(), "x".to_string())];
    assert_eq!(
        fill_command("cat <<EOF\n{{v}}\nEOF", &values),
        "cat <<EOF\n'x'\nEOF"
    );
}
