//! Settings from flags and environment variables: the only place either is read.

use chrono::TimeDelta;
use clap::Parser;
use std::{net::SocketAddr, path::PathBuf};

/// Anxun's sync server: receives inspections, findings and photos from the field app, and
/// serves the app itself and the supervisors' ledger.
#[derive(Debug, Clone, Parser)]
#[command(name = "anxun-server", version, about)]
pub struct Args {
    /// Address and port to listen on.
    #[arg(long, env = "ANXUN_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Directory for the SQLite database and photos; created if missing.
    #[arg(long, env = "ANXUN_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Database: `sqlite://PATH` (default: `sqlite://<data-dir>/anxun.db`) or `postgres://...`.
    #[arg(long, env = "ANXUN_DATABASE_URL")]
    pub database_url: Option<String>,

    /// The built app (Trunk's `dist/`), served with an SPA fallback.
    #[arg(long, env = "ANXUN_STATIC_DIR", default_value = "./dist")]
    pub static_dir: PathBuf,

    /// Seed the clearly labelled demo district, sites and demo accounts on an empty database.
    #[arg(long, env = "ANXUN_DEMO")]
    pub demo: bool,

    /// Password of the demo accounts (generated and printed when unset).
    #[arg(long, env = "ANXUN_DEMO_PASSWORD", hide_env_values = true)]
    pub demo_password: Option<String>,

    /// Password of the first administrator `admin` (generated and printed once when unset).
    #[arg(long, env = "ANXUN_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// How many days a sign-in lasts before the app must sign in again (1 to 365).
    #[arg(long, env = "ANXUN_SESSION_DAYS", default_value_t = 30)]
    pub session_days: u32,

    /// Where photos are kept: `file:///PATH` (default: `<data-dir>/photos`) or
    /// `s3://BUCKET[/PREFIX]` (an S3-compatible store; see the `--s3-*` settings).
    #[arg(long, env = "ANXUN_PHOTO_STORE")]
    pub photo_store: Option<String>,

    /// S3 endpoint, e.g. `http://127.0.0.1:9000` for a local S3-compatible server (default:
    /// AWS for the region).
    #[arg(long, env = "ANXUN_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// S3 region.
    #[arg(long, env = "ANXUN_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,

    /// S3 access key id.
    #[arg(long, env = "ANXUN_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,

    /// S3 secret access key.
    #[arg(long, env = "ANXUN_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,

    /// Log filter, e.g. `info` or `anxun_server=debug,tower_http=debug` (also RUST_LOG).
    #[arg(long, env = "ANXUN_LOG")]
    pub log: Option<String>,
}

/// Which database to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses a database URL; only SQLite and PostgreSQL are known.
    pub fn parse(url: &str) -> Result<DatabaseUrl, ConfigError> {
        if url.starts_with("sqlite:") {
            Ok(DatabaseUrl::Sqlite(url.to_owned()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(url.to_owned()))
        } else {
            Err(ConfigError::DatabaseScheme(redact(url)))
        }
    }

    /// The backend's name, as reported by `/api/health`.
    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

/// Where photos are kept.
#[derive(Clone, PartialEq, Eq)]
pub enum PhotoStoreUrl {
    /// A directory on the local file system.
    File(PathBuf),
    /// An S3-compatible bucket, with an optional key prefix.
    S3(S3Settings),
}

/// An S3-compatible bucket and how to reach it.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl std::fmt::Debug for PhotoStoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhotoStoreUrl::File(path) => f.debug_tuple("File").field(path).finish(),
            PhotoStoreUrl::S3(s3) => f
                .debug_struct("S3")
                .field("bucket", &s3.bucket)
                .field("prefix", &s3.prefix)
                .field("endpoint", &s3.endpoint)
                .field("region", &s3.region)
                .field("access_key_id", &s3.access_key_id)
                .field(
                    "secret_access_key",
                    &s3.secret_access_key.as_ref().map(|_| "***"),
                )
                .finish(),
        }
    }
}

impl PhotoStoreUrl {
    fn parse(args: &Args) -> Result<PhotoStoreUrl, ConfigError> {
        let Some(url) = &args.photo_store else {
            return Ok(PhotoStoreUrl::File(args.data_dir.join("photos")));
        };
        if let Some(path) = url.strip_prefix("file://") {
            if path.is_empty() {
                return Err(ConfigError::PhotoStore(url.clone()));
            }
            Ok(PhotoStoreUrl::File(PathBuf::from(path)))
        } else if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(ConfigError::PhotoStore(url.clone()));
            }
            Ok(PhotoStoreUrl::S3(S3Settings {
                bucket: bucket.to_owned(),
                prefix: prefix.trim_matches('/').to_owned(),
                endpoint: args.s3_endpoint.clone(),
                region: args.s3_region.clone(),
                access_key_id: args.s3_access_key_id.clone(),
                secret_access_key: args.s3_secret_access_key.clone(),
            }))
        } else {
            Err(ConfigError::PhotoStore(url.clone()))
        }
    }
}

