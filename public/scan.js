// The camera side of QR scanning, loaded by the app the first time the officer taps "扫码" (so the
// capture screen's first download does not carry it), and kept by the service worker for offline
// use from then on. It owns the browser's plumbing: the back camera's stream in a <video>, frames
// drawn to a canvas at most ~12 times a second, and the reader's worker (scan-worker.js) that
// decodes them off the page's thread and reads what a code says (domain::scan, in the worker).
//
//   zsScan.open(video)            -> Promise: the reader loaded and the back camera playing in
//                                    `video` (marks `zs-scan-playing`); rejects with an Error named
//                                    'ReaderMissing' (the reader could not load), the browser's
//                                    DOMException (NotAllowedError, NotFoundError, …), or an Error
//                                    named 'NoCamera' where the browser has no camera API
//   zsScan.watch(onScanned, onError) -> reads frames until a code decodes: onScanned(scanned) once,
//                                    what it says (domain::scan::Scanned, read in the worker);
//                                    onError(error) if the reader stops
//   zsScan.decodeFile(file)       -> Promise<scanned | null>: a photo from the file picker;
//                                    rejects with 'ReaderMissing' as open does
//   zsScan.close()                -> stops the camera and the frame loop
//   zsScan.stats()                -> {frames, decodeMs}: frames read since open, the last decode time
'use strict';

(() => {
  const FRAME_MS = 80;
  const MAX_SIDE = 960;
  let worker = null;
  let next = 0;
  const waiting = new Map();
  let stream = null;
  let video = null;
  let timer = null;
  let canvas = null;
  let frames = 0;
  let decodeMs = 0;

  let readerReady = null;

  // The reader's worker, started once; resolves when its WebAssembly is loaded, rejects (an Error
  // named 'ReaderMissing') when it cannot be (offline before the first scan ever loaded it).
  function reader() {
    if (!readerReady) {
      worker = new Worker('/scan-worker.js');
      readerReady = new Promise((resolve, reject) => {
        const fail = (message) => {
          const error = new Error(message);
          error.name = 'ReaderMissing';
          worker.terminate();
          worker = null;
          readerReady = null;
          for (const answer of waiting.values()) answer({ error });
          waiting.clear();
          reject(error);
        };
        worker.onerror = (event) => {
          event.preventDefault();
          fail('the QR code reader did not load');
        };
        worker.onmessage = (event) => {
          if ('ready' in event.data) {
            if (event.data.ready) resolve();
            else fail(event.data.error);
            return;
          }
          const answer = waiting.get(event.data.id);
          waiting.delete(event.data.id);
          if (answer) answer(event.data);
        };
      });
    }
    return readerReady;
  }

  // The pixels of `source` (a video or an image bitmap), scaled so its longer side is at most
  // MAX_SIDE, decoded by the worker.
  async function decode(source, width, height) {
    await reader();
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    canvas = canvas || document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(source, 0, 0, w, h);
    const pixels = context.getImageData(0, 0, w, h).data.buffer;
    const id = ++next;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      worker.postMessage({ id, pixels, width: w, height: h }, [pixels]);
    });
  }

  async function open(element) {
    close();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      const error = new Error('no camera API');
      error.name = 'NoCamera';
      throw error;
    }
    await reader();
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    video = element;
    video.srcObject = stream;
    video.muted = true;
    video.setAttribute('playsinline', '');
    await video.play();
    frames = 0;
    performance.clearMarks('zs-scan-playing');
    performance.mark('zs-scan-playing');
  }

  function watch(onScanned, onError) {
    const tick = async () => {
      timer = null;
      if (!video || !stream) return;
      const started = performance.now();
      if (video.readyState >= 2 && video.videoWidth > 0) {
        let answer;
        try {
          answer = await decode(video, video.videoWidth, video.videoHeight);
        } catch (error) {
          answer = { error };
        }
        if (answer.error) {
          onError(answer.error);
          return;
        }
        frames += 1;
        if (answer.ms !== undefined) decodeMs = answer.ms;
        if (!stream) return;
        if (answer.scanned) {
          onScanned(answer.scanned);
          return;
        }
      }
      timer = setTimeout(tick, Math.max(0, FRAME_MS - (performance.now() - started)));
    };
    timer = setTimeout(tick, 0);
  }

  async function decodeFile(file) {
    const bitmap = await createImageBitmap(file);
    try {
      const answer = await decode(bitmap, bitmap.width, bitmap.height);
      if (answer.error) throw answer.error;
      return answer.scanned || null;
    } finally {
      bitmap.close();
    }
  }

  function close() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    if (video) video.srcObject = null;
    video = null;
  }

  self.zsScan = { open, watch, decodeFile, close, stats: () => ({ frames, decodeMs }) };
})();
