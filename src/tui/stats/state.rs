//! The state of learning across incidents in the app, as plain data: what the last read of
//! every journal found (`Learning`, shared by the stats screen and the home preview), and the
//! stats screen's own choices (`StatsView`). No IO, no clock.
//!
//! Owns: the request numbers. Every read is asked for with the next number, and its answers
//! name it; only the answers of the read in flight are taken, so an answer can never replace
//! a newer one or land on a screen that did not ask for it.

use crate::stats::report::Skipped;
use crate::stats::{Filter, Report, Summary};
use std::sync::Arc;

/// What the app knows of the incidents across time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Learning {
    /// The last request made; requests count up from 1 (0: none yet).
    pub asked: u64,
    /// The read in flight, when there is one (at most one at a time).
    pub reading: Option<Reading>,
    /// The figures of the last read answered, and its request.
    pub figures: Option<(u64, Arc<Figures>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub request: u64,
    /// How many journals it reads, once the reader has listed them.
    pub incidents: Option<usize>,
}

/// One read's figures, computed once off the UI loop (by the reader): real incidents and
/// drills apart, as `runbook stats` and `runbook stats --drills` count them.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub real: Report,
    pub drills: Report,
    /// Journals left out because they could not be read whole, with why.
    pub skipped: Vec<Skipped>,
    /// Why the summary cache could not be saved, when it could not: the figures are whole,
    /// but the next read is as slow as this one, and the responder is told so on screen (the
    /// app has no stderr).
    pub cache_warning: Option<String>,
}

impl Figures {
    /// The figures over every summary read; `skipped` are the journals that could not be.
    pub fn compute(all: &[Summary], skipped: Vec<Skipped>) -> Figures {
        let count = |drills| {
            let mut r = Report::compute(
                all,
                &Filter {
                    drills,
                    ..Filter::default()
                },
            );
            r.skipped = skipped.clone();
            r
        };
        Figures {
            real: count(false),
            drills: count(true),
            skipped,
            cache_warning: None,
        }
    }

    /// Drills only, or real incidents only.
    pub fn report(&self, drills: bool) -> &Report {
        if drills { &self.drills } else { &self.real }
    }
}

impl Learning {
    /// The figures answered for request `request` or a later one: what a screen opened with
    /// `request` may show.
    pub fn since(&self, request: u64) -> Option<&Figures> {
        self.figures
            .as_ref()
            .filter(|(r, _)| *r >= request)
            .map(|(_, f)| f.as_ref())
    }

    /// The latest figures, however old (the home preview's).
    pub fn latest(&self) -> Option<&Figures> {
        self.figures.as_ref().map(|(_, f)| f.as_ref())
    }
}

/// The stats screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsView {
    /// The read it was opened with: until that read answers, it says "reading N incidents…".
    pub request: u64,
    /// Drills only (`d`), as `runbook stats --drills`; real incidents by default.
    pub drills: bool,
    /// The runbook whose steps it shows: the one selected on the home screen (an incident's
    /// runbook), then whichever Tab or the arrows chose.
    pub runbook: Option<String>,
    /// Lines the runbook pane is scrolled down (`J`/`K`); back to 0 when the runbook changes.
    pub scroll: usize,
}
