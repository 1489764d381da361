//! What a tablet tells the server about itself with each sync, for the workspace's device page:
//! how many changes it still holds that the server does not have and since when, which app build
//! it runs, and whether the browser may evict its storage. The tablet builds the report
//! ([`DeviceReport::new`], which keeps it within the rules), the server checks it with the same
//! rules ([`DeviceReport::check`]) and decides which tablets to warn about ([`at_risk`]).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Longest build id a report may carry (the server's build ids are 16 hex digits).
pub const MAX_BUILD_LEN: usize = 64;
/// Most changes a tablet can say it holds: far above any backlog, below what a database stores.
pub const MAX_COUNT: u32 = 10_000_000;
/// Most bytes of storage a report may name: 2^53, the largest whole number a browser counts.
pub const MAX_BYTES: u64 = 1 << 53;
/// How long unsynced changes may wait on a tablet before the device page warns.
pub fn risk_after() -> Duration {
    Duration::days(1)
}

/// The tablet's state as it sends a sync request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceReport {
    /// Changes queued on the tablet besides those in this request (the server has none of them
    /// once it has answered).
    pub waiting: u32,
    /// When the oldest of those was queued, by the tablet's clock.
    #[serde(default, with = "optional_instant")]
    pub oldest_waiting: Option<DateTime<Utc>>,
    /// Changes the server refused that wait for the officer to correct them.
    pub refused: u32,
    /// The app build the tablet runs: the build id of the page it loaded ("" when it cannot say).
    pub build: String,
    /// The browser's storage for the site, when the browser says.
    #[serde(default)]
    pub storage: Option<DeviceStorage>,
}

/// The browser's storage for the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceStorage {
    /// Whether the browser granted persistent storage (it then does not evict the leads).
    pub persisted: bool,
    pub usage_bytes: u64,
    pub quota_bytes: u64,
}

/// Why a report was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("device.build must be at most {MAX_BUILD_LEN} letters, digits or . _ + -")]
    Build,
    #[error("device.waiting and device.refused must be at most {MAX_COUNT}")]
    Count,
    #[error("device.oldest_waiting must lie in 2000-2099, and only with changes waiting")]
    Oldest,
    #[error("device.storage byte counts must be at most 2^53")]
    Bytes,
}

fn build_ok(build: &str) -> bool {
    build.len() <= MAX_BUILD_LEN && build.bytes().all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
}

impl DeviceReport {
    /// The report of a tablet, kept within the rules: a build id that does not fit is sent as "",
    /// an oldest instant out of range (a tablet whose clock was reset) as unknown, and counts and
    /// byte figures are capped.
    pub fn new(waiting: u64, oldest_waiting: Option<DateTime<Utc>>, refused: u64, build: &str, storage: Option<DeviceStorage>) -> Self {
        let count = |n: u64| u32::try_from(n).unwrap_or(MAX_COUNT).min(MAX_COUNT);
        let waiting = count(waiting);
        DeviceReport {
            waiting,
            oldest_waiting: oldest_waiting.filter(|at| waiting > 0 && crate::time::in_range(*at)),
            refused: count(refused),
            build: if build_ok(build) { build.to_owned() } else { String::new() },
            storage: storage.map(|s| DeviceStorage {
                persisted: s.persisted,
                usage_bytes: s.usage_bytes.min(MAX_BYTES),
                quota_bytes: s.quota_bytes.min(MAX_BYTES),
            }),
        }
    }

    /// Whether the report keeps the rules [`DeviceReport::new`] keeps, as the server requires.
    pub fn check(&self) -> Result<(), ReportError> {
        if !build_ok(&self.build) {
            return Err(ReportError::Build);
        }
        if self.waiting > MAX_COUNT || self.refused > MAX_COUNT {
            return Err(ReportError::Count);
        }
        if self.oldest_waiting.is_some_and(|at| self.waiting == 0 || !crate::time::in_range(at)) {
            return Err(ReportError::Oldest);
        }
        if self.storage.is_some_and(|s| s.usage_bytes > MAX_BYTES || s.quota_bytes > MAX_BYTES) {
            return Err(ReportError::Bytes);
        }
        Ok(())
    }
}

/// Whether a tablet that last reported `waiting` changes, the oldest queued at `oldest_waiting`,
/// and `refused` refused ones, holds changes the server has lacked for longer than
/// [`risk_after`] at `now`: the leads a wiped or lost tablet would take with it. When the tablet
/// could not say how old its changes are, the time since it was last seen stands in for it.
pub fn at_risk(waiting: u32, oldest_waiting: Option<DateTime<Utc>>, refused: u32, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    if waiting == 0 && refused == 0 {
        return false;
    }
    let since = match oldest_waiting {
        Some(at) if waiting > 0 => at.min(last_seen),
        _ => last_seen,
    };
    now - since > risk_after()
}

