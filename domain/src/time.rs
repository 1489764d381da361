//! Time. Everything is stored in UTC; officers and managers read it in Beijing time
//! (Asia/Shanghai, UTC+8 all year: China has no daylight saving time, so no tz database is needed).
//!
//! Instants have millisecond precision everywhere (what a browser clock gives) and travel as
//! RFC 3339 text with exactly three decimals, `2026-11-29T11:05:00.250Z`: such strings sort in time
//! order, so storage indexes can use them as they are.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SubsecRound, TimeZone, Timelike, Utc};

/// The current instant, at millisecond precision.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// The first instant a lead may carry: 2000-01-01T00:00:00Z. Every instant a lead holds (captured,
/// updated, consent given) must lie in `[EARLIEST, END)`: a tablet whose clock was reset to 1970,
/// or a client writing year 9999, is told so instead of moving deadlines and reports.
pub fn earliest() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single().expect("a valid instant")
}

/// The first instant after the range a lead may carry: 2100-01-01T00:00:00Z.
pub fn end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).single().expect("a valid instant")
}

/// Whether `at` lies in the range a lead may carry (`[earliest(), end())`).
pub fn in_range(at: DateTime<Utc>) -> bool {
    earliest() <= at && at < end()
}

/// Whether `date` lies in the years a lead or a project may carry (2000 to 2099).
pub fn date_in_range(date: NaiveDate) -> bool {
    (2000..2100).contains(&date.year())
}

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

/// Serde for `DateTime<Utc>` as RFC 3339 with milliseconds (`#[serde(with = "time::rfc3339")]`).
/// Hand-written, because chrono's general parser and formatter are a large share of the tablet's
/// WebAssembly for this one format.
pub mod rfc3339 {
    use super::*;
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    /// `2026-11-29T11:05:00.250Z`.
    pub fn format(at: DateTime<Utc>) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            at.year(),
            at.month(),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
            at.timestamp_subsec_millis()
        )
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; the fraction is kept to milliseconds.
    /// Only instants [`format`] writes back the same way are accepted: in UTC, years 0000 to 9999
    /// (`0000-01-01T00:00:00+00:01` would be year -1, which no four digits can write), offsets
    /// below 24 hours, seconds below 60. Whether a lead may carry the instant is a rule of its own
    /// ([`super::in_range`]).
    pub fn parse(text: &str) -> Option<DateTime<Utc>> {
        let bytes = text.as_bytes();
        let number = |from: usize, to: usize| -> Option<u32> {
            let digits = bytes.get(from..to)?;
            digits.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
        };
        let separators_ok = bytes.get(4) == Some(&b'-')
            && bytes.get(7) == Some(&b'-')
            && matches!(bytes.get(10), Some(b'T' | b't' | b' '))
            && bytes.get(13) == Some(&b':')
            && bytes.get(16) == Some(&b':');
        if !separators_ok {
            return None;
        }
        let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
        let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
        let mut pos = 19;
        let mut millis = 0;
        if bytes.get(pos) == Some(&b'.') {
            let start = pos + 1;
            pos = start;
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            if pos == start {
                return None;
            }
            let kept = (pos - start).min(3);
            millis = number(start, start + kept)? * 10u32.pow(3 - kept as u32);
        }
        let offset_seconds: i64 = match &bytes[pos..] {
            b"Z" | b"z" => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hh = number(pos + 1, pos + 3).filter(|h| *h < 24)?;
                let mm = number(pos + 4, pos + 6).filter(|m| *m < 60)?;
                let _ = (h1, h2, m1, m2);
                let seconds = i64::from(hh * 3600 + mm * 60);
                if *sign == b'-' {
                    -seconds
                } else {
                    seconds
                }
            }
            _ => return None,
        };
        let local = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?.and_hms_milli_opt(hour, minute, second, millis)?;
        let utc = local.checked_sub_signed(chrono::TimeDelta::try_seconds(offset_seconds)?)?;
        (0..=9999).contains(&utc.year()).then(|| Utc.from_utc_datetime(&utc))
    }

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(*at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| D::Error::custom(format!("not an RFC 3339 instant: {text}")))
    }
}

