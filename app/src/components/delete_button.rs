//! The delete button of a lead, on the list and on the edit screen: a first tap asks why, one of
//! the reasons (`domain::Withdrawal::REASONS`) deletes the lead with it, and the toast that follows
//! still offers to undo. The server records who withdrew the lead, when and why.

use leptos::prelude::*;

use crate::i18n::{tr, use_i18n, Key};

#[component]
pub fn DeleteButton(
    /// Deletes the lead with the chosen reason's code.
    on_delete: Callback<&'static str>,
    /// The first button's classes.
    #[prop(default = "danger")]
    class: &'static str,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// The id of the note that says why the lead cannot be deleted, while it cannot.
    #[prop(optional, into)]
    described_by: Signal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let reasons = move || {
        domain::Withdrawal::REASONS
            .iter()
            .map(|code| {
                let code: &'static str = code;
                view! {
                    <button type="button" class="danger" data-testid=format!("delete-reason-{code}")
                        on:click=move |_| {
                            asking.set(false);
                            on_delete.run(code);
                        }>
                        {move || i18n.code("withdraw_reason", code)}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class=class data-testid="delete" disabled=move || disabled.get()
                    aria-describedby=move || described_by.get()
                    on:click=move |_| asking.set(true)>
                    {tr(Key::ActionDelete)}
                </button>
            }
        >
            <div class="delete-reasons" role="group" aria-label=move || i18n.t(Key::DeleteWhy) data-testid="delete-reasons">
                <span class="delete-why">{tr(Key::DeleteWhy)}</span>
                {reasons()}
                <button type="button" class="secondary" data-testid="delete-cancel" on:click=move |_| asking.set(false)>
                    {tr(Key::DeleteKeep)}
                </button>
            </div>
        </Show>
    }
}
