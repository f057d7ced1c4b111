//! The build's list of files, as `cargo xtask precache` wrote it into `sw.js`. Pure.

/// Caches this worker owns start with this; the rest of the name is the build id.
pub const CACHE_PREFIX: &str = "anxun-shell-";

/// One file of the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub url: String,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub bytes: u64,
}

/// The shell of one build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precache {
    build: String,
    files: Vec<File>,
}

/// Why a list handed over by the shim is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListError {
    Empty,
    BadBuild(String),
    BadHash(String),
    NoShell,
}

impl std::fmt::Display for ListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListError::Empty => write!(f, "the precache list is empty"),
            ListError::BadBuild(build) => write!(f, "`{build}` is not a build id"),
            ListError::BadHash(url) => write!(f, "{url} has no SHA-256 in the precache list"),
            ListError::NoShell => write!(f, "the precache list has no /index.html"),
        }
    }
}

impl Precache {
    /// Parses the list; every file needs a 64-digit hex hash and the shell must be there.
    pub fn parse(build: String, files: Vec<File>) -> Result<Precache, ListError> {
        if files.is_empty() {
            return Err(ListError::Empty);
        }
        if build.is_empty() || !build.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ListError::BadBuild(build));
        }
        if let Some(file) = files
            .iter()
            .find(|f| f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(ListError::BadHash(file.url.clone()));
        }
        if !files.iter().any(|f| f.url == crate::routing::SHELL) {
            return Err(ListError::NoShell);
        }
        Ok(Precache { build, files })
    }

    pub fn build(&self) -> &str {
        &self.build
    }

    pub fn files(&self) -> &[File] {
        &self.files
    }

    /// The cache that holds this build's shell.
    pub fn cache_name(&self) -> String {
        format!("{CACHE_PREFIX}{}", self.build)
    }

    pub fn contains(&self, url: &str) -> bool {
        self.files.iter().any(|f| f.url == url)
    }

    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }

    /// Whether a cache of this worker belongs to another build (and goes once this one is
    /// active).
    pub fn is_stale_cache(&self, name: &str) -> bool {
        name.starts_with(CACHE_PREFIX) && name != self.cache_name()
    }
}

/// Whether a file name carries Trunk's content hash (`name-<hex>.ext`, `_bg` before the
/// extension for wasm): such a file is the same in every build that lists it, so an earlier
/// build's cached copy can be reused instead of downloaded again.
pub fn is_content_named(url: &str) -> bool {
    let name = url.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        // Trunk writes a 64-bit hash in hex without leading zeros: up to 16 digits.
        .is_some_and(|(_, hash)| {
            (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(url: &str) -> File {
        File {
            url: url.to_owned(),
            sha256: "a".repeat(64),
            bytes: 10,
        }
    }

    #[test]
    fn a_list_needs_the_shell_and_real_hashes() {
        assert_eq!(
            Precache::parse("ab12".into(), vec![]),
            Err(ListError::Empty)
        );
        assert_eq!(
            Precache::parse("ab12".into(), vec![file("/app.js")]),
            Err(ListError::NoShell)
        );
        let mut bad = file("/index.html");
        bad.sha256 = "xyz".into();
        assert_eq!(
            Precache::parse("ab12".into(), vec![bad]),
            Err(ListError::BadHash("/index.html".into()))
        );
        assert!(Precache::parse("not hex".into(), vec![file("/index.html")]).is_err());
        let list =
            Precache::parse("ab12".into(), vec![file("/index.html"), file("/a.js")]).unwrap();
        assert_eq!(list.cache_name(), "anxun-shell-ab12");
        assert_eq!(list.total_bytes(), 20);
        assert!(list.contains("/a.js"));
    }

    #[test]
    fn only_other_builds_of_our_own_caches_are_stale() {
        let list = Precache::parse("ab12".into(), vec![file("/index.html")]).unwrap();
        assert!(list.is_stale_cache("anxun-shell-00ff"));
        assert!(!list.is_stale_cache("anxun-shell-ab12"));
        assert!(!list.is_stale_cache("photos"));
    }

    #[test]
    fn recognises_content_named_files() {
        assert!(is_content_named("/anxun-app-a0873f30c2ade22f_bg.wasm"));
        assert!(is_content_named("/main-87469f6875372a67.css"));
        // A hash with a leading zero is one digit shorter.
        assert!(is_content_named("/main-499bd0c9f48615e.css"));
        assert!(!is_content_named("/anxun-service-worker_bg.wasm"));
        assert!(!is_content_named("/index.html"));
        assert!(!is_content_named("/icons/icon-192.png"));
    }
}
