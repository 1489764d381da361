//! The browser side of the journal (the format is `journal`): a dedicated worker, `/journal.js`,
//! appends lines to a file in the Origin Private File System, flushes them, keeps the ballast
//! (space held in reserve, released when a write fails), writes the snapshots a compaction makes,
//! and measures the disk's free space by writing a probe file. One worker per page, started with
//! the store. Where the browser has no such file system, the tablet runs on IndexedDB alone and the
//! storage panel says so.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::journal::{self, JournalLine};

/// Bytes held in reserve on the tablet's disk for a write that would otherwise fail.
pub const BALLAST_BYTES: u64 = 8 << 20;

/// Why the journal could not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JournalError {
    /// The disk (or the site's quota) is full, ballast and all.
    #[error("the journal's disk is full")]
    Full,
    #[error("journal: {0}")]
    Failed(String),
}

impl JournalError {
    /// The error a browser's `DOMException` of this name stands for.
    fn from_browser(name: &str, message: String) -> Self {
        if name == "QuotaExceededError" {
            JournalError::Full
        } else {
            JournalError::Failed(message)
        }
    }
}

/// What an append did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Appended {
    /// The ballast had to be released for the line to fit: the disk is full.
    pub released_ballast: bool,
}

/// The journal's worker; cheap to clone.
#[derive(Clone)]
pub struct Journal {
    inner: Rc<Inner>,
}

