//! Which requests the worker answers, and how. Pure: decided from the method, whether the
//! request is a navigation, and its path, so that it is tested natively.

/// How the worker answers one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The worker stays out of it: the browser goes to the network as if there were no worker.
    /// The API (offline data lives in the app's IndexedDB, never in a worker cache), the
    /// supervisor console (`/console/`, a bundle of its own that works online only), other
    /// origins, and anything but GET.
    Network,
    /// A navigation inside the app (a deep link such as `/sites/…` included): the cached shell
    /// of this build, `index.html`, so that the app starts with no network.
    Shell,
    /// A file of this build's shell: from the cache, from the network only if it is missing.
    Precached,
}

/// Where the shell lives in the cache.
pub const SHELL: &str = "/index.html";

/// Where the supervisor console is served.
pub const CONSOLE: &str = "/console";

/// Whether `path` is `prefix` or below it.
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Decides the route. `is_precached` answers for the build's list of files.
pub fn route(
    method: &str,
    same_origin: bool,
    navigation: bool,
    path: &str,
    is_precached: impl Fn(&str) -> bool,
) -> Route {
    if method != "GET" || !same_origin || under(path, "/api") || under(path, CONSOLE) {
        return Route::Network;
    }
    if navigation {
        // A navigation to a file the server serves as itself (an icon opened in a tab, say)
        // is not an app route.
        let last = path.rsplit('/').next().unwrap_or_default();
        if last.contains('.') && path != SHELL {
            return if is_precached(path) {
                Route::Precached
            } else {
                Route::Network
            };
        }
        return Route::Shell;
    }
    if path == "/" || path == SHELL {
        return Route::Shell;
    }
    if is_precached(path) {
        Route::Precached
    } else {
        Route::Network
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(path: &str) -> bool {
        [
            "/index.html",
            "/anxun-app-0123456789abcdef_bg.wasm",
            "/icons/icon.svg",
        ]
        .contains(&path)
    }

    #[test]
    fn the_api_is_never_answered_by_the_worker() {
        for (method, path) in [
            ("GET", "/api/health"),
            ("GET", "/api/templates"),
            ("POST", "/api/sync/push"),
            ("PUT", "/api/photos/abc"),
            ("GET", "/api"),
        ] {
            assert_eq!(
                route(method, true, false, path, listed),
                Route::Network,
                "{path}"
            );
            assert_eq!(
                route(method, true, true, path, listed),
                Route::Network,
                "{path}"
            );
        }
    }

    #[test]
    fn the_console_is_never_answered_with_the_field_app() {
        for path in [
            "/console",
            "/console/",
            "/console/hazards/0193abc",
            "/console/anxun-console-0123456789abcdef_bg.wasm",
        ] {
            for navigation in [true, false] {
                assert_eq!(
                    route("GET", true, navigation, path, |_| true),
                    Route::Network,
                    "{path}"
                );
            }
        }
        // Only the console itself: an app route that merely starts alike is the app's.
        assert_eq!(route("GET", true, true, "/consoles", listed), Route::Shell);
    }

    #[test]
    fn navigations_get_the_shell_deep_links_included() {
        for path in [
            "/",
            "/sites/0190a1b2-c3d4",
            "/inspections/x/record",
            "/index.html",
        ] {
            assert_eq!(
                route("GET", true, true, path, listed),
                Route::Shell,
                "{path}"
            );
        }
    }

    #[test]
    fn files_of_the_build_come_from_the_cache_and_others_from_the_network() {
        assert_eq!(
            route(
                "GET",
                true,
                false,
                "/anxun-app-0123456789abcdef_bg.wasm",
                listed
            ),
            Route::Precached
        );
        assert_eq!(
            route("GET", true, true, "/icons/icon.svg", listed),
            Route::Precached
        );
        assert_eq!(
            route("GET", true, false, "/robots.txt", listed),
            Route::Network
        );
        assert_eq!(
            route("GET", true, true, "/robots.txt", listed),
            Route::Network
        );
        assert_eq!(
            route("GET", false, false, "/icons/icon.svg", listed),
            Route::Network
        );
        assert_eq!(
            route("HEAD", true, false, "/icons/icon.svg", listed),
            Route::Network
        );
    }
}
