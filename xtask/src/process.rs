//! Running commands: checked, streamed, and with test counts read from their output.

use anyhow::{Context, Result, bail};
use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    thread,
};

/// Runs a command with inherited output; fails if it fails.
pub fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("failed to start {}", describe(command)))?;
    if !status.success() {
        bail!("{} failed ({status})", describe(command));
    }
    Ok(())
}

/// Runs a command and returns its standard output, trimmed; fails if it fails.
pub fn output(command: &mut Command) -> Result<String> {
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("failed to start {}", describe(command)))?;
    if !output.status.success() {
        bail!("{} failed ({})", describe(command), output.status);
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Whether a command can be started and succeeds (for probing installed tools).
pub fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Test counts read from a test runner's output.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl Counts {
    /// Adds the counts of one `test result:` line of libtest (also printed by
    /// wasm-bindgen-test-runner), if `line` is one.
    pub fn add_libtest_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(number)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(number) = number.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => self.passed += number,
                "failed" => self.failed += number,
                "ignored" => self.ignored += number,
                _ => {}
            }
        }
    }
}

/// Runs a libtest-style test command, streaming its output and counting its results.
///
/// Returns the counts and whether the command succeeded; a command that fails without
/// reporting a failed test (a build error, a crash) is reported as failed by the caller.
pub fn run_counting(command: &mut Command) -> Result<(Counts, bool)> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("failed to start {}", describe(command)))?;
    let stderr = child.stderr.take().context("no stderr")?;
    let err_thread = thread::spawn(move || {
        let mut counts = Counts::default();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            counts.add_libtest_line(&line);
        }
        counts
    });
    let mut counts = Counts::default();
    let stdout = child.stdout.take().context("no stdout")?;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        println!("{line}");
        counts.add_libtest_line(&line);
    }
    let status = child.wait()?;
    let err_counts = err_thread.join().unwrap_or_default();
    counts.passed += err_counts.passed;
    counts.failed += err_counts.failed;
    counts.ignored += err_counts.ignored;
    Ok((counts, status.success()))
}

/// A short description of a command for error messages.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args().take(4) {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libtest_summaries() {
        let mut counts = Counts::default();
        counts.add_libtest_line("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        counts.add_libtest_line(
            "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out",
        );
        counts.add_libtest_line("running 5 tests");
        assert_eq!(
            counts,
            Counts {
                passed: 15,
                failed: 2,
                ignored: 1
            }
        );
    }
}
