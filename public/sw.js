// Anxun's service worker shim (skeleton). Listeners are registered synchronously at the top
// level, as the specification requires, and hand their events to the Rust module once it has
// loaded. The app does not register this worker yet: the offline shell arrives with its issue.
importScripts('/anxun-service-worker.js');

const ready = wasm_bindgen({ module_or_path: '/anxun-service-worker_bg.wasm' });

self.addEventListener('install', (event) => {
  event.waitUntil(ready);
});

self.addEventListener('activate', (event) => {
  event.waitUntil(ready);
});
