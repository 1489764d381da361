//! Events (expos, themed promotion meetings) as reference data: an administrator lists each one
//! with its dates and venue, tablets receive the list through sync, and the officer picks the
//! event a lead is captured at. A lead keeps the event's name (a name typed on a tablet offline
//! still works; an administrator folds such names into a listed event later). During an event's
//! dates it is the tablet's default.

use chrono::{Datelike as _, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::lead::max;
use crate::time::optional_date;
use crate::{text, FieldErrorKind};

/// The most characters a venue may have.
pub const VENUE_MAX: usize = 100;
/// The longest an event may run: a typo in a year ("2062") would otherwise make it the default
/// for decades.
pub const MAX_DAYS: i64 = 366;

/// A listed event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// As a lead's `event` holds it (the lead's rules for the field: trimmed, at most
    /// [`max::EVENT`] characters).
    pub name: String,
    #[serde(with = "date")]
    pub starts_on: NaiveDate,
    #[serde(with = "date")]
    pub ends_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
}

/// Serde for a `NaiveDate` as `YYYY-MM-DD`.
mod date {
    use super::*;
    use serde::{de::Error as _, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&optional_date::format(*date))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        optional_date::parse(&text).ok_or_else(|| D::Error::custom(format!("not a date (YYYY-MM-DD): {text}")))
    }
}

/// The fields of the event form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventField {
    Name,
    StartsOn,
    EndsOn,
    Venue,
}

impl EventField {
    /// The form's field name.
    pub fn name(self) -> &'static str {
        match self {
            EventField::Name => "name",
            EventField::StartsOn => "starts_on",
            EventField::EndsOn => "ends_on",
            EventField::Venue => "venue",
        }
    }
}

/// Why an event's field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventProblem {
    /// The text rules of [`text::optional`] (required, too long, control characters).
    Text(FieldErrorKind),
    /// Not a date as a date input sends it, or outside the dates a lead may carry.
    NotADate,
    /// Ends before it starts, or runs longer than [`MAX_DAYS`].
    BadRange,
}

/// An event as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub venue: String,
}

impl EventDraft {
    pub fn from_event(event: &Event) -> Self {
        EventDraft {
            name: event.name.clone(),
            starts_on: optional_date::format(event.starts_on),
            ends_on: optional_date::format(event.ends_on),
            venue: event.venue.clone().unwrap_or_default(),
        }
    }

    /// The event, or every field's problem.
    pub fn parse(&self) -> Result<Event, Vec<(EventField, EventProblem)>> {
        let mut problems = Vec::new();
        let mut text_of = |field, raw: &str, max: usize, required: bool| match text::optional(raw, max) {
            Ok(None) if required => {
                problems.push((field, EventProblem::Text(FieldErrorKind::Required)));
                None
            }
            Ok(value) => value,
            Err(kind) => {
                problems.push((field, EventProblem::Text(kind)));
                None
            }
        };
        let name = text_of(EventField::Name, &self.name, max::EVENT, true);
        let venue = text_of(EventField::Venue, &self.venue, VENUE_MAX, false);
        let mut date_of = |field, raw: &str| {
            let date = optional_date::parse(raw.trim()).filter(|d| crate::time::date_in_range(*d));
            if date.is_none() {
                problems.push((field, EventProblem::NotADate));
            }
            date
        };
        let starts_on = date_of(EventField::StartsOn, &self.starts_on);
        let ends_on = date_of(EventField::EndsOn, &self.ends_on);
        if let (Some(starts), Some(ends)) = (starts_on, ends_on) {
            let days = (ends - starts).num_days();
            if !(0..MAX_DAYS).contains(&days) {
                problems.push((EventField::EndsOn, EventProblem::BadRange));
            }
        }
        match (name, starts_on, ends_on) {
            (Some(name), Some(starts_on), Some(ends_on)) if problems.is_empty() => Ok(Event { name, starts_on, ends_on, venue }),
            _ => Err(problems),
        }
    }
}

impl Event {
    /// Whether `day` is one of the event's days.
    pub fn covers(&self, day: NaiveDate) -> bool {
        (self.starts_on..=self.ends_on).contains(&day)
    }

