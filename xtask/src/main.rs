//! `cargo xtask`: the project's front door.
//!
//! - `cargo xtask run`: install what is missing, build the app and the server, start Anxun on
//!   SQLite with demo data at http://127.0.0.1:8080.
//! - `cargo xtask build`: build the release app into `dist/`.
//! - `cargo xtask test`: install what the tests need, run every suite, print one summary line.
//! - `cargo xtask bench`: measure the product (sizes as served, build time, devices, server);
//!   `cargo xtask bench server`: only the server's push throughput and latency.
//! - `cargo xtask precache`: Trunk's post_build hook (the service worker's precache list).
//! - `cargo xtask xlsx-dump <file>`: an XLSX file as JSON, for tests that read exports.
//!
//! Every tool is installed by these commands themselves (nothing by hand), from the package
//! registries this project can reach: crates.io, npm, PyPI and Debian.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod bench;
mod dist;
mod fixtures;
mod postgres;
mod precache;
mod process;
mod run;
mod s3;
mod test;
mod tools;
mod xlsx_dump;

use anyhow::{Result, bail};
use std::path::PathBuf;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  run     build everything and start Anxun with demo data on http://127.0.0.1:8080
  build   build the release app into dist/
  test    install test dependencies and run every test suite
  bench   measure the release build as served, the device and shell benchmarks and the
          server's push throughput and latency (`bench server`: only the server's)
  fixtures  write the sample photos for the end-to-end tests into tests/fixtures/photos/
  precache  write the service worker's precache list into sw.js (Trunk's post_build hook)
  xlsx-dump <file>  print every sheet of an XLSX file as JSON (tests read exports with it)
";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprint!("{USAGE}");
        bail!("no command given");
    };
    let rest = &args[1..];
    match command.as_str() {
        "run" => run::run(rest),
        "build" => dist::build().map(|_| ()),
        "test" => test::test(rest),
        "bench" => bench::bench(rest),
        "fixtures" => fixtures::write(rest),
        "precache" => precache::run(rest),
        "xlsx-dump" => xlsx_dump::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            eprint!("{USAGE}");
            bail!("unknown command `{other}`")
        }
    }
}

/// The repository root (the parent of `xtask/`).
///
/// Read at run time (`cargo run` sets CARGO_MANIFEST_DIR): checkouts that share one
/// CARGO_TARGET_DIR share one xtask binary, and must each work on their own tree.
fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Prints a step heading, so that long runs show where they are.
fn step(message: &str) {
    println!("\n\x1b[1m==> {message}\x1b[0m");
}
