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

/// Writes the facts and duplicate keys of these leads, replacing any they had. A withdrawn lead
/// has neither: it is listed in `lead_withdrawals` instead (and leaves it when restored).
pub async fn write(conn: &mut AnyConnection, leads: &[&StoredLead]) -> Result<(), sqlx::Error> {
    let (withdrawn, live): (Vec<&StoredLead>, Vec<&StoredLead>) = leads.iter().copied().partition(|s| s.lead.withdrawn.is_some());
    // A lead at its first version was never withdrawn: only later versions can have rows to leave.
    let changed = |leads: &[&StoredLead]| leads.iter().filter(|s| s.version > 1).map(|s| s.lead.id.to_string()).collect::<Vec<_>>();
    delete_where_in(conn, "lead_facts", &changed(&withdrawn)).await?;
    delete_where_in(conn, "lead_withdrawals", &changed(&live)).await?;
    write_withdrawals(conn, &withdrawn).await?;
    write_facts(conn, &live).await?;
    super::duplicates::index(conn, leads).await
}

async fn delete_where_in(conn: &mut AnyConnection, table: &str, ids: &[String]) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(500) {
        let sql = format!("DELETE FROM {table} WHERE lead_id IN ({})", super::placeholders(1, chunk.len()));
        chunk.iter().fold(sqlx::query(&sql), |q, id| q.bind(id.clone())).execute(&mut *conn).await?;
    }
    Ok(())
}

async fn write_withdrawals(conn: &mut AnyConnection, leads: &[&StoredLead]) -> Result<(), sqlx::Error> {
    use super::bulk::{int, text, Kind::Int, Kind::Text};
    const COLUMNS: [(&str, super::bulk::Kind); 7] = [
        ("lead_id", Text),
        ("owner_id", Int),
        ("withdrawn_at", Text),
        ("withdrawn_by", Text),
        ("reason", Text),
        ("company_name", Text),
        ("contact_name", Text),
    ];
    let rows: Vec<Vec<serde_json::Value>> = leads
        .iter()
        .filter_map(|stored| {
            let lead = &stored.lead;
            let w = lead.withdrawn.as_ref()?;
            Some(vec![
                text(Some(&lead.id.to_string())),
                int(Some(stored.owner_id)),
                text(Some(&domain::time::rfc3339::format(w.at))),
                text(Some(&w.by)),
                text(w.reason.as_deref()),
                text(Some(&lead.company_name)),
                text(Some(&lead.contact_name)),
            ])
        })
        .collect();
    let update = COLUMNS[1..].iter().map(|(c, _)| format!("{c} = excluded.{c}")).collect::<Vec<_>>().join(", ");
    let on_conflict = format!("ON CONFLICT (lead_id) DO UPDATE SET {update}");
    for chunk in rows.chunks(1000) {
        super::bulk::insert(conn, "lead_withdrawals", &COLUMNS, chunk, &on_conflict).await?;
    }
    Ok(())
}

async fn write_facts(conn: &mut AnyConnection, leads: &[&StoredLead]) -> Result<(), sqlx::Error> {
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
    Ok(())
}

/// A withdrawn lead, as the workspace lists it.
#[derive(Clone, Debug)]
pub struct WithdrawnRow {
    pub lead_id: String,
    pub company_name: String,
    pub contact_name: String,
    /// The officer's user name.
    pub officer: String,
    /// RFC 3339.
    pub withdrawn_at: String,
    pub withdrawn_by: String,
    pub reason: Option<String>,
}

/// The withdrawn leads, the latest withdrawal first, at most `limit`.
pub async fn withdrawn(conn: &mut AnyConnection, limit: i64) -> Result<Vec<WithdrawnRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT w.lead_id, w.company_name, w.contact_name, COALESCE(NULLIF(u.display_name, ''), u.username) AS username, w.withdrawn_at, w.withdrawn_by, w.reason          FROM lead_withdrawals w JOIN users u ON u.id = w.owner_id ORDER BY w.withdrawn_at DESC, w.lead_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(WithdrawnRow {
                lead_id: r.try_get("lead_id")?,
                company_name: r.try_get("company_name")?,
                contact_name: r.try_get("contact_name")?,
                officer: r.try_get("username")?,
                withdrawn_at: r.try_get("withdrawn_at")?,
                withdrawn_by: r.try_get("withdrawn_by")?,
                reason: r.try_get("reason")?,
            })
        })
        .collect()
}
