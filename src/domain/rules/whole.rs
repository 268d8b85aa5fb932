//! The rules on the incident as a whole, whatever step an action names: a note has text, a
//! role and a person are usable names, an action item's follow-up is well formed, a milestone
//! dated before the start is flagged, an incident is opened once. Pure.

use super::Refused;
use crate::domain::Milestone;
use crate::domain::event::Known;
use crate::domain::incident::Incident;
use chrono::{DateTime, Utc};

/// Rules about the incident as a whole; Ok carries warnings.
pub(super) fn incident_rules(
    inc: &Incident,
    event: &Known,
    at: DateTime<Utc>,
) -> Result<Vec<String>, Refused> {
    let mut warnings = Vec::new();
    match event {
        Known::NoteAdded { text, .. } if text.trim().is_empty() => {
            return Err(Refused::new("a note needs some text"));
        }
        Known::ActionItemUpdated {
            note,
            done,
            owner,
            link,
        } => action_update(inc, *note, *done, owner.as_deref(), link.as_deref())?,
        // The same names in the app and the CLI: a role is one short word, the person a
        // usable name (`Author`), so neither can carry control characters into timelines.
        Known::RoleAssigned { role, person } => {
            if let Err(why) = crate::domain::author::Role::parse(role) {
                return Err(Refused::new(why));
            }
            if let Err(why) = crate::domain::Author::parse(person) {
                return Err(Refused::new(format!("the person for role {role}: {why}")));
            }
        }
        Known::Milestone { milestone }
            if *milestone != Milestone::Started && at < inc.started_at() =>
        {
            warnings.push(format!(
                "milestone {milestone} is dated before the incident started ({}): recorded, and flagged in the export",
                crate::domain::clock::stamp(inc.started_at())
            ));
        }
        Known::IncidentOpened { .. } => {
            return Err(Refused::new("an incident is opened only once"));
        }
        _ => {}
    }
    Ok(warnings)
}

/// An action item's follow-up: the note must be an action item, something must change, the
/// owner a usable name, the link an http(s) URL with nothing a terminal or a shell would act on.
fn action_update(
    inc: &Incident,
    note: u64,
    done: Option<bool>,
    owner: Option<&str>,
    link: Option<&str>,
) -> Result<(), Refused> {
    if !inc.notes.iter().any(|n| n.seq == note && n.action_item) {
        return Err(Refused::new(format!(
            "incident {} has no action item #{note}; `runbook actions` lists them with their numbers",
            inc.id
        )));
    }
    if done.is_none() && owner.is_none() && link.is_none() {
        return Err(Refused::new("say what changes: done, an owner or a link"));
    }
    if let Some(o) = owner
        && let Err(why) = crate::domain::Author::parse(o)
    {
        return Err(Refused::new(format!("the owner: {why}")));
    }
    if let Some(l) = link {
        let scheme = l.starts_with("https://") || l.starts_with("http://");
        let clean = l.len() <= 2048
            && !l.chars().any(|c| {
                c.is_whitespace() || c.is_control() || crate::runbook::sanitize::is_hazard(c)
            });
        if !scheme || !clean || l.len() < 10 {
            return Err(Refused::new(
                "the link must be an http:// or https:// URL, without spaces or control characters",
            ));
        }
    }
    Ok(())
}