/// Serde for an optional instant as RFC 3339 with milliseconds (see [`crate::time::rfc3339`]).
mod optional_instant {
    use chrono::{DateTime, Utc};
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    use crate::time::rfc3339;

    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => serializer.serialize_str(&rfc3339::format(*at)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) => rfc3339::parse(&text).map(Some).ok_or_else(|| D::Error::custom(format!("not an RFC 3339 instant: {text}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn warns_only_about_changes_the_server_has_lacked_for_a_day() {
        let now = at(2026, 10, 10, 12);
        // Nothing held: no warning however long ago.
        assert!(!at_risk(0, None, 0, at(2026, 9, 1, 0), now));
        // Queued 23 hours ago, seen an hour ago: not yet.
        assert!(!at_risk(3, Some(at(2026, 10, 9, 13)), 0, at(2026, 10, 10, 11), now));
        // Queued 25 hours ago: warned, though the tablet was seen an hour ago (its sync was cut).
        assert!(at_risk(3, Some(at(2026, 10, 9, 11)), 0, at(2026, 10, 10, 11), now));
        // Refused changes, last seen two days ago.
        assert!(at_risk(0, None, 1, at(2026, 10, 8, 12), now));
        // A tablet clock ahead of the server's: the last sighting stands.
        assert!(at_risk(1, Some(at(2026, 12, 1, 0)), 0, at(2026, 10, 8, 12), now));
    }

    #[test]
    fn the_tablets_report_keeps_the_servers_rules() {
        let report = DeviceReport::new(u64::MAX, Some(at(1970, 1, 1, 0)), 2, "build\u{0}id", None);
        assert_eq!(report.waiting, MAX_COUNT);
        assert_eq!(report.oldest_waiting, None);
        assert_eq!(report.build, "");
        assert_eq!(report.check(), Ok(()));
        // An oldest instant without any change waiting is dropped.
        assert_eq!(DeviceReport::new(0, Some(at(2026, 1, 1, 0)), 0, "a1", None).oldest_waiting, None);
    }

    #[test]
    fn the_server_refuses_reports_outside_the_rules() {
        let good = DeviceReport::new(2, Some(at(2026, 1, 1, 0)), 0, "0123abcd", None);
        assert_eq!(good.check(), Ok(()));
        let bad = |edit: fn(&mut DeviceReport)| {
            let mut report = good.clone();
            edit(&mut report);
            report.check()
        };
        assert_eq!(bad(|r| r.build = "x".repeat(65)), Err(ReportError::Build));
        assert_eq!(bad(|r| r.build = "<script>".into()), Err(ReportError::Build));
        assert_eq!(bad(|r| r.refused = MAX_COUNT + 1), Err(ReportError::Count));
        assert_eq!(bad(|r| r.oldest_waiting = Some(at(2100, 1, 1, 0))), Err(ReportError::Oldest));
        assert_eq!(bad(|r| r.waiting = 0), Err(ReportError::Oldest));
        assert_eq!(
            bad(|r| r.storage = Some(DeviceStorage { persisted: true, usage_bytes: MAX_BYTES + 1, quota_bytes: 0 })),
            Err(ReportError::Bytes)
        );
    }

    proptest! {
        /// Whatever a tablet measures, the report it sends is one the server accepts, and it reads
        /// back from its JSON unchanged.
        #[test]
        fn every_tablet_report_is_accepted_and_round_trips(
            waiting in any::<u64>(),
            refused in any::<u64>(),
            oldest in proptest::option::of(-2_000_000_000_000i64..5_000_000_000_000i64),
            build in "\\PC{0,80}",
            storage in proptest::option::of((any::<bool>(), any::<u64>(), any::<u64>())),
        ) {
            let oldest = oldest.and_then(|ms| Utc.timestamp_millis_opt(ms).single());
            let storage = storage.map(|(persisted, usage_bytes, quota_bytes)| DeviceStorage { persisted, usage_bytes, quota_bytes });
            let report = DeviceReport::new(waiting, oldest, refused, &build, storage);
            prop_assert_eq!(report.check(), Ok(()));
            let json = serde_json::to_string(&report).unwrap();
            prop_assert_eq!(serde_json::from_str::<DeviceReport>(&json).unwrap(), report);
        }
    }
}
