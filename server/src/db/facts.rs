//! `lead_facts`: the narrow row per lead that the manager workspace filters, sorts, searches and
//! reports on, and the lead's duplicate keys. Written with the lead in the same transaction;
//! derived from the lead alone, so it can always be rebuilt (`backfill`).

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
    if *pipeline == domain::Pipeline::default() {
        return Ok(None);
    }
    serde_json::to_string(pipeline).map(Some).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Writes the facts of these leads, replacing any row they had.
pub async fn upsert_many(conn: &mut AnyConnection, leads: &[&StoredLead]) -> Result<(), sqlx::Error> {
    const COLUMNS: usize = 19;
    for chunk in leads.chunks(200) {
        let sql = format!(
            "INSERT INTO lead_facts (lead_id, owner_id, captured_at, event, industry, segment, origin_class, top_500, intent, stage, \
             company_name, contact_name, mobile, search_text, intended_wan, screened_on, signed_on, agreed_wan, pipeline) VALUES {} \
             ON CONFLICT (lead_id) DO UPDATE SET owner_id = excluded.owner_id, captured_at = excluded.captured_at, event = excluded.event, \
             industry = excluded.industry, segment = excluded.segment, origin_class = excluded.origin_class, top_500 = excluded.top_500, \
             intent = excluded.intent, stage = excluded.stage, company_name = excluded.company_name, contact_name = excluded.contact_name, \
             mobile = excluded.mobile, search_text = excluded.search_text, intended_wan = excluded.intended_wan, \
             screened_on = excluded.screened_on, signed_on = excluded.signed_on, agreed_wan = excluded.agreed_wan, pipeline = excluded.pipeline",
            super::value_rows(chunk.len(), COLUMNS)
        );
        let mut query = sqlx::query(&sql);
        for stored in chunk {
            let lead = &stored.lead;
            let pipeline = &lead.pipeline;
            let signing = pipeline.signing.as_ref();
            query = query
                .bind(lead.id.to_string())
                .bind(stored.owner_id)
                .bind(domain::time::rfc3339::format(lead.captured_at))
                .bind(lead.event.clone())
                .bind(lead.industry.map(|i| i.code()))
                .bind(lead.industry_segment.map(|s| s.code()))
                .bind(lead.origin.as_ref().map(|o| origin_class_code(o.class())))
                .bind(i64::from(lead.tier.is_top_500()))
                .bind(lead.intent.code())
                .bind(pipeline.stage.code())
                .bind(lead.company_name.clone())
                .bind(lead.contact_name.clone())
                .bind(lead.mobile.clone())
                .bind(search_text(lead))
                .bind(lead.intended_investment.map(|w| w.0))
                .bind(date(pipeline.screened_on))
                .bind(date(signing.map(|s| s.signed_on)))
                .bind(signing.map(|s| s.agreed_investment.0))
                .bind(pipeline_json(pipeline)?);
        }
        query.execute(&mut *conn).await?;
    }
    super::duplicates::index(conn, leads).await
}

/// Fills in the facts of leads that have none (leads stored before the table existed). Returns
/// how many were written.
pub async fn backfill(conn: &mut AnyConnection) -> Result<usize, sqlx::Error> {
    let mut written = 0;
    loop {
        let rows = sqlx::query(
            "SELECT l.id FROM leads l LEFT JOIN lead_facts f ON f.lead_id = l.id WHERE f.lead_id IS NULL LIMIT 500",
        )
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(written);
        }
        let ids = rows.iter().map(|r| r.try_get::<String, _>("id")).collect::<Result<Vec<_>, _>>()?;
        let stored = super::leads::find_many(conn, &ids).await?;
        let stored: Vec<&StoredLead> = stored.values().collect();
        upsert_many(conn, &stored).await?;
        written += stored.len();
    }
}