/// Serde for an optional `NaiveDate` as `YYYY-MM-DD` (`#[serde(with = "time::optional_date")]`),
/// for the same reason as [`rfc3339`].
pub mod optional_date {
    use super::*;
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    /// Parses `YYYY-MM-DD` (what a date input sends): a year of four digits, so that every date
    /// read is written back the same way ([`format`]). Whether a lead or a project may carry
    /// the date is a rule of its own ([`super::date_in_range`]).
    pub fn parse(text: &str) -> Option<NaiveDate> {
        let mut parts = text.splitn(3, '-');
        let mut next = |width: std::ops::RangeInclusive<usize>| {
            parts.next().filter(|p| width.contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))?.parse::<u32>().ok()
        };
        let (year, month, day) = (next(4..=4)?, next(1..=2)?, next(1..=2)?);
        NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
    }

    /// `YYYY-MM-DD`.
    pub fn format(date: NaiveDate) -> String {
        format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
    }

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => serializer.serialize_str(&format(*date)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
        match <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) => parse(&text).map(Some).ok_or_else(|| D::Error::custom(format!("not a date (YYYY-MM-DD): {text}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dates_read_as_year_month_day() {
        assert_eq!(optional_date::parse("2026-10-08"), NaiveDate::from_ymd_opt(2026, 10, 8));
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "2026/10/08",
            "2026-10",
            "",
            "-1-10-08",
            "2026-1a-08",
            "262142-01-01",
            "+2026-01-01",
            "26-01-01",
            "2026-001-01",
        ] {
            assert_eq!(optional_date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc3339_reads_utc_offsets_and_fractions() {
        let at = Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, 0).unwrap();
        assert_eq!(rfc3339::parse("2026-09-20T02:00:00Z"), Some(at));
        assert_eq!(rfc3339::parse("2026-09-20T10:00:00+08:00"), Some(at));
        assert_eq!(rfc3339::parse("2026-09-19T21:30:00-04:30"), Some(at));
        assert_eq!(rfc3339::parse("2026-09-20T02:00:00.250999Z"), Some(at + chrono::TimeDelta::milliseconds(250)));
        assert_eq!(rfc3339::format(at + chrono::TimeDelta::milliseconds(5)), "2026-09-20T02:00:00.005Z");
        for bad in [
            "",
            "2026-09-20",
            "2026-09-20T02:00:00",
            "2026-13-20T02:00:00Z",
            "2026-09-20T02:00:00.Z",
            "2026-09-20T02:00:00+8:00",
            "２026-09-20T02:00:00Z",
        ] {
            assert_eq!(rfc3339::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc3339_refuses_what_it_could_not_write_back() {
        // Year -1 and year 10000 once in UTC: accepted, they were written as "-001-…" and
        // "10000-…", which nothing could read again.
        for bad in [
            "0000-01-01T00:00:00.000+23:59",
            "9999-12-31T23:59:59.000-01:00",
            "2026-09-20T02:00:00+24:00",
            "2026-09-20T02:00:00+08:60",
            "2026-09-20T02:00:60Z",
        ] {
            assert_eq!(rfc3339::parse(bad), None, "{bad}");
        }
        assert!(rfc3339::parse("0000-01-01T00:00:00Z").is_some());
        assert!(rfc3339::parse("9999-12-31T23:59:59.999Z").is_some());
    }

    #[test]
    fn leads_carry_instants_from_2000_to_2099() {
        assert!(!in_range(earliest() - chrono::TimeDelta::milliseconds(1)));
        assert!(in_range(earliest()));
        assert!(in_range(end() - chrono::TimeDelta::milliseconds(1)));
        assert!(!in_range(end()));
        assert!(date_in_range(NaiveDate::from_ymd_opt(2099, 12, 31).unwrap()));
        assert!(!date_in_range(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()));
    }

    /// A text of the shape `YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM)` with any digits: many of these are
    /// no instant at all, and the rest reach every edge the parser has.
    fn instant_like() -> impl Strategy<Value = String> {
        (
            prop_oneof![Just(0u32), Just(9999u32), 0u32..=9999],
            prop_oneof![Just(1u32), Just(12u32), 0u32..=13],
            prop_oneof![Just(1u32), Just(31u32), 0u32..=32],
            0u32..=25,
            0u32..=60,
            0u32..=61,
            proptest::option::of(0u32..=9999),
            proptest::option::of((any::<bool>(), 0u32..=24, 0u32..=60)),
        )
            .prop_map(|(y, mo, d, h, mi, s, fraction, offset)| {
                let fraction = fraction.map(|f| format!(".{f:03}")).unwrap_or_default();
                let offset = match offset {
                    None => "Z".to_owned(),
                    Some((east, oh, om)) => format!("{}{oh:02}:{om:02}", if east { '+' } else { '-' }),
                };
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}{offset}")
            })
    }

    proptest! {
        /// Whatever the parser accepts, the formatter writes in a form the parser reads back as
        /// the same instant: no accepted value can become unreadable once stored.
        #[test]
        fn every_instant_read_is_written_back_readably(text in instant_like()) {
            if let Some(at) = rfc3339::parse(&text) {
                prop_assert_eq!(rfc3339::parse(&rfc3339::format(at)), Some(at));
            }
        }

        #[test]
        fn every_date_read_is_written_back_readably(y in 0u32..=99999, m in 0u32..=13, d in 0u32..=32) {
            for text in [format!("{y}-{m}-{d}"), format!("{y:04}-{m:02}-{d:02}")] {
                if let Some(date) = optional_date::parse(&text) {
                    prop_assert_eq!(optional_date::parse(&optional_date::format(date)), Some(date));
                }
            }
        }

        #[test]
        fn rfc3339_round_trips_and_sorts_like_time(a in 0i64..4_102_444_800_000, b in 0i64..4_102_444_800_000) {
            let (a, b) = (Utc.timestamp_millis_opt(a).unwrap(), Utc.timestamp_millis_opt(b).unwrap());
            prop_assert_eq!(rfc3339::parse(&rfc3339::format(a)), Some(a));
            prop_assert_eq!(rfc3339::format(a).cmp(&rfc3339::format(b)), a.cmp(&b));
        }

        #[test]
        fn rfc3339_parse_never_panics(text in "\\PC{0,40}") {
            let _ = rfc3339::parse(&text);
        }
    }

    #[test]
    fn shows_beijing_time_across_midnight() {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 16, 30, 0).unwrap();
        assert_eq!(format_shanghai(at), "2026-11-30 00:30");
        assert_eq!(file_stamp(at), "20261130-0030");
    }
}
