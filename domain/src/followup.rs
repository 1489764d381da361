//! Follow-up deadlines: every lead gets a first response within a day of its capture, and a lead
//! of 1 亿元 or more an assessment (screening and packaging, 筛选论证) within three days. The limits
//! are settings, not constants ([`FollowUpRules`]); this module says when a lead is overdue.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::pipeline::PipelineStage;
use crate::Wan;

/// The deadlines the district sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpRules {
    /// Days from capture to the first response.
    pub first_response_days: i64,
    /// Days from capture to the assessment of a large lead.
    pub assessment_days: i64,
    /// Intended investment from which a lead needs an assessment.
    pub assessment_from: Wan,
}

impl Default for FollowUpRules {
    fn default() -> Self {
        FollowUpRules { first_response_days: 1, assessment_days: 3, assessment_from: Wan(10_000) }
    }
}

/// Which deadline a lead missed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    FirstResponse,
    Assessment,
}

impl Deadline {
    pub fn code(self) -> &'static str {
        match self {
            Deadline::FirstResponse => "first_response",
            Deadline::Assessment => "assessment",
        }
    }
}

/// What the deadlines need to know of a lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpState {
    pub captured_at: DateTime<Utc>,
    pub stage: PipelineStage,
    pub intended: Option<Wan>,
    /// When someone recorded the first contact after the booth, if anyone did.
    pub responded_at: Option<DateTime<Utc>>,
}

impl FollowUpRules {
    /// Captured before this instant, a lead is late for its first response at `now`.
    pub fn first_response_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(self.first_response_days)
    }

    /// Captured before this instant, a large lead is late for its assessment at `now`.
    pub fn assessment_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(self.assessment_days)
    }

    /// The deadlines `lead` has missed at `now`, with the instant each one passed. Moving the lead
    /// on in the pipeline (or dropping it) answers both; a recorded contact answers the first.
    pub fn overdue(&self, lead: &FollowUpState, now: DateTime<Utc>) -> Vec<(Deadline, DateTime<Utc>)> {
        let mut missed = Vec::new();
        if lead.stage != PipelineStage::Lead {
            return missed;
        }
        let first_due = lead.captured_at + Duration::days(self.first_response_days);
        if lead.responded_at.is_none() && first_due < now {
            missed.push((Deadline::FirstResponse, first_due));
        }
        let assessment_due = lead.captured_at + Duration::days(self.assessment_days);
        if lead.intended.is_some_and(|w| w >= self.assessment_from) && assessment_due < now {
            missed.push((Deadline::Assessment, assessment_due));
        }
        missed
    }
}

/// The overdue list's filters, as the query string gives them: exact values, empty for any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OverdueFilter {
    /// The officer's user name.
    pub officer: String,
    pub department: String,
    pub event: String,
    /// 0-based.
    pub page: i64,
}

impl OverdueFilter {
    /// The filters that are set, trimmed: (column, value).
    pub fn set(&self) -> Vec<(&'static str, String)> {
        [("officer", &self.officer), ("department", &self.department), ("event", &self.event)]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k, v.trim().to_owned()))
            .collect()
    }

    /// The query string of these filters at `page` (without the `?`).
    pub fn query_with_page(&self, page: i64) -> String {
        let mut pairs: Vec<String> = self.set().into_iter().map(|(k, v)| format!("{k}={}", crate::review::percent_encode(&v))).collect();
        if page > 0 {
            pairs.push(format!("page={page}"));
        }
        pairs.join("&")
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2023, 9, day, hour, 0, 0).unwrap()
    }

    fn captured(day: u32, intended: Option<i64>) -> FollowUpState {
        FollowUpState { captured_at: at(day, 2), stage: PipelineStage::Lead, intended: intended.map(Wan), responded_at: None }
    }

    #[test]
    fn a_lead_is_late_a_day_after_capture_and_a_large_one_three_days_after() {
        let rules = FollowUpRules::default();
        // Captured on the 10th at 02:00: first response due on the 11th at 02:00.
        assert!(rules.overdue(&captured(10, None), at(11, 1)).is_empty());
        assert_eq!(rules.overdue(&captured(10, None), at(11, 3)), [(Deadline::FirstResponse, at(11, 2))]);
        // 1 亿元 = 10,000 万元: the assessment is due on the 13th; 9,999 万元 needs none.
        let large = captured(10, Some(10_000));
        assert_eq!(rules.overdue(&large, at(12, 3)).len(), 1);
        assert_eq!(rules.overdue(&large, at(13, 3)), [(Deadline::FirstResponse, at(11, 2)), (Deadline::Assessment, at(13, 2))]);
        assert_eq!(rules.overdue(&captured(10, Some(9_999)), at(20, 0)).len(), 1);
    }

    #[test]
    fn a_response_or_a_stage_answers_the_deadlines() {
        let rules = FollowUpRules::default();
        let responded = FollowUpState { responded_at: Some(at(10, 9)), ..captured(10, Some(50_000)) };
        assert_eq!(rules.overdue(&responded, at(20, 0)), [(Deadline::Assessment, at(13, 2))]);
        let screened = FollowUpState { stage: PipelineStage::Screened, ..captured(10, Some(50_000)) };
        assert!(rules.overdue(&screened, at(20, 0)).is_empty());
        let dropped = FollowUpState { stage: PipelineStage::Dropped, ..captured(10, Some(50_000)) };
        assert!(rules.overdue(&dropped, at(20, 0)).is_empty());
    }

    #[test]
    fn limits_are_settings() {
        let rules = FollowUpRules { first_response_days: 2, assessment_days: 5, assessment_from: Wan(5_000) };
        assert!(rules.overdue(&captured(10, None), at(12, 1)).is_empty());
        assert_eq!(rules.overdue(&captured(10, Some(5_000)), at(15, 3)).len(), 2);
        assert_eq!(rules.first_response_cutoff(at(12, 2)), at(10, 2));
        assert_eq!(rules.assessment_cutoff(at(15, 2)), at(10, 2));
    }
}
