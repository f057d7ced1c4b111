//! `cargo xtask bench`: measurements, reported as numbers, never asserted in tests.
//!
//! - how long the release build takes, and the app as the real server serves it (each file
//!   raw, gzip and brotli, as the browser would receive it on first load);
//! - the device benchmarks of `app/tests/bench.rs` in headless Chromium (photo pipeline time
//!   and memory, saving a finding with photos, site search and the hazard list over 5,000
//!   records), printed against their budgets;
//! - the offline shell (`tests/e2e/bench/shell.mjs`): a cold start offline from the service
//!   worker's cache with the CPU throttled 4x, and the worker's install over Fast 3G;
//! - the server's push throughput and latency under 100 devices (`server`), also alone with
//!   `cargo xtask bench server`;
//! - the supervisor console on PostgreSQL with 1,000,000 hazards (`console`): the dashboard,
//!   a filtered ledger page and the XLSX export; also alone with `cargo xtask bench console`;
//! - sync (`tests/e2e/bench/sync.mjs`): 100 findings with 300 photos of about 250 KB recorded
//!   offline, then synced to a demo server of its own, upload throttled to 1.5 Mbit/s and on
//!   plain loopback: time, bytes on the wire and protocol overhead.

mod console;
mod server;

use crate::{dist, postgres, step, tools};
use anyhow::{Context, Result, bail};
use std::{
    fs,
    path::Path,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

pub fn bench(args: &[String]) -> Result<()> {
    match args {
        [] => {}
        [only] if only == "server" => {
            let server = dist::build_server(dist::Profile::Release)?;
            let measured = server::run(&server)?;
            print_measured("server benchmark (SQLite)", &measured, &server::BUDGETS);
            return Ok(());
        }
        [only] if only == "console" => {
            let server = dist::build_server(dist::Profile::Release)?;
            let measured = console::run(&server)?;
            print_measured(
                "console benchmark (PostgreSQL)",
                &measured,
                &console::BUDGETS,
            );
            return Ok(());
        }
        [only] if only == "app" => {
            let server_bin = dist::build_server(dist::Profile::Release)?;
            return app_benchmarks(&server_bin);
        }
        [arg, ..] => {
            bail!(
                "`cargo xtask bench` takes no argument, `app`, `server` or `console` (got `{arg}`)"
            )
        }
    }
    let server_bin = dist::build_server(dist::Profile::Release)?;
    app_benchmarks(&server_bin)?;
    let measured = server::run(&server_bin)?;
    print_measured("server benchmark (SQLite)", &measured, &server::BUDGETS);
    let measured = console::run(&server_bin)?;
    print_measured(
        "console benchmark (PostgreSQL)",
        &measured,
        &console::BUDGETS,
    );
    sync_bench()?;
    device_benchmarks()
}

/// The release build, the app as served (first load) and the offline shell
/// (`cargo xtask bench app` runs only these).
fn app_benchmarks(server_bin: &Path) -> Result<()> {
    let build_time = dist::build()?;
    step("Measuring the app as served");
    let port = postgres::free_port()?;
    let data = std::env::temp_dir().join(format!("anxun-bench-{}", std::process::id()));
    fs::create_dir_all(&data)?;
    let child = Command::new(server_bin)
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(&data)
        .arg("--static-dir")
        .arg(dist::dist_dir())
        .env("ANXUN_ADMIN_PASSWORD", "bench-only-password-1")
        .stdout(Stdio::null())
        .spawn()
        .context("starting anxun-server")?;
    let server = ServerGuard(child);
    let base = format!("http://127.0.0.1:{port}");
    wait_for_health(&base)?;
    let result = measure_first_load(&base, &dist::dist_dir());
    let shell = shell_benchmarks(&base);
    drop(server);
    let _ = fs::remove_dir_all(&data);
    let rows = result?;

    println!(
        "\nRelease build (trunk build --release): {:.1} s",
        build_time.as_secs_f64()
    );
    println!("\nFirst load as served ({base}):");
    println!(
        "{:<44} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    let mut totals = [0usize; 3];
    for row in &rows {
        println!(
            "{:<44} {:>10} {:>10} {:>10}",
            row.path, row.raw, row.gzip, row.brotli
        );
        totals[0] += row.raw;
        totals[1] += row.gzip;
        totals[2] += row.brotli;
    }
    println!(
        "{:<44} {:>10} {:>10} {:>10}",
        "TOTAL (bytes)", totals[0], totals[1], totals[2]
    );
    println!(
        "\nfirst load: {:.1} KB raw, {:.1} KB gzip, {:.1} KB brotli (budget: 500 KB compressed)",
        kb(totals[0]),
        kb(totals[1]),
        kb(totals[2])
    );

    print_measured("offline shell benchmark", &shell?, &SHELL_BUDGETS);
    Ok(())
}

/// Sync of 100 findings with 300 photos (tests/e2e/bench/sync.mjs, which starts its own demo
/// servers from the release build of anxun-server), printed against the budgets of issue 6.
fn sync_bench() -> Result<()> {
    let server_bin = dist::target_dir()?.join("release").join("anxun-server");
    step("Sync benchmark (100 findings, 300 photos; 1.5 Mbit/s upload and loopback)");
    tools::ensure_chromium()?;
    let e2e = crate::root().join("tests/e2e");
    tools::ensure_npm_packages(&e2e)?;
    let output = Command::new("node")
        .arg("bench/sync.mjs")
        .current_dir(&e2e)
        .env("ANXUN_SERVER_BIN", &server_bin)
        .env("ANXUN_STATIC_DIR", dist::dist_dir())
        .stderr(Stdio::inherit())
        .output()
        .context("running tests/e2e/bench/sync.mjs")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        println!("{stdout}");
        bail!("the sync benchmark failed ({})", output.status);
    }
    let budgets = [
        ("sync_throttled_overhead", "≤ 10 % of payload"),
        ("sync_throttled_time", "≤ sync_throttled_time_budget"),
        ("sync_loopback_overhead", "≤ 10 % of payload"),
        ("sync_loopback_time", "report"),
    ];
    print_measured("sync benchmark", &parse_measured(&stdout), &budgets);
    Ok(())
}

/// Budgets of the offline shell benchmarks (tests/e2e/bench/shell.mjs).
const SHELL_BUDGETS: [(&str, &str); 8] = [
    ("offline_cold_start_4x_cpu_median", "≤ 1000 ms"),
    ("offline_cold_start_4x_cpu_max", "—"),
    ("offline_cold_start_4x_cpu_driver_median", "—"),
    ("fast3g_first_screen", "—"),
    ("fast3g_first_screen_bytes", "—"),
    ("fast3g_worker_installed", "report"),
    ("fast3g_bytes_to_installed", "report"),
    ("shell_cached_uncompressed", "—"),
];

/// Runs the offline shell benchmarks (Playwright, Debian's Chromium) against the server.
fn shell_benchmarks(base: &str) -> Result<Vec<(String, String)>> {
    step("Offline shell benchmarks (cold start offline, worker install over Fast 3G)");
    tools::ensure_chromium()?;
    let e2e = crate::root().join("tests/e2e");
    tools::ensure_npm_packages(&e2e)?;
    let output = Command::new("node")
        .arg("bench/shell.mjs")
        .arg(base)
        .current_dir(&e2e)
        .stderr(Stdio::inherit())
        .output()
        .context("running tests/e2e/bench/shell.mjs")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        println!("{stdout}");
        bail!("the offline shell benchmarks failed ({})", output.status);
    }
    Ok(parse_measured(&stdout))
}

