// Business-card photos on the tablet: the camera's viewfinder and shutter, the photo resized and
// compressed to at most MAX_BYTES as a JPEG and named by its SHA-256, and the photos kept in their
// own IndexedDB database (`zhaoshang-photos`, apart from the leads' `zhaoshang`, so the leads'
// store and its journal carry no images) until the server has them. Loaded by the app the first
// time the officer taps "拍名片" (or when a lead with photos is shown, or photos wait for upload),
// not with the capture screen, and kept by the service worker for offline use from then on.
//
// Camera and photos (the page holds a prepared photo by its `id` until the lead is saved):
//   zsPhotos.open(video)        -> Promise: the back camera playing in `video`; rejects with the
//                                  browser's DOMException (NotAllowedError, NotFoundError, …), or
//                                  an Error named 'NoCamera' where the browser has no camera API
//   zsPhotos.shoot()            -> Promise<prepared>: the camera's current frame
//   zsPhotos.fromFile(file)     -> Promise<prepared>: a photo from the file picker; rejects with an
//                                  Error named 'NotAnImage' when the browser cannot read it
//   zsPhotos.close()            -> stops the camera
//   zsPhotos.discard(id)        -> forgets a prepared photo that will not be kept
//   zsPhotos.readCard(id, onProgress) -> Promise<{lines, ms}>: the printed text of a prepared
//                                  photo, read by the card reader (ocr-worker.js, loaded once);
//                                  onProgress(loaded, total) while its models download; rejects
//                                  with an Error named 'ReaderMissing' when they cannot be loaded
//   zsPhotos.warmReader()       -> starts loading the card reader in the background (the camera
//                                  opening for a card's front: the models are ready by the
//                                  shutter); a failure is readCard's to report
//   zsPhotos.readLast()         -> what readCard read last, or null
//     prepared = {id, sha256, size, type, width, height, url, ms}  (url shows it; ms: the time
//                                  from the pixels to the compressed bytes)
// Kept photos (each a lead's `front` or `back`; a newer one of a side replaces the older):
//   zsPhotos.keep(lead, side, id)        -> Promise: stored durably (strict durability)
//   zsPhotos.of(lead)                    -> Promise<[{side, sha256, size, state, url}]>
//   zsPhotos.waiting()                   -> Promise<[{lead, side, sha256, size, type}]>: not yet
//                                           on the server, oldest first
//   zsPhotos.bytes(lead, side)           -> Promise<Uint8Array | null>
//   zsPhotos.settle(lead, side, sha256, state, message) -> Promise: the server's answer about
//                                           that photo ('uploaded' or 'refused'); a photo of the
//                                           side taken since stays waiting
//   zsPhotos.remove(lead)                -> Promise: every photo of the lead gone
//   zsPhotos.stats()                     -> Promise<{count, bytes, waiting, refused}>
//   zsPhotos.release(url)                -> frees a url the page no longer shows
'use strict';

