//! Photographing a business card into the lead form ("拍名片"): the front, then optionally the
//! back, with the tablet's back camera or from the file picker where the camera is refused or
//! absent. The camera and the compression (to at most `domain::photo::MAX_BYTES`, a JPEG named by
//! its SHA-256) live in `public/photos.js`, loaded the first time the officer taps the button.
//!
//! A photo taken is held by the page (its `id` in `photos.js`) and shown under the form's top; it
//! is kept on the tablet only when the lead is saved ([`keep_taken`]), and uploads after the lead's
//! sync (`offline::photos`). On the edit screen the lead's kept photos show, and a retake replaces
//! one side.
//!
//! The front's printed text is read on the tablet (`public/ocr-worker.js`: PaddleOCR's models run
//! by onnxruntime-web in a worker, downloaded once with a progress bar, then offline) and what it
//! says fills the form's empty fields, marked for the officer to check (`domain::scan::read_printed`
//! in the worker, then as a scanned code's values: `scan::fill_form_with`).

use domain::photo::Side;
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::components::fields::use_form;
use crate::components::scan::fill_form_with;
use crate::components::toast::{use_toasts, ToastKind};
use crate::i18n::{fill, tr, use_i18n, Key, Lang};
use crate::offline::photos::{self, KeptPhoto, PhotoError};
use crate::offline::storage_info::format_bytes;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = open, catch)]
    async fn camera_open(video: &web_sys::HtmlVideoElement) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = shoot, catch)]
    async fn camera_shoot() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = fromFile, catch)]
    async fn from_file(file: &web_sys::File) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = close)]
    fn camera_close();
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = discard)]
    fn discard(id: u32);
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = readCard, catch)]
    async fn read_card(id: u32, on_progress: &js_sys::Function) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = zsPhotos, js_name = warmReader)]
    fn warm_reader();
}

/// A photo in the form: one taken and not yet kept (`taken`, its id in `photos.js`), or one kept
/// on the tablet with the lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormPhoto {
    pub side: Side,
    /// An object URL showing it.
    pub url: String,
    pub size: u32,
    pub taken: Option<u32>,
    /// For a kept photo: whether the server has it (`waiting`, `uploaded`, `refused`).
    pub state: Option<String>,
}

impl From<KeptPhoto> for FormPhoto {
    fn from(kept: KeptPhoto) -> Self {
        FormPhoto { side: kept.side, url: kept.url, size: kept.size, taken: None, state: Some(kept.state) }
    }
}

/// What `photos.js` hands back for a photo it prepared.
#[derive(Deserialize)]
struct Prepared {
    id: u32,
    size: u32,
    url: String,
}

/// Frees what the form's photos hold in the page (a taken photo not kept is forgotten).
pub fn release_all(photos: Vec<FormPhoto>) {
    if !crate::lazy_script::loaded("zsPhotos") {
        return;
    }
    for photo in photos {
        match photo.taken {
            Some(id) => discard(id),
            None => photos::release(&photo.url),
        }
    }
}

/// Keeps the photos taken in the form with the saved lead `lead`, before the officer is told it
/// is saved. A photo that cannot be kept (a full disk) leaves the lead saved.
pub async fn keep_taken(photos: &[FormPhoto], lead: domain::LeadId) -> Result<(), PhotoError> {
    for photo in photos {
        if let Some(id) = photo.taken {
            photos::keep(lead, photo.side, id).await?;
        }
    }
    Ok(())
}

/// What the officer is told when a photo could not be kept (the lead is saved).
pub fn not_kept_text(lang: Lang, error: &PhotoError) -> String {
    let reason = if error.is_quota() {
        lang.text(Key::PhotoNotKeptFull).to_owned()
    } else {
        fill(lang.text(Key::PhotoNotKeptOther), &[("error", &format!("{} {}", error.name, error.message))])
    };
    fill(lang.text(Key::PhotoNotKept), &[("reason", &reason)])
}

