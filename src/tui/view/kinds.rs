//! Incident screen, detail pane: what each kind of step brings below its body (a check's or
//! command's expectation, the command as it will run, a decision's numbered choices, a comms
//! step's cadence and template), then the checklist numbered for `x N`, and the links. Runbook
//! text has its variables filled and is made visible.

use super::text::{Lines, clean, fit, hanging, hms, one, prose, wrapped};
use super::theme::{Theme, checkbox};
use crate::domain::Step;
use crate::domain::incident::StepState;
use crate::domain::runbook::Choice;
use crate::tui::state::{AppState, IncidentView};
use ratatui::text::Line;

/// Writes the sections of the selected step `def` at width `max`.
pub struct Writer<'a> {
    pub s: &'a AppState,
    pub v: &'a IncidentView,
    pub def: &'a Step,
    pub max: usize,
}

impl Writer<'_> {
    fn section(&self, out: &mut Lines, title: &str) {
        out.push(Line::raw(""));
        out.push(Line::styled(
            fit(title, self.max),
            Theme::of(self.s).title(),
        ));
    }

    pub fn expect(&self, expect: Option<&str>, out: &mut Lines) {
        if let Some(e) = expect {
            self.section(out, "Expect");
            let t = Theme::of(self.s);
            out.extend(prose(e, &self.v.incident.vars, self.max, t.plain()));
        }
    }

    /// The command as it runs: the variables' values quoted as single shell words.
    pub fn command(&self, command: &str, timeout: &str, out: &mut Lines) {
        let t = Theme::of(self.s);
        self.section(out, &format!("Command (timeout {timeout})"));
        let filled = crate::domain::template::fill_command(command, &self.v.incident.vars);
        for (k, line) in clean(&filled, &[]).iter().enumerate() {
            let lead = if k == 0 { "$ " } else { "> " };
            out.extend(hanging(lead, line, self.max, t.strong()));
        }
        let running = self
            .s
            .running
            .as_ref()
            .is_some_and(|r| r.incident == self.v.incident.id && r.step == self.def.id);
        if running {
            out.push(Line::styled("running…", t.warn()));
        }
    }

    pub fn choices(&self, choices: &[Choice], out: &mut Lines) {
        let t = Theme::of(self.s);
        let inc = &self.v.incident;
        self.section(out, "Choices (press the number, or Enter for a list)");
        let taken = inc
            .path
            .iter()
            .rev()
            .find(|p| p.step == self.def.id)
            .map(|p| p.choice);
        for (k, c) in choices.iter().enumerate() {
            let mark = if taken == Some(k + 1) {
                "  (taken)"
            } else {
                ""
            };
            let label = clean(&c.label, &inc.vars).join(" ");
            let text = format!("{label} → {}{mark}", one(&c.next));
            let style = if mark.is_empty() { t.plain() } else { t.good() };
            out.extend(hanging(&format!("{}. ", k + 1), &text, self.max, style));
        }
    }

    pub fn comms(&self, template: &str, every: Option<String>, out: &mut Lines) {
        let t = Theme::of(self.s);
        let inc = &self.v.incident;
        self.section(out, "Status update (u to write and send)");
        let last = inc
            .comms
            .iter()
            .rfind(|c| c.step.as_deref() == Some(self.def.id.as_str()));
        let mut cadence = match every {
            Some(e) => format!("every {e}"),
            None => "once".to_string(),
        };
        match last {
            Some(c) => cadence.push_str(&format!(" · last sent {} by {}", hms(c.at), one(&c.by))),
            None => cadence.push_str(" · not sent yet"),
        }
        out.extend(hanging("", &cadence, self.max, t.dim()));
        out.extend(wrapped(template, &inc.vars, self.max, t.plain()));
    }

    pub fn checklist(&self, st: &StepState, out: &mut Lines) {
        let (t, def) = (Theme::of(self.s), self.def);
        if def.checklist.is_empty() {
            return;
        }
        let done = st.checklist.iter().filter(|c| **c).count();
        let n = def.checklist.len();
        self.section(out, &format!("Checklist {done}/{n} · x N toggles item N"));
        if self.v.awaiting_item {
            let ask = fit("press the number of the item to toggle", self.max);
            out.push(Line::styled(ask, t.warn()));
        }
        for (k, item) in def.checklist.iter().enumerate() {
            let on = st.checklist.get(k).copied().unwrap_or(false);
            let head = format!("{}. {} ", k + 1, checkbox(on));
            let text = clean(item, &self.v.incident.vars).join(" ");
            let style = if on { t.good() } else { t.plain() };
            out.extend(hanging(&head, &text, self.max, style));
        }
    }

    pub fn links(&self, out: &mut Lines) {
        if self.def.links.is_empty() {
            return;
        }
        let vars = &self.v.incident.vars;
        self.section(out, "Links");
        for l in &self.def.links {
            let title = clean(&l.title, vars).join(" ");
            let text = format!("{title}: {}", clean(&l.url, vars).join(" "));
            out.extend(hanging("", &text, self.max, Theme::of(self.s).dim()));
        }
    }
}
