//! Exports of the manager workspace, always with Chinese headers (they go into official
//! bulletins): the filtered lead list as CSV and as .xlsx, the overdue list as CSV, and the monthly
//! bulletin (.xlsx) holding the dashboard's tables.

use app::i18n::{fill, Key, Lang};
use app::lead_columns::{self, Column, Value, COLUMNS};
use app::manage::dashboard::{period_name, target_name};
use app::manage::followup::OverdueItem;
use chrono::{Datelike, NaiveDate, Timelike};
use domain::report::{Actual, Dashboard, Ratio, Unit};
use domain::review::ReviewRow;
use domain::{Lead, Wan};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

const LANG: Lang = Lang::Zh;

/// A lead of the list: its row of the workspace's index (stage, officer, department) and the lead
/// itself, `None` when its row cannot be read (the index's columns then stand in for it).
pub struct ExportLead {
    pub row: ReviewRow,
    pub lead: Option<Lead>,
}

/// The index's rows with their leads, read a few hundred at a time.
pub async fn with_leads(conn: &mut sqlx::AnyConnection, rows: Vec<ReviewRow>) -> Result<Vec<ExportLead>, sqlx::Error> {
    const CHUNK: usize = 500;
    let mut out = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<ReviewRow> = rows.by_ref().take(CHUNK).collect();
        let ids: Vec<String> = chunk.iter().map(|r| r.id.clone()).collect();
        let found = crate::db::leads::find_many(conn, &ids).await?;
        let mut leads: std::collections::HashMap<String, Lead> =
            found.leads.into_values().map(|stored| (stored.lead.id.to_string(), stored.lead)).collect();
        out.extend(chunk.into_iter().map(|row| {
            let lead = leads.remove(&row.id);
            ExportLead { row, lead }
        }));
    }
    Ok(out)
}

/// The workspace's columns after the lead's own (`lead_columns::COLUMNS`).
const WORKSPACE_HEADERS: [Key; 6] = [
    Key::ManageColStage,
    Key::ManageStageSignedOn,
    Key::ManageColAgreed,
    Key::ManageStageActual,
    Key::ManageColOfficer,
    Key::ManageColDepartment,
];

fn lead_headers() -> Vec<String> {
    let mut headers = lead_columns::headers(LANG);
    headers.extend(WORKSPACE_HEADERS.iter().map(|k| LANG.text(*k).to_owned()));
    headers
}

/// A lead's cells, in the order of [`lead_headers`].
fn lead_cells(item: &ExportLead) -> Vec<Value> {
    let row = &item.row;
    let mut cells = match &item.lead {
        Some(lead) => lead_columns::values(lead, LANG),
        None => COLUMNS.iter().map(|c| index_value(*c, row)).collect(),
    };
    let pipeline = item.lead.as_ref().map(|l| &l.pipeline);
    cells.extend([
        Value::Text(LANG.text_of("stage", row.stage.code())),
        Value::Date(pipeline.and_then(|p| p.signing.as_ref()).map(|s| s.signed_on)),
        Value::Wan(row.agreed_wan),
        Value::Wan(pipeline.filter(|p| !p.funds.is_empty()).map(|p| p.actual_to_date().0)),
        Value::Text(row.officer.clone()),
        Value::Text(row.department.clone()),
    ]);
    cells
}

/// What the workspace's index holds of a column, for a lead whose own row cannot be read.
fn index_value(column: Column, row: &ReviewRow) -> Value {
    let text = |s: &Option<String>| Value::Text(s.clone().unwrap_or_default());
    match column {
        Column::Id => Value::Text(row.id.clone()),
        Column::Company => Value::Text(row.company_name.clone()),
        Column::Contact => Value::Text(row.contact_name.clone()),
        Column::Mobile => text(&row.mobile),
        Column::Event => text(&row.event),
        Column::Industry => Value::Text(row.industry.map(|i| LANG.text_of("industry", i.code())).unwrap_or_default()),
        Column::IntendedWan => Value::Wan(row.intended_wan),
        Column::Intent => Value::Text(LANG.text_of("intent", row.intent.code())),
        Column::CapturedAt => Value::Instant(domain::time::rfc3339::parse(&row.captured_at)),
        Column::CapturedBy => Value::Text(row.officer.clone()),
        _ => Value::Text(String::new()),
    }
}

/// The leads as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese).
pub fn leads_csv(leads: &[ExportLead]) -> String {
    let mut out = String::from(domain::csv::UTF8_BOM);
    out.push_str(&domain::csv::line(lead_headers()));
    for item in leads {
        out.push_str(&domain::csv::line(lead_cells(item).iter().map(Value::text)));
    }
    out
}

fn header_row<S: AsRef<str>>(sheet: &mut Worksheet, row: u32, headers: &[S], bold: &Format) -> Result<(), XlsxError> {
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, header.as_ref(), bold)?;
        sheet.set_column_width(col as u16, 16)?;
    }
    Ok(())
}

