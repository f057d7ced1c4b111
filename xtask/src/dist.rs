//! Building the release app into `dist/` with Trunk.

use crate::{process, root, step, tools};
use anyhow::{Context, Result};
use std::{path::PathBuf, process::Command, time::Duration, time::Instant};

/// Installs the wasm toolchain if needed and builds the release app into `dist/`, then the
/// supervisor console into `dist/console/` (after the app: the app's build replaces `dist/`).
/// Returns how long the Trunk builds themselves took.
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
    println!("Built the app in {:.1} s", started.elapsed().as_secs_f64());
    step("Building the supervisor console (release) into dist/console/");
    let console_started = Instant::now();
    // console/Trunk.toml: its own target, dist/console and public URL /console/.
    process::run(
        Command::new("trunk")
            .args(["build", "--release", "--offline"])
            .env("PATH", tools::path_with_tools()?)
            .current_dir(root().join("console")),
    )
    .context("the console did not build")?;
    println!(
        "Built the console in {:.1} s",
        console_started.elapsed().as_secs_f64()
    );
    let took = started.elapsed();
    println!("Built dist/ in {:.1} s", took.as_secs_f64());
    precompress(&dist_dir())?;
    Ok(took)
}

/// Writes `.br` (quality 11) and `.gz` (level 9) beside every compressible file, once per
/// build, so that the server sends the smallest encoding without compressing per request.
pub fn precompress(dir: &std::path::Path) -> Result<()> {
    use std::io::Write;
    const COMPRESSIBLE: [&str; 6] = ["js", "wasm", "css", "webmanifest", "json", "svg"];
    let mut count = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !COMPRESSIBLE.contains(&extension) {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut br = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut br, 64 * 1024, 11, 22);
            writer.write_all(&bytes)?;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        let gz = gz.finish()?;
        let name = path
            .file_name()
            .context("file name")?
            .to_string_lossy()
            .into_owned();
        std::fs::write(path.with_file_name(format!("{name}.br")), br)?;
        std::fs::write(path.with_file_name(format!("{name}.gz")), gz)?;
        count += 1;
    }
    if count > 0 {
        println!(
            "Precompressed {count} files in {} (brotli, gzip)",
            dir.display()
        );
    }
    Ok(())
}

/// A second build of the app for the update test: `dist/` deployed under another label
/// (`<meta name="anxun-build-label">`), so its shell page, precache list, build id and worker
/// script differ from the first, while its hashed files are the same (the new worker reuses
/// them from the old build's cache, as it does for any unchanged file).
pub fn labelled_copy(label: &str) -> Result<PathBuf> {
    let from = dist_dir();
    let to = target_dir()?.join(format!("anxun-dist-{label}"));
    let _ = std::fs::remove_dir_all(&to);
    copy_dir(&from, &to)?;
    let index = to.join("index.html");
    let html = std::fs::read_to_string(&index)?;
    let meta = format!("<meta name=\"anxun-build-label\" content=\"{label}\" />");
    let html = html.replacen("<head>", &format!("<head>\n    {meta}"), 1);
    std::fs::write(&index, html)?;
    // As a deployment would relabel a build: list it again for the service worker.
    let (build, _) = crate::precache::write(&to)?;
    precompress(&to)?;
    println!("Build {build} (label {label}) in {}", to.display());
    Ok(to)
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let name = path.file_name().context("file name")?;
        if path.is_dir() {
            copy_dir(&path, &to.join(name))?;
        } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
            std::fs::copy(&path, to.join(name))?;
        }
    }
    Ok(())
}

/// The built app.
pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// How to build `anxun-server`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Optimised, for running the product and measuring it.
    Release,
    /// The test profile's build, which the server tests have already made: the end-to-end
    /// tests use it to avoid a second full compile of the server.
    Debug,
}

/// Builds `anxun-server` and returns the path of the binary.
pub fn build_server(profile: Profile) -> Result<PathBuf> {
    let (flag, dir) = match profile {
        Profile::Release => (Some("--release"), "release"),
        Profile::Debug => (None, "debug"),
    };
    step(&format!("Building anxun-server ({dir})"));
    process::run(
        Command::new("cargo")
            .args(["build", "--package", "anxun-server"])
            .args(flag)
            .current_dir(root()),
    )?;
    Ok(target_dir()?.join(dir).join("anxun-server"))
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
