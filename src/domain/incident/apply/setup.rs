//! The records of what an incident runs on: a newer runbook version adopted (states carried
//! over by step id, vanished steps kept as retired) and a drill's configuration and injects.

use crate::domain::Runbook;
use crate::domain::event::{Known, Record};
use crate::domain::incident::{FoldError, Incident, Parse, StepState};
use std::sync::Arc;

impl Incident {
    /// What the incident runs on: the runbook's version, the drill's configuration and injects.
    pub(super) fn setup_record(
        &mut self,
        k: &Known,
        r: &Record,
        parse: Parse<'_>,
    ) -> Result<(), FoldError> {
        match k {
            Known::IncidentOpened { .. } => return Err(FoldError::OpenedTwice { seq: r.seq }),
            Known::RunbookAdopted {
                runbook_sha256,
                runbook_source,
            } => match parse(runbook_source) {
                Ok(new) => self.adopt(new, runbook_sha256.clone()),
                // History stays readable: the incident goes on with the version it had.
                Err(why) => self.warnings.push(format!(
                    "record {}: the adopted runbook cannot be read ({why}); the incident keeps the version it had",
                    r.seq
                )),
            },
            Known::DrillConfigured { scenario, speed } => {
                if !self.drill {
                    self.warnings.push(format!(
                        "record {}: a drill configuration in an incident that is not a drill",
                        r.seq
                    ));
                }
                if self.scenario.is_some() || self.speed.is_some() {
                    // The first configuration is the pin; a later one cannot change the drill.
                    self.warnings.push(format!(
                        "record {}: the drill was already configured; this one is ignored",
                        r.seq
                    ));
                } else {
                    self.scenario = scenario.clone();
                    self.speed = *speed;
                }
            }
            Known::InjectFired { inject, .. } => {
                // Fired once: whichever announcement comes first in the fold's order stands
                // (two devices of a shared drill may both fire it while cut off).
                if self.injects.iter().any(|(n, _)| n == inject) {
                    self.warnings.push(format!(
                        "record {}: inject {inject} was already announced; the first stands",
                        r.seq
                    ));
                } else {
                    self.injects.push((*inject, r.at));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Takes a newer version of the runbook: states carry over by step id; steps that vanished
    /// stay in the record as retired.
    pub(super) fn adopt(&mut self, new: Arc<Runbook>, sha: String) {
        // The old version is shared with other incidents: its steps are copied, not taken.
        let mut old: Vec<(crate::domain::Step, StepState)> = self
            .runbook
            .steps
            .iter()
            .cloned()
            .zip(self.steps.drain(..))
            .collect();
        let current_id = self
            .current
            .and_then(|c| old.get(c))
            .map(|(s, _)| s.id.clone());
        let mut states = Vec::with_capacity(new.steps.len());
        for s in &new.steps {
            match old.iter().position(|(o, _)| o.id == s.id) {
                Some(j) => {
                    let (_, mut st) = old.swap_remove(j);
                    st.checklist.resize(s.checklist.len(), false);
                    states.push(st);
                }
                None => states.push(StepState::new(s.checklist.len())),
            }
        }
        self.retired.extend(old);
        self.runbook = new;
        self.steps = states;
        self.runbook_sha256 = sha;
        self.current = current_id.and_then(|id| self.runbook.step_index(&id));
    }
}
