//! A throwaway S3-compatible server for the server tests (moto's, from PyPI), started and
//! stopped by `cargo xtask test`.

use crate::postgres::free_port;
use anyhow::{Context, Result, bail};
use std::{
    fs,
    io::{Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The bucket the server tests keep photos in (each test under a key prefix of its own).
pub const BUCKET: &str = "anxun-test";

/// A running moto server on a loopback port, in memory; stopped on drop.
pub struct TempS3 {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl TempS3 {
    /// Starts `moto_server` from the virtual environment `venv` on a free loopback port and
    /// creates [`BUCKET`] through the S3 API.
    pub fn start(venv: &Path) -> Result<TempS3> {
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("anxun-s3-{}-{port}", std::process::id()));
        fs::create_dir_all(&dir)?;
        let log = dir.join("moto.log");
        let child = Command::new(venv.join("bin/moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(fs::File::create(&log)?)
            .stderr(fs::File::create(dir.join("moto.err"))?)
            .spawn()
            .context("cannot start moto_server")?;
        let server = TempS3 { child, dir, port };
        server
            .wait_until_up(Duration::from_secs(90))
            .with_context(|| format!("moto did not start; see {}", server.dir.display()))?;
        server.create_bucket(venv)?;
        println!(
            "S3-compatible server (moto) running on {} with bucket {BUCKET}",
            server.url()
        );
        Ok(server)
    }

    /// The endpoint, for the server tests.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_up(&self, limit: Duration) -> Result<()> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let request = "GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
                let mut answer = String::new();
                if stream.write_all(request.as_bytes()).is_ok()
                    && stream.read_to_string(&mut answer).is_ok()
                    && answer.starts_with("HTTP/")
                {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!("no answer on port {} after {limit:?}", self.port)
    }

    /// Creates the bucket with boto3 (installed with moto), a real S3 client.
    fn create_bucket(&self, venv: &Path) -> Result<()> {
        let script = format!(
            "import boto3\n\
             boto3.client('s3', endpoint_url='{}', region_name='us-east-1', \
             aws_access_key_id='anxun-test', aws_secret_access_key='anxun-test-secret')\
             .create_bucket(Bucket='{BUCKET}')\n",
            self.url()
        );
        crate::process::run(Command::new(venv.join("bin/python")).args(["-c", &script]))
            .context("cannot create the test bucket")
    }
}

impl Drop for TempS3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}
