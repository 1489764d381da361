//! Scanning a QR code into the capture form ("扫码"): a business card's or an expo badge's code,
//! read with the tablet's back camera, or from a photo where the camera is refused or absent.
//!
//! The camera, the frame loop and the reader (Rust compiled to its own WebAssembly, in a worker)
//! live in `public/scan.js`, `public/scan-worker.js` and the `scanner` crate. They load the first
//! time the officer taps "扫码", not with the capture screen, and the service worker keeps them for
//! offline use from then on. What a code says is read by `domain::scan::parse` in the worker (the
//! legacy encodings' tables load with the reader); the page applies the `Scanned` it gets: it fills the empty
//! fields, never overwrites what the officer typed (that goes to the notes), and the officer checks
//! the form and saves it as always.

use domain::scan::{ScanKind, Scanned};
use domain::LeadField;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::fields::{use_form, FormState};
use crate::components::toast::{use_toasts, ToastKind, Toasts};
use crate::i18n::{fill, tr, use_i18n, Key, Lang};

/// The scanning dialog's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scan {
    Closed,
    /// Loading the reader and opening the camera.
    Opening,
    /// The camera shows; frames are being read.
    Watching,
    /// Reading a photo.
    Reading,
    /// Something the officer must know, shown in the dialog (the photo button stays).
    Problem(Key),
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = zsScan, js_name = open, catch)]
    async fn camera_open(video: &web_sys::HtmlVideoElement) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsScan, js_name = watch)]
    fn camera_watch(on_scanned: &js_sys::Function, on_error: &js_sys::Function);
    #[wasm_bindgen(js_namespace = zsScan, js_name = decodeFile, catch)]
    async fn decode_file(file: &web_sys::File) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsScan, js_name = close)]
    fn camera_close();
}

/// Whether `/scan.js` has loaded (its `zsScan` is there to call).
fn scanner_loaded() -> bool {
    crate::lazy_script::loaded("zsScan")
}

/// Stops the camera, if the scanner ever started it.
fn stop_camera() {
    if scanner_loaded() {
        camera_close();
    }
}

/// Loads `/scan.js` once.
async fn load_scanner() -> Result<(), JsValue> {
    crate::lazy_script::load("/scan.js", "zsScan").await
}

/// What the officer is told when the camera or the reader cannot be used.
fn problem_of(error: &JsValue) -> Key {
    let name = js_sys::Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" => Key::ScanDenied,
        "ReaderMissing" => Key::ScanReaderMissing,
        "NotReadableError" | "AbortError" => Key::ScanBusy,
        _ => Key::ScanNoCamera,
    }
}

/// The names of `fields` in `lang`, joined as a list.
fn field_names(lang: Lang, fields: &[LeadField]) -> String {
    let separator = if lang == Lang::Zh { "、" } else { ", " };
    fields.iter().map(|f| lang.text_of("field", f.name())).collect::<Vec<_>>().join(separator)
}

/// Records, for the benchmark (`end2end/bench/scan.mjs`), the time to the form filled from the
/// camera playing with the code in view (`zs-scan-filled`; `scan.js` marks `zs-scan-playing`) and
/// from the officer's tap (`zs-scan-tap-filled`: opening the camera, and the first time loading the
/// reader, included).
fn measure_filled() {
    let Some(p) = web_sys::window().and_then(|w| w.performance()) else { return };
    for (measure, start) in [("zs-scan-filled", "zs-scan-playing"), ("zs-scan-tap-filled", "zs-scan-tap")] {
        if p.get_entries_by_name(start).length() > 0 {
            let _ = p.measure_with_start_mark(measure, start);
        }
    }
}

fn mark_tap() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        p.clear_marks_with_mark_name("zs-scan-tap");
        let _ = p.mark("zs-scan-tap");
    }
}

/// Fills the form with what was read (a QR code, or a card's printed text): the empty fields take
/// it (`Scanned::apply_to`; what the officer typed stays, the read value goes to the notes), the
/// filled fields are marked for the officer to check until they edit them or save, "more" opens
/// when something went there, and one toast says what was filled (`filled`: from the code, or
/// from the photo), what was kept as typed, and what did not fit.
pub fn fill_form_with(form: FormState, toasts: Toasts, lang: Lang, scanned: &Scanned, filled: Key) {
    let mut applied = domain::scan::Applied::default();
    form.draft.update(|draft| applied = scanned.apply_to(draft));
    form.forget_errors(&applied.filled);
    form.scanned.set(applied.filled.clone());
    let in_more = [LeadField::Notes, LeadField::Province, LeadField::City];
    if applied.filled.iter().any(|f| in_more.contains(f)) || !applied.kept.is_empty() {
        if let Some(more) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("more")) {
            let _ = more.set_attribute("open", "");
        }
    }
    let mut message = if applied.filled.is_empty() {
        lang.text(Key::ScanNothingNew).to_owned()
    } else {
        fill(lang.text(filled), &[("fields", &field_names(lang, &applied.filled))])
    };
    let separator = if lang == Lang::Zh { "" } else { " " };
    if !applied.kept.is_empty() {
        message = format!("{message}{separator}{}", fill(lang.text(Key::ScanKept), &[("fields", &field_names(lang, &applied.kept))]));
    }
    let kind = if applied.left_out.is_empty() { ToastKind::Ok } else { ToastKind::Problem };
    if !applied.left_out.is_empty() {
        message = format!("{message}{separator}{}", lang.text(Key::ScanLeftOut));
    }
    toasts.show(kind, message);
}