/// The number formats of the workbooks: amounts in 万元 grouped, amounts in 亿元 with two
/// decimals, dates, Beijing times, shares.
struct Formats {
    bold: Format,
    wan: Format,
    yi: Format,
    count: Format,
    usd: Format,
    date: Format,
    instant: Format,
    percent: Format,
    whole_percent: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            bold: Format::new().set_bold(),
            wan: Format::new().set_num_format("#,##0"),
            yi: Format::new().set_num_format("#,##0.00 \"亿元\""),
            count: Format::new().set_num_format("#,##0"),
            usd: Format::new().set_num_format("#,##0 \"美元\""),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            instant: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            percent: Format::new().set_num_format("0.0%"),
            whole_percent: Format::new().set_num_format("0%"),
        }
    }
}

fn excel_date(day: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)
}

fn write_value(sheet: &mut Worksheet, row: u32, col: u16, value: Value, formats: &Formats) -> Result<(), XlsxError> {
    match value {
        Value::Text(text) if text.is_empty() => {}
        Value::Text(text) => {
            sheet.write_string(row, col, text)?;
        }
        Value::Wan(Some(wan)) => {
            sheet.write_number_with_format(row, col, wan as f64, &formats.wan)?;
        }
        Value::Date(Some(day)) => {
            sheet.write_datetime_with_format(row, col, excel_date(day)?, &formats.date)?;
        }
        Value::Instant(Some(at)) => {
            let local = at.with_timezone(&domain::time::shanghai());
            let at = excel_date(local.date_naive())?.and_hms(local.hour() as u16, local.minute() as u8, local.second() as f64)?;
            sheet.write_datetime_with_format(row, col, at, &formats.instant)?;
        }
        Value::Wan(None) | Value::Date(None) | Value::Instant(None) => {}
    }
    Ok(())
}

