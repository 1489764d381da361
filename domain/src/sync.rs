//! The sync protocol's messages, shared by the tablet and the server (documented with examples in
//! `docs/sync.md`). One round trip pushes the tablet's changes and pulls the server's.
//!
//! A pushed change carries the whole lead as the tablet now has it, the attributes the officer
//! changed, and the server version the tablet's copy was based on. The server applies only the
//! changed attributes on top of its own copy, so edits made elsewhere to other attributes survive.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{FieldError, Lead, LeadId};

pub mod request_size;

/// Most changes one sync request may carry.
pub const MAX_CHANGES_PER_REQUEST: usize = 500;

macro_rules! lead_attrs {
    ($($variant:ident => $field:ident),+ $(,)?) => {
        /// An attribute of a lead that an officer can change: the unit of merging.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum LeadAttr { $($variant),+ }

        impl LeadAttr {
            /// Every attribute.
            pub const ALL: &'static [LeadAttr] = &[$(LeadAttr::$variant),+];

            /// The attribute's name, as in the lead's JSON.
            pub fn name(self) -> &'static str {
                match self { $(LeadAttr::$variant => stringify!($field)),+ }
            }
        }

        impl Lead {
            /// The attributes whose values differ between `self` and `other`.
            pub fn changed_attrs(&self, other: &Lead) -> Vec<LeadAttr> {
                let mut changed = Vec::new();
                $(if self.$field != other.$field { changed.push(LeadAttr::$variant); })+
                changed
            }

            /// Copies the values of `attrs` from `from` into `self`.
            pub fn take_attrs(&mut self, from: &Lead, attrs: &[LeadAttr]) {
                for attr in attrs {
                    match attr { $(LeadAttr::$variant => self.$field = from.$field.clone()),+ }
                }
            }
        }
    };
}

lead_attrs! {
    CompanyName => company_name,
    CreditCode => credit_code,
    ContactName => contact_name,
    ContactTitle => contact_title,
    Mobile => mobile,
    Wechat => wechat,
    Email => email,
    Origin => origin,
    Industry => industry,
    IndustrySegment => industry_segment,
    IntendedProject => intended_project,
    IntendedInvestment => intended_investment,
    Tier => tier,
    Intent => intent,
    Event => event,
    Referrer => referrer,
    Consent => consent,
    Notes => notes,
    NextFollowUp => next_follow_up,
    Pipeline => pipeline,
    Withdrawn => withdrawn,
    Erased => erased,
}

/// One change to one lead, as the tablet queued it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadChange {
    /// Made on the tablet when the change is queued: a retried change keeps its id, so the server
    /// applies it once.
    pub change_id: Uuid,
    /// The server version the tablet's copy was based on; 0 for a lead the server has never seen.
    pub base_version: u64,
    /// The attributes the officer changed (every attribute for a new lead).
    pub changed: Vec<LeadAttr>,
    /// The whole lead as it is on the tablet after the change.
    pub lead: Lead,
}

/// A sync request: push `changes`, pull what changed on the server after `cursor`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// The protocol the tablet speaks ([`PROTOCOL`]); tablets of earlier builds send none (1).
    #[serde(default = "first_protocol")]
    pub protocol: u32,
    pub device_id: String,
    /// The `cursor` of the last response, 0 on the first sync.
    pub cursor: u64,
    pub changes: Vec<LeadChange>,
    /// The tablet's state (what it still holds unsynced, its build, its storage), for the
    /// workspace's device page. Tablets of earlier builds send none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<crate::device::DeviceReport>,
}

/// What became of one pushed change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// Applied on top of the version it was based on.
    Applied,
    /// Applied before (same change id): nothing was done again.
    Duplicate,
    /// Applied on top of a newer server version; other attributes changed elsewhere were kept.
    Merged,
    /// Not applied; see `reason`. The tablet keeps it and asks the officer to look.
    Rejected,
}

/// Why a change was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum RejectReason {
    /// The lead belongs to another officer.
    NotYourLead,
    /// The lead breaks a validation rule (the same rules as the capture form).
    Invalid { errors: Vec<FieldError> },
    /// The change names no attribute, or its base version is ahead of the server's.
    Malformed { message: String },
    /// A withdrawal (a delete on the tablet) of a lead that has become a project: past
    /// "screened", only a manager can take a lead out of the figures.
    NotWithdrawable { stage: crate::PipelineStage },
}

/// The server's answer to one change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeResult {
    pub change_id: Uuid,
    pub lead_id: LeadId,
    pub status: ChangeStatus,
    /// The lead's server version after the change (absent when rejected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
}

/// A lead as the server has it, sent to the tablet when it changed after the tablet's cursor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLead {
    pub version: u64,
    pub lead: Lead,
}