struct Inner {
    worker: web_sys::Worker,
    waiting: RefCell<HashMap<u32, js_sys::Function>>,
    next: Cell<u32>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Journal {
    /// Starts the worker and opens the journal, or `None` where the browser cannot.
    pub async fn start() -> Option<Journal> {
        let has_opfs = js_sys::Reflect::get(&web_sys::window()?.navigator().storage(), &"getDirectory".into()).ok()?.is_function();
        if !has_opfs {
            return None;
        }
        let worker = web_sys::Worker::new("/journal.js").ok()?;
        let waiting: RefCell<HashMap<u32, js_sys::Function>> = RefCell::default();
        let inner = Rc::new_cyclic(|weak: &std::rc::Weak<Inner>| {
            let weak = weak.clone();
            let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let Some(inner) = weak.upgrade() else { return };
                let data = event.data();
                let id = js_sys::Reflect::get(&data, &"id".into()).ok().and_then(|v| v.as_f64()).unwrap_or(-1.0) as u32;
                let resolve = inner.waiting.borrow_mut().remove(&id);
                if let Some(resolve) = resolve {
                    let _ = resolve.call1(&JsValue::NULL, &data);
                }
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            Inner { worker, waiting, next: Cell::new(0), _on_message: on_message }
        });
        let journal = Journal { inner };
        match journal.call("open", &[]).await {
            Ok(_) => Some(journal),
            Err(error) => {
                leptos::logging::warn!("no journal: {error}");
                None
            }
        }
    }

    /// Sends one operation now (so its place in the worker's queue is taken at once) and returns
    /// the answer's future.
    fn send(&self, op: &str, fields: &[(&str, JsValue)]) -> impl Future<Output = Result<JsValue, JournalError>> + 'static {
        let id = self.inner.next.get().wrapping_add(1);
        self.inner.next.set(id);
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"id".into(), &id.into());
        let _ = js_sys::Reflect::set(&message, &"op".into(), &op.into());
        for (key, value) in fields {
            let _ = js_sys::Reflect::set(&message, &(*key).into(), value);
        }
        let inner = self.inner.clone();
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            inner.waiting.borrow_mut().insert(id, resolve);
        });
        let posted = self.inner.worker.post_message(&message);
        async move {
            posted.map_err(|e| JournalError::Failed(format!("{e:?}")))?;
            let answer = JsFuture::from(promise).await.map_err(|e| JournalError::Failed(format!("{e:?}")))?;
            if js_sys::Reflect::get(&answer, &"ok".into()).ok().and_then(|v| v.as_bool()) == Some(true) {
                Ok(answer)
            } else {
                let error = js_sys::Reflect::get(&answer, &"error".into()).unwrap_or(JsValue::NULL);
                let field = |name: &str| js_sys::Reflect::get(&error, &name.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
                Err(JournalError::from_browser(&field("name"), field("message")))
            }
        }
    }

    async fn call(&self, op: &str, fields: &[(&str, JsValue)]) -> Result<JsValue, JournalError> {
        self.send(op, fields).await
    }

    /// Appends lines, flushed to disk when the future resolves. The lines are queued at once: a
    /// caller may start its IndexedDB write meanwhile and wait for both.
    pub fn append(&self, lines: &[JournalLine]) -> impl Future<Output = Result<Appended, JournalError>> + 'static {
        let text = encode(lines);
        let answer = text.map(|text| self.send("append", &[("text", text.into())]));
        Self::appended(answer)
    }

    /// Has the worker write a new lead into the database (`puts`: store names and values, as the
    /// store would put them; the pending count moved by `pending`) in one strict transaction of
    /// its own, while it appends `line`. The worker hears of the commit at once; the page, only
    /// after the frame the officer's tap asked for. `Err` only if the worker could not be asked.
    pub fn save(
        &self,
        line: &JournalLine,
        puts: &[(&str, JsValue)],
        pending: i64,
        version: u32,
    ) -> impl Future<Output = Result<WorkerSaved, JournalError>> + 'static {
        let text = encode(std::slice::from_ref(line));
        let list = js_sys::Array::new();
        for (store, value) in puts {
            list.push(&js_sys::Array::of2(&(*store).into(), value));
        }
        let answer = text.map(|text| {
            self.send(
                "save",
                &[("text", text.into()), ("puts", list.into()), ("pending", (pending as f64).into()), ("version", version.into())],
            )
        });
        async move {
            let answer = answer?.await?;
            let value = js_sys::Reflect::get(&answer, &"value".into()).map_err(failed)?;
            let field = |name: &str| js_sys::Reflect::get(&value, &name.into()).unwrap_or(JsValue::NULL);
            let error_of = |error: JsValue| {
                let text = |name: &str| js_sys::Reflect::get(&error, &name.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
                (text("name"), text("message"))
            };
            let database = field("database");
            let journal = field("journal");
            Ok(WorkerSaved {
                database: if database.is_null() || database.is_undefined() { Ok(()) } else { Err(error_of(database)) },
                journal: if journal.is_null() || journal.is_undefined() {
                    Ok(Appended { released_ballast: field("released").as_bool() == Some(true) })
                } else {
                    let (name, message) = error_of(journal);
                    Err(JournalError::from_browser(&name, message))
                },
                durable_at: field("durableAt").as_f64(),
            })
        }
    }

    /// [`Self::append`] of lines already encoded (by [`encode_sliced`]).
    pub fn append_encoded(&self, text: String) -> impl Future<Output = Result<Appended, JournalError>> + 'static {
        Self::appended(Ok(self.send("append", &[("text", text.into())])))
    }

    /// What the worker's answer to an append says.
    async fn appended(answer: Result<impl Future<Output = Result<JsValue, JournalError>>, JournalError>) -> Result<Appended, JournalError> {
        let answer = answer?.await?;
        let released = js_sys::Reflect::get(&answer, &"released".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
        Ok(Appended { released_ballast: released })
    }

    /// The journal's lines in order (the newest whole snapshot, then the log); lines that cannot
    /// be read are skipped (and counted).
    pub async fn read(&self) -> Result<JournalRead, JournalError> {
        let value = js_sys::Reflect::get(&self.call("read", &[]).await?, &"value".into()).map_err(failed)?;
        let text = |v: JsValue| v.as_string().unwrap_or_default();
        let log = text(js_sys::Reflect::get(&value, &"log".into()).map_err(failed)?);
        let files: js_sys::Array = js_sys::Reflect::get(&value, &"snapshots".into()).map_err(failed)?.unchecked_into();
        let files = [text(files.get(0)), text(files.get(1))];
        let sizes: js_sys::Array = js_sys::Reflect::get(&value, &"sizes".into()).map_err(failed)?.unchecked_into();
        let sizes = [0, 1, 2].map(|i| sizes.get(i).as_f64().map_or(0, |n| n as u64));
        let snapshot = journal::newest_snapshot([&files[0], &files[1]]);
        let mut read = JournalRead {
            lines: Vec::new(),
            unreadable: 0,
            sizes,
            snapshot: snapshot.map(|(slot, seq, _)| (slot, seq)),
            snapshot_bytes: snapshot.map_or(0, |(slot, _, _)| sizes[slot + 1]),
            log_bytes: sizes[0],
        };
        let mut slices = super::Slices::new();
        for text in snapshot.map(|(_, _, body)| body).into_iter().chain([log.as_str()]) {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                match js_sys::JSON::parse(line).ok().and_then(|value| serde_wasm_bindgen::from_value::<JournalLine>(value).ok()) {
                    Some(line) => read.lines.push(line),
                    None => read.unreadable += 1,
                }
                slices.tick().await;
            }
        }
        Ok(read)
    }

    /// Folds the log into a new snapshot of `state` (the journal as `read` replayed it): see
    /// `journal` on compaction. Returns whether it did (not if another page changed the files
    /// since that read).
    pub async fn compact(&self, read: &JournalRead, state: &journal::Replayed) -> Result<bool, JournalError> {
        let (slot, seq) = match read.snapshot {
            Some((slot, seq)) => (1 - slot, seq + 1),
            None => (0, 1),
        };
        let mut text = journal::snapshot_header(seq);
        text.push_str(&encode_sliced(&journal::snapshot_lines(state)).await?);
        let sizes = js_sys::Array::new();
        for size in read.sizes {
            sizes.push(&(size as f64).into());
        }
        let fields = [("slot", JsValue::from(slot as u32)), ("seq", (seq as f64).into()), ("text", text.into()), ("sizes", sizes.into())];
        let answer = self.call("compact", &fields).await?;
        let value = js_sys::Reflect::get(&answer, &"value".into()).map_err(failed)?;
        Ok(js_sys::Reflect::get(&value, &"compacted".into()).ok().and_then(|v| v.as_bool()) == Some(true))
    }

    /// How much of `bytes` the disk can still take, measured by writing a probe file (then freed):
    /// the browser's quota estimate does not know how full the disk is.
    pub async fn probe_free(&self, bytes: u64) -> Result<u64, JournalError> {
        let answer = self.call("probe", &[("bytes", (bytes as f64).into())]).await?;
        Ok(number(&answer, "free"))
    }

    /// Grows the ballast back to [`BALLAST_BYTES`] if there is room; returns its size.
    pub async fn refill_ballast(&self) -> Result<u64, JournalError> {
        let answer = self.call("ballast", &[("bytes", (BALLAST_BYTES as f64).into())]).await?;
        Ok(number(&answer, "ballast"))
    }
}

