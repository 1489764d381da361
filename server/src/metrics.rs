//! The process's counters, for `GET /metrics` in Prometheus' text format (`routes::metrics`): sync
//! requests and their latency, changes by outcome, failed logins. Gauges read at scrape time (the
//! workspace index's lag, the connection pool) are added there. Counters are this process's since
//! it started, as Prometheus expects; several servers are several targets.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use domain::sync::ChangeStatus;

/// Upper bounds of the sync latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Debug, Default)]
struct Counters {
    sync_requests: AtomicU64,
    /// Requests that ended in an error answer (4xx, 5xx).
    sync_errors: AtomicU64,
    /// Cumulative counts per bucket, then the total count.
    sync_buckets: [AtomicU64; BUCKETS.len()],
    sync_micros: AtomicU64,
    /// Applied, merged, duplicate, rejected.
    changes: [AtomicU64; 4],
    login_failures: AtomicU64,
}

/// Shared by every request handler (cheap to clone).
#[derive(Clone, Debug, Default)]
pub struct Metrics(Arc<Counters>);

fn status_index(status: ChangeStatus) -> usize {
    match status {
        ChangeStatus::Applied => 0,
        ChangeStatus::Merged => 1,
        ChangeStatus::Duplicate => 2,
        ChangeStatus::Rejected => 3,
    }
}

const STATUSES: [&str; 4] = ["applied", "merged", "duplicate", "rejected"];

impl Metrics {
    /// A sync request answered in `took`, successfully or not.
    pub fn sync_answered(&self, took: Duration, ok: bool) {
        let c = &self.0;
        c.sync_requests.fetch_add(1, Ordering::Relaxed);
        if !ok {
            c.sync_errors.fetch_add(1, Ordering::Relaxed);
        }
        let seconds = took.as_secs_f64();
        for (bucket, bound) in c.sync_buckets.iter().zip(BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        c.sync_micros.fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    /// The outcome of one pushed change.
    pub fn change(&self, status: ChangeStatus) {
        self.0.changes[status_index(status)].fetch_add(1, Ordering::Relaxed);
    }

    pub fn login_failed(&self) {
        self.0.login_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters in Prometheus' text format, then `gauges` (name, help, value).
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let c = &self.0;
        let mut out = String::new();
        let count = c.sync_requests.load(Ordering::Relaxed);
        let _ = writeln!(out, "# HELP zs_sync_requests_total Sync requests answered.\n# TYPE zs_sync_requests_total counter");
        let _ = writeln!(out, "zs_sync_requests_total {count}");
        let _ = writeln!(out, "# HELP zs_sync_errors_total Sync requests answered with an error.\n# TYPE zs_sync_errors_total counter");
        let _ = writeln!(out, "zs_sync_errors_total {}", c.sync_errors.load(Ordering::Relaxed));
        let _ = writeln!(out, "# HELP zs_sync_duration_seconds Time to answer a sync request.\n# TYPE zs_sync_duration_seconds histogram");
        for (bucket, bound) in c.sync_buckets.iter().zip(BUCKETS) {
            let _ = writeln!(out, "zs_sync_duration_seconds_bucket{{le=\"{bound}\"}} {}", bucket.load(Ordering::Relaxed));
        }
        let _ = writeln!(out, "zs_sync_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "zs_sync_duration_seconds_sum {}", c.sync_micros.load(Ordering::Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "zs_sync_duration_seconds_count {count}");
        let _ = writeln!(out, "# HELP zs_sync_changes_total Pushed changes by outcome.\n# TYPE zs_sync_changes_total counter");
        for (n, status) in STATUSES.iter().enumerate() {
            let _ = writeln!(out, "zs_sync_changes_total{{status=\"{status}\"}} {}", c.changes[n].load(Ordering::Relaxed));
        }
        let _ = writeln!(out, "# HELP zs_login_failures_total Failed logins (wrong password, unknown or disabled user, over the limit).");
        let _ =
            writeln!(out, "# TYPE zs_login_failures_total counter\nzs_login_failures_total {}", c.login_failures.load(Ordering::Relaxed));
        for (name, help, value) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        }
        out
    }
}

/// Who may read the metrics.
#[derive(Clone, Debug, Default)]
pub struct MetricsAccess {
    /// The token's hash (compared as hashes: the time a comparison takes says nothing of it).
    pub token_hash: Option<String>,
    pub from: Vec<crate::client_address::Network>,
}

impl MetricsAccess {
    pub fn new(token: Option<&str>, from: Vec<crate::client_address::Network>) -> Self {
        MetricsAccess { token_hash: token.filter(|t| !t.trim().is_empty()).map(|t| crate::auth::token::hash(t.trim())), from }
    }

    /// Whether anyone may read them (else `/metrics` does not exist).
    pub fn is_open(&self) -> bool {
        self.token_hash.is_some() || !self.from.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_counts_each_request_in_every_bucket_it_fits() {
        let metrics = Metrics::default();
        metrics.sync_answered(Duration::from_millis(30), true);
        metrics.sync_answered(Duration::from_millis(700), false);
        metrics.change(ChangeStatus::Applied);
        metrics.change(ChangeStatus::Rejected);
        let text = metrics.render(&[("zs_index_lag", "Changes not yet indexed.", 0.0)]);
        assert!(text.contains("zs_sync_duration_seconds_bucket{le=\"0.025\"} 0\n"), "{text}");
        assert!(text.contains("zs_sync_duration_seconds_bucket{le=\"0.05\"} 1\n"));
        assert!(text.contains("zs_sync_duration_seconds_bucket{le=\"1\"} 2\n"));
        assert!(text.contains("zs_sync_duration_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(text.contains("zs_sync_errors_total 1\n"));
        assert!(text.contains("zs_sync_changes_total{status=\"rejected\"} 1\n"));
        assert!(text.contains("zs_index_lag 0\n"));
    }
}