(() => {
  // Loaded twice (two callers at once): the first copy stays, with the photos it holds.
  if (globalThis.zsPhotos) return;
  const MAX_BYTES = 300 * 1024;
  const MAX_SIDE = 1600;
  const DB_NAME = 'zhaoshang-photos';
  const STORE = 'photos';
  let stream = null;
  let video = null;
  let nextId = 1;
  const prepared = new Map();

  function named(name, message) {
    const error = new Error(message);
    error.name = name;
    return error;
  }

  // ---- camera ---------------------------------------------------------------------------------

  async function open(element) {
    close();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw named('NoCamera', 'no camera API');
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1920 }, height: { ideal: 1080 } },
    });
    video = element;
    video.srcObject = stream;
    video.setAttribute('playsinline', '');
    video.muted = true;
    await video.play();
    if (!video.videoWidth) {
      await new Promise((resolve) => video.addEventListener('loadedmetadata', resolve, { once: true }));
    }
  }

  function close() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    if (video) video.srcObject = null;
    video = null;
  }

  async function shoot() {
    if (!video || !video.videoWidth) throw named('NoCamera', 'the camera is not open');
    return prepare(video, video.videoWidth, video.videoHeight);
  }

  async function fromFile(file) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch (e) {
      throw named('NotAnImage', 'the file is not an image this browser can read');
    }
    try {
      return await prepare(bitmap, bitmap.width, bitmap.height);
    } finally {
      bitmap.close();
    }
  }

  // ---- compression ----------------------------------------------------------------------------

  function toJpeg(canvas, quality) {
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(named('EncodingError', 'the photo could not be encoded'))), 'image/jpeg', quality));
  }

  // The pixels of `source` as a JPEG of at most MAX_BYTES: the longer side at most MAX_SIDE, the
  // quality lowered step by step, then the size, until it fits.
  async function prepare(source, width, height) {
    const started = performance.now();
    let scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    const canvas = document.createElement('canvas');
    let blob = null;
    for (let attempt = 0; attempt < 12; attempt++) {
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      const context = canvas.getContext('2d');
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      for (const quality of [0.85, 0.75, 0.65, 0.55]) {
        blob = await toJpeg(canvas, quality);
        if (blob.size <= MAX_BYTES) break;
      }
      if (blob.size <= MAX_BYTES) break;
      scale *= 0.75;
    }
    if (!blob || blob.size > MAX_BYTES) throw named('EncodingError', 'the photo could not be made small enough');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const photo = {
      id: nextId++,
      sha256: await sha256(bytes),
      size: blob.size,
      type: 'image/jpeg',
      width: canvas.width,
      height: canvas.height,
      url: URL.createObjectURL(blob),
      ms: performance.now() - started,
    };
    prepared.set(photo.id, { blob, photo });
    return photo;
  }

  function discard(id) {
    const held = prepared.get(id);
    if (held) URL.revokeObjectURL(held.photo.url);
    prepared.delete(id);
  }

  // ---- the card reader (ocr-worker.js) ----------------------------------------------------------

  let ocr = null;
  let ocrNext = 1;
  const ocrWaiting = new Map();
  let ocrProgress = null;

  function ocrWorker() {
    if (!ocr) {
      ocr = new Worker('/ocr-worker.js');
      ocr.onmessage = (event) => {
        if (event.data.progress) {
          if (ocrProgress) ocrProgress(event.data.progress.loaded, event.data.progress.total);
          return;
        }
        const answer = ocrWaiting.get(event.data.id);
        ocrWaiting.delete(event.data.id);
        if (answer) answer(event.data);
      };
      ocr.onerror = (event) => {
        event.preventDefault();
        for (const answer of ocrWaiting.values()) answer({ ok: false, error: { name: 'ReaderMissing', message: 'the card reader did not load' } });
        ocrWaiting.clear();
        ocr.terminate();
        ocr = null;
      };
    }
    return ocr;
  }

  function askOcr(message, transfer) {
    return new Promise((resolve, reject) => {
      const id = ocrNext++;
      ocrWaiting.set(id, (data) => (data.ok ? resolve(data.value) : reject(named(data.error.name, data.error.message))));
      ocrWorker().postMessage({ id, ...message }, transfer || []);
    });
  }

  async function readCard(id, onProgress) {
    const held = prepared.get(id);
    if (!held) throw named('NotFoundError', 'no such prepared photo');
    ocrProgress = onProgress || null;
    try {
      await askOcr({ op: 'load' });
    } catch (e) {
      throw named('ReaderMissing', e.message);
    } finally {
      ocrProgress = null;
    }
    const bitmap = await createImageBitmap(held.blob);
    const { width, height } = bitmap;
    lastRead = await askOcr({ op: 'read', image: bitmap, width, height }, [bitmap]);
    return lastRead;
  }

  function warmReader() {
    askOcr({ op: 'load' }).catch(() => {});
  }

  // What the reader read last (for the card set's benchmark, which keeps the lines it read).
  let lastRead = null;
  const readLast = () => lastRead;

  // ---- SHA-256 (the browser's own where it offers it: only on HTTPS and localhost) -------------

  async function sha256(bytes) {
    if (globalThis.crypto && crypto.subtle) {
      const digest = await crypto.subtle.digest('SHA-256', bytes);
      return hex(new Uint8Array(digest));
    }
    return hex(sha256Plain(bytes));
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  // FIPS 180-4 SHA-256, for plain-HTTP pages where `crypto.subtle` is absent.
  function sha256Plain(data) {
    const length = data.length;
    const padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(data);
    padded[length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length << 3) >>> 0);
    const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const w = new Uint32Array(64);
    const rotr = (x, n) => (x >>> n) | (x << (32 - n));
    for (let block = 0; block < padded.length; block += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
    return out;
  }

  // ---- the photos' database -------------------------------------------------------------------

  let opened = null;

  // Version 1: object store `photos` (key path `key`, "lead/side"), index `by_lead`.
  function database() {
    if (!opened) {
      opened = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const store = request.result.createObjectStore(STORE, { keyPath: 'key' });
          store.createIndex('by_lead', 'lead');
        };
        request.onsuccess = () => {
          const db = request.result;
          // The browser may close it (a failed write on a full disk): the next call opens again.
          db.onclose = () => { opened = null; };
          db.onversionchange = () => { db.close(); opened = null; };
          resolve(db);
        };
        request.onerror = () => { opened = null; reject(request.error); };
        request.onblocked = () => { opened = null; reject(named('UnknownError', 'the photos database is blocked')); };
      });
    }
    return opened;
  }

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function committed(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error || named('AbortError', 'the write was aborted'));
      tx.onerror = () => {};
    });
  }

  async function write(work) {
    const db = await database();
    const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    const finished = committed(tx);
    let result;
    try {
      result = await work(tx.objectStore(STORE));
    } catch (e) {
      try { tx.abort(); } catch (_) { /* already finished */ }
      await finished.catch(() => {});
      throw e;
    }
    await finished;
    return result;
  }

  async function read(work) {
    const db = await database();
    return work(db.transaction(STORE, 'readonly').objectStore(STORE));
  }

  async function keep(lead, side, id) {
    const held = prepared.get(id);
    if (!held) throw named('NotFoundError', 'no such prepared photo');
    const { blob, photo } = held;
    await write((store) => done(store.put({
      key: `${lead}/${side}`, lead, side, sha256: photo.sha256, size: photo.size, type: photo.type, blob,
      taken_at: new Date().toISOString(), state: 'waiting', message: null,
    })));
    prepared.delete(id);
    URL.revokeObjectURL(photo.url);
  }

  async function of(lead) {
    const records = await read((store) => done(store.index('by_lead').getAll(lead)));
    return records.map((r) => ({ side: r.side, sha256: r.sha256, size: r.size, state: r.state, url: URL.createObjectURL(r.blob) }));
  }

  async function waiting() {
    const records = await read((store) => done(store.getAll()));
    return records
      .filter((r) => r.state === 'waiting')
      .sort((a, b) => (a.taken_at < b.taken_at ? -1 : a.taken_at > b.taken_at ? 1 : 0))
      .map((r) => ({ lead: r.lead, side: r.side, sha256: r.sha256, size: r.size, type: r.type }));
  }

  async function bytes(lead, side) {
    const record = await read((store) => done(store.get(`${lead}/${side}`)));
    return record ? new Uint8Array(await record.blob.arrayBuffer()) : null;
  }

  async function settle(lead, side, sha256, state, message) {
    await write(async (store) => {
      const record = await done(store.get(`${lead}/${side}`));
      if (record && record.sha256 === sha256) {
        record.state = state;
        record.message = message || null;
        await done(store.put(record));
      }
    });
  }

  async function remove(lead) {
    await write(async (store) => {
      const keys = await done(store.index('by_lead').getAllKeys(lead));
      for (const key of keys) await done(store.delete(key));
    });
  }

  async function stats() {
    const records = await read((store) => done(store.getAll()));
    const count = (state) => records.filter((r) => r.state === state).length;
    return { count: records.length, bytes: records.reduce((sum, r) => sum + r.size, 0), waiting: count('waiting'), refused: count('refused') };
  }

  function release(url) {
    URL.revokeObjectURL(url);
  }

  globalThis.zsPhotos = { open, shoot, fromFile, close, discard, readCard, warmReader, readLast, keep, of, waiting, bytes, settle, remove, stats, release, MAX_BYTES };
})();
