//! "Export my leads": every lead on the tablet as a CSV or JSON file, made and downloaded in the
//! browser, so an officer has a backup even with no network at all.

use domain::{csv, Lead};

use crate::i18n::Lang;
use crate::lead_columns;

/// The leads as CSV with headers in `lang`, every attribute a lead has (`lead_columns`): amounts
/// in 万元, times in Beijing time.
pub fn to_csv(leads: &[Lead], lang: Lang) -> String {
    let mut out = String::from(csv::UTF8_BOM);
    out.push_str(&csv::line(lead_columns::headers(lang)));
    for lead in leads {
        out.push_str(&csv::line(lead_columns::values(lead, lang).iter().map(lead_columns::Value::text)));
    }
    out
}

/// The leads as pretty-printed JSON, in the same shape the domain types serialize to. Made by the
/// browser's own `JSON.stringify`, which keeps a JSON library out of the WebAssembly.
pub fn to_json(leads: &[Lead]) -> Result<String, String> {
    use serde::Serialize;
    let value = leads.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| e.to_string())?;
    let text =
        js_sys::JSON::stringify_with_replacer_and_space(&value, &wasm_bindgen::JsValue::NULL, &2.into()).map_err(|e| format!("{e:?}"))?;
    Ok(text.as_string().unwrap_or_default())
}

/// Offers `content` to the officer as a file download, without any network request.
pub fn download(file_name: &str, mime: &str, content: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&content.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor = document.create_element("a").map_err(|e| format!("{e:?}"))?.unchecked_into::<web_sys::HtmlAnchorElement>();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Consent, LeadDraft, LeadId, LeadMeta, MoneyUnit};

    fn lead() -> Lead {
        let at = chrono::DateTime::parse_from_rfc3339("2026-09-20T16:30:00Z").unwrap().to_utc();
        let draft = LeadDraft {
            company_name: "蜀味, 预制菜".into(),
            contact_name: "王芳".into(),
            mobile: "13800138000".into(),
            province: "guangdong".into(),
            city: "深圳".into(),
            investment_amount: "1.5".into(),
            investment_unit: MoneyUnit::Yi,
            consent: Some(Consent { text_version: "2026-11-v1".into(), given_at: at }),
            ..LeadDraft::default()
        };
        draft
            .parse(LeadMeta { id: LeadId::new(), captured_at: at, updated_at: at, captured_by: "li".into(), device_id: "t1".into() })
            .unwrap()
    }

    #[test]
    fn csv_has_translated_headers_and_one_row_per_lead() {
        let csv = to_csv(&[lead(), lead()], Lang::Zh);
        let lines: Vec<_> = csv.trim_start_matches(domain::csv::UTF8_BOM).split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("线索编号,企业名称,"));
        assert!(lines[1].contains("\"蜀味, 预制菜\""));
        assert!(lines[1].contains("广东 深圳"));
        assert!(lines[1].contains(",15000,"));
        assert!(lines[1].contains("2026-09-21 00:30"), "Beijing time: {}", lines[1]);
    }
}
