//! The real binary, as `cargo xtask run` and production start it.

use std::{
    io::Read,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn starts_with_demo_data_prints_the_accounts_and_stops_on_sigterm() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_anxun-server"))
        .args([
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--demo",
            "--data-dir",
        ])
        .arg(data.path().join("data"))
        .arg("--static-dir")
        .arg(data.path().join("no-dist"))
        .env("ANXUN_DEMO_PASSWORD", "binary-demo-password")
        .env("ANXUN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let client = reqwest::Client::new();
    let started = Instant::now();
    let health = loop {
        if let Ok(response) = client
            .get(format!("http://127.0.0.1:{port}/api/health"))
            .send()
            .await
        {
            break response;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no answer");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(health.status(), 200);
    assert!(data.path().join("data/anxun.db").exists());

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "clean exit on SIGTERM, got {exit}");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    for account in ["demo-inspector", "demo-supervisor", "demo-admin"] {
        assert!(stdout.contains(account), "{stdout}");
    }
    assert!(stdout.contains("binary-demo-password"));
    assert!(stdout.contains(&format!("http://127.0.0.1:{port}")));
}
