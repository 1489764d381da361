//! The audit trail in words: each stored value (JSON of one attribute of a lead) as a manager
//! reads it, choices named, amounts with their unit, a stage by its name, instants in Beijing
//! time. A value that does not read as its attribute is shown as stored.

use domain::{Consent, EnterpriseTier, Lead, Origin, Pipeline, Withdrawal};
use serde::de::DeserializeOwned;

use super::grouped;
use crate::i18n::{fill, Key, Lang};
use crate::lead_columns::{origin_text, tier_text};

fn read<T: DeserializeOwned>(value: &serde_json::Value) -> Option<T> {
    serde_json::from_value(value.clone()).ok()
}

fn pipeline_text(lang: Lang, pipeline: &Pipeline) -> String {
    let mut text = lang.text_of("stage", pipeline.stage.code());
    if let Some(signing) = &pipeline.signing {
        let signed = fill(
            lang.text(Key::ManageHistorySigning),
            &[("on", &signing.signed_on.to_string()), ("wan", &grouped(signing.agreed_investment.0))],
        );
        text = format!("{text}（{signed}）");
    }
    if let Some(last) = pipeline.funds.last() {
        let funds = fill(lang.text(Key::ManageHistoryFunds), &[("on", &last.on.to_string()), ("wan", &grouped(last.to_date.0))]);
        text = format!("{text}，{funds}");
    }
    if let Some(reason) = &pipeline.reason {
        text = format!("{text}，{}：{reason}", lang.text(Key::ManageWithdrawnReason));
    }
    text
}

/// The value `json` of the attribute `attr` (its name in the lead's JSON, or `created` for a
/// whole new lead), in words.
pub fn value_text(lang: Lang, attr: &str, json: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else { return json.to_owned() };
    if value.is_null() {
        return lang.text(Key::ManageHistoryEmpty).to_owned();
    }
    let code = |group: &str| value.as_str().map(|c| lang.text_of(group, c));
    let words = match attr {
        "created" => read::<Lead>(&value).map(|l| format!("{} · {}", l.company_name, l.contact_name)),
        "industry" => code("industry"),
        "industry_segment" => code("segment"),
        "intent" => code("intent"),
        "origin" => read::<Origin>(&value).map(|o| origin_text(Some(&o), lang)),
        "intended_investment" => value.as_i64().map(|w| format!("{} {}", grouped(w), lang.text(Key::UnitWan))),
        "tier" => read::<EnterpriseTier>(&value)
            .map(|t| tier_text(&t, lang))
            .filter(|t| !t.is_empty())
            .or_else(|| Some(lang.text(Key::ManageHistoryEmpty).to_owned())),
        "consent" => read::<Consent>(&value).map(|c| {
            fill(lang.text(Key::ManageHistoryConsent), &[("version", &c.text_version), ("at", &domain::time::format_shanghai(c.given_at))])
        }),
        "pipeline" => read::<Pipeline>(&value).map(|p| pipeline_text(lang, &p)),
        "withdrawn" => read::<Withdrawal>(&value).map(|w| {
            let text = fill(lang.text(Key::ManageWithdrawnNotice), &[("who", &w.by), ("at", &domain::time::format_shanghai(w.at))]);
            match &w.reason {
                Some(code) => format!("{text}，{}：{}", lang.text(Key::ManageWithdrawnReason), lang.text_of("withdraw_reason", code)),
                None => text,
            }
        }),
        "erased" => read::<domain::Erasure>(&value)
            .map(|e| fill(lang.text(Key::ManagePiplErasedNotice), &[("at", &domain::time::format_shanghai(e.at)), ("basis", &e.by)])),
        _ => value.as_str().map(str::to_owned),
    };
    words.unwrap_or_else(|| value.to_string())
}

/// A device as the trail names it: the officer it synced for, the start of its id (a tablet's id
/// is a random UUID, of no meaning to a manager) and, when known, the day it first synced.
pub fn device_text(lang: Lang, officer: &str, device_id: &str, first_seen: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let short: String = device_id.chars().take(8).collect();
    match first_seen {
        Some(at) => {
            let day = domain::time::format_shanghai(at).chars().take(10).collect::<String>();
            fill(lang.text(Key::ManageHistoryDeviceSince), &[("officer", officer), ("id", &short), ("since", &day)])
        }
        None => fill(lang.text(Key::ManageHistoryDevice), &[("officer", officer), ("id", &short)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_in_words() {
        let zh = Lang::Zh;
        assert_eq!(value_text(zh, "industry", "\"food_beverage\""), zh.text_of("industry", "food_beverage"));
        assert_eq!(value_text(zh, "intended_investment", "150000"), "150,000 万元");
        assert_eq!(value_text(zh, "notes", "null"), zh.text(Key::ManageHistoryEmpty));
        assert_eq!(value_text(zh, "company_name", "\"天府食品\""), "天府食品");
        let pipeline = r#"{"stage":"signed","signing":{"agreed_investment":80000,"signed_on":"2026-01-01","out_of_province":true,"fdi_usd":0,"supervision":"none"}}"#;
        let text = value_text(zh, "pipeline", pipeline);
        assert!(text.starts_with("签约") && text.contains("2026-01-01") && text.contains("80,000"), "{text}");
        assert_eq!(value_text(zh, "industry", "{\"odd\":1}"), "{\"odd\":1}", "a value that does not read is shown as stored");
        assert_eq!(
            device_text(zh, "li.wei", "398f0a89-0630-470d", None),
            fill(zh.text(Key::ManageHistoryDevice), &[("officer", "li.wei"), ("id", "398f0a89")])
        );
        // 2026-05-19 23:30 UTC is 2026-05-20 in Beijing.
        let first = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 5, 19, 23, 30, 0).unwrap();
        assert_eq!(device_text(zh, "li.wei", "398f0a89-0630-470d", Some(first)), "li.wei 的平板 · 398f0a89（2026-05-20 起）");
    }
}
