//! What the dashboard and the bulletin read: the facts of every lead that has entered the
//! project pipeline (screened or signed), with its officer and department. Leads still at the
//! `lead` stage count in no report, so at 100,000 leads only the projects are read.

use domain::report::ProjectFacts;
use domain::review::origin_class_from_code;
use domain::{IndustryChain, IndustrySegment, Pipeline, PipelineStage};
use sqlx::{AnyConnection, Row};

/// The facts of every lead in the pipeline. Signed projects are read whole (their pipeline's
/// JSON); leads only screened need no more than their stage and screening date, read from columns.
pub async fn project_facts(conn: &mut AnyConnection) -> Result<Vec<ProjectFacts>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT f.industry, f.segment, f.origin_class, f.top_500, f.stage, f.screened_on, f.signed_on, f.pipeline, u.username, u.department \
         FROM lead_facts f JOIN users u ON u.id = f.owner_id WHERE f.signed_on IS NOT NULL OR f.screened_on IS NOT NULL",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let code = |name: &str| -> Result<Option<String>, sqlx::Error> { r.try_get(name) };
            let pipeline = match (code("signed_on")?, code("pipeline")?) {
                (Some(_), Some(json)) => serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                _ => Pipeline {
                    stage: code("stage")?.as_deref().and_then(PipelineStage::from_code).unwrap_or_default(),
                    screened_on: code("screened_on")?.as_deref().and_then(domain::time::optional_date::parse),
                    ..Pipeline::default()
                },
            };
            Ok(ProjectFacts {
                industry: code("industry")?.as_deref().and_then(IndustryChain::from_code),
                segment: code("segment")?.as_deref().and_then(IndustrySegment::from_code),
                origin: code("origin_class")?.as_deref().and_then(origin_class_from_code),
                top_500: r.try_get::<i64, _>("top_500")? != 0,
                department: r.try_get("department")?,
                officer: r.try_get("username")?,
                pipeline,
            })
        })
        .collect()
}

/// The years that have signings or targets, newest first.
pub async fn years(conn: &mut AnyConnection) -> Result<Vec<i32>, sqlx::Error> {
    let rows = sqlx::query("SELECT DISTINCT SUBSTR(signed_on, 1, 4) AS y FROM lead_facts WHERE signed_on IS NOT NULL UNION SELECT DISTINCT SUBSTR(period, 1, 4) AS y FROM targets")
        .fetch_all(conn)
        .await?;
    let mut years: Vec<i32> = rows.iter().filter_map(|r| r.try_get::<String, _>("y").ok()).filter_map(|y| y.parse().ok()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}
