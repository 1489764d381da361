// The tablet's second store: an append-only journal in the Origin Private File System, kept by
// this dedicated worker (only a worker may hold a synchronous access handle, the one way to append
// to a file and flush it). The app writes every saved lead and queued change here before it tells
// the officer "saved"; if the browser loses its IndexedDB database (it deletes it when a write
// fails on a full disk), the app rebuilds it from these lines.
//
// It also keeps a ballast file: space held in reserve and released when a write fails, so the
// journal can still take a lead, and the database recover and sync, on a full disk.
//
// The worker knows nothing of leads: it appends and reads bytes. Messages in:
// {id, op, ...}; out: {id, ok, value?, released?, error?: {name, message}}.
//   open                -> {file, bytes, ballast}
//   append {text}       -> {bytes}; released: true when the ballast had to go first
//   read                -> [text]       the journal
//   ballast {bytes}     -> {ballast}    grow the reserve back to `bytes` (fails on a full disk)
'use strict';

const DIR = 'zhaoshang-journal';
const MAIN = 'journal.log';
const LOCK = 'zhaoshang-journal';
const BALLAST = 'ballast.bin';
const CHUNK = 1 << 20;

let dir = null;
let handle = null;
let ballast = null;

// The main file is opened in 'readwrite-unsafe' mode, so that a page just reloaded (whose
// predecessor may linger in the back-forward cache, its worker with it) and a second tab can all
// hold it; every operation runs under one Web Lock, so no two workers ever write at once.
async function open() {
  if (handle) return status();
  const root = await navigator.storage.getDirectory();
  dir = await root.getDirectoryHandle(DIR, { create: true });
  handle = await (await dir.getFileHandle(MAIN, { create: true })).createSyncAccessHandle({ mode: 'readwrite-unsafe' });
  try {
    ballast = await (await dir.getFileHandle(BALLAST, { create: true })).createSyncAccessHandle({ mode: 'readwrite-unsafe' });
  } catch (error) {
    ballast = null;
  }
  return status();
}

function status() {
  return { file: MAIN, bytes: handle.getSize(), ballast: ballast ? ballast.getSize() : 0 };
}

function appendBytes(bytes) {
  const at = handle.getSize();
  let written = 0;
  try {
    while (written < bytes.length) {
      const n = handle.write(bytes.subarray(written), { at: at + written });
      if (n <= 0) throw new DOMException('nothing written', 'QuotaExceededError');
      written += n;
    }
    handle.flush();
  } catch (error) {
    // Leave no half line behind: the next append starts on a line of its own.
    try { handle.truncate(at); handle.flush(); } catch (_) { /* the file stays as it was */ }
    throw error;
  }
}

function append(text) {
  const bytes = new TextEncoder().encode(text);
  try {
    appendBytes(bytes);
    return { value: { bytes: handle.getSize() } };
  } catch (error) {
    if (!ballast || ballast.getSize() === 0) throw error;
    ballast.truncate(0);
    ballast.flush();
    appendBytes(bytes);
    return { value: { bytes: handle.getSize() }, released: true };
  }
}

function readAll() {
  const bytes = new Uint8Array(handle.getSize());
  handle.read(bytes, { at: 0 });
  return [new TextDecoder().decode(bytes)];
}

function growBallast(bytes) {
  if (!ballast) return { ballast: 0 };
  const zeros = new Uint8Array(Math.min(CHUNK, bytes));
  let size = ballast.getSize();
  try {
    while (size < bytes) {
      const n = ballast.write(zeros.subarray(0, Math.min(zeros.length, bytes - size)), { at: size });
      if (n <= 0) break;
      size += n;
    }
    ballast.flush();
  } catch (error) {
    // Keep what fitted; the disk is full. Try again later.
    try { ballast.flush(); } catch (_) { /* nothing more to do */ }
  }
  return { ballast: ballast.getSize() };
}

// One operation at a time, in the order asked: appends must not interleave.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(() => navigator.locks.request(LOCK, async () => {
    try {
      let answer;
      switch (message.op) {
        case 'open': answer = { value: await open() }; break;
        case 'append': await open(); answer = append(message.text); break;
        case 'read': await open(); answer = { value: readAll() }; break;
        case 'ballast': await open(); answer = { value: growBallast(message.bytes) }; break;
        default: throw new Error(`unknown operation ${message.op}`);
      }
      self.postMessage({ id: message.id, ok: true, ...answer });
    } catch (error) {
      self.postMessage({ id: message.id, ok: false, error: { name: error.name || 'Error', message: String(error.message || error) } });
    }
  }));
};