/// The "扫码" button and its dialog, inside the lead form.
#[component]
pub fn ScanButton() -> impl IntoView {
    let form = use_form();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let state = RwSignal::new(Scan::Closed);
    let video = NodeRef::<leptos::html::Video>::new();
    let close_button = NodeRef::<leptos::html::Button>::new();

    let close = move || {
        stop_camera();
        state.set(Scan::Closed);
    };

    // A code was read (and what it says read by the worker, `domain::scan::parse`): fill the form,
    // close, and say what was filled.
    let fill_form = move |value: JsValue| {
        let lang = i18n.lang.get_untracked();
        let Ok(scanned) = serde_wasm_bindgen::from_value::<Scanned>(value) else {
            state.set(Scan::Problem(Key::ScanUnreadable));
            return;
        };
        if matches!(scanned.kind, ScanKind::Empty | ScanKind::Unreadable) {
            // The camera stops (its loop ended with this code); the dialog says why and offers a
            // photo, or a new scan from the form.
            stop_camera();
            state.set(Scan::Problem(Key::ScanUnreadable));
            return;
        }
        close();
        fill_form_with(form, toasts, lang, &scanned, Key::ScanFilled);
        measure_filled();
    };

    let open = move |_| {
        mark_tap();
        state.set(Scan::Opening);
        // The dialog takes the focus once shown (a keyboard or a screen reader is now in it).
        request_animation_frame(move || {
            if let Some(button) = close_button.get_untracked() {
                let _ = button.focus();
            }
        });
        leptos::task::spawn_local(async move {
            if load_scanner().await.is_err() {
                state.set(Scan::Problem(Key::ScanReaderMissing));
                return;
            }
            let Some(element) = video.get_untracked() else { return };
            match camera_open(&element).await {
                Ok(_) if state.get_untracked() == Scan::Opening => {
                    state.set(Scan::Watching);
                    let on_scanned = Closure::once_into_js(move |scanned: JsValue| fill_form(scanned));
                    let on_error = Closure::once_into_js(move |error: JsValue| state.set(Scan::Problem(problem_of(&error))));
                    camera_watch(on_scanned.unchecked_ref(), on_error.unchecked_ref());
                }
                // Cancelled while the camera opened.
                Ok(_) => camera_close(),
                Err(error) => state.set(Scan::Problem(problem_of(&error))),
            }
        });
    };

    let from_photo = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        input.set_value("");
        stop_camera();
        state.set(Scan::Reading);
        leptos::task::spawn_local(async move {
            if load_scanner().await.is_err() {
                state.set(Scan::Problem(Key::ScanReaderMissing));
                return;
            }
            match decode_file(&file).await {
                Ok(scanned) if scanned.is_object() => fill_form(scanned),
                Ok(_) => state.set(Scan::Problem(Key::ScanNoCodeInPhoto)),
                Err(error) => state.set(Scan::Problem(match problem_of(&error) {
                    Key::ScanReaderMissing => Key::ScanReaderMissing,
                    _ => Key::ScanNoCodeInPhoto,
                })),
            }
        });
    };

    let status = move || match state.get() {
        Scan::Closed => None,
        Scan::Opening => Some((false, i18n.t(Key::ScanOpening))),
        Scan::Watching => Some((false, i18n.t(Key::ScanAim))),
        Scan::Reading => Some((false, i18n.t(Key::ScanReading))),
        Scan::Problem(key) => Some((true, i18n.t(key))),
    };

    view! {
        <button type="button" class="scan-button secondary" data-testid="scan" on:click=open>
            {tr(Key::ScanButton)}
        </button>
        <div class="scan-dialog" role="dialog" aria-modal="true" aria-labelledby="scan-title" data-testid="scan-dialog"
            hidden=move || state.get() == Scan::Closed
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { close() }>
            <h2 id="scan-title">{tr(Key::ScanTitle)}</h2>
            <div class="scan-view" class:hidden=move || state.get() != Scan::Watching>
                <video node_ref=video muted=true playsinline=true aria-hidden="true"></video>
                <div class="scan-frame" aria-hidden="true"></div>
            </div>
            <p class="scan-status" class:problem=move || status().is_some_and(|(problem, _)| problem)
                role="status" aria-live="polite" data-testid="scan-status">
                {move || status().map(|(_, text)| text)}
            </p>
            <div class="scan-actions">
                <label class="button secondary scan-photo">
                    {tr(Key::ScanPhoto)}
                    <input type="file" accept="image/*" data-testid="scan-photo" on:change=from_photo/>
                </label>
                <button type="button" class="primary" data-testid="scan-cancel" node_ref=close_button on:click=move |_| close()>
                    {tr(Key::ScanClose)}
                </button>
            </div>
        </div>
    }
}
