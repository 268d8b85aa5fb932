//! The validator's checks for slips real translations made: a decision branch falling through
//! by file order into another branch (and `show` drawing it), `$NAME` where `{{name}}` was
//! meant, duplicate choice labels, alert names with spaces or label matchers.

use crate::support::cli_env::Env;
use runbook::runbook::check_bytes;
use runbook::runbook::diag::{Level, line_col};

const HEAD: &str = "schema_version = 1\nid = \"s\"\ntitle = \"S\"\nincident_type = \"t\"\nseverity = \"sev2\"\nsummary = \"s\"\n";

/// `(line, col, level, message)` of every diagnostic.
fn diags(text: &str) -> Vec<(usize, usize, Level, String)> {
    check_bytes("t.toml", text.as_bytes())
        .diags
        .iter()
        .map(|d| {
            let (l, c) = line_col(text, d.span.start);
            (l, c, d.level, d.message.clone())
        })
        .collect()
}

fn step(id: &str, extra: &str) -> String {
    format!("\n[[steps]]\nid = \"{id}\"\ntitle = \"{id}\"\nkind = \"action\"\n{extra}")
}

fn decision(id: &str, a: &str, b: &str) -> String {
    format!(
        "\n[[steps]]\nid = \"{id}\"\ntitle = \"{id}?\"\nkind = \"decision\"\nchoices = [{{ label = \"Yes\", next = \"{a}\" }}, {{ label = \"No\", next = \"{b}\" }}]\n"
    )
}

const FALLS: &str = "falls through by file order into";

#[test]
fn a_branch_falling_into_the_other_branch_is_a_warning_and_drawn_in_show() {
    // yes-1 -> yes-2 then, by file order, into "no": the translation forgot to end "yes".
    let text = format!(
        "{HEAD}{}{}{}{}{}",
        decision("d", "yes-1", "no"),
        step("yes-1", ""),
        step("yes-2", ""),
        step("no", ""),
        step("done", "end = true\n")
    );
    let d = diags(&text);
    let falls: Vec<_> = d.iter().filter(|d| d.3.contains(FALLS)).collect();
    assert_eq!(falls.len(), 1, "{d:?}");
    assert_eq!(falls[0].2, Level::Warning);
    assert!(
        falls[0].3.starts_with(
            "step \"yes-2\" (choice 1 \"Yes\" of decision \"d\") falls through by file order into step \"no\", where choice 2 \"No\" leads"
        ),
        "{}",
        falls[0].3
    );
    // Reported at yes-2's id: line of `id = "yes-2"`.
    let line = text.lines().position(|l| l == "id = \"yes-2\"").unwrap() + 1;
    assert_eq!((falls[0].0, falls[0].1), (line, 6));

    let env = Env::new();
    let dir = env.state.path().join("rb");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("s.toml"), &text).unwrap();
    let shown = env.ok(&["--runbooks", dir.to_str().unwrap(), "show", "s"]);
    assert!(
        shown.contains("↓ falls through into no (4. no): the other branch of \"d\""),
        "{shown}"
    );
}

#[test]
fn branches_that_end_or_jump_explicitly_are_not_warned() {
    let text = format!(
        "{HEAD}{}{}{}{}",
        decision("d", "yes", "no"),
        step("yes", "next = \"no\"\n"),
        step("no", ""),
        step("done", "end = true\n")
    );
    assert!(!diags(&text).iter().any(|d| d.3.contains(FALLS)));
    let text = format!(
        "{HEAD}{}{}{}",
        decision("d", "yes", "no"),
        step("yes", "end = true\n"),
        step("no", "")
    );
    assert!(!diags(&text).iter().any(|d| d.3.contains(FALLS)));
}

#[test]
fn a_shell_variable_named_like_a_declared_variable_is_a_warning() {
    let text = format!(
        "{HEAD}\n[vars.node]\nprompt = \"Node\"\npattern = \"^[a-z0-9.-]+$\"\n\n[[steps]]\nid = \"c\"\ntitle = \"c\"\nkind = \"command\"\ncommand = \"kubectl describe node {{{{node}}}} && kubectl drain $NODE ${{node}} $HOME\"\n"
    );
    let d = diags(&text);
    let shell: Vec<_> = d
        .iter()
        .filter(|d| d.3.contains("uses the shell variable"))
        .collect();
    assert_eq!(shell.len(), 2, "{d:?}");
    assert!(shell[0].3.contains("$NODE") && shell[0].3.contains("{{node}}"));
    let line = text.lines().position(|l| l.starts_with("command")).unwrap() + 1;
    assert_eq!((shell[0].0, shell[0].1), (line, 60));
    assert_eq!((shell[1].0, shell[1].1), (line, 66));
    // Set by the command itself: no warning.
    let set = text.replace("kubectl drain $NODE", "NODE=x; kubectl drain $NODE");
    assert_eq!(
        diags(&set).iter().filter(|d| d.3.contains("$NODE")).count(),
        0
    );
}

#[test]
fn duplicate_choice_labels_are_an_error() {
    let text = format!(
        "{HEAD}\n[[steps]]\nid = \"d\"\ntitle = \"d\"\nkind = \"decision\"\nchoices = [{{ label = \"Restart\", next = \"a\" }}, {{ label = \"restart \", next = \"b\" }}]\n{}{}",
        step("a", "end = true\n"),
        step("b", "")
    );
    let d = diags(&text);
    let dup: Vec<_> = d
        .iter()
        .filter(|d| d.3.contains("two choices are labelled"))
        .collect();
    assert_eq!(dup.len(), 1, "{d:?}");
    assert_eq!((dup[0].2, dup[0].1), (Level::Error, 57));
    assert!(check_bytes("t.toml", text.as_bytes()).runbook.is_none());
}

#[test]
fn alert_names_with_spaces_or_label_matchers_are_warnings() {
    let text = format!(
        "{HEAD}alerts = [\"KubePodCrashLooping\", \"Etcd No Leader\", 'KubeJobFailed{{namespace=\"x\"}}', \"Node*\"]\n{}",
        step("a", "")
    );
    let d = diags(&text);
    let alerts: Vec<&String> = d
        .iter()
        .filter(|d| d.3.starts_with("alert "))
        .map(|d| &d.3)
        .collect();
    assert_eq!(alerts.len(), 2, "{d:?}");
    assert!(alerts[0].contains("\"Etcd No Leader\" has a space"));
    assert!(alerts[1].contains("holds a label matcher"));
}