/// The answer to a sync request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// Send this as `cursor` next time.
    pub cursor: u64,
    /// One result per pushed change, in request order.
    pub results: Vec<ChangeResult>,
    /// The caller's leads changed on the server after the request's cursor (including the ones
    /// this request changed), oldest change first.
    pub changes: Vec<ServerLead>,
    /// Whether more changes wait beyond `cursor` (pull again right away).
    pub more: bool,
    /// Leads the caller no longer owns (a manager handed them to another officer) changed after
    /// the request's cursor, and leads of this request's changes it no longer owns: the tablet
    /// drops its copy once it has nothing of the lead left to send.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gone: Vec<LeadId>,
    /// Reference data the tablet needs offline.
    pub reference: ReferenceData,
    /// The tablet runs another build than the server serves and has nothing left to send
    /// ([`reload_after`]): it should load the new one. Absent (false) from older servers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reload: bool,
}

/// The sync protocol this build speaks. 1: the first (requests carry no `protocol`). 2: requests
/// say their protocol, and answers may ask the tablet to reload ([`SyncResponse::reload`]).
pub const PROTOCOL: u32 = 2;
/// The oldest protocol a server still takes: the previous one, so that tablets still running the
/// last build sync their outbox after the server is upgraded.
pub const OLDEST_PROTOCOL: u32 = 1;

/// The protocol of a request that does not say one: a tablet of the build before protocols were
/// said.
pub fn first_protocol() -> u32 {
    1
}

/// Why a request's protocol is refused, if it is.
pub fn check_protocol(protocol: u32) -> Result<(), String> {
    if (OLDEST_PROTOCOL..=PROTOCOL).contains(&protocol) {
        Ok(())
    } else {
        Err(format!("protocol {protocol} is not spoken here (this server takes {OLDEST_PROTOCOL} to {PROTOCOL}): load the app again"))
    }
}

/// Whether a tablet that sent `report` should reload to the build the server serves
/// (`server_build`): only one that says it runs another build, once it holds no change the server
/// lacks (a reload must not meet a queue that a new store version would have to carry over).
pub fn reload_after(report: Option<&crate::device::DeviceReport>, server_build: &str) -> bool {
    report.is_some_and(|r| !r.build.is_empty() && r.build != server_build && r.waiting == 0)
}

