//! Inspection records (the printable 现场检查记录 and 整改通知书).

pub mod get;
