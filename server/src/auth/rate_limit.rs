//! Fixed-window limits on login attempts, per client address and per account, kept in memory.
//! With several servers each keeps its own count, so the effective limit is the sum over servers.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts attempts per key in windows of fixed length.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter { limit, window, counts: Mutex::new(HashMap::new()) }
    }

    /// Counts an attempt for `key`; `Err(seconds)` when the limit is reached, with the time until
    /// the window ends.
    pub fn attempt(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if counts.len() > 100_000 {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = counts.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let left = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The login limits: per address and per account.
#[derive(Debug)]
pub struct LoginLimits {
    pub per_address: RateLimiter,
    pub per_account: RateLimiter,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_address: RateLimiter::new(30, Duration::from_secs(300)),
            per_account: RateLimiter::new(10, Duration::from_secs(300)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_until_the_window_ends() {
        let limiter = RateLimiter::new(2, Duration::from_millis(50));
        assert!(limiter.attempt("a").is_ok());
        assert!(limiter.attempt("a").is_ok());
        assert!(limiter.attempt("a").is_err());
        assert!(limiter.attempt("b").is_ok(), "keys are counted apart");
        std::thread::sleep(Duration::from_millis(60));
        assert!(limiter.attempt("a").is_ok());
    }
}
