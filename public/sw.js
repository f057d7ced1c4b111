// Anxun's service worker shim. The worker is written in Rust (service-worker/); this file only
// registers the listeners synchronously at the top level, as the specification requires, loads
// the Rust module and hands it the events. `cargo xtask precache` (Trunk's post_build hook)
// replaces the next line with this build's list of files and their SHA-256, so this script
// changes whenever any file of the app does, and the browser installs it as a new version.
const PRECACHE = null; // filled in by `cargo xtask precache`

const BUILD = PRECACHE.build;
const CACHE = 'anxun-shell-' + BUILD;
const MODULE = '/anxun-service-worker_bg.wasm';

// The glue is kept by the browser with this script; the query names the build it belongs to.
importScripts('/anxun-service-worker.js?build=' + BUILD);

// The module comes from this build's cache once it is installed, so the worker starts offline;
// before that (the first install) from the network.
async function load() {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(MODULE);
  await wasm_bindgen({ module_or_path: cached || fetch(MODULE + '?build=' + BUILD, { cache: 'no-cache' }) });
  const files = PRECACHE.files;
  wasm_bindgen.configure(
    BUILD,
    files.map((f) => f[0]),
    files.map((f) => f[1]),
    files.map((f) => f[2]),
  );
  return wasm_bindgen;
}

let worker = null;
const ready = load().then((module) => {
  worker = module;
  return module;
});

self.addEventListener('install', (event) => {
  event.waitUntil(ready.then((w) => w.install()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(ready.then((w) => w.activate()));
});

self.addEventListener('fetch', (event) => {
  if (worker) {
    // Decides synchronously and calls respondWith itself when it answers.
    worker.on_fetch(event);
    return;
  }
  // Still loading (the worker was just started by this request): answer with a promise now,
  // as the specification requires, and let the module route it when it is ready. If the
  // module cannot load at all, the network answers as if there were no worker.
  event.respondWith(
    ready.then(
      (w) => w.respond(event.request),
      () => fetch(event.request),
    ),
  );
});

self.addEventListener('message', (event) => {
  event.waitUntil(ready.then((w) => w.on_message(event)));
});

// Background Sync (Chromium): the page asked for it while changes waited; the module runs the
// app's own sync and rejects on a transient failure, so that the browser tries again later.
self.addEventListener('sync', (event) => {
  event.waitUntil(ready.then((w) => w.on_sync(event)));
});
