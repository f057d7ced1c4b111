//! `cargo xtask run`: the whole product on SQLite with demo data.

use crate::{dist, root, step};
use anyhow::{Context, Result};
use std::{os::unix::process::CommandExt, process::Command};

/// Builds the app and the server, then replaces this process with the server, so that Ctrl-C
/// reaches the server directly and it stops cleanly. Extra arguments go to the server.
pub fn run(extra: &[String]) -> Result<()> {
    dist::build()?;
    let server = dist::build_server(dist::Profile::Release)?;
    let data_dir = root().join("data");
    step("Starting Anxun with demo data (Ctrl-C stops it)");
    println!("Data (SQLite database and photos): {}", data_dir.display());
    let error = Command::new(&server)
        .arg("--demo")
        .arg("--data-dir")
        .arg(&data_dir)
        .arg("--static-dir")
        .arg(dist::dist_dir())
        .args(extra)
        .current_dir(root())
        .exec();
    Err(error).with_context(|| format!("failed to start {}", server.display()))
}
