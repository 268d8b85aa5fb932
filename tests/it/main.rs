//! The integration tests, in one crate: one binary to link instead of one per file (the
//! machines here have two cores, and each link of a test binary takes seconds). Each module is
//! one area; `support` holds what they share.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

mod support;

mod actions_cli;
mod alerts_in;
mod bounds;
mod cli_incident;
mod cli_polish;
mod command_plan;
mod drill_cli;
mod drill_clock;
mod drill_scenario;
mod drill_scorecard;
mod env_context;
mod export_checks;
mod export_connection_storm;
mod export_data_migration;
mod export_etcd;
mod export_long;
mod export_oom_kills;
mod export_render;
mod export_schema_migration;
mod fold;
mod fuzz_regressions;
mod header;
mod help_examples;
mod hostile_files;
mod import_md;
mod journal_concurrent;
mod journal_crash;
mod journal_create;
mod journal_damage;
mod journal_errors;
mod journal_props;
mod journal_readonly;
mod journal_torn;
mod library;
mod markdown_bodies;
mod no_panic;
mod paths;
mod placeholders;
mod quoting;
mod reload;
mod run_cli;
mod runner;
mod signoff;
mod slips;
mod stats_cache;
mod stats_cli;
mod store_conditional;
mod store_record;
mod store_start;
mod team_sync;
mod tui_pty;
mod tui_render;
mod tui_safety;
mod tui_stats;
mod tui_stats_render;
mod tui_update;
mod validate_fixtures;
