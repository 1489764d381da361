//! User Timing marks around the officer's critical path, read by the committed benchmarks
//! (`performance.getEntriesByName("zs-capture-durable")`). Cheap, and visible in any browser's
//! performance panel.

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

/// Records the time from the last [`capture_started`] to now as [`CAPTURE_DURABLE`], if a capture
/// is under way (edits and undos are not captures).
pub fn capture_durable() {
    if let Some(p) = performance() {
        if p.get_entries_by_name(CAPTURE_START).length() == 0 {
            return;
        }
        let _ = p.measure_with_start_mark(CAPTURE_DURABLE, CAPTURE_START);
        p.clear_marks_with_mark_name(CAPTURE_START);
    }
}
