//! `cargo xtask test`: every suite, with per-suite counts and one closing line.

use crate::{dist, postgres, process, root, s3, step, tools};
use anyhow::{Context, Result, bail};
use process::Counts;
use std::{fs, process::Command};

/// One suite's outcome.
struct Outcome {
    suite: &'static str,
    counts: Counts,
    note: String,
}

/// Runs everything; fails if anything failed or could not run.
pub fn test(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("`cargo xtask test` takes no arguments (got `{arg}`)");
    }
    let mut outcomes = Vec::new();

    // Installs first, so that a missing tool fails loudly before anything runs.
    tools::ensure_wasm_toolchain()?;
    step("Checking test dependencies");
    tools::ensure_chromium()?;
    let pg_bin = tools::ensure_postgres()?;
    let moto = tools::ensure_moto()?;
    let e2e_dir = root().join("tests/e2e");
    tools::ensure_npm_packages(&e2e_dir)?;

    step("rustfmt");
    outcomes.push(check("rustfmt", cargo().args(["fmt", "--all", "--check"])));

    step("clippy (native)");
    outcomes.push(check(
        "clippy native",
        cargo().args([
            "clippy",
            "--all-targets",
            "-p",
            "anxun-domain",
            "-p",
            "anxun-console",
            "-p",
            "anxun-server",
            "-p",
            "anxun-service-worker",
            "-p",
            "anxun-qr-worker",
            "-p",
            "xtask",
            "--",
            "-D",
            "warnings",
        ]),
    ));
    step("clippy (wasm32)");
    outcomes.push(check(
        "clippy wasm32",
        cargo().args([
            "clippy",
            "--all-targets",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "anxun-domain",
            "-p",
            "anxun-client",
            "-p",
            "anxun-app",
            "-p",
            "anxun-console",
            "-p",
            "anxun-service-worker",
            "-p",
            "anxun-qr-worker",
            "--",
            "-D",
            "warnings",
        ]),
    ));
    step("domain builds for wasm32");
    outcomes.push(check(
        "domain wasm32 build",
        cargo().args([
            "build",
            "-p",
            "anxun-domain",
            "--target",
            "wasm32-unknown-unknown",
        ]),
    ));

    step(
        "Native unit, property and integration tests (domain, console logic, service worker, QR decoder, xtask)",
    );
    outcomes.push(suite(
        "native tests",
        cargo().args([
            "test",
            "-p",
            "anxun-domain",
            "-p",
            "anxun-console",
            "-p",
            "anxun-service-worker",
            "-p",
            "anxun-qr-worker",
            "-p",
            "xtask",
        ]),
    ));

    step("In-browser tests (wasm-bindgen-test, headless Chromium)");
    outcomes.push(suite(
        "browser tests (client)",
        browser_test()?.args(["-p", "anxun-client"]),
    ));
    outcomes.push(suite(
        "browser tests (app)",
        browser_test()?.args(["-p", "anxun-app"]),
    ));
    outcomes.push(suite(
        "browser tests (domain)",
        browser_test()?.args(["-p", "anxun-domain", "--test", "browser"]),
    ));

    step("Server tests against SQLite and PostgreSQL, local files and S3");
    let suite_name = "server tests (SQLite + PostgreSQL, files + S3)";
    match (
        postgres::TempPostgres::start(&pg_bin),
        s3::TempS3::start(&moto),
    ) {
        (Ok(pg), Ok(s3)) => {
            outcomes.push(suite(
                suite_name,
                cargo()
                    .args(["test", "-p", "anxun-server"])
                    .env("ANXUN_TEST_POSTGRES_URL", pg.url())
                    .env("ANXUN_REQUIRE_POSTGRES", "1")
                    .env("ANXUN_TEST_S3_ENDPOINT", s3.url())
                    .env("ANXUN_TEST_S3_BUCKET", s3::BUCKET)
                    .env("ANXUN_REQUIRE_S3", "1"),
            ));
            drop(pg);
            drop(s3);
        }
        (pg, s3) => {
            let mut why = Vec::new();
            if let Err(error) = pg {
                why.push(format!("PostgreSQL could not start: {error:#}"));
            }
            if let Err(error) = s3 {
                why.push(format!(
                    "the S3-compatible server could not start: {error:#}"
                ));
            }
            outcomes.push(Outcome {
                suite: suite_name,
                counts: Counts {
                    failed: 1,
                    ..Counts::default()
                },
                note: why.join("; "),
            });
        }
    }

    step("End-to-end tests (Playwright, real server, release build)");
    outcomes.push(end_to_end(&e2e_dir));

    summarize(&outcomes)
}