    /// The event as its own rules read it back ([`EventDraft::parse`]): a stored or synced event
    /// that does not pass is left out of the lists, not shown half-read.
    pub fn normalized(&self) -> Option<Event> {
        EventDraft::from_event(self).parse().ok()
    }
}

/// The event new leads default to on `day`: of the events running that day, the one that began
/// last (a themed meeting held during a fair wins over the fair), then the shorter, then by name.
pub fn default_on(events: &[Event], day: NaiveDate) -> Option<&Event> {
    events
        .iter()
        .filter(|e| e.covers(day))
        .max_by(|a, b| a.starts_on.cmp(&b.starts_on).then(b.ends_on.cmp(&a.ends_on)).then(b.name.cmp(&a.name)))
}

/// The events in the order a pick-list shows them on `day`: the default first, then the others
/// running, then those to come (soonest first), then those past (latest first).
pub fn for_picking(events: &[Event], day: NaiveDate) -> Vec<&Event> {
    let default = default_on(events, day).map(|e| e.name.as_str());
    let rank = |e: &Event| {
        if Some(e.name.as_str()) == default {
            (0, 0)
        } else if e.covers(day) {
            (1, e.ends_on.num_days_from_ce())
        } else if e.starts_on > day {
            (2, e.starts_on.num_days_from_ce())
        } else {
            (3, -e.ends_on.num_days_from_ce())
        }
    };
    let mut listed: Vec<&Event> = events.iter().collect();
    listed.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.name.cmp(&b.name)));
    listed
}

/// Captures per officer per day of an event (the district's calendar), for the event's page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaptureGrid {
    /// The event's days, in order.
    pub days: Vec<NaiveDate>,
    /// One row per officer, the busiest first.
    pub rows: Vec<GridRow>,
}

/// One officer's captures at an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridRow {
    pub officer: String,
    /// Per day of [`CaptureGrid::days`].
    pub per_day: Vec<u32>,
    /// Leads carrying the event's name captured on another day (before it, or followed up after).
    pub other_days: u32,
    pub total: u32,
}

