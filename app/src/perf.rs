//! User Timing marks around the officer's critical path and the phases of a sync round, read by
//! the committed benchmarks (`performance.getEntriesByName("zs-capture-durable")`, a
//! `PerformanceObserver` of `measure` entries named `zs-sync-*`). Cheap, and visible in any
//! browser's performance panel.

use wasm_bindgen::JsCast;

const CAPTURE_START: &str = "zs-capture-start";
/// Measure from the "save" tap to the lead's transaction having committed.
pub const CAPTURE_DURABLE: &str = "zs-capture-durable";

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

/// Marks the moment the officer tapped "save".
pub fn capture_started() {
    if let Some(p) = performance() {
        let _ = p.mark(CAPTURE_START);
    }
}

/// Measure from the "save" tap to the page having heard that the lead is durable (after the
/// frame the tap asked for: the browser draws it before it hands the page anything else).
pub const CAPTURE_TOLD: &str = "zs-capture-told";

/// Records the time from the last [`capture_started`] to `at` (milliseconds since the epoch, as
/// the store's worker saw its commit; now if `None`) as [`CAPTURE_DURABLE`], if a capture is under
/// way (edits and undos are not captures).
pub fn capture_durable_at(at: Option<f64>) {
    let Some(p) = performance() else { return };
    if p.get_entries_by_name(CAPTURE_START).length() == 0 {
        return;
    }
    let end = at.map_or_else(|| p.now(), |at| at - p.time_origin());
    // performance.measure(name, {start, end}): the end is a time, not a mark.
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &CAPTURE_START.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &end.into());
    if let Ok(measure) = js_sys::Reflect::get(&p, &"measure".into()).and_then(|f| f.dyn_into::<js_sys::Function>()) {
        let _ = measure.call2(&p, &CAPTURE_DURABLE.into(), &options);
    }
}

/// Records the time from the last [`capture_started`] to now as [`CAPTURE_TOLD`], and ends the
/// capture.
pub fn capture_told() {
    if let Some(p) = performance() {
        if p.get_entries_by_name(CAPTURE_START).length() == 0 {
            return;
        }
        let _ = p.measure_with_start_mark(CAPTURE_TOLD, CAPTURE_START);
        p.clear_marks_with_mark_name(CAPTURE_START);
    }
}

/// Records the time from the capture's start to now as `name` (a step of the capture: its
/// database commit, its journal line), if a capture is under way.
pub fn capture_step(name: &str) {
    if let Some(p) = performance() {
        if p.get_entries_by_name(CAPTURE_START).length() > 0 {
            let _ = p.measure_with_start_mark(name, CAPTURE_START);
        }
    }
}

/// A phase of a sync round, measured from [`Span::start`] to [`Span::end`] under its name.
pub struct Span(&'static str);

impl Span {
    pub fn start(name: &'static str) -> Span {
        if let Some(p) = performance() {
            let _ = p.mark(&format!("{name}-start"));
        }
        Span(name)
    }

    pub fn end(self) {
        if let Some(p) = performance() {
            let start = format!("{}-start", self.0);
            let _ = p.measure_with_start_mark(self.0, &start);
            p.clear_marks_with_mark_name(&start);
        }
    }
}

/// Forgets the measures of earlier syncs (an observer has seen them), so the page's timeline
/// does not grow with every sync.
pub fn clear_sync_measures() {
    if let Some(p) = performance() {
        for name in ["zs-sync-head", "zs-sync-encode", "zs-sync-post", "zs-sync-apply"] {
            p.clear_measures_with_measure_name(name);
        }
    }
}
