//! Shell code found in a Markdown runbook, made a command step's `command`: prompts (`$ `)
//! stripped and console output set apart, `$VAR`, `${VAR}` and `<placeholder>` turned into
//! declared `{{var}}` placeholders, and any `{{name}}`-shaped text already there escaped so it
//! stays literal. Also tells shell code from other code (PromQL, YAML) and from sessions that
//! need a person at the keyboard (`kubectl exec -it`, `ssh`, `chroot`). Pure.

use crate::domain::template::{RESERVED, Token, scan};

/// Shell variables every shell has: never made placeholders.
const SHELL_OWN: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "PWD",
    "OLDPWD",
    "SHELL",
    "HOSTNAME",
    "TERM",
    "LANG",
    "TMPDIR",
    "IFS",
    "RANDOM",
    "UID",
    "KUBECONFIG",
    "EDITOR",
];

/// First words of commands the importer recognises in a code block without a language.
const COMMANDS: &[&str] = &[
    "kubectl",
    "oc",
    "etcdctl",
    "helm",
    "curl",
    "wget",
    "systemctl",
    "journalctl",
    "df",
    "du",
    "ls",
    "cat",
    "grep",
    "docker",
    "crictl",
    "podman",
    "aws",
    "gcloud",
    "az",
    "ps",
    "free",
    "ip",
    "ss",
    "netstat",
    "dig",
    "nslookup",
    "ping",
    "sudo",
    "find",
    "mount",
    "lsof",
    "promtool",
    "amtool",
    "export",
    "echo",
    "tail",
    "head",
    "awk",
    "sed",
    "jq",
    "openssl",
    "ssh",
    "chroot",
    "uptime",
    "dmesg",
    "iostat",
    "vmstat",
    "top",
    "rm",
    "mv",
    "cp",
    "exit",
    "for",
    "while",
    "nc",
    "telnet",
    "ceph",
    "rados",
    "psql",
    "mysql",
    "redis-cli",
    "vault",
    "consul",
    "nomad",
    "terraform",
    "git",
    "make",
    "sh",
    "bash",
    "cd",
    "kill",
    "pkill",
    "timedatectl",
    "chronyc",
    "ntpq",
    "iptables",
    "nft",
    "conntrack",
    "sysctl",
    "ulimit",
    "stat",
    "xfs_info",
    "lvs",
];

/// A variable a command needs, as the Markdown wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needed {
    pub name: String,
    /// `$NAMESPACE`, `<pod name>`.
    pub written: String,
}

/// Shell code, ready for a command step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shell {
    pub command: String,
    /// The code as written, prompts and output left out (for showing it in prose).
    pub raw: String,
    pub needs: Vec<Needed>,
    /// Console output shown in the block (lines without a prompt).
    pub output: Vec<String>,
    /// It needs a person at a terminal: shown, not run.
    pub interactive: bool,
}

/// True when a code block in `lang` holding `body` is shell code.
pub fn is_shell(lang: &str, body: &str) -> bool {
    match lang {
        "sh" | "bash" | "shell" | "console" | "zsh" | "shell-session" | "terminal" | "cmd" => {
            // A console block of PromQL or output only is no shell.
            lang != "console" || body.lines().any(|l| starts_like_command(l.trim_start()))
        }
        "" | "text" | "plain" | "none" => body.lines().any(|l| starts_like_command(l.trim())),
        _ => false,
    }
}

fn starts_like_command(line: &str) -> bool {
    let line = line.strip_prefix("$ ").unwrap_or(line);
    let first = line.split_whitespace().next().unwrap_or("");
    let first = first.split('=').next().unwrap_or("");
    COMMANDS.contains(&first)
        || (first.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && !first.is_empty()
            && line.contains('='))
}

