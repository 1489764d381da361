//! How a lead is stored in IndexedDB, and how records written by earlier versions of the app are
//! read. Kept free of browser APIs so the migrations are unit-tested natively.
//!
//! Record schema versions:
//! - 1: the bare [`Lead`] as JSON (database version 1).
//! - 2: a [`LeadRecord`] envelope `{schema: 2, id, updated_at, lead, server_version}` (database
//!   version 2), so the store can index and carry bookkeeping next to the lead without touching the
//!   domain type. (`server_version` came later with sync; records without it read as 0.)

use domain::Lead;
use serde::{Deserialize, Deserializer, Serialize};

/// The record schema this build writes.
pub const RECORD_SCHEMA: u32 = 2;

/// One lead as stored on the tablet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeadRecord {
    pub schema: u32,
    /// The lead's id as a string: IndexedDB's key path.
    pub id: String,
    /// Copied from the lead for the `by_updated_at` index.
    pub updated_at: String,
    pub lead: Lead,
    /// The server version this copy is based on; 0 until the server has acknowledged the lead.
    #[serde(default)]
    pub server_version: u64,
}

impl LeadRecord {
    /// Wraps a lead in the current record schema.
    pub fn new(lead: Lead) -> Self {
        LeadRecord {
            schema: RECORD_SCHEMA,
            id: lead.id.to_string(),
            updated_at: domain::time::rfc3339::format(lead.updated_at),
            lead,
            server_version: 0,
        }
    }
}

/// Why a stored value could not be read as a lead.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("record schema {0} is newer than this app understands")]
    TooNew(u64),
    #[error("record does not match schema {schema}: {reason}")]
    Shape { schema: u64, reason: String },
}

/// Reads a stored value of any known schema version as a current record. `schema` is the value's
/// `schema` field (`None` when absent: schema 1 had none); `value` deserializes the whole value
/// (from a JavaScript object in the browser, from JSON in tests).
pub fn read_record<'de, D: Deserializer<'de>>(schema: Option<u64>, value: D) -> Result<LeadRecord, RecordError> {
    let schema = schema.unwrap_or(1);
    let shape = |error: D::Error| RecordError::Shape { schema, reason: error.to_string() };
    match schema {
        1 => Lead::deserialize(value).map(LeadRecord::new).map_err(shape),
        2 => LeadRecord::deserialize(value).map_err(shape),
        newer => Err(RecordError::TooNew(newer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v1_lead() -> serde_json::Value {
        json!({
            "id": "0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a91",
            "company_name": "重庆渝味食品有限公司",
            "credit_code": null,
            "contact_name": "陈静",
            "contact_title": null,
            "mobile": "13912345678",
            "wechat": null,
            "email": null,
            "origin": {"kind": "domestic", "province": "chongqing", "city": null},
            "industry": "food_beverage",
            "industry_segment": null,
            "intended_project": null,
            "intended_investment": 20000,
            "tier": {"fortune_global_500": false, "china_top_500": false, "china_private_top_500": false, "industry_leader": true},
            "intent": "hot",
            "event": "第十九届西博会",
            "referrer": null,
            "consent": {"text_version": "2026-11-v1", "given_at": "2026-09-20T02:00:00Z"},
            "notes": null,
            "next_follow_up": null,
            "captured_at": "2026-09-20T02:00:00Z",
            "updated_at": "2026-09-20T02:00:00Z",
            "captured_by": "li.wei",
            "device_id": "tablet-1"
        })
    }

    fn read(value: serde_json::Value) -> Result<LeadRecord, RecordError> {
        read_record(value.get("schema").and_then(serde_json::Value::as_u64), value)
    }

    #[test]
    fn a_schema_1_record_is_read_as_the_current_schema() {
        let record = read(v1_lead()).unwrap();
        assert_eq!(record.schema, RECORD_SCHEMA);
        assert_eq!(record.id, "0b6c2a44-58b1-4d0b-9a53-4f5c6f7e8a91");
        assert_eq!(record.lead.company_name, "重庆渝味食品有限公司");
        assert_eq!(record.lead.intended_investment, Some(domain::Wan(20_000)));
        assert_eq!(record.updated_at, "2026-09-20T02:00:00.000Z");
    }

    #[test]
    fn a_current_record_round_trips() {
        let record = read(v1_lead()).unwrap();
        let value = serde_json::to_value(&record).unwrap();
        assert_eq!(read(value).unwrap(), record);
    }

    #[test]
    fn newer_and_broken_records_are_errors_not_panics() {
        assert!(matches!(read(json!({"schema": 9})), Err(RecordError::TooNew(9))));
        assert!(matches!(read(json!({"id": "x"})), Err(RecordError::Shape { schema: 1, .. })));
    }
}