/// The dialog's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Camera {
    Closed,
    Opening,
    /// The camera shows; the shutter is ready.
    Ready,
    /// Compressing a photo.
    Preparing,
    /// Reading the front's printed text (downloading the reader first, the first time).
    Reading,
    Problem(Key),
}

/// What `photos.js` hands back for a card it read: what its lines say for the form, placed in the
/// reader's worker (`domain::scan::read_printed`).
#[derive(Deserialize)]
struct ReadCard {
    scanned: domain::scan::Scanned,
}

/// Stops the camera, if `photos.js` ever started it.
fn stop_camera() {
    if crate::lazy_script::loaded("zsPhotos") {
        camera_close();
    }
}

/// Whether the tablet is too short of space for the card reader's files (~30 MB the first time):
/// a disk the app already warns is nearly full (the free space is measured up to
/// `LOW_SPACE_BYTES`).
fn space_short() -> bool {
    crate::offline::settings::free_space().is_some_and(|space| space.free < crate::local_leads::LOW_SPACE_BYTES)
}

/// The name of a JavaScript error.
fn problem_name(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default()
}

/// Marks the shutter (or the file picked), and measures from it to the form filled from the
/// card's text (`zs-card-filled`), for the benchmark (`end2end/bench/card.mjs`).
fn mark_shot() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        p.clear_marks_with_mark_name("zs-card-shot");
        let _ = p.mark("zs-card-shot");
    }
}

fn measure_read() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        if p.get_entries_by_name("zs-card-shot").length() > 0 {
            let _ = p.measure_with_start_mark("zs-card-filled", "zs-card-shot");
        }
    }
}

/// What the officer is told when the camera cannot be used, or a file read.
fn problem_of(error: &JsValue) -> Key {
    match problem_name(error).as_str() {
        "NotAllowedError" | "SecurityError" => Key::PhotoDenied,
        "NotReadableError" | "AbortError" => Key::PhotoBusy,
        "NotAnImage" | "EncodingError" => Key::PhotoNotImage,
        _ => Key::PhotoNoCamera,
    }
}

fn side_name(side: Side) -> Key {
    match side {
        Side::Front => Key::PhotoFront,
        Side::Back => Key::PhotoBack,
    }
}