/// `cargo test` for wasm32, run by wasm-bindgen-test-runner in headless Chromium.
fn browser_test() -> Result<Command> {
    let mut command = cargo();
    command
        .args(["test", "--target", "wasm32-unknown-unknown"])
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .env("PATH", tools::path_with_tools()?);
    Ok(command)
}

fn cargo() -> Command {
    let mut command = Command::new("cargo");
    command.current_dir(root());
    command
}

/// A check that passes or fails as a whole (formatting, lints, builds).
fn check(suite: &'static str, command: &mut Command) -> Outcome {
    let ok = process::run(command).is_ok();
    Outcome {
        suite,
        counts: Counts {
            passed: u64::from(ok),
            failed: u64::from(!ok),
            ignored: 0,
        },
        note: if ok {
            String::new()
        } else {
            "failed (see above)".into()
        },
    }
}

/// A libtest-style suite, counted test by test.
fn suite(suite: &'static str, command: &mut Command) -> Outcome {
    match process::run_counting(command) {
        Ok((mut counts, ok)) => {
            let mut note = String::new();
            if !ok && counts.failed == 0 {
                counts.failed += 1;
                note = "did not build or crashed (see above)".into();
            }
            if ok && counts.passed == 0 {
                counts.failed += 1;
                note = "ran no test".into();
            }
            Outcome {
                suite,
                counts,
                note,
            }
        }
        Err(error) => Outcome {
            suite,
            counts: Counts {
                failed: 1,
                ..Counts::default()
            },
            note: format!("{error:#}"),
        },
    }
}

fn end_to_end(e2e_dir: &std::path::Path) -> Outcome {
    let suite_name = "end-to-end (Playwright)";
    let result = (|| -> Result<Counts> {
        crate::fixtures::write(&[])?;
        dist::build()?;
        let second_build = dist::labelled_copy("B")?;
        let server = dist::build_server(dist::Profile::Debug)?;
        let report = e2e_dir.join("test-results/report.json");
        let _ = fs::remove_file(&report);
        let status = Command::new("npx")
            .args(["playwright", "test"])
            .current_dir(e2e_dir)
            .env("ANXUN_SERVER_BIN", &server)
            .env("ANXUN_STATIC_DIR", dist::dist_dir())
            .env("ANXUN_STATIC_DIR_B", &second_build)
            .env("ANXUN_E2E_PORT", postgres::free_port()?.to_string())
            .env("PLAYWRIGHT_JSON_OUTPUT_NAME", &report)
            .status()
            .context("failed to start Playwright")?;
        let json = fs::read_to_string(&report)
            .with_context(|| format!("Playwright wrote no report ({status})"))?;
        let report: serde_json::Value = serde_json::from_str(&json)?;
        let stats = &report["stats"];
        let number = |key: &str| stats[key].as_u64().unwrap_or(0);
        let mut counts = Counts {
            passed: number("expected") + number("flaky"),
            failed: number("unexpected"),
            ignored: number("skipped"),
        };
        if !status.success() && counts.failed == 0 {
            counts.failed = 1;
        }
        Ok(counts)
    })();
    match result {
        Ok(counts) => Outcome {
            suite: suite_name,
            counts,
            note: if counts.passed == 0 {
                "ran no test".into()
            } else {
                String::new()
            },
        },
        Err(error) => Outcome {
            suite: suite_name,
            counts: Counts {
                failed: 1,
                ..Counts::default()
            },
            note: format!("{error:#}"),
        },
    }
}

fn summarize(outcomes: &[Outcome]) -> Result<()> {
    step("Summary");
    let mut total = Counts::default();
    for outcome in outcomes {
        let Counts {
            passed,
            failed,
            ignored,
        } = outcome.counts;
        let mark = if failed == 0 { "ok  " } else { "FAIL" };
        let skipped = if ignored > 0 {
            format!(", {ignored} skipped")
        } else {
            String::new()
        };
        println!(
            "{mark} {:<38} {passed} passed, {failed} failed{skipped} {}",
            outcome.suite, outcome.note
        );
        total.passed += passed;
        total.failed += failed;
        total.ignored += ignored;
    }
    // The closing line, alone and last: CI reads it.
    println!("{} passed, {} failed", total.passed, total.failed);
    if total.failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}
