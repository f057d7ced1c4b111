//! A throwaway PostgreSQL cluster for the server tests, started and stopped by `cargo xtask test`.

use crate::process;
use anyhow::{Context, Result};
use std::{
    fs,
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
};

/// A running PostgreSQL server in a temporary directory; stopped and removed on drop.
pub struct TempPostgres {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres_user: bool,
    port: u16,
}

impl TempPostgres {
    /// Creates a cluster in a fresh temporary directory and starts it on a free loopback port.
    pub fn start(bin: &Path) -> Result<TempPostgres> {
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("anxun-pg-{}-{port}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        // initdb refuses to run as root; run it as the `postgres` user Debian creates.
        let as_postgres_user = process::output(Command::new("id").arg("-u"))? == "0";
        if as_postgres_user {
            process::run(Command::new("chown").arg("postgres:postgres").arg(&dir))?;
        }
        let cluster = TempPostgres {
            bin: bin.to_owned(),
            dir,
            as_postgres_user,
            port,
        };
        let data = cluster.dir.join("data");
        let log = cluster.dir.join("server.log");
        process::run(
            cluster
                .command("initdb")
                .arg("-D")
                .arg(&data)
                .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale"])
                .stdout(std::process::Stdio::null()),
        )
        .context("initdb failed")?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200",
            cluster.dir.display()
        );
        process::run(
            cluster
                .command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .args(["-o", &options, "-l"])
                .arg(&log)
                .args(["-w", "start"])
                .stdout(std::process::Stdio::null()),
        )
        .with_context(|| format!("PostgreSQL did not start; see {}", log.display()))?;
        println!(
            "PostgreSQL running on 127.0.0.1:{port} ({})",
            cluster.dir.display()
        );
        Ok(cluster)
    }

    /// The URL of the cluster's default database, for the server tests.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let stopped = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "fast", "-w", "stop"])
            .stdout(std::process::Stdio::null())
            .status();
        if !stopped.is_ok_and(|status| status.success()) {
            eprintln!(
                "warning: could not stop PostgreSQL in {}",
                self.dir.display()
            );
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
