//! `runbook import`: a Markdown runbook in the shape public repositories use (front matter, a
//! title, Meaning / Impact / Diagnosis / Mitigation sections and their variants, fenced code,
//! `<details>`, Hugo shortcodes, nested lists, `$VAR` and `<placeholder>` in commands, TODO
//! stubs) made one runbook that validates, with a comment at its top listing what was guessed
//! and what was dropped, for the reviewer. Pure: `commands::import` reads and writes files.
//!
//! Meaning, Impact and any other prose section go into `about`; Diagnosis and Mitigation
//! become steps (`steps`): shell code becomes command steps with declared variables, other
//! code stays in bodies, a list of causes becomes a decision whose branches end explicitly.
//! The result is checked with the loader before it is returned: an input that cannot become
//! a valid runbook is an error for that file, never a panic.

pub mod blocks;
pub mod cmd;
pub mod emit;
pub mod prep;
pub mod steps;

use crate::domain::Severity;
use emit::{Draft, VarDraft};

/// One Markdown file to import.
pub struct Source<'a> {
    /// The file name without its extension: the alert's name.
    pub stem: &'a str,
    /// The directory it is in: the incident type.
    pub dir: Option<&'a str>,
    /// The path as the user gave it, for the header comment.
    pub shown: &'a str,
    pub text: &'a str,
}

/// A runbook made from one file.
#[derive(Debug)]
pub struct Imported {
    pub id: String,
    /// The whole file: header comment, marker, runbook.
    pub text: String,
    pub steps: usize,
    pub vars: usize,
}

/// The line before the generated runbook: the sha256 of everything after it, so a re-import
/// can tell a file nobody edited from a hand-edited one.
pub const MARKER: &str = "# runbook-import: sha256=";

/// Which section a heading names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Meaning,
    Impact,
    Diagnosis,
    Mitigation,
    /// Any other heading: kept in `about`.
    Other,
}

/// The section a heading names, by the words runbooks use for them.
pub fn classify(heading: &str) -> Section {
    let h = heading.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if any(&[
        "diagnos",
        "investigat",
        "troubleshoot",
        "triage",
        "debug",
        "verif",
        "how to check",
        "identify",
    ]) {
        Section::Diagnosis
    } else if any(&[
        "mitigat",
        "remediat",
        "resolution",
        "resolve",
        "fix",
        "recover",
        "solution",
        "action",
        "workaround",
        "what to do",
        "steps",
        "procedure",
    ]) {
        Section::Mitigation
    } else if any(&["impact", "consequence", "effect", "severity"]) {
        Section::Impact
    } else if any(&[
        "mean",
        "overview",
        "description",
        "summary",
        "about",
        "context",
        "background",
        "explanation",
    ]) {
        Section::Meaning
    } else {
        Section::Other
    }
}

/// Imports one file.
pub fn import(src: &Source<'_>) -> Result<Imported, String> {
    let prep = prep::prepare(src.text);
    let mut guessed = Vec::new();
    let mut dropped = prep.dropped.clone();
    let sections = prep::sections(&prep.body);
    if sections.is_empty_stub() {
        return Err("a stub: no text to import beyond a title or TODO".into());
    }
    let alert = alert_name(src.stem);
    let title = prep
        .front
        .get("title")
        .cloned()
        .or_else(|| sections.title.clone())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| split_camel(src.stem));
    let incident_type = incident_type(src.dir, &mut guessed);
    let severity = severity(&prep.front, &mut guessed);
    let mut built = steps::build(&sections, &mut dropped);
    guessed.append(&mut built.guessed);
    if built.steps.is_empty() {
        built.steps.push(steps::review_step());
        guessed.push(
            "one step to read `about`: the source has no Diagnosis or Mitigation steps".into(),
        );
    }
    let vars: Vec<VarDraft> = built.vars.iter().map(VarDraft::guess).collect();
    for v in &vars {
        guessed.push(v.note());
    }
    let id = runbook_id(src.stem);
    // Prose keeps its `{{...}}` literal and gets the commands' variables filled in.
    let p = |t: &str| cmd::prose(t, &built.vars);
    fill_prose(&mut built.steps, &p);
    let draft = Draft {
        id: id.clone(),
        title: p(&title),
        incident_type,
        severity,
        summary: p(&sections.summary()),
        about: p(&sections.about()),
        alert,
        vars,
        steps: built.steps,
    };
    let text = emit::file(src.shown, &draft, &guessed, &dropped);
    let report = crate::runbook::check_bytes(src.shown, text.as_bytes());
    if report.errors() > 0 {
        return Err(format!(
            "the runbook made from it does not validate (an importer bug; please report it):\n{}",
            report.render()
        ));
    }
    Ok(Imported {
        id,
        steps: draft.steps.len(),
        vars: draft.vars.len(),
        text,
    })
}

