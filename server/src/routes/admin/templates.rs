//! Checklist templates (administrators whose scope is the whole city).

pub mod publish;
