//! What the dashboard and the bulletin read: the facts of every lead that has entered the
//! project pipeline (screened or signed), with its officer and department. Leads still at the
//! `lead` stage count in no report, so at 100,000 leads only the projects are read.

use domain::report::ProjectFacts;
use domain::review::origin_class_from_code;
use domain::{IndustryChain, IndustrySegment, Pipeline, PipelineStage};
use sqlx::{AnyConnection, Row};

/// The facts of every lead in the pipeline: signed projects one by one (their pipeline's JSON);
/// leads only screened grouped by industry, stage and month of screening, dated the first of that
/// month (only counts of them are reported, by quarter or year), so that a dashboard over 100,000
/// leads reads a few thousand rows.
pub async fn project_facts(conn: &mut AnyConnection) -> Result<Vec<ProjectFacts>, sqlx::Error> {
    let signed = sqlx::query(
        "SELECT f.lead_id, f.industry, f.segment, f.origin_class, f.top_500, f.pipeline, u.username, u.department \
         FROM lead_facts f JOIN users u ON u.id = f.owner_id WHERE f.signed_on IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let screened = sqlx::query(
        "SELECT industry, segment, stage, SUBSTR(screened_on, 1, 7) AS month, COUNT(*) AS n FROM lead_facts \
         WHERE signed_on IS NULL AND screened_on IS NOT NULL GROUP BY industry, segment, stage, SUBSTR(screened_on, 1, 7)",
    )
    .fetch_all(&mut *conn)
    .await?;
    let chain = |r: &sqlx::any::AnyRow| -> Result<(Option<IndustryChain>, Option<IndustrySegment>), sqlx::Error> {
        let industry: Option<String> = r.try_get("industry")?;
        let segment: Option<String> = r.try_get("segment")?;
        Ok((industry.as_deref().and_then(IndustryChain::from_code), segment.as_deref().and_then(IndustrySegment::from_code)))
    };
    let mut facts = Vec::with_capacity(signed.len() + screened.len());
    // A project whose row cannot be read is left out of the figures (and noted), not the dashboard.
    let project = |r: &sqlx::any::AnyRow| -> Result<ProjectFacts, sqlx::Error> {
        let (industry, segment) = chain(r)?;
        let json: Option<String> = r.try_get("pipeline")?;
        let pipeline: Pipeline = match json {
            Some(json) => serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            None => Pipeline::default(),
        };
        let origin: Option<String> = r.try_get("origin_class")?;
        Ok(ProjectFacts {
            industry,
            segment,
            origin: origin.as_deref().and_then(origin_class_from_code),
            top_500: r.try_get::<i64, _>("top_500")? != 0,
            department: r.try_get("department")?,
            officer: r.try_get("username")?,
            pipeline,
            leads: 1,
        })
    };
    let lead_id = |r: &sqlx::any::AnyRow| r.try_get::<String, _>("lead_id").unwrap_or_default();
    facts.extend(super::unreadable::skipping("lead_facts", &signed, lead_id, project));
    for r in &screened {
        let (industry, segment) = chain(r)?;
        let stage: String = r.try_get("stage")?;
        let month: Option<String> = r.try_get("month")?;
        facts.push(ProjectFacts {
            industry,
            segment,
            origin: None,
            top_500: false,
            department: String::new(),
            officer: String::new(),
            pipeline: Pipeline {
                stage: PipelineStage::from_code(&stage).unwrap_or_default(),
                screened_on: month.and_then(|m| domain::time::optional_date::parse(&format!("{m}-01"))),
                ..Pipeline::default()
            },
            leads: r.try_get("n")?,
        });
    }
    Ok(facts)
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