/// Checked settings, built once at startup.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    pub static_dir: PathBuf,
    pub demo: bool,
    pub demo_password: Option<String>,
    pub admin_password: Option<String>,
    /// How long a session token is valid after sign-in.
    pub session_lifetime: TimeDelta,
    /// Where photos are kept (uploads are staged in `<data-dir>/tmp` whichever it is).
    pub photo_store: PhotoStoreUrl,
    pub log: Option<String>,
}

impl Settings {
    /// Reads flags and environment variables.
    pub fn from_env() -> Result<Settings, ConfigError> {
        Settings::from_args(Args::parse())
    }

    /// Checks parsed arguments.
    pub fn from_args(args: Args) -> Result<Settings, ConfigError> {
        let bind = args
            .bind
            .parse()
            .map_err(|_| ConfigError::Bind(args.bind.clone()))?;
        let database = match &args.database_url {
            Some(url) => DatabaseUrl::parse(url)?,
            None => DatabaseUrl::Sqlite(format!(
                "sqlite://{}",
                args.data_dir.join("anxun.db").display()
            )),
        };
        for password in [&args.demo_password, &args.admin_password]
            .into_iter()
            .flatten()
        {
            if password.chars().count() < 8 {
                return Err(ConfigError::WeakPassword);
            }
        }
        if !(1..=365).contains(&args.session_days) {
            return Err(ConfigError::SessionDays(args.session_days));
        }
        let photo_store = PhotoStoreUrl::parse(&args)?;
        Ok(Settings {
            bind,
            data_dir: args.data_dir,
            database,
            static_dir: args.static_dir,
            demo: args.demo,
            demo_password: args.demo_password,
            admin_password: args.admin_password,
            session_lifetime: TimeDelta::days(i64::from(args.session_days)),
            photo_store,
            log: args.log,
        })
    }
}

/// A setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("--bind/ANXUN_BIND `{0}` is not an address:port such as 127.0.0.1:8080")]
    Bind(String),
    #[error("--database-url/ANXUN_DATABASE_URL `{0}` is neither sqlite://... nor postgres://...")]
    DatabaseScheme(String),
    #[error("ANXUN_DEMO_PASSWORD and ANXUN_ADMIN_PASSWORD need at least 8 characters")]
    WeakPassword,
    #[error("--session-days/ANXUN_SESSION_DAYS must be between 1 and 365, not {0}")]
    SessionDays(u32),
    #[error(
        "--photo-store/ANXUN_PHOTO_STORE `{0}` is neither file:///PATH nor s3://BUCKET[/PREFIX]"
    )]
    PhotoStore(String),
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> Args {
        Args::parse_from(std::iter::once("anxun-server").chain(extra.iter().copied()))
    }

    #[test]
    fn defaults_to_sqlite_in_the_data_dir() {
        let settings = Settings::from_args(args(&["--data-dir", "/srv/anxun"])).unwrap();
        assert_eq!(
            settings.database,
            DatabaseUrl::Sqlite("sqlite:///srv/anxun/anxun.db".into())
        );
        assert_eq!(settings.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.session_lifetime, TimeDelta::days(30));
        assert_eq!(
            settings.photo_store,
            PhotoStoreUrl::File("/srv/anxun/photos".into())
        );
    }

    #[test]
    fn photo_stores_are_files_or_s3_buckets() {
        let settings = Settings::from_args(args(&["--photo-store", "file:///mnt/photos"])).unwrap();
        assert_eq!(
            settings.photo_store,
            PhotoStoreUrl::File("/mnt/photos".into())
        );
        let settings = Settings::from_args(args(&[
            "--photo-store",
            "s3://anxun/photos/",
            "--s3-endpoint",
            "http://127.0.0.1:9000",
            "--s3-secret-access-key",
            "very-secret",
        ]))
        .unwrap();
        let PhotoStoreUrl::S3(s3) = &settings.photo_store else {
            panic!("{:?}", settings.photo_store);
        };
        assert_eq!(
            (s3.bucket.as_str(), s3.prefix.as_str()),
            ("anxun", "photos")
        );
        assert!(!format!("{settings:?}").contains("very-secret"));
        for bad in ["s3://", "file://", "/mnt/photos", "gs://bucket"] {
            let error = Settings::from_args(args(&["--photo-store", bad])).unwrap_err();
            assert!(error.to_string().contains("ANXUN_PHOTO_STORE"), "{error}");
        }
    }

    #[test]
    fn rejects_bad_settings_with_clear_messages() {
        let error = Settings::from_args(args(&["--bind", "localhost"])).unwrap_err();
        assert!(error.to_string().contains("--bind"));
        let error =
            Settings::from_args(args(&["--database-url", "mysql://root:secret@db/x"])).unwrap_err();
        assert!(error.to_string().contains("mysql://***@db/x"), "{error}");
        assert!(!error.to_string().contains("secret"));
        let error = Settings::from_args(args(&["--session-days", "0"])).unwrap_err();
        assert!(error.to_string().contains("--session-days"), "{error}");
    }
}
