//! `lead_facts`: the narrow row per lead that the manager workspace filters, sorts, searches and
//! reports on, and the lead's duplicate keys. Derived from the lead alone, and written after the
//! lead's own transaction by `crate::indexer`, so it can always be rebuilt.

use domain::review::origin_class_code;
use domain::Lead;
use sqlx::{AnyConnection, Row};

use super::leads::StoredLead;

/// The text a manager's search looks in: company, contact, mobile, WeChat ID, email.
fn search_text(lead: &Lead) -> String {
    let parts = [Some(&lead.company_name), Some(&lead.contact_name), lead.mobile.as_ref(), lead.wechat.as_ref(), lead.email.as_ref()];
    parts.into_iter().flatten().map(|s| s.to_lowercase()).collect::<Vec<_>>().join(" | ")
}

fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// The pipeline as stored for reports: nothing for a lead that never left the `lead` stage (most
/// of them), which keeps the rows that searches scan narrow.
fn pipeline_json(pipeline: &domain::Pipeline) -> Result<Option<String>, sqlx::Error> {
    if pipeline.is_fresh() {
        return Ok(None);
    }
    serde_json::to_string(pipeline).map(Some).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// The events leads were captured at, in order, at most `limit`: the filter form's choices and
/// the tablets' pick-list. Found by skipping through the event index (one probe per event) rather
/// than reading every lead's entry: PostgreSQL does not skip by itself.
pub async fn events(conn: &mut AnyConnection, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "WITH RECURSIVE e(event, n) AS ( \
           SELECT MIN(event), 1 FROM lead_facts \
           UNION ALL SELECT (SELECT MIN(event) FROM lead_facts WHERE event > e.event), n + 1 FROM e WHERE e.event IS NOT NULL AND n < $1 \
         ) SELECT event FROM e WHERE event IS NOT NULL",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| r.try_get::<String, _>(0)).collect()
}

/// Writes the facts and duplicate keys of these leads, replacing any they had.
pub async fn write(conn: &mut AnyConnection, leads: &[&StoredLead]) -> Result<(), sqlx::Error> {
    use super::bulk::{int, text, Kind::Int, Kind::Text};
    const COLUMNS: [(&str, super::bulk::Kind); 19] = [
        ("lead_id", Text),
        ("owner_id", Int),
        ("captured_at", Text),
        ("event", Text),
        ("industry", Text),
        ("segment", Text),
        ("origin_class", Text),
        ("top_500", Int),
        ("intent", Text),
        ("stage", Text),
        ("company_name", Text),
        ("contact_name", Text),
        ("mobile", Text),
        ("intended_wan", Int),
        ("screened_on", Text),
        ("signed_on", Text),
        ("agreed_wan", Int),
        ("search_text", Text),
        ("pipeline", Text),
    ];
    let mut rows = Vec::with_capacity(leads.len());
    for stored in leads {
        let lead = &stored.lead;
        let pipeline = &lead.pipeline;
        let signing = pipeline.signing.as_ref();
        rows.push(vec![
            text(Some(&lead.id.to_string())),
            int(Some(stored.owner_id)),
            text(Some(&domain::time::rfc3339::format(lead.captured_at))),
            text(lead.event.as_deref()),
            text(lead.industry.map(|i| i.code())),
            text(lead.industry_segment.map(|s| s.code())),
            text(lead.origin.as_ref().map(|o| origin_class_code(o.class()))),
            int(Some(i64::from(lead.tier.is_top_500()))),
            text(Some(lead.intent.code())),
            text(Some(pipeline.stage.code())),
            text(Some(&lead.company_name)),
            text(Some(&lead.contact_name)),
            text(lead.mobile.as_deref()),
            int(lead.intended_investment.map(|w| w.0)),
            text(date(pipeline.screened_on).as_deref()),
            text(date(signing.map(|s| s.signed_on)).as_deref()),
            int(signing.map(|s| s.agreed_investment.0)),
            text(Some(&search_text(lead))),
            text(pipeline_json(pipeline)?.as_deref()),
        ]);
    }
    let update = COLUMNS[1..].iter().map(|(c, _)| format!("{c} = excluded.{c}")).collect::<Vec<_>>().join(", ");
    let on_conflict = format!("ON CONFLICT (lead_id) DO UPDATE SET {update}");
    for chunk in rows.chunks(1000) {
        super::bulk::insert(conn, "lead_facts", &COLUMNS, chunk, &on_conflict).await?;
    }
    super::duplicates::index(conn, leads).await
}
