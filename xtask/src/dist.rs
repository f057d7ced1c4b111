//! Building the release app into `dist/` with Trunk.

use crate::{process, root, step, tools};
use anyhow::{Context, Result};
use std::{path::PathBuf, process::Command, time::Duration, time::Instant};

/// Installs the wasm toolchain if needed and builds the release app into `dist/`.
/// Returns how long the Trunk build itself took.
pub fn build() -> Result<Duration> {
    tools::ensure_wasm_toolchain()?;
    step("Building the app (release) into dist/");
    let started = Instant::now();
    process::run(
        Command::new("trunk")
            .args(["build", "--release", "--offline"])
            .env("PATH", tools::path_with_tools()?)
            .current_dir(root()),
    )
    .context("the app did not build")?;
    let took = started.elapsed();
    println!("Built dist/ in {:.1} s", took.as_secs_f64());
    Ok(took)
}

/// The built app.
pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// Builds `anxun-server` in release mode and returns the path of the binary.
pub fn build_server() -> Result<PathBuf> {
    step("Building anxun-server (release)");
    process::run(
        Command::new("cargo")
            .args(["build", "--release", "--package", "anxun-server"])
            .current_dir(root()),
    )?;
    Ok(target_dir()?.join("release/anxun-server"))
}

/// Cargo's target directory (honours CARGO_TARGET_DIR).
pub fn target_dir() -> Result<PathBuf> {
    let metadata = process::output(
        Command::new("cargo")
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(root()),
    )?;
    let metadata: serde_json::Value = serde_json::from_str(&metadata)?;
    let dir = metadata["target_directory"]
        .as_str()
        .context("cargo metadata has no target_directory")?;
    Ok(PathBuf::from(dir))
}