/// `BENCH <name> <value...>` lines.
fn parse_measured(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|line| line.trim().strip_prefix("BENCH "))
        .filter_map(|rest| {
            let (name, value) = rest.split_once(' ')?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}

fn print_measured(title: &str, measured: &[(String, String)], budgets: &[(&str, &str)]) {
    println!("\n{title:<36} {:>12}   budget", "measured");
    for (name, value) in measured {
        let budget = budgets
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, b)| b);
        println!("{name:<36} {value:>12}   {budget}");
    }
}

/// Budgets of the device benchmarks: name, budget, what it means.
const DEVICE_BUDGETS: [(&str, &str); 13] = [
    ("photo_12mp_median", "≤ 1500 ms"),
    ("photo_12mp_max", "—"),
    ("photo_heap_peak_growth", "≤ 150 MB"),
    ("photo_heap_growth_after_30", "≈ 0 (no lasting growth)"),
    (
        "photo_wasm_memory_growth_after_30",
        "≈ 0 (no lasting growth)",
    ),
    ("save_finding_3_photos_median", "≤ 150 ms"),
    ("sites_5000_load", "—"),
    ("sites_5000_search_median", "≤ 100 ms"),
    ("sites_5000_search_max", "≤ 100 ms"),
    ("hazards_5000_needs_action_page_median", "≤ 100 ms"),
    ("hazards_5000_all_median", "—"),
    ("hazards_5000_replay_all", "—"),
    ("photo_wasm_memory", "—"),
];

