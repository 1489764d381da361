//! Time. Everything is stored in UTC; officers and managers read it in Beijing time
//! (Asia/Shanghai, UTC+8 all year: China has no daylight saving time, so no tz database is needed).

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};

/// The offset of Asia/Shanghai.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// A UTC instant in Beijing time, as "2026-11-29 19:05". (Written out by hand: chrono's
/// strftime machinery would add weight to the tablet's WebAssembly for one fixed format.)
pub fn format_shanghai(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&shanghai());
    format!("{:04}-{:02}-{:02} {:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute())
}

/// A UTC instant in Beijing time for file names, as "20261129-1905".
pub fn file_stamp(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&shanghai());
    format!("{:04}{:02}{:02}-{:02}{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_beijing_time_across_midnight() {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 16, 30, 0).unwrap();
        assert_eq!(format_shanghai(at), "2026-11-30 00:30");
        assert_eq!(file_stamp(at), "20261130-0030");
    }
}