/// The command in a shell block, or None when it holds nothing to run (comments, TODO).
pub fn shell(body: &str) -> Option<Shell> {
    let lines: Vec<&str> = body.lines().collect();
    let prompted = lines.iter().any(|l| l.trim_start().starts_with("$ "));
    let mut command = Vec::new();
    let mut output = Vec::new();
    // A line ending in `\` continues on the next, prompt or not.
    let mut continued = false;
    for l in &lines {
        let t = l.trim_start();
        let cmd = if let Some(c) = t.strip_prefix("$ ") {
            Some(c.trim_end())
        } else if !prompted || continued {
            Some(l.trim_end())
        } else {
            None
        };
        match cmd {
            Some(c) => {
                continued = c.ends_with('\\');
                command.push(c.to_string());
            }
            None if !t.is_empty() => output.push(l.trim_end().to_string()),
            None => {}
        }
    }
    while command.last().is_some_and(|c| c.trim().is_empty()) {
        command.pop();
    }
    let runnable = command
        .iter()
        .any(|c| !c.trim().is_empty() && !c.trim_start().starts_with('#'));
    if !runnable {
        return None;
    }
    let text = command.join("\n");
    let interactive = interactive(&text);
    let (command, needs) = placeholders(&escape_braces(&text));
    Some(Shell {
        command,
        raw: text,
        needs,
        output,
        interactive,
    })
}

/// Sessions that wait for a person: a shell inside a pod or a node, an editor, a pager.
fn interactive(text: &str) -> bool {
    text.lines().any(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        let has = |s: &str| w.contains(&s);
        (w.first().is_some_and(|c| ["kubectl", "oc"].contains(c))
            && (has("-it") || has("-ti") || has("debug") || has("edit") || has("rsh")))
            || [
                "ssh", "chroot", "exit", "vi", "vim", "less", "top", "watch", "nano",
            ]
            .contains(w.first().unwrap_or(&""))
    })
}

/// `{{name}}`-shaped text in the source stays literal: written as the escape.
pub fn escape_braces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for t in scan(text) {
        if let Token::Placeholder { offset, len, .. } = t {
            out.push_str(&text[last..offset]);
            out.push_str("{{");
            out.push_str(&text[offset..offset + len]);
            out.push_str("}}");
            last = offset + len;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Prose (a title, a body) for a runbook: `{{name}}`-shaped text escaped so it stays
/// literal, then each variable a command needs, where the prose writes it the same way
/// (`$NAMESPACE`, `<pod name>`), made its placeholder, so it is filled in there too.
pub fn prose(text: &str, needs: &[Needed]) -> String {
    let mut out = escape_braces(text);
    for n in needs {
        let with = format!("{{{{{}}}}}", n.name);
        let mut done = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(&n.written) {
            let after = &rest[at + n.written.len()..];
            // `$POD` is not the start of `$PODS`.
            let whole = n.written.starts_with('<')
                || !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            done.push_str(&rest[..at]);
            done.push_str(if whole { &with } else { &n.written });
            rest = after;
        }
        done.push_str(rest);
        out = done;
    }
    out
}

/// A variable name from words: lowercase, `_` between, at most three words.
pub fn var_name(words: &str) -> Option<String> {
    let parts: Vec<String> = words
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .take(3)
        .map(|p| p.to_ascii_lowercase())
        .collect();
    let mut name = parts.join("_");
    if name.is_empty() {
        return None;
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("v_{name}");
    }
    if RESERVED.contains(&name.as_str()) {
        name.push_str("_name");
    }
    name.truncate(40);
    Some(name)
}

/// Replaces `$VAR`, `${VAR}` (upper case, not set by the command itself, outside single
/// quotes) and `<placeholder>` with `{{var}}`.
fn placeholders(text: &str) -> (String, Vec<Needed>) {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut needs: Vec<Needed> = Vec::new();
    let need = |name: String, written: &str, needs: &mut Vec<Needed>| {
        if !needs.iter().any(|n| n.name == name) {
            needs.push(Needed {
                name: name.clone(),
                written: written.to_string(),
            });
        }
        format!("{{{{{name}}}}}")
    };
    let mut i = 0;
    let mut single = false;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            single = !single;
        }
        if !single && c == b'$' {
            if let Some((name, len)) = shell_var(text, i)
                && !SHELL_OWN.contains(&name)
                && !assigned(text, name)
                && let Some(v) = var_name(name)
            {
                out.push_str(&need(v, &text[i..i + len], &mut needs));
                i += len;
                continue;
            }
        } else if c == b'<'
            && let Some(len) = angle(text, i)
        {
            let inner = &text[i + 1..i + len - 1];
            // `X=<...>`: the variable is named after X.
            let before = &text[..i];
            let assigned_to = before
                .strip_suffix('=')
                .map(|s| {
                    s.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or("")
                })
                .filter(|s| !s.is_empty());
            if let Some(v) = var_name(assigned_to.unwrap_or(inner)) {
                out.push_str(&need(v, &text[i..i + len], &mut needs));
                i += len;
                continue;
            }
        }
        let ch = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + ch]);
        i += ch;
    }
    (out, needs)
}

