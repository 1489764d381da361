// The tablet's second store: an append-only journal in the Origin Private File System, kept by
// this dedicated worker (only a worker may hold a synchronous access handle, the one way to append
// to a file and flush it). The app writes every saved lead and queued change here before it tells
// the officer "saved"; if the browser loses its IndexedDB database (it deletes one it cannot
// recover), the app rebuilds it from these lines. (It does not survive the browser's eviction,
// which takes the site's whole storage, this file too: only persistent storage prevents that.)
//
// It also keeps a ballast file: space held in reserve and released when a write fails, so the
// journal can still take a lead, and the database recover and sync, on a full disk.
//
// The log only grows, so from time to time the app compacts it: it sends the state it replayed as
// a snapshot, which goes into whichever of the two snapshot files is not in use, followed by the
// log's lines written since the app read it and an end line with the length and checksum of all
// that; once that is flushed, the log and the older snapshot are emptied. The app reads the
// newest whole snapshot, then the log (the format and the checks: app/src/offline/journal.rs).
//
// It also measures the disk's free space for real (the browser's quota estimate does not know the
// disk): it writes a probe file as far as it can up to a size, then empties it.
//
// It also writes a newly captured lead into the app's IndexedDB database (`save`), beside the
// journal line: a worker has no frames to draw, so the database's answers reach it at once, where
// the page hears of them only after the browser has drawn the frame the officer's tap asked for.
// The lead is on disk ~4 ms after the tap (median, on the machine the benchmarks ran on), where
// the page hears of it at ~15 ms.
//
// The worker knows nothing of leads: it appends and reads bytes, and puts values it is given.
// Messages in:
// {id, op, ...}; out: {id, ok, value?, released?, error?: {name, message}}.
//   open                -> {file, bytes, ballast}
//   append {text}       -> {bytes}; released: true when the ballast had to go first
//   read                -> {log, snapshots: [a, b], sizes: [log, a, b]}   the files' texts and byte sizes
//   compact {slot, seq, text, sizes}
//                       -> {compacted, bytes}   compacted false if the files changed since `sizes`
//   ballast {bytes}     -> {ballast}    grow the reserve back to `bytes` (fails on a full disk)
//   probe {bytes}       -> {free}       how many of `bytes` could be written (and were freed again)
//   save {text, puts: [[store, value]], pending, version}
//                       -> {database: error|null, journal: error|null, released, durableAt}
//                          the values put in one strict transaction (the pending count moved by
//                          `pending` in it) while `text` is appended; durableAt is when both
//                          were done (ms since the epoch, this worker's clock)
'use strict';

const DIR = 'zhaoshang-journal';
const MAIN = 'journal.log';
const SNAPSHOTS = ['snapshot-a.log', 'snapshot-b.log'];
const LOCK = 'zhaoshang-journal';
const BALLAST = 'ballast.bin';
const PROBE = 'probe.bin';
const CHUNK = 1 << 20;

let dir = null;
let handle = null;
let ballast = null;
let snapshots = null;

// The main file is opened in 'readwrite-unsafe' mode, so that a page just reloaded (whose
// predecessor may linger in the back-forward cache, its worker with it) and a second tab can all
// hold it; every operation runs under one Web Lock, so no two workers ever write at once.
async function open() {
  if (handle) return status();
  const root = await navigator.storage.getDirectory();
  dir = await root.getDirectoryHandle(DIR, { create: true });
  handle = await (await dir.getFileHandle(MAIN, { create: true })).createSyncAccessHandle({ mode: 'readwrite-unsafe' });
  snapshots = [];
  for (const name of SNAPSHOTS) {
    snapshots.push(await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle({ mode: 'readwrite-unsafe' }));
  }
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
  try {
    writeAll(handle, bytes, at);
    handle.flush();
  } catch (error) {
    // Leave no half line behind: the next append starts on a line of its own.
    try { handle.truncate(at); handle.flush(); } catch (_) { /* the file stays as it was */ }
    throw error;
  }
}

// Empties the reserve; true if there was one to release.
function releaseBallast() {
  if (!ballast || ballast.getSize() === 0) return false;
  ballast.truncate(0);
  ballast.flush();
  return true;
}

