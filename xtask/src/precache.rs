//! `cargo xtask precache`: Trunk's `post_build` hook. Writes the service worker's precache list
//! into `sw.js` in Trunk's staging directory.
//!
//! Every file of the build (index.html, the app's JS and wasm, CSS, the web app manifest,
//! icons, the worker's own JS and wasm) is listed with the SHA-256 of its bytes. The worker
//! checks each download against it, so a cache can never mix two builds. The build id is a hash
//! of the whole list: the worker script, which carries the list, changes whenever any file of the
//! shell changes, and the browser then installs it as a new version. Nothing is written by hand.

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::{
    fs,
    path::{Path, PathBuf},
};

/// The line in `public/sw.js` that the list replaces.
const PLACEHOLDER: &str = "const PRECACHE = null; // filled in by `cargo xtask precache`";

/// The worker script itself is not precached (the browser keeps it), nor are files that only
/// crawlers read.
const NOT_PRECACHED: [&str; 2] = ["/sw.js", "/robots.txt"];

/// The supervisor console (`dist/console/`, a bundle of its own, online only) is no part of
/// the field app's shell.
const CONSOLE_DIR: &str = "/console/";

/// One file of the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path the app requests, from the site root.
    pub url: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub bytes: u64,
}

/// Runs as Trunk's hook: reads `TRUNK_STAGING_DIR` (or the directory given as argument).
pub fn run(args: &[String]) -> Result<()> {
    let dir = match args.first() {
        Some(dir) => PathBuf::from(dir),
        None => std::env::var_os("TRUNK_STAGING_DIR")
            .map(PathBuf::from)
            .context("run by Trunk's post_build hook (TRUNK_STAGING_DIR) or with a directory")?,
    };
    let (build, entries) = write(&dir)?;
    let total: u64 = entries.iter().map(|e| e.bytes).sum();
    println!(
        "Precache list: {} files, {} KB, build {build}",
        entries.len(),
        total / 1024
    );
    Ok(())
}

/// Lists the shell in `dir` and writes the list into `dir/sw.js`. Returns the build id.
pub fn write(dir: &Path) -> Result<(String, Vec<Entry>)> {
    let entries = list(dir)?;
    let build = build_id(&entries);
    let worker = dir.join("sw.js");
    let script = fs::read_to_string(&worker)
        .with_context(|| format!("reading {} (copied from public/sw.js)", worker.display()))?;
    let script = fill(&script, &build, &entries)?;
    fs::write(&worker, script)?;
    Ok((build, entries))
}

/// Every file under `dir` that belongs in the precache, sorted by URL.
pub fn list(dir: &Path) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    collect(dir, dir, &mut entries)?;
    entries.sort_by(|a, b| a.url.cmp(&b.url));
    if !entries.iter().any(|e| e.url == "/index.html") {
        bail!("{} holds no index.html", dir.display());
    }
    Ok(entries)
}

fn collect(root: &Path, dir: &Path, entries: &mut Vec<Entry>) -> Result<()> {
    for item in fs::read_dir(dir)? {
        let path = item?.path();
        if path.is_dir() {
            collect(root, &path, entries)?;
            continue;
        }
        let relative = path.strip_prefix(root)?;
        let url = format!(
            "/{}",
            relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        );
        // Compressed siblings are another encoding of a listed file, not a file of their own.
        if NOT_PRECACHED.contains(&url.as_str())
            || url.starts_with(CONSOLE_DIR)
            || url.ends_with(".br")
            || url.ends_with(".gz")
        {
            continue;
        }
        let bytes = fs::read(&path)?;
        entries.push(Entry {
            url,
            sha256: hex::encode(Sha256::digest(&bytes)),
            bytes: bytes.len() as u64,
        });
    }
    Ok(())
}

/// A short hash of the whole list: it changes when any file or name changes.
pub fn build_id(entries: &[Entry]) -> String {
    let mut hasher = Sha256::new();
    for entry in entries {
        hasher.update(entry.url.as_bytes());
        hasher.update([0]);
        hasher.update(entry.sha256.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())[..16].to_owned()
}

/// Replaces the placeholder line of the worker script (or the list an earlier run wrote, so that
/// a deployed `dist/` can be listed again after a change) with the list.
fn fill(script: &str, build: &str, entries: &[Entry]) -> Result<String> {
    let Some(line) = script
        .lines()
        .find(|line| *line == PLACEHOLDER || line.starts_with("const PRECACHE = {"))
    else {
        bail!("sw.js has no precache placeholder (`{PLACEHOLDER}`)");
    };
    let files: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| serde_json::json!([e.url, e.sha256, e.bytes]))
        .collect();
    let list = serde_json::json!({ "build": build, "files": files });
    Ok(script.replacen(line, &format!("const PRECACHE = {list};"), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(dir: &Path, index: &str) {
        fs::create_dir_all(dir.join("icons")).unwrap();
        fs::write(dir.join("index.html"), index).unwrap();
        fs::write(dir.join("app-0123456789abcdef.js"), "js").unwrap();
        fs::write(dir.join("app-0123456789abcdef.js.br"), "br").unwrap();
        fs::write(dir.join("icons/icon.svg"), "<svg/>").unwrap();
        fs::write(dir.join("robots.txt"), "").unwrap();
        fs::write(dir.join("sw.js"), format!("x\n{PLACEHOLDER}\ny")).unwrap();
        // The console, built beside the app: not part of the shell.
        fs::create_dir_all(dir.join("console")).unwrap();
        fs::write(dir.join("console/index.html"), "<html>console</html>").unwrap();
        fs::write(dir.join("console/anxun-console-0123456789abcdef.js"), "js").unwrap();
    }

    #[test]
    fn lists_every_shell_file_with_its_hash_and_changes_the_worker_with_any_file() {
        let dir = std::env::temp_dir().join(format!("anxun-precache-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        shell(&dir, "<html>a</html>");
        let (first, entries) = write(&dir).unwrap();
        let urls: Vec<&str> = entries.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(
            urls,
            ["/app-0123456789abcdef.js", "/icons/icon.svg", "/index.html"]
        );
        assert_eq!(
            entries[2].sha256,
            hex::encode(Sha256::digest(b"<html>a</html>"))
        );
        let script = fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(
            script.contains(&format!("\"build\":\"{first}\"")),
            "{script}"
        );
        assert!(!script.contains(PLACEHOLDER));

        // Listing again (a deployment that changed a file) replaces the earlier list.
        fs::write(dir.join("index.html"), "<html>b</html>").unwrap();
        let (second, _) = write(&dir).unwrap();
        assert_ne!(first, second);
        let script = fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(
            script.contains(&format!("\"build\":\"{second}\"")),
            "{script}"
        );
        assert!(!script.contains(&first));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_a_worker_without_the_placeholder() {
        assert!(fill("importScripts()", "b", &[]).is_err());
    }
}
