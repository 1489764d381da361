//! The tablet's offline side: leads in IndexedDB, small settings in local storage, the storage
//! status the officer sees, and the export that works without a network. Nothing here speaks
//! HTTP: the sync client (a later module) sits on top of the store.

pub mod export;
pub mod journal;
pub mod journal_client;
pub mod outbox;
pub mod record;
pub mod settings;
pub mod storage_info;
pub mod store;
pub mod sync_client;

pub use store::{LeadStore, StoreError};

/// Gives the browser a turn (input, rendering) before going on, so long work in the page comes in
/// short tasks: `scheduler.yield()` where the browser has it, else a zero timeout.
pub async fn yield_now() {
    use wasm_bindgen::JsCast;
    let global = js_sys::global();
    let scheduler = js_sys::Reflect::get(&global, &"scheduler".into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    let yield_fn = js_sys::Reflect::get(&scheduler, &"yield".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let promise = match yield_fn.and_then(|f| f.call0(&scheduler).ok()) {
        Some(promise) => js_sys::Promise::from(promise),
        None => js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback(&resolve);
            }
        }),
    };
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
