//! Scripts the capture screen does not need at first (the QR code reader's `scan.js`, the card
//! photos' `photos.js`), loaded the first time they are used. The service worker keeps them for
//! offline use from then on (`build_info::LAZY_ASSETS` on the server).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Whether the script that defines the global `name` has loaded.
pub fn loaded(global: &str) -> bool {
    // Never on the server (its render calls this from cleanups).
    cfg!(target_arch = "wasm32") && js_sys::Reflect::has(&js_sys::global(), &global.into()).unwrap_or(false)
}

/// Loads the script `src` of this origin (as the page's policy allows) unless the global `global`
/// it defines is already there.
pub async fn load(src: &str, global: &str) -> Result<(), JsValue> {
    if loaded(global) {
        return Ok(());
    }
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let script: web_sys::HtmlScriptElement = document.create_element("script")?.dyn_into()?;
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        script.set_onload(Some(&resolve));
        script.set_onerror(Some(&reject));
    });
    script.set_src(src);
    document.head().ok_or("no head")?.append_child(&script)?;
    let result = wasm_bindgen_futures::JsFuture::from(done).await;
    if result.is_err() {
        // A failed script (offline before its first use) is taken out, so the next tap tries again.
        script.remove();
    }
    result.map(|_| ())
}