/// Lists the tablet shows offline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceData {
    /// The event names leads carry (listed or typed on a tablet).
    pub events: Vec<String>,
    /// The events an administrator listed, with their dates and venue: the tablet's pick-list
    /// and its default event of the day (`crate::event`). Absent from older servers.
    #[serde(default)]
    pub catalog: Vec<crate::event::Event>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Consent, LeadDraft, LeadMeta};
    use chrono::TimeZone;

    fn lead() -> Lead {
        let at = chrono::Utc.with_ymd_and_hms(2026, 9, 20, 2, 0, 0).unwrap();
        let draft = LeadDraft {
            company_name: "蜀味".into(),
            contact_name: "王芳".into(),
            mobile: "13800138000".into(),
            consent: Some(Consent { text_version: "v1".into(), given_at: at }),
            ..LeadDraft::default()
        };
        draft
            .parse(LeadMeta { id: LeadId::new(), captured_at: at, updated_at: at, captured_by: "li".into(), device_id: "t".into() })
            .unwrap()
    }

    #[test]
    fn changed_attrs_are_found_and_taken() {
        let base = lead();
        let mut edited = base.clone();
        edited.mobile = Some("13900000000".into());
        edited.notes = Some("回访".into());
        assert_eq!(base.changed_attrs(&edited), vec![LeadAttr::Mobile, LeadAttr::Notes]);

        let mut server = base.clone();
        server.contact_title = Some("总经理".into());
        server.take_attrs(&edited, &[LeadAttr::Mobile, LeadAttr::Notes]);
        assert_eq!(server.mobile.as_deref(), Some("13900000000"));
        assert_eq!(server.contact_title.as_deref(), Some("总经理"), "an attribute changed elsewhere survives");
    }

    #[test]
    fn attr_names_match_the_leads_json() {
        // A fresh pipeline is left out of the JSON: use a lead that has moved on.
        let mut moved = lead();
        moved.pipeline.stage = crate::PipelineStage::Screened;
        moved.withdrawn = Some(crate::Withdrawal { at: moved.captured_at, by: "li".into(), reason: None });
        moved.erased = Some(crate::Erasure { at: moved.captured_at, by: "zhao".into() });
        let json = serde_json::to_value(moved).unwrap();
        for attr in LeadAttr::ALL {
            assert!(json.get(attr.name()).is_some(), "{attr:?}");
        }
    }

    #[test]
    fn an_erased_lead_keeps_no_personal_data_whatever_is_sent() {
        let full = lead();
        assert!(full.has_personal_data());
        let erased = full.erased(full.captured_at, "zhao");
        assert!(!erased.has_personal_data());
        assert_eq!((erased.company_name.as_str(), erased.intent), (full.company_name.as_str(), full.intent), "the project stays");
        assert_eq!(erased.normalized().as_ref(), Ok(&erased), "valid without a contact");
        // A tablet that still holds the data sends it back: the parser drops it.
        let mut sent = erased.clone();
        sent.mobile = full.mobile.clone();
        sent.contact_name = "王芳".into();
        sent.notes = Some("新备注".into());
        assert_eq!(sent.normalized().unwrap(), erased);
        // Erasing again keeps the first record.
        let again = erased.erased(full.captured_at + chrono::Duration::days(1), "li");
        assert_eq!(again.erased, erased.erased);
        let mut bad = erased.clone();
        bad.erased = Some(crate::Erasure { at: full.captured_at, by: " ".into() });
        assert_eq!(bad.normalized().unwrap_err()[0].field, crate::LeadField::Erased);
    }

    #[test]
    fn a_withdrawal_is_checked_like_any_field_and_kept_through_an_edit() {
        let mut withdrawn = lead();
        withdrawn.withdrawn = Some(crate::Withdrawal { at: withdrawn.captured_at, by: " li ".into(), reason: Some("重复录入".into()) });
        let normalized = withdrawn.normalized().expect("a withdrawal is valid");
        assert_eq!(normalized.withdrawn.as_ref().map(|w| w.by.as_str()), Some("li"), "trimmed like any text");
        assert_eq!(crate::LeadDraft::from_lead(&normalized).parse(normalized.meta()).unwrap().withdrawn, normalized.withdrawn);

        let mut too_long = withdrawn.clone();
        too_long.withdrawn.as_mut().unwrap().reason = Some("很".repeat(201));
        let errors = too_long.normalized().unwrap_err();
        assert_eq!(errors[0].field, crate::LeadField::Withdrawn);
        let mut nobody = withdrawn.clone();
        nobody.withdrawn.as_mut().unwrap().by = "  ".into();
        assert_eq!(nobody.normalized().unwrap_err()[0].field, crate::LeadField::Withdrawn);

        // Absent from a lead in use: stored leads and sync requests stay as they were.
        assert!(!serde_json::to_string(&lead()).unwrap().contains("withdrawn"));
        assert!(crate::Withdrawal::allowed_at(crate::PipelineStage::Screened));
        assert!(!crate::Withdrawal::allowed_at(crate::PipelineStage::Negotiating));
        assert!(!crate::Withdrawal::allowed_at(crate::PipelineStage::Dropped));
    }

    #[test]
    fn a_request_of_the_previous_build_is_protocol_1_and_taken() {
        let text = r#"{"device_id":"t","cursor":0,"changes":[]}"#;
        let request: SyncRequest = serde_json::from_str(text).unwrap();
        assert_eq!(request.protocol, 1);
        assert!(check_protocol(request.protocol).is_ok());
        assert!(check_protocol(PROTOCOL).is_ok());
        assert!(check_protocol(PROTOCOL + 1).unwrap_err().contains("load the app again"));
        assert!(check_protocol(0).is_err());
    }

    #[test]
    fn only_a_tablet_of_another_build_with_nothing_left_to_send_is_asked_to_reload() {
        let report = |build: &str, waiting: u64| crate::device::DeviceReport::new(waiting, None, 0, build, None);
        assert!(reload_after(Some(&report("0ld", 0)), "n3w"));
        assert!(!reload_after(Some(&report("0ld", 3)), "n3w"), "not while changes wait on it");
        assert!(!reload_after(Some(&report("n3w", 0)), "n3w"), "not the build served");
        assert!(!reload_after(Some(&report("", 0)), "n3w"), "not a tablet that cannot say its build");
        assert!(!reload_after(None, "n3w"), "not a tablet that sends no report");
        // An answer without the flag (an older server) reads as false, and false is not written.
        let answer = SyncResponse {
            cursor: 0,
            results: vec![],
            changes: vec![],
            more: false,
            gone: vec![],
            reference: ReferenceData::default(),
            reload: false,
        };
        let text = serde_json::to_string(&answer).unwrap();
        assert!(!text.contains("reload"));
        assert!(!serde_json::from_str::<SyncResponse>(&text).unwrap().reload);
    }

    #[test]
    fn requests_refuse_unknown_fields() {
        let text = r#"{"device_id":"t","cursor":0,"changes":[],"extra":1}"#;
        assert!(serde_json::from_str::<SyncRequest>(text).is_err());
    }
}
