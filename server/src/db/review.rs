//! The managers' lead table: filtered, searched, sorted and paged over `lead_facts` (narrow rows,
//! indexed by capture time and by each common filter), never over the leads' JSON.

use chrono::{Duration, NaiveDate};
use domain::review::{origin_class_code, origin_class_from_code, ParsedFilter, ReviewPage, ReviewRow, Sort, PAGE_SIZE};
use domain::{IndustryChain, Intent, PipelineStage};
use sqlx::any::AnyArguments;
use sqlx::{AnyConnection, Arguments, Row};

/// The start of a Beijing-time day as the stored UTC text.
fn beijing_day_start(day: NaiveDate) -> String {
    let utc = day.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(8);
    domain::time::rfc3339::format(utc.and_utc())
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_contains(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A `WHERE` clause and its arguments, numbered `$1…` in the order added.
struct Where {
    clauses: Vec<String>,
    args: AnyArguments<'static>,
    count: usize,
}

impl Where {
    fn new() -> Self {
        Where { clauses: Vec::new(), args: AnyArguments::default(), count: 0 }
    }

    /// Adds `clause`, in which `?` stands for the next argument.
    fn add<T>(&mut self, clause: &str, value: T)
    where
        T: 'static + Send + sqlx::Encode<'static, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        self.count += 1;
        self.clauses.push(clause.replace('?', &format!("${}", self.count)));
        // Encoding a string or an integer into the Any driver's buffer cannot fail.
        let _ = self.args.add(value);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

fn filter_clauses(filter: &ParsedFilter) -> Where {
    let mut w = Where::new();
    if let Some(q) = &filter.q {
        w.add("f.search_text LIKE ? ESCAPE '\\'", like_contains(q));
    }
    if let Some(event) = &filter.event {
        w.add("f.event = ?", event.clone());
    }
    if let Some(industry) = filter.industry {
        w.add("f.industry = ?", industry.code());
    }
    if let Some(officer) = &filter.officer {
        w.add("u.username = ?", officer.clone());
    }
    if let Some(department) = &filter.department {
        w.add("u.department = ?", department.clone());
    }
    if let Some(origin) = filter.origin {
        w.add("f.origin_class = ?", origin_class_code(origin));
    }
    if filter.top_500 {
        w.add("f.top_500 = ?", 1_i64);
    }
    if let Some(intent) = filter.intent {
        w.add("f.intent = ?", intent.code());
    }
    if let Some(stage) = filter.stage {
        w.add("f.stage = ?", stage.code());
    }
    if let Some(from) = filter.from {
        w.add("f.captured_at >= ?", beijing_day_start(from));
    }
    if let Some(to) = filter.to {
        w.add("f.captured_at < ?", beijing_day_start(to + Duration::days(1)));
    }
    w
}

const FROM: &str = "FROM lead_facts f JOIN users u ON u.id = f.owner_id";

fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::Newest => "f.captured_at DESC, f.lead_id",
        Sort::Oldest => "f.captured_at, f.lead_id",
        Sort::Company => "f.company_name, f.lead_id",
        Sort::Investment => "COALESCE(f.intended_wan, -1) DESC, f.captured_at DESC, f.lead_id",
    }
}

fn row(r: &sqlx::any::AnyRow) -> Result<ReviewRow, sqlx::Error> {
    let code = |name: &str| -> Result<Option<String>, sqlx::Error> { r.try_get(name) };
    Ok(ReviewRow {
        id: r.try_get("lead_id")?,
        company_name: r.try_get("company_name")?,
        contact_name: r.try_get("contact_name")?,
        mobile: r.try_get("mobile")?,
        event: r.try_get("event")?,
        industry: code("industry")?.as_deref().and_then(IndustryChain::from_code),
        origin: code("origin_class")?.as_deref().and_then(origin_class_from_code),
        top_500: r.try_get::<i64, _>("top_500")? != 0,
        intent: Intent::from_code(&r.try_get::<String, _>("intent")?).unwrap_or_default(),
        stage: PipelineStage::from_code(&r.try_get::<String, _>("stage")?).unwrap_or_default(),
        intended_wan: r.try_get("intended_wan")?,
        agreed_wan: r.try_get("agreed_wan")?,
        officer: r.try_get("username")?,
        department: r.try_get("department")?,
        captured_at: r.try_get("captured_at")?,
    })
}

/// The page of leads `filter` asks for, and how many match in all.
pub async fn page(conn: &mut AnyConnection, filter: &ParsedFilter) -> Result<ReviewPage, sqlx::Error> {
    // A search scans every entry of the search index once: count in the same scan.
    let counted_with_page = filter.q.is_some();
    let (ids, counted) = page_ids(conn, filter, counted_with_page).await?;
    let total = match counted {
        Some(total) if !ids.is_empty() || filter.page == 0 => total,
        _ => count(conn, filter).await?,
    };
    Ok(ReviewPage { rows: rows_by_id(conn, &ids).await?, total })
}

/// The users are joined only when a filter is on them: the facts alone answer the rest (every
/// lead has an owner), often from an index without reading a row.
fn from_for(filter: &ParsedFilter) -> &'static str {
    if filter.officer.is_some() || filter.department.is_some() {
        FROM
    } else {
        "FROM lead_facts f"
    }
}

