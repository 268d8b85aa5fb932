//! The interactive app. Functional core: `update` (`app.rs`) over the state (`state.rs`), with
//! messages in (`msg.rs`) and effects out (`effect.rs`); views that borrow the state (`view/`);
//! and an imperative shell that owns the terminal and the threads (`shell/`), carries out
//! effects on the loop thread (`effects.rs`) and does the journal and library IO on its own
//! thread (`worker.rs`), and nothing else.

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
