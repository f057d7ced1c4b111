//! Launches the console: panic hook, then mount. Everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(anxun_console::App);
}

/// The console runs only in the browser; natively only its logic modules are built and tested.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
