//! What the officer is told about the tablet's storage: whether the browser granted persistent
//! storage (it then will not evict the leads under pressure) and how much of the quota is used.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// The storage situation of this site in the browser.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StorageInfo {
    pub persistent: bool,
    pub usage_bytes: Option<f64>,
    pub quota_bytes: Option<f64>,
}

/// Asks for persistent storage (the browser may grant it silently, prompt, or refuse) and measures
/// usage and quota.
pub async fn request_persistence_and_measure() -> StorageInfo {
    measure_with(web_sys::StorageManager::persist).await
}

/// Measures without asking: whether persistent storage was granted, usage and quota (for the
/// report each sync sends, `domain::device`).
pub async fn measure() -> StorageInfo {
    measure_with(web_sys::StorageManager::persisted).await
}

/// Usage and quota, and whether storage is persistent as `persistence` answers.
async fn measure_with(persistence: fn(&web_sys::StorageManager) -> Result<js_sys::Promise, JsValue>) -> StorageInfo {
    let Some(manager) = web_sys::window().map(|w| w.navigator().storage()) else {
        return StorageInfo::default();
    };
    let answer = |promise: Result<js_sys::Promise, JsValue>| async move {
        match promise {
            Ok(promise) => JsFuture::from(promise).await.ok(),
            Err(_) => None,
        }
    };
    let persistent = answer(persistence(&manager)).await.and_then(|v| v.as_bool()).unwrap_or(false);
    let estimate = answer(manager.estimate()).await;
    let number =
        |name: &str| estimate.as_ref().and_then(|e| js_sys::Reflect::get(e, &JsValue::from_str(name)).ok()).and_then(|v| v.as_f64());
    StorageInfo { persistent, usage_bytes: number("usage"), quota_bytes: number("quota") }
}

impl StorageInfo {
    /// As a sync reports it: `None` unless the browser gave both figures.
    pub fn for_report(&self) -> Option<domain::device::DeviceStorage> {
        let bytes = |n: f64| if n.is_finite() && n > 0.0 { n as u64 } else { 0 };
        Some(domain::device::DeviceStorage {
            persisted: self.persistent,
            usage_bytes: bytes(self.usage_bytes?),
            quota_bytes: bytes(self.quota_bytes?),
        })
    }
}

/// A byte count for people: "820 KB", "1.4 GB". Integer arithmetic only: float formatting would
/// pull a large routine into the WebAssembly for this one label.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    // In tenths of the unit.
    let mut tenths = (bytes.max(0.0) as u64).saturating_mul(10);
    let mut unit = 0;
    while tenths >= 10 * 1024 && unit < UNITS.len() - 1 {
        tenths = (tenths + 512) / 1024;
        unit += 1;
    }
    if unit == 0 || tenths >= 1000 {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::format_bytes;

    #[test]
    fn formats_bytes() {
        assert_eq!(format_bytes(512.0), "512 B");
        assert_eq!(format_bytes(1536.0), "1.5 KB");
        assert_eq!(format_bytes(300.0 * 1024.0 * 1024.0), "300 MB");
        assert_eq!(format_bytes(1.4 * 1024.0 * 1024.0 * 1024.0), "1.4 GB");
        assert_eq!(format_bytes(0.0), "0 B");
    }
}
