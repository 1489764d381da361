//! Exports of the manager workspace, always with Chinese headers (they go into official
//! bulletins): the filtered lead list as CSV and as .xlsx, and the monthly bulletin (.xlsx) holding
//! the dashboard's tables.

use app::i18n::{Key, Lang};
use app::manage::dashboard::{actual_text, period_name, progress_text, target_name};
use app::manage::{beijing, yi};
use domain::report::Dashboard;
use domain::review::{origin_class_code, ReviewRow};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

const LANG: Lang = Lang::Zh;

const LEAD_HEADERS: [Key; 15] = [
    Key::ExportHeaderId,
    Key::ManageColCompany,
    Key::ManageColContact,
    Key::ManageColPhone,
    Key::ManageColEvent,
    Key::ManageColIndustry,
    Key::ManageColOrigin,
    Key::ManageFilterTop500,
    Key::FieldIntent,
    Key::ManageColStage,
    Key::ManageColIntended,
    Key::ManageColAgreed,
    Key::ManageColOfficer,
    Key::ManageColDepartment,
    Key::ManageColCaptured,
];

/// A lead's cells, in the order of `LEAD_HEADERS`; amounts stay numbers.
enum Cell {
    Text(String),
    Number(Option<i64>),
}

fn lead_cells(row: &ReviewRow) -> Vec<Cell> {
    use Cell::{Number, Text};
    vec![
        Text(row.id.clone()),
        Text(row.company_name.clone()),
        Text(row.contact_name.clone()),
        Text(row.mobile.clone().unwrap_or_default()),
        Text(row.event.clone().unwrap_or_default()),
        Text(row.industry.map(|i| LANG.text_of("industry", i.code())).unwrap_or_default()),
        Text(row.origin.map(|o| LANG.text_of("origin_class", origin_class_code(o))).unwrap_or_default()),
        Text(if row.top_500 { "是".into() } else { String::new() }),
        Text(LANG.text_of("intent", row.intent.code())),
        Text(LANG.text_of("stage", row.stage.code())),
        Number(row.intended_wan),
        Number(row.agreed_wan),
        Text(row.officer.clone()),
        Text(row.department.clone()),
        Text(beijing(&row.captured_at)),
    ]
}

/// The leads as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese).
pub fn leads_csv(rows: &[ReviewRow]) -> String {
    let mut out = String::from(domain::csv::UTF8_BOM);
    out.push_str(&domain::csv::line(LEAD_HEADERS.iter().map(|k| LANG.text(*k))));
    for row in rows {
        let cells = lead_cells(row).into_iter().map(|c| match c {
            Cell::Text(text) => text,
            Cell::Number(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        });
        out.push_str(&domain::csv::line(cells));
    }
    out
}

fn header_row(sheet: &mut Worksheet, row: u32, headers: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *header, bold)?;
        sheet.set_column_width(col as u16, 16)?;
    }
    Ok(())
}

/// The leads as an .xlsx workbook of one sheet.
pub fn leads_xlsx(rows: &[ReviewRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(LANG.text(Key::ManageNavLeads))?;
    let headers: Vec<&str> = LEAD_HEADERS.iter().map(|k| LANG.text(*k)).collect();
    header_row(sheet, 0, &headers, &bold)?;
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in lead_cells(row).into_iter().enumerate() {
            match cell {
                Cell::Text(text) => {
                    sheet.write_string(r, col as u16, text)?;
                }
                Cell::Number(Some(n)) => {
                    sheet.write_number(r, col as u16, n as f64)?;
                }
                Cell::Number(None) => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

/// The monthly bulletin (月通报): the dashboard's tables, one sheet each.
pub fn bulletin_xlsx(dash: &Dashboard) -> Result<Vec<u8>, XlsxError> {
    let t = |key| LANG.text(key);
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Key::ManageDashTitle))?;
    sheet.write_string_with_format(0, 0, period_name(LANG, dash.period), &bold)?;
    header_row(
        sheet,
        1,
        &[t(Key::ManageDashMetric), t(Key::ManageDashTarget), t(Key::ManageDashActual), t(Key::ManageDashProgress)],
        &bold,
    )?;
    sheet.set_column_width(0, 40)?;
    for (i, row) in dash.rows.iter().enumerate() {
        let r = i as u32 + 2;
        sheet.write_string(r, 0, target_name(LANG, row))?;
        sheet.write_string(r, 1, app::manage::dashboard::amount(LANG, row.target.metric.unit(), row.target.value))?;
        sheet.write_string(r, 2, actual_text(LANG, row))?;
        sheet.write_string(r, 3, progress_text(row.progress))?;
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Key::ManageSheetRates))?;
    header_row(sheet, 0, &["", t(Key::ManageDashCohort), t(Key::RatePerformance), t(Key::RateStart), t(Key::RateFunds)], &bold)?;
    for (i, rate) in dash.rates.iter().enumerate() {
        let r = i as u32 + 1;
        let scope = rate.supervision.map_or_else(|| t(Key::ManageDashScopeAll).to_owned(), |s| LANG.text_of("supervision", s.code()));
        sheet.write_string(r, 0, scope)?;
        sheet.write_number(r, 1, rate.cohort as f64)?;
        sheet.write_string(r, 2, rate.performance.display())?;
        sheet.write_string(r, 3, rate.start.display())?;
        sheet.write_string(r, 4, rate.funds.display())?;
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Key::ManageDashIndustries))?;
    header_row(
        sheet,
        0,
        &[t(Key::ManageColIndustry), t(Key::ManageDashSigned), t(Key::ManageDashAgreed), t(Key::ManageDashActualInv)],
        &bold,
    )?;
    for (i, row) in dash.industries.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, row.chain.map(|c| LANG.text_of("industry", c.code())).unwrap_or_else(|| "—".into()))?;
        sheet.write_number(r, 1, row.signed as f64)?;
        sheet.write_string(r, 2, yi(row.agreed))?;
        sheet.write_string(r, 3, yi(row.actual))?;
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
            &bold,
        )?;
        for (i, row) in ranking.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_number(r, 0, (i + 1) as f64)?;
            sheet.write_string(r, 1, &row.name)?;
            sheet.write_number(r, 2, row.signed as f64)?;
            sheet.write_string(r, 3, yi(row.agreed))?;
            sheet.write_string(r, 4, yi(row.actual))?;
        }
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(Key::ManageSheetMonths))?;
    header_row(
        sheet,
        0,
        &[t(Key::ManageDashPeriod), t(Key::ManageDashSignings), t(Key::ManageDashLandings), t(Key::ManageDashStarts)],
        &bold,
    )?;
    for (i, month) in dash.months.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, format!("{}-{:02}", month.year, month.month))?;
        sheet.write_number(r, 1, month.signings as f64)?;
        sheet.write_number(r, 2, month.landings as f64)?;
        sheet.write_number(r, 3, month.starts as f64)?;
    }
    workbook.save_to_buffer()
}