async fn count(conn: &mut AnyConnection, filter: &ParsedFilter) -> Result<i64, sqlx::Error> {
    let w = filter_clauses(filter);
    let sql = format!("SELECT COUNT(*) AS n {}{}", from_for(filter), w.sql());
    sqlx::query_with(&sql, w.args).fetch_one(conn).await?.try_get("n")
}

/// The ids of one page, found with the filters and the order alone; with `counted`, also the
/// number of matches (`COUNT(*) OVER ()`, from the same scan).
async fn page_ids(conn: &mut AnyConnection, filter: &ParsedFilter, counted: bool) -> Result<(Vec<String>, Option<i64>), sqlx::Error> {
    let mut w = filter_clauses(filter);
    let sql = if counted {
        // The matches first (a scan of the search text, materialised so that PostgreSQL does not
        // walk the whole table in time order instead), then their count and order.
        format!(
            "WITH m AS MATERIALIZED (SELECT f.lead_id, f.captured_at{} {}{}) \
             SELECT f.lead_id, COUNT(*) OVER () AS total FROM m f ORDER BY {} LIMIT ${} OFFSET ${}",
            // Only what the order needs: by time, the search index alone answers.
            match filter.sort {
                Sort::Company => ", f.company_name",
                Sort::Investment => ", f.intended_wan",
                Sort::Newest | Sort::Oldest => "",
            },
            from_for(filter),
            w.sql(),
            order_by(filter.sort),
            w.count + 1,
            w.count + 2
        )
    } else {
        format!(
            "SELECT f.lead_id {}{} ORDER BY {} LIMIT ${} OFFSET ${}",
            from_for(filter),
            w.sql(),
            order_by(filter.sort),
            w.count + 1,
            w.count + 2
        )
    };
    let _ = w.args.add(PAGE_SIZE);
    let _ = w.args.add(filter.page * PAGE_SIZE);
    let found = sqlx::query_with(&sql, w.args).fetch_all(&mut *conn).await?;
    let ids = found.iter().map(|r| r.try_get::<String, _>("lead_id")).collect::<Result<Vec<_>, _>>()?;
    let total = if counted { Some(found.first().map(|r| r.try_get::<i64, _>("total")).transpose()?.unwrap_or(0)) } else { None };
    Ok((ids, total))
}

/// The rows of these leads, in the order of `ids`.
async fn rows_by_id(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<ReviewRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE f.lead_id IN ({})", super::placeholders(1, ids.len()));
    let found = ids.iter().fold(sqlx::query(&sql), |q, id| q.bind(id.clone())).fetch_all(conn).await?;
    let mut rows: std::collections::HashMap<String, ReviewRow> =
        found.iter().map(row).map(|r| r.map(|r| (r.id.clone(), r))).collect::<Result<_, _>>()?;
    Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
}

const COLUMNS: &str = "f.lead_id, f.company_name, f.contact_name, f.mobile, f.event, f.industry, f.origin_class, f.top_500, f.intent, \
     f.stage, f.intended_wan, f.agreed_wan, f.captured_at, COALESCE(NULLIF(u.display_name, ''), u.username) AS username, u.department";

/// Every lead `filter` matches, in its order (the exports).
pub async fn rows(conn: &mut AnyConnection, filter: &ParsedFilter) -> Result<Vec<ReviewRow>, sqlx::Error> {
    let w = filter_clauses(filter);
    let sql = format!("SELECT {COLUMNS} {FROM}{} ORDER BY {}", w.sql(), order_by(filter.sort));
    let found = sqlx::query_with(&sql, w.args).fetch_all(conn).await?;
    found.iter().map(row).collect()
}

/// The choices of the filter form: events, officers and departments that occur.
#[derive(Clone, Debug, Default)]
pub struct FilterChoices {
    pub events: Vec<String>,
    pub officers: Vec<String>,
    pub departments: Vec<String>,
}

pub async fn choices(conn: &mut AnyConnection) -> Result<FilterChoices, sqlx::Error> {
    let strings = |rows: Vec<sqlx::any::AnyRow>| rows.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<Vec<_>, _>>();
    let events = super::facts::events(conn, 500).await?;
    let officers =
        strings(sqlx::query("SELECT username FROM users WHERE role = 'officer' ORDER BY username").fetch_all(&mut *conn).await?)?;
    let departments = strings(sqlx::query("SELECT DISTINCT department FROM users ORDER BY department").fetch_all(&mut *conn).await?)?;
    Ok(FilterChoices { events, officers, departments })
}
