//! How many changes the tablet puts in its next sync request.
//!
//! Why it adapts: a tablet alone is done soonest with the largest requests the server takes, but
//! twenty tablets sending 500 each keep 10,000 leads in flight and every request waits for the
//! others' (~0.4 s each at ~25,000 leads/s; under 200 ms would need 50,000 leads/s, by Little's
//! law). So the tablet starts at 100 and aims at [`TARGET_SERVER_MS`] of server time per request,
//! as the server reports it in `Server-Timing: sync;dur=…` (which includes waiting for other
//! tablets' batches and leaves the network out: a slow fair connection does not make requests
//! smaller, only a busy server does).

use super::MAX_CHANGES_PER_REQUEST;

/// The first request's size, before the server has said how busy it is.
pub const FIRST_REQUEST_SIZE: usize = 100;
/// The smallest request size the tablet shrinks to.
pub const MIN_REQUEST_SIZE: usize = 25;
/// Server time per request the tablet aims at: a third of the 200 ms a request should take at
/// worst, as the slowest of a hundred requests waits two to three times the mean.
pub const TARGET_SERVER_MS: f64 = 70.0;
/// The `Server-Timing` metric the sync endpoint reports.
pub const SERVER_TIMING_METRIC: &str = "sync";

/// The number of changes for the next request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestSize(usize);

impl Default for RequestSize {
    fn default() -> Self {
        RequestSize(FIRST_REQUEST_SIZE)
    }
}

impl RequestSize {
    pub fn get(self) -> usize {
        self.0
    }

    /// The size after a request of `sent` changes the server spent `server_ms` on (`None`: it
    /// did not say, the size stays). It grows at most twofold per request, and only after a full
    /// request: a last, short one says little about a larger one, unless it was slow (the
    /// server is busy whatever the size).
    pub fn next(self, sent: usize, server_ms: Option<f64>) -> RequestSize {
        let Some(ms) = server_ms.filter(|ms| ms.is_finite() && *ms >= 0.0) else {
            return self;
        };
        let full = sent >= self.0;
        if !full && ms <= TARGET_SERVER_MS {
            return self;
        }
        let fitting = (self.0 as f64 * TARGET_SERVER_MS / ms.max(1.0)) as usize;
        let ceiling = if full { (self.0 * 2).min(MAX_CHANGES_PER_REQUEST) } else { self.0 };
        RequestSize(fitting.clamp(MIN_REQUEST_SIZE, ceiling))
    }
}

/// The header value the server sends: `sync;dur=12.3`.
pub fn server_timing(ms: f64) -> String {
    format!("{SERVER_TIMING_METRIC};dur={ms:.1}")
}

/// The sync metric's duration in a `Server-Timing` header value (metrics separated by commas,
/// parameters by semicolons).
pub fn server_ms(header: &str) -> Option<f64> {
    header.split(',').find_map(|metric| {
        let mut parts = metric.split(';').map(str::trim);
        (parts.next() == Some(SERVER_TIMING_METRIC)).then_some(())?;
        parts.find_map(|param| param.strip_prefix("dur=")).and_then(|d| d.trim_matches('"').parse().ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sizes of successive full requests when the server takes `ms(size)` for each.
    fn sizes(rounds: usize, ms: impl Fn(usize) -> f64) -> Vec<usize> {
        let mut size = RequestSize::default();
        let mut seen = vec![size.get()];
        for _ in 0..rounds {
            size = size.next(size.get(), Some(ms(size.get())));
            seen.push(size.get());
        }
        seen
    }

    #[test]
    fn a_tablet_alone_grows_to_the_largest_request_twofold_at_a_time() {
        // ~0.05 ms per lead plus a commit: a server with nobody else syncing.
        assert_eq!(sizes(4, |n| 3.0 + n as f64 * 0.05), vec![100, 200, 400, 500, 500]);
    }

    #[test]
    fn a_busy_server_makes_requests_smaller_until_they_take_the_target_time() {
        // Twenty tablets' batches ahead of each one: 20 × n leads at 20,000 leads/s.
        let busy = |n: usize| 20.0 * n as f64 / 20.0;
        let seen = sizes(6, busy);
        let last = *seen.last().unwrap();
        assert!(busy(last) <= TARGET_SERVER_MS * 1.05, "settles near the target: {seen:?}");
        assert!((MIN_REQUEST_SIZE..FIRST_REQUEST_SIZE).contains(&last), "{seen:?}");
    }

    #[test]
    fn no_timing_keeps_the_size_and_a_short_request_does_not_grow_it() {
        let size = RequestSize::default().next(100, Some(4.0));
        assert_eq!(size.get(), 200);
        assert_eq!(size.next(200, None), size, "no Server-Timing header: no change");
        assert_eq!(size.next(3, Some(2.0)), size, "three changes in 2 ms say nothing about 400");
        assert_eq!(size.next(3, Some(2.0 * TARGET_SERVER_MS)).get(), 100, "three changes waiting twice the target: the server is busy");
        assert_eq!(size.next(200, Some(f64::NAN)), size);
        assert_eq!(RequestSize::default().next(100, Some(100_000.0)).get(), MIN_REQUEST_SIZE, "never below the floor");
    }

    #[test]
    fn the_header_is_read_back_among_other_metrics() {
        assert_eq!(server_ms(&server_timing(12.34)), Some(12.3));
        assert_eq!(server_ms("db;dur=3, sync;desc=\"push\";dur=41.5"), Some(41.5));
        assert_eq!(server_ms("sync"), None);
        assert_eq!(server_ms("cache;dur=2"), None);
        assert_eq!(server_ms("sync;dur=abc"), None);
    }
}