/// The incident type: the directory the file is in, unless it is a generic one.
fn incident_type(dir: Option<&str>, guessed: &mut Vec<String>) -> String {
    match dir.map(slug).filter(|d| {
        !d.is_empty() && !matches!(d.as_str(), "runbooks" | "content" | "docs" | "alerts")
    }) {
        Some(d) => {
            guessed.push(format!("incident_type \"{d}\", from the directory"));
            d
        }
        None => {
            guessed.push("incident_type \"imported\": the file is in no named directory".into());
            "imported".into()
        }
    }
}

/// The severity the front matter gives, else sev3 (said in the guesses).
fn severity(
    front: &std::collections::BTreeMap<String, String>,
    guessed: &mut Vec<String>,
) -> Severity {
    match front.get("severity").and_then(|s| severity_of(s)) {
        Some(s) => s,
        None => {
            guessed.push("severity sev3, and [alert_severity] critical = sev2, warning = sev3, info = sev4: the source does not say".into());
            Severity::Sev3
        }
    }
}

/// The runbook id: the file name as a slug of at most 64 characters.
fn runbook_id(stem: &str) -> String {
    let mut id = slug(stem);
    id.truncate(64);
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        "imported-runbook".to_string()
    } else {
        id
    }
}

/// Fills the commands' variables into every step's prose.
fn fill_prose(steps: &mut [emit::StepDraft], p: &dyn Fn(&str) -> String) {
    for s in steps.iter_mut() {
        s.title = p(&s.title);
        s.body = p(&s.body);
        s.checklist = s.checklist.iter().map(|c| p(c)).collect();
        if let emit::Kind::Decision(choices) = &mut s.kind {
            for (label, _) in choices.iter_mut() {
                *label = p(label);
            }
        }
    }
}

/// The alert's name: the file name, as alert names are written (`KubePodCrashLooping`).
fn alert_name(stem: &str) -> String {
    stem.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
        .collect()
}

fn severity_of(s: &str) -> Option<Severity> {
    match s.trim().trim_matches('"').to_lowercase().as_str() {
        "critical" | "page" | "sev1" | "p1" => Some(Severity::Sev1),
        "high" | "major" | "sev2" | "p2" => Some(Severity::Sev2),
        "warning" | "medium" | "sev3" | "p3" => Some(Severity::Sev3),
        "info" | "low" | "minor" | "sev4" | "p4" => Some(Severity::Sev4),
        _ => None,
    }
}

/// `KubePodCrashLooping` -> `kube-pod-crash-looping`; any other character -> `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let boundary = c.is_ascii_uppercase()
                && i > 0
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
                        && chars[i - 1].is_ascii_uppercase());
            if boundary && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// `KubePodCrashLooping` -> `Kube Pod Crash Looping`.
fn split_camel(s: &str) -> String {
    slug(s)
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text made of Markdown runbook pieces imports or is refused, never panics, and
        /// what it writes validates.
        #[test]
        fn any_markdown_imports_or_is_refused(parts in proptest::collection::vec(prop_oneof![
            Just("# T\n"), Just("## Meaning\n"), Just("## Diagnosis\n"), Just("## Mitigation\n"),
            Just("### Sub\n"), Just("text $POD and <pod name> {{ x }} `kubectl get $NS`\n"),
            Just("- item\n"), Just("  - nested\n"), Just("1. first\n"), Just("```sh\n"),
            Just("```\n"), Just("$ kubectl -n $NAMESPACE logs ${POD}\n"), Just("Possible causes:\n"),
            Just("<details>\n"), Just("<summary>S</summary>\n"), Just("{{< hint >}}\n"),
            Just("---\ntitle: x\n---\n"), Just("[a]: https://x\n"), Just("\n"), Just("é\u{1b}\t'''\\\n"),
            Just("# TODO\n"), Just("kubectl exec -it $POD -- sh\n"),
        ], 0..30)) {
            let text: String = parts.concat();
            if let Ok(im) = import(&Source { stem: "AlertX", dir: Some("k8s"), shown: "x.md", text: &text }) {
                let r = crate::runbook::check_bytes("x", im.text.as_bytes());
                prop_assert_eq!(r.errors(), 0, "{}\n{}", im.text, r.render());
            }
        }
    }

    #[test]
    fn names_become_ids_and_titles() {
        assert_eq!(slug("KubePodCrashLooping"), "kube-pod-crash-looping");
        assert_eq!(slug("etcdHighFsyncDurations"), "etcd-high-fsync-durations");
        assert_eq!(slug("KubeAPIDown"), "kube-api-down");
        assert_eq!(slug("Instance-down"), "instance-down");
        assert_eq!(slug("../../x"), "x");
        assert_eq!(
            split_camel("NodeFilesystemSpaceFillingUp"),
            "Node Filesystem Space Filling Up"
        );
        assert_eq!(classify("Diagnosis"), Section::Diagnosis);
        assert_eq!(classify("How to fix it"), Section::Mitigation);
        assert_eq!(classify("Meaning"), Section::Meaning);
        assert_eq!(classify("Impact"), Section::Impact);
        assert_eq!(classify("References"), Section::Other);
    }
}
