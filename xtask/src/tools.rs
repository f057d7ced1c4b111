//! Installing the tools the build and the tests need, and only those that are missing.
//!
//! Versions are pinned here and checked against the lockfiles, because Trunk would otherwise
//! try to download tools, which fails on a machine that reaches only the package registries.

use crate::{process, root, step};
use anyhow::{Context, Result, bail};
use std::{
    env,
    ffi::OsString,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

/// Trunk's newest releases need a newer rustc than ours.
const TRUNK_VERSION: &str = "0.21.14";
/// binaryen's wasm-opt from npm; Debian's (version 108) produces wasm that fails at runtime.
const BINARYEN_VERSION: &str = "132";

/// Where tools that do not belong in `~/.cargo/bin` are installed (kept between runs).
pub fn tools_dir() -> PathBuf {
    if let Some(dir) = env::var_os("ANXUN_TOOLS_DIR") {
        return PathBuf::from(dir);
    }
    home().join(".cache/anxun/tools")
}

fn home() -> PathBuf {
    env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"))
}

fn cargo_bin_dir() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
        .join("bin")
}

fn binaryen_bin_dir() -> PathBuf {
    tools_dir().join("binaryen/node_modules/.bin")
}

/// A PATH with the project's tool directories in front.
pub fn path_with_tools() -> Result<OsString> {
    let mut dirs = vec![binaryen_bin_dir(), cargo_bin_dir()];
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    Ok(env::join_paths(dirs)?)
}

fn tool(name: &str) -> Result<Command> {
    let mut command = Command::new(name);
    command.env("PATH", path_with_tools()?);
    Ok(command)
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must be exactly this version.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    locked_version(&lock, "wasm-bindgen").context("wasm-bindgen is not in Cargo.lock")
}

fn locked_version(lock: &str, package: &str) -> Option<String> {
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    let end = start + lock[start..].find('"')?;
    Some(lock[start..end].to_owned())
}

/// Installs the wasm32 target, Trunk, wasm-bindgen-cli and wasm-opt when they are missing.
pub fn ensure_wasm_toolchain() -> Result<()> {
    step("Checking the WebAssembly toolchain");
    let installed =
        process::output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed
        .lines()
        .any(|line| line.trim() == "wasm32-unknown-unknown")
    {
        println!("wasm32-unknown-unknown target: present");
    } else {
        println!("Installing the wasm32-unknown-unknown target");
        process::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    let trunk = process::output(tool("trunk")?.arg("--version")).unwrap_or_default();
    if trunk.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        println!("trunk {TRUNK_VERSION}: present");
    } else {
        println!("Installing trunk {TRUNK_VERSION} (once; about 15 minutes on 2 cores)");
        process::run(Command::new("cargo").args([
            "install",
            &format!("trunk@{TRUNK_VERSION}"),
            "--locked",
        ]))?;
    }

    let wanted = locked_wasm_bindgen_version()?;
    check_trunk_toml(&wanted)?;
    let bindgen = process::output(tool("wasm-bindgen")?.arg("--version")).unwrap_or_default();
    if bindgen.split_whitespace().nth(1) == Some(wanted.as_str()) {
        println!("wasm-bindgen {wanted}: present");
    } else {
        println!("Installing wasm-bindgen-cli {wanted} (once; about 5 minutes)");
        // Not --locked: one of its locked dependencies is missing from the registry.
        process::run(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
        ]))?;
    }

    let wasm_opt = process::output(tool("wasm-opt")?.arg("--version")).unwrap_or_default();
    if binaryen_bin_dir().join("wasm-opt").exists() && wasm_opt.contains(BINARYEN_VERSION) {
        println!("wasm-opt {BINARYEN_VERSION}: present");
    } else {
        println!("Installing wasm-opt (npm binaryen@{BINARYEN_VERSION})");
        let dir = tools_dir().join("binaryen");
        fs::create_dir_all(&dir)?;
        process::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .arg(format!("binaryen@{BINARYEN_VERSION}")),
        )?;
    }
    Ok(())
}