/// What the worker's [`Journal::save`] did.
pub struct WorkerSaved {
    /// The database's transaction: committed, or the browser's error (its name and message).
    pub database: Result<(), (String, String)>,
    pub journal: Result<Appended, JournalError>,
    /// When both were done, in milliseconds since the epoch (the worker's clock).
    pub durable_at: Option<f64>,
}

/// What [`Journal::read`] found.
#[derive(Debug, Default)]
pub struct JournalRead {
    pub lines: Vec<JournalLine>,
    pub unreadable: usize,
    /// The files' sizes in bytes when read (the log, then the two snapshots): a compaction checks
    /// that nothing changed them since.
    sizes: [u64; 3],
    /// The snapshot read: its place among the snapshot files and its number.
    snapshot: Option<(usize, u64)>,
    pub snapshot_bytes: u64,
    pub log_bytes: u64,
}

fn failed(error: JsValue) -> JournalError {
    JournalError::Failed(format!("{error:?}"))
}

fn number(answer: &JsValue, key: &str) -> u64 {
    js_sys::Reflect::get(answer, &"value".into())
        .and_then(|v| js_sys::Reflect::get(&v, &key.into()))
        .ok()
        .and_then(|v| v.as_f64())
        .map_or(0, |v| v as u64)
}

/// The lines as JSON text, each ended by a line break (through the browser's own `JSON`).
fn encode(lines: &[JournalLine]) -> Result<String, JournalError> {
    let mut text = String::new();
    for line in lines {
        encode_line(line, &mut text)?;
    }
    Ok(text)
}

/// [`encode`] in slices (see [`super::Slices`]), for the many lines a sync round or a start writes.
pub async fn encode_sliced(lines: &[JournalLine]) -> Result<String, JournalError> {
    let mut text = String::new();
    let mut slices = super::Slices::new();
    for line in lines {
        encode_line(line, &mut text)?;
        slices.tick().await;
    }
    Ok(text)
}

fn encode_line(line: &JournalLine, text: &mut String) -> Result<(), JournalError> {
    let value = line.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JournalError::Failed(e.to_string()))?;
    let json: String = js_sys::JSON::stringify(&value).map_err(|e| JournalError::Failed(format!("{e:?}")))?.into();
    text.push_str(&json);
    text.push('\n');
    Ok(())
}
