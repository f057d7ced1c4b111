// Anxun's QR decoder worker (qr-worker/, Rust with rqrr), for browsers without BarcodeDetector.
// The page starts it only when the inspector scans a code, so the decoder is not part of the
// app's first load. Each message is a greyscale frame `{ width, height, luma }` (one byte per
// pixel); the answer is `{ text }`: the first QR code's text, or null when none was found.
importScripts('/anxun-qr-worker.js');

const ready = wasm_bindgen({ module_or_path: '/anxun-qr-worker_bg.wasm' });

self.onmessage = async (event) => {
  try {
    await ready;
    const { width, height, luma } = event.data;
    self.postMessage({ text: wasm_bindgen.decode(width, height, luma) ?? null });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