/// Trunk.toml must name the same wasm-bindgen as Cargo.lock, or Trunk tries to download one.
fn check_trunk_toml(wanted: &str) -> Result<()> {
    let trunk_toml = fs::read_to_string(root().join("Trunk.toml")).context("reading Trunk.toml")?;
    let line = format!("wasm_bindgen = \"{wanted}\"");
    if !trunk_toml.contains(&line) {
        bail!(
            "Trunk.toml must say `{line}` under [tools] to match Cargo.lock; \
             update it after upgrading wasm-bindgen"
        );
    }
    Ok(())
}

fn is_root() -> bool {
    process::output(Command::new("id").arg("-u")).is_ok_and(|uid| uid == "0")
}

/// Installs Debian packages when running as root; otherwise says exactly what to install.
pub fn ensure_debian_packages(what: &str, present: bool, packages: &[&str]) -> Result<()> {
    if present {
        println!("{what}: present");
        return Ok(());
    }
    if !is_root() {
        bail!(
            "{what} is missing; install it with: sudo apt-get install -y {}",
            packages.join(" ")
        );
    }
    println!("Installing {what} from Debian: {}", packages.join(" "));
    process::run(Command::new("apt-get").arg("update").arg("-q"))?;
    process::run(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// Debian's Chromium and the matching ChromeDriver, for in-browser and end-to-end tests.
pub fn ensure_chromium() -> Result<()> {
    let present =
        Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists();
    ensure_debian_packages(
        "Chromium and ChromeDriver",
        present,
        &["chromium", "chromium-driver"],
    )
}

/// The directory with PostgreSQL's server programs (initdb, pg_ctl), installing it if needed.
pub fn ensure_postgres() -> Result<PathBuf> {
    let found = postgres_bin_dir();
    ensure_debian_packages("PostgreSQL", found.is_some(), &["postgresql"])?;
    postgres_bin_dir().context("PostgreSQL was installed but initdb was not found")
}

fn postgres_bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

/// moto's S3-compatible server, from PyPI (its `server` extra brings Flask; boto3 comes with
/// it and creates the test bucket).
const MOTO_VERSION: &str = "5.2.5";

/// A virtual environment under the tools directory with moto's server, installed if missing
/// (kept apart from the user's own Python packages). Returns the environment's directory.
pub fn ensure_moto() -> Result<PathBuf> {
    let venv = tools_dir().join("moto");
    let python = venv.join("bin/python");
    let check = format!("import boto3, flask, moto; assert moto.__version__ == '{MOTO_VERSION}'");
    let installed = venv.join("bin/moto_server").exists()
        && process::succeeds(Command::new(&python).args(["-c", &check]));
    if installed {
        println!("moto (S3-compatible test server): present");
        return Ok(venv);
    }
    let has_venv =
        process::succeeds(Command::new("python3").args(["-c", "import ensurepip, venv"]));
    ensure_debian_packages("Python 3 with venv", has_venv, &["python3", "python3-venv"])?;
    let requirement = format!("moto[server]=={MOTO_VERSION}");
    println!("Installing {requirement} from PyPI into {}", venv.display());
    let _ = fs::remove_dir_all(&venv);
    process::run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    process::run(
        Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--disable-pip-version-check",
                "--quiet",
                &requirement,
            ])
            .env_remove("PIP_USER")
            .env("PYTHONNOUSERSITE", "1"),
    )
    .context("cannot install moto from PyPI")?;
    Ok(venv)
}

/// Installs the end-to-end tests' npm packages from the committed lockfile.
pub fn ensure_npm_packages(dir: &Path) -> Result<()> {
    if !process::succeeds(Command::new("npm").arg("--version")) {
        ensure_debian_packages("Node.js and npm", false, &["nodejs", "npm"])?;
    }
    println!("Installing npm packages in {} (npm ci)", dir.display());
    process::run(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_locked_versions() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"x\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "trunk"), None);
    }

    #[test]
    fn trunk_toml_matches_the_lockfile() {
        let wanted = locked_wasm_bindgen_version().unwrap();
        check_trunk_toml(&wanted).unwrap();
    }
}