function append(text) {
  const bytes = new TextEncoder().encode(text);
  try {
    appendBytes(bytes);
    return { value: { bytes: handle.getSize() } };
  } catch (error) {
    if (!releaseBallast()) throw error;
    appendBytes(bytes);
    return { value: { bytes: handle.getSize() }, released: true };
  }
}

function readFile(file) {
  const bytes = new Uint8Array(file.getSize());
  file.read(bytes, { at: 0 });
  return new TextDecoder().decode(bytes);
}

function sizes() {
  return [handle.getSize(), snapshots[0].getSize(), snapshots[1].getSize()];
}

function readAll() {
  return { log: readFile(handle), snapshots: snapshots.map(readFile), sizes: sizes() };
}

// FNV-1a, 32 bits, continued from `hash` (app/src/offline/journal.rs, `checksum`).
function fnv(bytes, hash) {
  for (let i = 0; i < bytes.length; i++) {
    hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
  }
  return hash;
}

function writeAll(file, bytes, at) {
  let written = 0;
  while (written < bytes.length) {
    const n = file.write(bytes.subarray(written), { at: at + written });
    if (n <= 0) throw new DOMException('nothing written', 'QuotaExceededError');
    written += n;
  }
}

// Writes snapshot `seq` into slot `slot`: the app's text (header and lines), the log's lines since
// the app read it (at `sizes[0]`), the end line; then empties the log and the other slot. Nothing
// changes if another page compacted or the files changed otherwise since that read.
function compact(slot, seq, text, known) {
  const now = sizes();
  if (now[0] < known[0] || now[1] !== known[1] || now[2] !== known[2]) return { compacted: false, bytes: 0 };
  const target = snapshots[slot];
  const head = new TextEncoder().encode(text);
  const tail = new Uint8Array(now[0] - known[0]);
  handle.read(tail, { at: known[0] });
  const length = head.length + tail.length;
  const end = new TextEncoder().encode(`{"t":"end","seq":${seq},"bytes":${length},"fnv":${fnv(tail, fnv(head, 0x811c9dc5))}}\n`);
  try {
    target.truncate(0);
    writeAll(target, head, 0);
    writeAll(target, tail, head.length);
    writeAll(target, end, length);
    target.flush();
  } catch (error) {
    try { target.truncate(0); target.flush(); } catch (_) { /* an unfinished snapshot is never read */ }
    throw error;
  }
  handle.truncate(0);
  handle.flush();
  snapshots[1 - slot].truncate(0);
  snapshots[1 - slot].flush();
  return { compacted: true, bytes: target.getSize() };
}

// Writes up to `bytes` into the probe file, a chunk at a time, each in its own turn (an append
// waits for one chunk at most, not the whole probe), then empties it: what fitted is free space.
async function probe(bytes) {
  const file = await serial(async () => (await dir.getFileHandle(PROBE, { create: true })).createSyncAccessHandle({ mode: 'readwrite-unsafe' }));
  const zeros = new Uint8Array(CHUNK);
  let size = 0;
  try {
    while (size < bytes) {
      const n = await serial(() => {
        const n = file.write(zeros.subarray(0, Math.min(CHUNK, bytes - size)), { at: size });
        file.flush();
        return n;
      });
      if (n <= 0) break;
      size += n;
    }
  } catch (error) {
    // The disk is full: `size` is what fitted.
  } finally {
    await serial(() => {
      try { file.truncate(0); file.flush(); } catch (_) { /* emptied at the next probe */ }
      file.close();
    });
  }
  return { free: size };
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

const DB = 'zhaoshang';
let database = null;

// The app's database, at the version the page opened (a worker never upgrades it); closed when a
// newer page upgrades it, and opened again on next use.
function openDatabase(version) {
  if (!database) {
    database = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, version);
      request.onupgradeneeded = () => request.transaction.abort();
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); database = null; };
        db.onclose = () => { database = null; };
        resolve(db);
      };
      request.onerror = () => { database = null; reject(request.error); };
    });
  }
  return database;
}