/// The leads as an .xlsx workbook of one sheet: amounts are numbers, dates are dates.
pub fn leads_xlsx(leads: &[ExportLead]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(LANG.text(Key::ManageNavLeads))?;
    header_row(sheet, 0, &lead_headers(), &formats.bold)?;
    for (i, item) in leads.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in lead_cells(item).into_iter().enumerate() {
            write_value(sheet, r, col as u16, cell, &formats)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

/// The overdue leads as CSV: what was missed by how many days, the amount as a number.
pub fn overdue_csv(items: &[OverdueItem]) -> String {
    let t = |key| LANG.text(key);
    let headers = [
        t(Key::ExportHeaderId),
        t(Key::ManageColCompany),
        t(Key::ManageOverdueMissed),
        t(Key::ManageColIntended),
        t(Key::ManageColOfficer),
        t(Key::ManageColDepartment),
        t(Key::ManageFollowupAssignee),
        t(Key::ManageColCaptured),
    ];
    let mut out = String::from(domain::csv::UTF8_BOM);
    out.push_str(&domain::csv::line(headers));
    for item in items {
        let missed: Vec<String> = item
            .missed
            .iter()
            .map(|(deadline, days)| {
                format!(
                    "{} · {}",
                    LANG.text_of("deadline", deadline.code()),
                    fill(t(Key::ManageOverdueLate), &[("days", &days.to_string())])
                )
            })
            .collect();
        out.push_str(&domain::csv::line([
            item.lead_id.clone(),
            item.company_name.clone(),
            missed.join("；"),
            item.intended_wan.map(|w| w.to_string()).unwrap_or_default(),
            item.officer.clone(),
            item.department.clone(),
            item.assignee.clone().unwrap_or_default(),
            domain::time::rfc3339::parse(&item.captured_at).map(domain::time::format_shanghai).unwrap_or_else(|| item.captured_at.clone()),
        ]));
    }
    out
}

/// A figure in a metric's unit, as a number with its format: money in 亿元, shares as shares.
fn write_amount(sheet: &mut Worksheet, row: u32, col: u16, unit: Unit, value: i64, formats: &Formats) -> Result<(), XlsxError> {
    let (number, format) = match unit {
        Unit::Count => (value as f64, &formats.count),
        Unit::Wan => (value as f64 / 10_000.0, &formats.yi),
        Unit::Usd => (value as f64, &formats.usd),
        Unit::Percent => (value as f64 / 100.0, &formats.whole_percent),
    };
    sheet.write_number_with_format(row, col, number, format)?;
    Ok(())
}

/// A share as a number formatted as a percentage, or "—" when there is nothing to measure.
fn write_ratio(sheet: &mut Worksheet, row: u32, col: u16, ratio: Ratio, formats: &Formats) -> Result<(), XlsxError> {
    match ratio.percent() {
        Some(percent) => sheet.write_number_with_format(row, col, percent / 100.0, &formats.percent)?,
        None => sheet.write_string(row, col, "—")?,
    };
    Ok(())
}

fn write_yi(sheet: &mut Worksheet, row: u32, col: u16, wan: Wan, formats: &Formats) -> Result<(), XlsxError> {
    write_amount(sheet, row, col, Unit::Wan, wan.0, formats)
}

/// The monthly bulletin (月通报): the dashboard's tables, one sheet each, every figure a number
/// (money in 亿元, shares as percentages) that a spreadsheet can add up.
pub fn bulletin_xlsx(dash: &Dashboard) -> Result<Vec<u8>, XlsxError> {
    let t = |key| LANG.text(key);
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    let bold = &formats.bold;

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Key::ManageDashTitle))?;
    sheet.write_string_with_format(0, 0, period_name(LANG, dash.period), bold)?;
    header_row(
        sheet,
        1,
        &[t(Key::ManageDashMetric), t(Key::ManageDashTarget), t(Key::ManageDashActual), t(Key::ManageDashProgress)],
        bold,
    )?;
    sheet.set_column_width(0, 40)?;
    for (i, row) in dash.rows.iter().enumerate() {
        let r = i as u32 + 2;
        let unit = row.target.metric.unit();
        sheet.write_string(r, 0, target_name(LANG, row))?;
        write_amount(sheet, r, 1, unit, row.target.value, &formats)?;
        match row.actual {
            Actual::Amount(value) => write_amount(sheet, r, 2, unit, value, &formats)?,
            Actual::Rate(ratio) => write_ratio(sheet, r, 2, ratio, &formats)?,
        }
        match row.progress {
            Some(progress) => sheet.write_number_with_format(r, 3, progress, &formats.whole_percent)?,
            None => sheet.write_string(r, 3, "—")?,
        };
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Key::ManageSheetRates))?;
    header_row(sheet, 0, &["", t(Key::ManageDashCohort), t(Key::RatePerformance), t(Key::RateStart), t(Key::RateFunds)], bold)?;
    for (i, rate) in dash.rates.iter().enumerate() {
        let r = i as u32 + 1;
        let scope = rate.supervision.map_or_else(|| t(Key::ManageDashScopeAll).to_owned(), |s| LANG.text_of("supervision", s.code()));
        sheet.write_string(r, 0, scope)?;
        sheet.write_number_with_format(r, 1, rate.cohort as f64, &formats.count)?;
        write_ratio(sheet, r, 2, rate.performance, &formats)?;
        write_ratio(sheet, r, 3, rate.start, &formats)?;
        write_ratio(sheet, r, 4, rate.funds, &formats)?;
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Key::ManageDashIndustries))?;
    header_row(
        sheet,
        0,
        &[t(Key::ManageColIndustry), t(Key::ManageDashSigned), t(Key::ManageDashAgreed), t(Key::ManageDashActualInv)],
        bold,
    )?;
    for (i, row) in dash.industries.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, row.chain.map(|c| LANG.text_of("industry", c.code())).unwrap_or_else(|| "—".into()))?;
        sheet.write_number_with_format(r, 1, row.signed as f64, &formats.count)?;
        write_yi(sheet, r, 2, row.agreed, &formats)?;
        write_yi(sheet, r, 3, row.actual, &formats)?;
    }

    for (key, ranking) in [(Key::ManageDashDepartments, &dash.departments), (Key::ManageDashOfficers, &dash.officers)] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(t(key))?;
        header_row(
            sheet,
            0,
            &[
                t(Key::ManageDashRank),
                t(Key::ManageDashName),
                t(Key::ManageDashSigned),
                t(Key::ManageDashAgreed),
                t(Key::ManageDashActualInv),
            ],
            bold,
        )?;
        for (i, row) in ranking.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_number(r, 0, (i + 1) as f64)?;
            sheet.write_string(r, 1, &row.name)?;
            sheet.write_number_with_format(r, 2, row.signed as f64, &formats.count)?;
            write_yi(sheet, r, 3, row.agreed, &formats)?;
            write_yi(sheet, r, 4, row.actual, &formats)?;
        }
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Key::ManageSheetMonths))?;
    header_row(
        sheet,
        0,
        &[t(Key::ManageDashPeriod), t(Key::ManageDashSignings), t(Key::ManageDashLandings), t(Key::ManageDashStarts)],
        bold,
    )?;
    for (i, month) in dash.months.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, format!("{}-{:02}", month.year, month.month))?;
        sheet.write_number_with_format(r, 1, month.signings as f64, &formats.count)?;
        sheet.write_number_with_format(r, 2, month.landings as f64, &formats.count)?;
        sheet.write_number_with_format(r, 3, month.starts as f64, &formats.count)?;
    }
    workbook.save_to_buffer()
}