/// Runs `app/tests/bench.rs` in headless Chromium (release build) and prints its numbers.
fn device_benchmarks() -> Result<()> {
    step("Device benchmarks in headless Chromium (app/tests/bench.rs)");
    tools::ensure_chromium()?;
    crate::fixtures::write(&[])?;
    let output = Command::new("cargo")
        .args([
            "test",
            "--package",
            "anxun-app",
            "--target",
            "wasm32-unknown-unknown",
            "--release",
            "--features",
            "bench",
            "--test",
            "bench",
            "--",
            "--nocapture",
        ])
        .current_dir(crate::root())
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("WASM_BINDGEN_TEST_TIMEOUT", "900")
        .env("PATH", tools::path_with_tools()?)
        .stderr(Stdio::inherit())
        .output()
        .context("running the device benchmarks")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let measured = parse_measured(&stdout);
    if !output.status.success() {
        println!("{stdout}");
        bail!("the device benchmarks failed ({})", output.status);
    }
    print_measured("device benchmark", &measured, &DEVICE_BUDGETS);
    Ok(())
}

fn kb(bytes: usize) -> f64 {
    bytes as f64 / 1000.0
}

struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into()
}

fn wait_for_health(base: &str) -> Result<()> {
    let agent = agent();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        let response = agent.get(&format!("{base}/api/health")).call();
        if response.is_ok_and(|response| response.status() == 200) {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(100));
    }
    bail!("anxun-server did not answer /api/health within 30 s")
}

struct Row {
    path: String,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// What a browser loads first: index.html and the files it references (JS, wasm, CSS,
/// manifest, icons it links).
fn measure_first_load(base: &str, dist: &Path) -> Result<Vec<Row>> {
    let index = fs::read_to_string(dist.join("index.html")).context("dist/index.html")?;
    let mut paths = vec!["/".to_owned()];
    for entry in fs::read_dir(dist)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let first_load = name.ends_with(".js") || name.ends_with(".wasm") || name.ends_with(".css");
        if first_load && index.contains(&format!("/{name}")) {
            paths.push(format!("/{name}"));
        }
    }
    paths.push("/manifest.webmanifest".into());
    paths.sort();
    let agent = agent();
    paths
        .into_iter()
        .map(|path| {
            let url = format!("{base}{path}");
            Ok(Row {
                raw: fetch_len(&agent, &url, "identity")?,
                gzip: fetch_len(&agent, &url, "gzip")?,
                brotli: fetch_len(&agent, &url, "br")?,
                path,
            })
        })
        .collect()
}

fn fetch_len(agent: &ureq::Agent, url: &str, encoding: &str) -> Result<usize> {
    let mut response = agent
        .get(url)
        .header("Accept-Encoding", encoding)
        .call()
        .with_context(|| format!("GET {url}"))?;
    if response.status() != 200 {
        bail!("GET {url}: {}", response.status());
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()?;
    Ok(body.len())
}
