//! The browser side of the journal (the format is `journal`): a dedicated worker, `/journal.js`,
//! appends lines to a file in the Origin Private File System, flushes them, and keeps the ballast
//! (space held in reserve, released when a write fails). One worker per page, started with the
//! store. Where the browser has no such file system, the tablet runs on IndexedDB alone and the
//! storage panel says so.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::journal::JournalLine;

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
                Err(if field("name") == "QuotaExceededError" { JournalError::Full } else { JournalError::Failed(field("message")) })
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

    /// Every line of every journal file, in order; lines that cannot be read are skipped (and
    /// counted).
    pub async fn read(&self) -> Result<(Vec<JournalLine>, usize), JournalError> {
        let texts: js_sys::Array = js_sys::Reflect::get(&self.call("read", &[]).await?, &"value".into())
            .map_err(|e| JournalError::Failed(format!("{e:?}")))?
            .unchecked_into();
        let mut lines = Vec::new();
        let mut unreadable = 0;
        let mut slices = super::Slices::new();
        for text in texts.iter().filter_map(|t| t.as_string()) {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                match js_sys::JSON::parse(line).ok().and_then(|value| serde_wasm_bindgen::from_value::<JournalLine>(value).ok()) {
                    Some(line) => lines.push(line),
                    None => unreadable += 1,
                }
                slices.tick().await;
            }
        }
        Ok((lines, unreadable))
    }

    /// Grows the ballast back to [`BALLAST_BYTES`] if there is room; returns its size.
    pub async fn refill_ballast(&self) -> Result<u64, JournalError> {
        let answer = self.call("ballast", &[("bytes", (BALLAST_BYTES as f64).into())]).await?;
        Ok(number(&answer, "ballast"))
    }
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
