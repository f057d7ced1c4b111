//! Reusable view pieces: props in, callbacks out, no storage or network access.

pub mod checklist;
pub mod empty_state;
pub mod install_hint;
pub mod language_switch;
pub mod layout;
pub mod photos;
pub mod scanner;
pub mod show_more;
pub mod signature_pad;
pub mod storage_banner;
pub mod sync_badge;
pub mod update_prompt;