/// The "拍名片" button, its dialog, and the photos taken, inside the lead form.
#[component]
pub fn CardPhotos() -> impl IntoView {
    let form = use_form();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let state = RwSignal::new(Camera::Closed);
    // The reader's download, the first time: bytes loaded and in all.
    let download = RwSignal::new(None::<(f64, f64)>);
    let side = RwSignal::new(Side::Front);
    let video = NodeRef::<leptos::html::Video>::new();
    let close_button = NodeRef::<leptos::html::Button>::new();
    on_cleanup(move || {
        stop_camera();
        // What the form still shows (a photo taken and not kept is forgotten with the page).
        release_all(form.photos.try_get_untracked().unwrap_or_default());
    });

    let close = move || {
        stop_camera();
        state.set(Camera::Closed);
    };

    // The front's printed text into the form. The photo stays whatever happens.
    let read_front = move |id: u32| {
        let lang = i18n.lang.get_untracked();
        if space_short() {
            close();
            toasts.show(ToastKind::Problem, lang.text(Key::PhotoStorageShort).to_owned());
            return;
        }
        state.set(Camera::Reading);
        download.set(None);
        leptos::task::spawn_local(async move {
            let on_progress = Closure::<dyn FnMut(f64, f64)>::new(move |loaded: f64, total: f64| {
                download.set(Some((loaded, total)));
            });
            let result = read_card(id, on_progress.as_ref().unchecked_ref()).await;
            drop(on_progress);
            download.set(None);
            if state.get_untracked() != Camera::Reading {
                // Closed meanwhile: the officer went on by hand.
                return;
            }
            close();
            match result.map(serde_wasm_bindgen::from_value::<ReadCard>) {
                Ok(Ok(read)) => {
                    fill_form_with(form, toasts, lang, &read.scanned, Key::PhotoFilled);
                    measure_read();
                }
                Err(error) if problem_name(&error) == "ReaderMissing" => {
                    toasts.show(ToastKind::Problem, lang.text(Key::PhotoReaderMissing).to_owned())
                }
                _ => toasts.show(ToastKind::Problem, lang.text(Key::PhotoReadFailed).to_owned()),
            }
        });
    };

    // A photo prepared: it takes its side's place in the form (a photo of that side taken before
    // and not kept is forgotten).
    let took = move |value: JsValue| {
        let Ok(prepared) = serde_wasm_bindgen::from_value::<Prepared>(value) else {
            state.set(Camera::Problem(Key::PhotoNotImage));
            return;
        };
        let side = side.get_untracked();
        let mut replaced = Vec::new();
        form.photos.update(|photos| {
            replaced = photos.iter().filter(|p| p.side == side).cloned().collect();
            photos.retain(|p| p.side != side);
            photos.push(FormPhoto { side, url: prepared.url, size: prepared.size, taken: Some(prepared.id), state: None });
            photos.sort_by_key(|p| p.side);
        });
        release_all(replaced);
        if side == Side::Front {
            read_front(prepared.id);
        } else {
            close();
        }
    };

    let open = move |for_side: Side| {
        side.set(for_side);
        state.set(Camera::Opening);
        request_animation_frame(move || {
            if let Some(button) = close_button.get_untracked() {
                let _ = button.focus();
            }
        });
        leptos::task::spawn_local(async move {
            if photos::load().await.is_err() {
                state.set(Camera::Problem(Key::PhotoMissing));
                return;
            }
            // The reader loads while the officer aims (it takes about a second once its files
            // are on the tablet), so that the card is read as soon as it is taken.
            if for_side == Side::Front && !space_short() {
                warm_reader();
            }
            let Some(element) = video.get_untracked() else { return };
            // The officer may have picked a photo from the album meanwhile: then the camera's
            // answer, whichever it is, changes nothing on screen.
            match camera_open(&element).await {
                Ok(_) if state.get_untracked() == Camera::Opening => state.set(Camera::Ready),
                Ok(_) => camera_close(),
                Err(error) if state.get_untracked() == Camera::Opening => state.set(Camera::Problem(problem_of(&error))),
                Err(_) => {}
            }
        });
    };

    let shoot = move |_| {
        mark_shot();
        state.set(Camera::Preparing);
        leptos::task::spawn_local(async move {
            match camera_shoot().await {
                Ok(prepared) => took(prepared),
                Err(error) => state.set(Camera::Problem(problem_of(&error))),
            }
        });
    };

    let from_picker = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        input.set_value("");
        stop_camera();
        mark_shot();
        state.set(Camera::Preparing);
        leptos::task::spawn_local(async move {
            if photos::load().await.is_err() {
                state.set(Camera::Problem(Key::PhotoMissing));
                return;
            }
            match from_file(&file).await {
                Ok(prepared) => took(prepared),
                Err(_) => state.set(Camera::Problem(Key::PhotoNotImage)),
            }
        });
    };

    let remove = move |gone: Side| {
        let mut removed = Vec::new();
        form.photos.update(|photos| {
            removed = photos.iter().filter(|p| p.side == gone && p.taken.is_some()).cloned().collect();
            photos.retain(|p| !(p.side == gone && p.taken.is_some()));
        });
        release_all(removed);
    };

    // The button takes the front first, then the back; with both, each photo has its own retake.
    let next_side = move || form.photos.with(|photos| Side::ALL.into_iter().find(|side| !photos.iter().any(|p| p.side == *side)));
    let status = move || match state.get() {
        Camera::Closed | Camera::Ready => None,
        Camera::Opening => Some((false, i18n.t(Key::PhotoOpening).to_owned())),
        Camera::Preparing => Some((false, i18n.t(Key::PhotoPreparing).to_owned())),
        Camera::Reading => Some((
            false,
            match download.get() {
                Some((loaded, total)) if loaded < total => {
                    fill(i18n.t(Key::PhotoDownloading), &[("size", &format_bytes(total)), ("loaded", &format_bytes(loaded))])
                }
                _ => i18n.t(Key::PhotoReading).to_owned(),
            },
        )),
        Camera::Problem(key) => Some((true, i18n.t(key).to_owned())),
    };
    let title = move || {
        i18n.t(match side.get() {
            Side::Front => Key::PhotoTitleFront,
            Side::Back => Key::PhotoTitleBack,
        })
    };
    let photo_list = move || {
        form.photos
            .get()
            .into_iter()
            .map(|photo| {
                let this_side = photo.side;
                let size = format_bytes(f64::from(photo.size));
                let state = photo.state.clone().map(|state| match state.as_str() {
                    "uploaded" => Key::PhotoUploaded,
                    "refused" => Key::PhotoRefused,
                    _ => Key::PhotoWaiting,
                });
                let taken = photo.taken.is_some();
                view! {
                    <figure class="card-photo" data-testid=format!("card-photo-{}", this_side.code())>
                        <img src=photo.url alt=move || i18n.t(side_name(this_side))/>
                        <figcaption>
                            <span class="card-photo-side">{tr(side_name(this_side))}</span>
                            <span class="card-photo-size" data-testid="card-photo-size">{size}</span>
                            {state.map(|key| view! { <span class="card-photo-state" data-testid="card-photo-state">{tr(key)}</span> })}
                        </figcaption>
                        <div class="card-photo-actions">
                            <button type="button" class="secondary" data-testid="card-photo-retake" on:click=move |_| open(this_side)>
                                {tr(Key::PhotoRetake)}
                            </button>
                            {taken.then(|| view! {
                                <button type="button" class="secondary" data-testid="card-photo-remove" on:click=move |_| remove(this_side)>
                                    {tr(Key::PhotoRemove)}
                                </button>
                            })}
                        </div>
                    </figure>
                }
            })
            .collect_view()
    };

    view! {
        {move || next_side().map(|next| view! {
            <button type="button" class="card-photo-button secondary" data-testid="card-photo" on:click=move |_| open(next)>
                {tr(if next == Side::Front { Key::PhotoButton } else { Key::PhotoButtonBack })}
            </button>
        })}
        <div class="card-photos" data-testid="card-photos" hidden=move || form.photos.with(Vec::is_empty)>{photo_list}</div>
        <div class="scan-dialog" role="dialog" aria-modal="true" aria-labelledby="card-photo-title" data-testid="card-photo-dialog"
            hidden=move || state.get() == Camera::Closed
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { close() }>
            <h2 id="card-photo-title">{title}</h2>
            <div class="scan-view card-view" class:hidden=move || !matches!(state.get(), Camera::Ready | Camera::Preparing)>
                <video node_ref=video muted=true playsinline=true aria-hidden="true"></video>
                <div class="card-frame" aria-hidden="true"></div>
            </div>
            <p class="scan-status" class:problem=move || status().is_some_and(|(problem, _)| problem)
                role="status" aria-live="polite" data-testid="card-photo-status">
                {move || status().map(|(_, text)| text)}
            </p>
            {move || download.get().map(|(loaded, total)| view! {
                <progress class="reader-download" max=total value=loaded data-testid="card-reader-progress"
                    aria-label=move || i18n.t(Key::PhotoReading)></progress>
            })}
            <div class="scan-actions">
                <button type="button" class="primary" data-testid="card-photo-shoot" on:click=shoot
                    disabled=move || state.get() != Camera::Ready hidden=move || matches!(state.get(), Camera::Problem(_) | Camera::Reading)>
                    {tr(Key::PhotoShoot)}
                </button>
                <label class="button secondary scan-photo">
                    {tr(Key::PhotoPick)}
                    <input type="file" accept="image/*" data-testid="card-photo-file" on:change=from_picker/>
                </label>
                <button type="button" class="secondary" data-testid="card-photo-cancel" node_ref=close_button on:click=move |_| close()>
                    {tr(Key::PhotoClose)}
                </button>
            </div>
        </div>
    }
}