/// Counts `captures` (officer, when) per officer and day of `event`.
pub fn capture_grid(event: &Event, captures: impl IntoIterator<Item = (String, chrono::DateTime<chrono::Utc>)>) -> CaptureGrid {
    let days: Vec<NaiveDate> = event.starts_on.iter_days().take_while(|d| *d <= event.ends_on).collect();
    let mut rows: std::collections::BTreeMap<String, GridRow> = std::collections::BTreeMap::new();
    for (officer, at) in captures {
        let day = at.with_timezone(&crate::time::shanghai()).date_naive();
        let row = rows.entry(officer.clone()).or_insert_with(|| GridRow { officer, per_day: vec![0; days.len()], other_days: 0, total: 0 });
        match days.iter().position(|d| *d == day) {
            Some(i) => row.per_day[i] += 1,
            None => row.other_days += 1,
        }
        row.total += 1;
    }
    let mut rows: Vec<GridRow> = rows.into_values().collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then(a.officer.cmp(&b.officer)));
    CaptureGrid { days, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        optional_date::parse(text).unwrap()
    }

    fn event(name: &str, starts: &str, ends: &str) -> Event {
        Event { name: name.into(), starts_on: day(starts), ends_on: day(ends), venue: None }
    }

    #[test]
    fn a_form_is_read_like_a_leads_event_and_round_trips() {
        let draft = EventDraft {
            name: "  第二十一届西博会\u{200B} ".into(),
            starts_on: "2026-05-20".into(),
            ends_on: "2026-05-24".into(),
            venue: " 中国西部国际博览城 ".into(),
        };
        let event = draft.parse().unwrap();
        assert_eq!(event.name, "第二十一届西博会");
        assert_eq!(event.venue.as_deref(), Some("中国西部国际博览城"));
        assert_eq!(EventDraft::from_event(&event).parse().unwrap(), event);
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
        // The name is one a lead's event field takes as it is.
        let lead_event = crate::text::optional(&event.name, max::EVENT).unwrap();
        assert_eq!(lead_event.as_deref(), Some(event.name.as_str()));
    }

    #[test]
    fn every_bad_field_is_named() {
        let draft = EventDraft { name: " ".into(), starts_on: "2026-5-40".into(), ends_on: "tomorrow".into(), venue: "馆".repeat(101) };
        let fields: Vec<EventField> = draft.parse().unwrap_err().iter().map(|p| p.0).collect();
        assert_eq!(fields, vec![EventField::Name, EventField::Venue, EventField::StartsOn, EventField::EndsOn]);

        let backwards =
            EventDraft { name: "西博会".into(), starts_on: "2026-05-24".into(), ends_on: "2026-05-20".into(), venue: String::new() };
        assert_eq!(backwards.parse().unwrap_err(), vec![(EventField::EndsOn, EventProblem::BadRange)]);
        let decades = EventDraft { starts_on: "2026-05-20".into(), ends_on: "2062-05-24".into(), ..backwards.clone() };
        assert_eq!(decades.parse().unwrap_err(), vec![(EventField::EndsOn, EventProblem::BadRange)]);
        let far = EventDraft { starts_on: "9999-01-01".into(), ends_on: "9999-01-02".into(), ..backwards.clone() };
        assert_eq!(far.parse().unwrap_err().len(), 2, "dates a lead may not carry");
        let turned =
            EventDraft { name: "西博\u{202E}会".into(), starts_on: "2026-05-20".into(), ends_on: "2026-05-20".into(), ..backwards };
        assert_eq!(turned.parse().unwrap_err(), vec![(EventField::Name, EventProblem::Text(FieldErrorKind::DirectionControl))]);
    }

    #[test]
    fn the_default_is_the_event_of_the_day_that_began_last() {
        let fair = event("西博会", "2026-05-20", "2026-05-24");
        let meeting = event("食品饮料专场推介会", "2026-05-22", "2026-05-22");
        let later = event("成渝双城推介会", "2026-06-10", "2026-06-11");
        let past = event("春季招商会", "2026-03-01", "2026-03-02");
        let events = vec![past, fair.clone(), later, meeting.clone()];
        assert_eq!(default_on(&events, day("2026-05-21")), Some(&fair));
        assert_eq!(default_on(&events, day("2026-05-22")), Some(&meeting));
        assert_eq!(default_on(&events, day("2026-05-24")), Some(&fair), "the last day counts");
        assert_eq!(default_on(&events, day("2026-05-25")), None);

        let names = |on: &str| for_picking(&events, day(on)).iter().map(|e| e.name.as_str()).collect::<Vec<_>>();
        assert_eq!(names("2026-05-22"), vec!["食品饮料专场推介会", "西博会", "成渝双城推介会", "春季招商会"]);
        assert_eq!(names("2026-07-01"), vec!["成渝双城推介会", "西博会", "食品饮料专场推介会", "春季招商会"], "all past: the latest first");
        assert_eq!(
            names("2026-01-01"),
            vec!["春季招商会", "西博会", "食品饮料专场推介会", "成渝双城推介会"],
            "all to come: the soonest first"
        );
    }
    #[test]
    fn captures_are_counted_per_officer_and_day_in_the_districts_calendar() {
        use chrono::TimeZone;
        let fair = event("西博会", "2026-05-20", "2026-05-22");
        let at = |d, h| chrono::Utc.with_ymd_and_hms(2026, 5, d, h, 0, 0).unwrap();
        // 17:00 UTC on the 20th is 01:00 on the 21st in Chengdu.
        let captures =
            vec![("李".to_owned(), at(20, 2)), ("李".to_owned(), at(20, 17)), ("王".to_owned(), at(22, 3)), ("李".to_owned(), at(25, 3))];
        let grid = capture_grid(&fair, captures);
        assert_eq!(grid.days.len(), 3);
        assert_eq!(grid.rows[0], GridRow { officer: "李".into(), per_day: vec![1, 1, 0], other_days: 1, total: 3 });
        assert_eq!(grid.rows[1], GridRow { officer: "王".into(), per_day: vec![0, 0, 1], other_days: 0, total: 1 });
    }
}
