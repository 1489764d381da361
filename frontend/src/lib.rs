//! The WebAssembly entry point. Everything else lives in the `app` crate; this crate only
//! hydrates the page the server rendered (or the service worker served from its cache).

// The views are deeply nested types; the compiler needs more room to lay them out.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