/// `$NAME` or `${NAME}` at `i` with an upper-case NAME: the name and the length.
fn shell_var(text: &str, i: usize) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    let braced = b.get(i + 1) == Some(&b'{');
    let start = i + 1 + usize::from(braced);
    let mut j = start;
    while b
        .get(j)
        .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
    {
        j += 1;
    }
    let name = &text[start..j];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    if braced {
        (b.get(j) == Some(&b'}')).then_some((name, j + 1 - i))
    } else if b.get(j).is_some_and(|c| c.is_ascii_lowercase()) {
        None
    } else {
        Some((name, j - i))
    }
}

/// True when the command sets `name` itself.
fn assigned(text: &str, name: &str) -> bool {
    text.match_indices(&format!("{name}=")).any(|(at, _)| {
        at == 0
            || !text.as_bytes()[at - 1].is_ascii_alphanumeric() && text.as_bytes()[at - 1] != b'$'
    }) || text.contains(&format!("for {name} "))
        || text.contains(&format!("read {name}"))
}

/// `<words>` at `i` that reads as a placeholder (a letter first, words, no path or markup):
/// its length.
fn angle(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i + 1..];
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let close = rest.find('>')?;
    let inner = &rest[..close];
    let ok = inner.len() <= 60
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-'));
    ok.then_some(close + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_output_and_variables() {
        let s =
            shell("$ kubectl -n $NAMESPACE logs ${POD} -c $CONTAINER\nsome output\n$ echo $HOME\n")
                .unwrap();
        assert_eq!(
            s.command,
            "kubectl -n {{namespace}} logs {{pod}} -c {{container}}\necho $HOME"
        );
        let names: Vec<&str> = s.needs.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, vec!["namespace", "pod", "container"]);
        assert_eq!(s.output, vec!["some output"]);
        assert!(!s.interactive);
    }

    #[test]
    fn angle_placeholders_assignments_and_quotes() {
        let s = shell("$ NODE_NAME=<instance label from alert>\n$ kubectl debug node/$NODE_NAME\n")
            .unwrap();
        assert_eq!(
            s.command,
            "NODE_NAME={{node_name}}\nkubectl debug node/$NODE_NAME"
        );
        assert!(s.interactive);
        let s = shell("awk '{ print $NF }' <pod-name> | grep x\ncat < file").unwrap();
        assert_eq!(
            s.command,
            "awk '{ print $NF }' {{pod_name}} | grep x\ncat < file"
        );
        // Go templates stay as written; a `{{name}}` already there stays literal.
        let s = shell("kubectl get po -o go-template='{{range .items}}{{end}}' {{ ns }}").unwrap();
        assert_eq!(
            s.command,
            "kubectl get po -o go-template='{{range .items}}{{end}}' {{{{ ns }}}}"
        );
    }

    #[test]
    fn prose_mentions_are_filled_and_braces_stay_literal() {
        let needs = vec![
            Needed {
                name: "pod".into(),
                written: "$POD".into(),
            },
            Needed {
                name: "mount_point".into(),
                written: "<mount point>".into(),
            },
        ];
        assert_eq!(
            prose(
                "Check $POD, not $PODS, on <mount point>; {{ value }} stays.",
                &needs
            ),
            "Check {{pod}}, not $PODS, on {{mount_point}}; {{{{ value }}}} stays."
        );
    }

    #[test]
    fn stubs_and_other_code() {
        assert_eq!(shell("# TODO: Command needed\n"), None);
        assert!(is_shell("console", "$ kubectl get nodes"));
        assert!(!is_shell("console", "node_filesystem_free_bytes"));
        assert!(!is_shell("promql", "rate(x[5m])"));
        assert!(!is_shell("yaml", "kind: Pod"));
        assert!(is_shell("", "kubectl get pods"));
    }
}
