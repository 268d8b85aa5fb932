//! The placeholder rule, through the validator and the fill: only `{{name}}` with a variable
//! name is a placeholder, other `{{` text is literal (Go templates in kubectl commands), the
//! escape `{{{{name}}}}` writes a literal `{{name}}`, and every error points at its own place.

use runbook::domain::template::{fill, fill_command};
use runbook::runbook::check_bytes;
use runbook::runbook::diag::{Level, line_col};

/// A runbook with `vars` (TOML text) and one command step running `command` (a TOML multi-line
/// literal string) and with `body` (a TOML basic string's contents).
fn runbook(vars: &str, command: &str, body: &str) -> String {
    format!(
        "schema_version = 1\nid = \"p\"\ntitle = \"P\"\nincident_type = \"t\"\nseverity = \"sev2\"\nsummary = \"s\"\n{vars}\n[[steps]]\nid = \"a\"\ntitle = \"A\"\nkind = \"command\"\ncommand = '''{command}'''\nbody = \"{body}\"\n"
    )
}

/// Every diagnostic as `line:col level message`.
fn diags(text: &str) -> Vec<(usize, usize, Level, String)> {
    let r = check_bytes("t.toml", text.as_bytes());
    r.diags
        .iter()
        .map(|d| {
            let (l, c) = line_col(text, d.span.start);
            (l, c, d.level, d.message.clone())
        })
        .collect()
}

const NS: &str = "[vars.ns]\nprompt = \"Namespace\"\npattern = \"^[a-z0-9-]+$\"\n";

#[test]
fn a_go_template_in_a_kubectl_command_validates_and_runs_as_written() {
    let go = r#"{{range .items}}{{.metadata.name}}{{"\n"}}{{end}}"#;
    let command = format!("kubectl get pods -n {{{{ns}}}} -o go-template='{go}'");
    let text = runbook(NS, &command, "Lists the pods.");
    assert_eq!(diags(&text), vec![], "{text}");
    let rb = check_bytes("t.toml", text.as_bytes()).runbook.unwrap();
    let runbook::domain::StepKind::Command { command, .. } = &rb.steps[0].kind else {
        panic!("not a command step");
    };
    let values = vec![("ns".to_string(), "prod".to_string())];
    assert_eq!(
        fill_command(command, &values),
        format!("kubectl get pods -n 'prod' -o go-template='{go}'")
    );
}

#[test]
fn a_repeated_bad_placeholder_is_reported_at_each_place() {
    let text = runbook(NS, "echo {{ns}} {{nss}} {{nss}}", "{{nss}} and {{ nss }}");
    let errors: Vec<(usize, usize)> = diags(&text)
        .into_iter()
        .filter(|d| d.2 == Level::Error)
        .map(|d| (d.0, d.1))
        .collect();
    // line 15: command = '''echo {{ns}} {{nss}} {{nss}}'; line 16: body = "{{nss}} and {{ nss }}"
    assert_eq!(
        errors,
        vec![(15, 26), (15, 34), (16, 9), (16, 21)],
        "{text}"
    );
    let r = check_bytes("t.toml", text.as_bytes()).render();
    assert!(
        r.contains("no variable \"nss\" is declared (did you mean"),
        "{r}"
    );
}

#[test]
fn a_body_can_mention_braces_and_escape_a_placeholder() {
    let body = "Helm values look like {{ .Values.image }}; write {{{{ns}}}} for the literal. {{";
    let text = runbook(NS, "echo {{ns}}", body);
    assert_eq!(diags(&text), vec![], "{text}");
    let values = vec![("ns".to_string(), "prod".to_string())];
    assert_eq!(
        fill(body, &values),
        "Helm values look like {{ .Values.image }}; write {{ns}} for the literal. {{"
    );
}

#[test]
fn template_keywords_cannot_name_a_variable() {
    let vars = "[vars.end]\nprompt = \"When\"\n";
    let text = runbook(vars, "echo {{end}}", "b");
    let d = diags(&text);
    assert!(
        d.iter()
            .any(|d| d.2 == Level::Error && d.3.contains("\"end\" is a template keyword")),
        "{d:?}"
    );
}

#[test]
fn a_word_that_is_not_a_name_is_a_warning_at_its_place() {
    let text = runbook(NS, "echo {{ns}}", "see {{pod-name}}");
    let d = diags(&text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0, d[0].1, d[0].2), (16, 13, Level::Warning));
    assert!(
        d[0].3.contains("{{pod-name}} is not a placeholder"),
        "{d:?}"
    );
}
