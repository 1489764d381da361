//! The tablet's offline side: leads in IndexedDB, small settings in local storage, the storage
//! status the officer sees, and the export that works without a network. Nothing here speaks
//! HTTP: the sync client (a later module) sits on top of the store.

pub mod export;
pub mod journal;
pub mod journal_client;
pub mod outbox;
pub mod photos;
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

/// Long work on the page in slices: [`Slices::tick`] gives the browser a turn once the current
/// slice has run [`Slices::BUDGET_MS`], so no task it makes runs much longer than that.
pub struct Slices {
    started: f64,
}

impl Slices {
    /// How long one slice may run: well under the 50 ms at which a task delays a tap noticeably.
    pub const BUDGET_MS: f64 = 8.0;

    pub fn new() -> Self {
        Slices { started: now_ms() }
    }

    /// Yields if the slice has used its budget.
    pub async fn tick(&mut self) {
        if now_ms() - self.started >= Self::BUDGET_MS {
            yield_now().await;
            self.started = now_ms();
        }
    }
}

impl Default for Slices {
    fn default() -> Self {
        Self::new()
    }
}

/// `performance.now()` of the page, 0 where there is none.
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