function failure(error) {
  return { name: (error && error.name) || 'Error', message: String((error && error.message) || error) };
}

// One strict readwrite transaction: `puts` ([store, value] pairs) and the pending count moved by
// `pending`, committed at once. Returns two promises: `asked`, resolved once the commit is asked
// for (or the write failed), and `done`, resolved to null once it is durable, or to the error.
function writeDatabase(version, puts, pending) {
  let asked;
  const committing = new Promise((resolve) => { asked = resolve; });
  const done = (async () => {
    let db;
    try {
      db = await openDatabase(version);
    } catch (error) {
      return failure(error);
    }
    return new Promise((resolve) => {
      let tx;
      try {
        tx = db.transaction(['leads', 'outbox', 'meta'], 'readwrite', { durability: 'strict' });
      } catch (error) {
        // A connection the browser closed: open a new one next time.
        if (error.name === 'InvalidStateError') database = null;
        resolve(failure(error));
        return;
      }
      let thrown = null;
      tx.oncomplete = () => resolve(null);
      tx.onabort = () => resolve(failure(tx.error || thrown || new DOMException('The transaction was aborted', 'AbortError')));
      const commit = () => {
        tx.commit();
        asked();
      };
      try {
        for (const [store, value] of puts) tx.objectStore(store).put(value);
        if (pending) {
          const meta = tx.objectStore('meta');
          const request = meta.get('pending');
          request.onsuccess = () => {
            const now = request.result && typeof request.result.value === 'number' ? request.result.value : 0;
            meta.put({ key: 'pending', value: Math.max(0, now + pending) });
            commit();
          };
        } else {
          commit();
        }
      } catch (error) {
        thrown = error;
        try { tx.abort(); } catch (_) { /* already over */ }
      }
    });
  })();
  done.then(() => asked());
  return { asked: committing, done };
}

// One operation at a time, in the order asked: appends must not interleave. A save's database
// write starts at once, beside the queue; its journal line takes its place in the queue.
let queue = Promise.resolve();

// Runs `work` in its turn, under the lock, with the journal's files open; resolves to its result.
function serial(work) {
  const turn = queue.then(() => navigator.locks.request(LOCK, async () => {
    await open();
    return work();
  }));
  queue = turn.catch(() => undefined);
  return turn;
}
self.onmessage = (event) => {
  const message = event.data;
  const answer = (value) => self.postMessage({ id: message.id, ok: true, value });
  const fail = (error) => self.postMessage({ id: message.id, ok: false, error: failure(error) });
  switch (message.op) {
    case 'save': {
      const { asked, done: written } = writeDatabase(message.version, message.puts, message.pending);
      // The line is flushed while the database commits: once the commit is asked for (a flush
      // blocks this worker, and with it the answers the transaction still waits for), or after
      // 50 ms at most: a database that cannot be opened must not keep the lead from the journal.
      const appended = serial(async () => {
        await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, 50))]);
        return append(message.text);
      }).then((done) => ({ error: null, released: done.released === true }), (error) => ({ error: failure(error), released: false }));
      // A database write that failed (for space, or the browser's "internal error" that a full
      // disk also gives): the reserve goes at once, so that the database (and the browser's own)
      // can write again; the app takes it back once the disk has room.
      const freed = written.then((error) => (error ? serial(releaseBallast).catch(() => false) : false));
      Promise.all([written, appended, freed]).then(([database, journal, released]) => {
        const durableAt = performance.timeOrigin + performance.now();
        answer({ database, journal: journal.error, released: journal.released || released === true, durableAt });
      });
      break;
    }
    case 'probe':
      probe(message.bytes).then(answer, fail);
      break;
    case 'append':
      serial(() => append(message.text)).then((done) => self.postMessage({ id: message.id, ok: true, ...done }), fail);
      break;
    default:
      serial(() => {
        switch (message.op) {
          case 'open': return status();
          case 'read': return readAll();
          case 'compact': return compact(message.slot, message.seq, message.text, message.sizes);
          case 'ballast': return growBallast(message.bytes);
          default: throw new Error(`unknown operation ${message.op}`);
        }
      }).then(answer, fail);
  }
};
