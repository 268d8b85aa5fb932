//! Once a second: a drill's injects when their time comes, and the bell when a wait step's
//! countdown runs out (once per run). Pure.

use super::effect::Effect;
use super::state::{AppState, Tone};
use crate::domain::StepKind;
use crate::domain::incident::Status;

/// Once a second: ring the bell when a wait step's countdown runs out.
pub fn tick(s: &mut AppState) -> Vec<Effect> {
    let now = s.now;
    let Some(v) = &mut s.incident else {
        return Vec::new();
    };
    let mut fx = Vec::new();
    // A drill's injects, announced when their drill time comes, and only once: the journal
    // says which have fired, and none is asked for while an append is still to be answered
    // (it may be the last tick's injects).
    if let Some(sc) = v.scenario.as_ref().filter(|_| v.in_flight == 0) {
        let due = crate::drill::due_events(&v.incident, sc, now);
        if !due.is_empty() {
            v.in_flight += 1;
            fx.push(Effect::Append {
                incident: v.incident.id.clone(),
                events: due,
                origin: None,
                opts: Default::default(),
                at: None,
                by: super::effect::By::Drill,
            });
        }
    }
    for (def, st) in v.incident.runbook.steps.iter().zip(&v.incident.steps) {
        let (StepKind::Wait { duration }, Status::Active, Some(start)) =
            (&def.kind, st.status, st.started)
        else {
            continue;
        };
        let Some(due) = duration.after(start) else {
            continue;
        };
        let key = (def.id.to_string(), st.runs);
        if now >= due && !v.rung.contains(&key) {
            v.rung.push(key);
            fx.push(Effect::Bell);
            s.flash = Some(super::state::Flash {
                text: format!("wait \"{}\" is over", def.title),
                tone: Tone::Warn,
            });
        }
    }
    fx
}
