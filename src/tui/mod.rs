//! The interactive app. Functional core (`app.rs`: state, messages, effects, `update`), views
//! that borrow the state (`view/`), and an imperative shell (`shell.rs`, `effects.rs`) that owns
//! the terminal, the journal handle, the threads, and nothing else.

pub mod app;
pub mod effect;
pub mod effects;
pub mod filter;
pub mod home;
pub mod incident;
pub mod keymap;
pub mod msg;
pub mod output;
pub mod overlay;
pub mod pager;
pub mod paste;
pub mod quit;
pub mod record;
pub mod shell;
pub mod state;
pub mod stats;
pub mod step;
pub mod tick;
pub mod view;
pub mod worker;
