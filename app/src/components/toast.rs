//! One toast at a time at the bottom of the screen: confirmations ("saved"), failures, and the
//! "undo" of a deletion. Provided through context so any page can speak.

use gloo_storage::Storage;
use leptos::prelude::*;

use crate::i18n::{tr, Key};

/// How long a toast stays, in milliseconds; an undo offer stays longer.
const SHOW_MS: u64 = 4_000;
const UNDO_MS: u64 = 8_000;

/// Whether a toast reports success or a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Ok,
    Problem,
}

#[derive(Clone)]
struct Toast {
    serial: u64,
    message: String,
    kind: ToastKind,
    undo: Option<Callback<()>>,
}

/// Shows toasts; `Copy`, provided through context.
#[derive(Clone, Copy)]
pub struct Toasts {
    current: RwSignal<Option<Toast>>,
    serial: StoredValue<u64>,
}

impl Toasts {
    /// Shows a message, replacing any toast on screen.
    pub fn show(&self, kind: ToastKind, message: String) {
        self.push(kind, message, None);
    }

    /// Shows a message with an "undo" button that runs `undo`.
    pub fn show_with_undo(&self, message: String, undo: Callback<()>) {
        self.push(ToastKind::Ok, message, Some(undo));
    }

    fn push(&self, kind: ToastKind, message: String, undo: Option<Callback<()>>) {
        let serial = self.serial.get_value() + 1;
        self.serial.set_value(serial);
        let stay = if undo.is_some() || kind == ToastKind::Problem { UNDO_MS } else { SHOW_MS };
        self.current.set(Some(Toast { serial, message, kind, undo }));
        let current = self.current;
        set_timeout(
            move || {
                if current.with_untracked(|t| t.as_ref().is_some_and(|t| t.serial == serial)) {
                    current.set(None);
                }
            },
            std::time::Duration::from_millis(stay),
        );
    }
}

/// Provides [`Toasts`] to everything below.
pub fn provide_toasts() -> Toasts {
    let toasts = Toasts { current: RwSignal::new(None), serial: StoredValue::new(0) };
    provide_context(toasts);
    toasts
}

/// The toasts.
pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Key in the tab's session storage of a confirmation to show on the next screen.
const NEXT_SCREEN_KEY: &str = "zs.toast_next_screen";

impl Toasts {
    /// Shows `message` on the screen loaded next (a save that then leaves for another screen,
    /// which is a new page load): kept in the tab's session storage until that screen shows it.
    pub fn show_on_next_screen(&self, message: String) {
        let _ = gloo_storage::SessionStorage::set(NEXT_SCREEN_KEY, message);
    }
}

/// Where toasts appear. A confirmation left for this screen by the one before is shown once the
/// page is live; a toast on screen goes when the language changes.
#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    // A toast speaks the language it was shown in: when the officer switches, it goes (a message
    // in the other language is worse than none; it would have gone within seconds anyway).
    let lang = crate::i18n::use_i18n().lang;
    Effect::new(move |previous: Option<crate::i18n::Lang>| {
        let now = lang.get();
        if previous.is_some_and(|before| before != now) {
            toasts.current.set(None);
        }
        now
    });
    Effect::new(move |_| {
        if let Ok(message) = gloo_storage::SessionStorage::get::<String>(NEXT_SCREEN_KEY) {
            gloo_storage::SessionStorage::delete(NEXT_SCREEN_KEY);
            toasts.show(ToastKind::Ok, message);
        }
    });
    move || {
        toasts.current.get().map(|toast| {
            let undo = toast.undo.map(|undo| {
                view! {
                    <button type="button" class="toast-undo" data-testid="undo"
                        on:click=move |_| { toasts.current.set(None); undo.run(()); }>
                        {tr(Key::ActionUndo)}
                    </button>
                }
            });
            let class = match toast.kind {
                ToastKind::Ok => "toast",
                ToastKind::Problem => "toast toast-problem",
            };
            view! {
                <div class=class role="status" aria-live="polite" data-testid="toast">
                    <span>{toast.message}</span>
                    {undo}
                </div>
            }
        })
    }
}
