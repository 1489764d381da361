//! Reporting against the plan's targets: what the managers' monthly bulletin, quarterly assessment
//! and annual evaluation read. Targets are data an administrator enters for a period ([`Target`]);
//! this module works out the actual figure for each from the pipelines of the leads
//! ([`ProjectFacts`]) and gathers the breakdowns of the dashboard ([`dashboard`]).
//!
//! Pure functions over plain values: the server loads the facts and the targets, the UI shows the
//! result. Money stays in whole 万元 and rates stay as two integers ([`Ratio`]); floating point
//! appears only in the percentages and progress handed to the UI, never in a stored value.
//!
//! Rules every figure follows:
//! - a dropped project counts nowhere, whatever it recorded before it was dropped;
//! - a project is signed in a period when its signing date is in the period;
//! - only what had happened by the `as_of` day counts (the last day counted is the earlier of the
//!   period's end and `as_of`), so a dashboard for the current quarter shows the quarter so far.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::codes::{code_enum, deserialize_code};
use crate::pipeline::{Pipeline, PipelineStage, Signing, Supervision};
use crate::{IndustryChain, IndustrySegment, OriginClass, Wan};

code_enum! {
    /// What a target measures (the plan's yardsticks):
    /// - `signed_projects`: newly signed projects (新签约项目);
    /// - `agreed_investment`: agreed investment (协议引资) of the projects signed;
    /// - `out_of_province_agreed`: the part of it whose money counts as out-of-province;
    /// - `top_500`: signed projects of top-500 enterprises (三类500强);
    /// - `out_of_province_actual`: actual investment of out-of-province projects that arrived
    ///   within the period, whenever the project was signed;
    /// - `fdi`: foreign direct investment of the projects signed, in US dollars;
    /// - `industry_amount` / `industry_count`: agreed investment / number of the projects signed
    ///   in the target's industries (the themed amounts);
    /// - `packaged_projects`: leads screened and packaged (筛选、论证、包装) within the period;
    /// - `performance_rate` / `start_rate` / `funds_rate`: contract-performance (履约率),
    ///   construction-start (开工率) and funds-in-place (资金到位率) rates of the projects signed
    ///   the year before.
    Metric {
        SignedProjects => "signed_projects",
        AgreedInvestment => "agreed_investment",
        OutOfProvinceAgreed => "out_of_province_agreed",
        Top500 => "top_500",
        OutOfProvinceActual => "out_of_province_actual",
        Fdi => "fdi",
        IndustryAmount => "industry_amount",
        IndustryCount => "industry_count",
        PackagedProjects => "packaged_projects",
        PerformanceRate => "performance_rate",
        StartRate => "start_rate",
        FundsRate => "funds_rate",
    }
}

code_enum! {
    /// The unit of a target's value and of its actual figure: a count, whole 万元, whole US
    /// dollars, or a whole percent (for rate targets; their actual figure is a [`Ratio`]).
    Unit {
        Count => "count",
        Wan => "wan",
        Usd => "usd",
        Percent => "percent",
    }
}

impl Metric {
    /// The unit the target's value and the actual figure are in.
    pub fn unit(self) -> Unit {
        match self {
            Metric::SignedProjects | Metric::Top500 | Metric::IndustryCount | Metric::PackagedProjects => Unit::Count,
            Metric::AgreedInvestment | Metric::OutOfProvinceAgreed | Metric::OutOfProvinceActual | Metric::IndustryAmount => Unit::Wan,
            Metric::Fdi => Unit::Usd,
            Metric::PerformanceRate | Metric::StartRate | Metric::FundsRate => Unit::Percent,
        }
    }

    /// Whether the metric is a rate over the cohort of projects signed the year before.
    pub fn is_rate(self) -> bool {
        self.unit() == Unit::Percent
    }
}

/// A period targets are set for and reported on: a calendar year or one of its quarters.
///
/// Travels as its code, "2023" or "2023-Q2". A quarter outside 1..=4 can only be built in code
/// (never parsed); the dates treat it as the nearest real quarter rather than panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Year(i32),
    /// Year and quarter (1..=4).
    Quarter(i32, u8),
}

impl Period {
    /// The calendar year the period is in.
    pub fn year(self) -> i32 {
        match self {
            Period::Year(year) | Period::Quarter(year, _) => year,
        }
    }

    /// The quarter `day` falls in.
    pub fn quarter_of(day: NaiveDate) -> Period {
        // month0 is 0..=11, so the quarter is 1..=4 and fits a u8.
        Period::Quarter(day.year(), (day.month0() / 3 + 1) as u8)
    }

    /// The year `day` falls in.
    pub fn year_of(day: NaiveDate) -> Period {
        Period::Year(day.year())
    }

    /// First and last month of the period (1..=12).
    fn month_range(self) -> (u32, u32) {
        match self {
            Period::Year(_) => (1, 12),
            Period::Quarter(_, quarter) => {
                let last = u32::from(quarter.clamp(1, 4)) * 3;
                (last - 2, last)
            }
        }
    }

    /// The first day of the period.
    pub fn start(self) -> NaiveDate {
        date_or_limit(self.year(), self.month_range().0, 1)
    }

    /// The last day of the period (inclusive).
    pub fn end(self) -> NaiveDate {
        let last_month = self.month_range().1;
        // Every period ends with the last month of a quarter: March, June, September or December.
        let last_day = if matches!(last_month, 6 | 9) { 30 } else { 31 };
        date_or_limit(self.year(), last_month, last_day)
    }

    /// Whether `day` is within the period, both ends included.
    pub fn contains(self, day: NaiveDate) -> bool {
        self.start() <= day && day <= self.end()
    }

    /// Every month of the period, in order, as (year, month).
    pub fn months(self) -> impl Iterator<Item = (i32, u32)> {
        let (first, last) = self.month_range();
        let year = self.year();
        (first..=last).map(move |month| (year, month))
    }

    /// The whole year before the period's year: its signed projects are the cohort of the rates.
    pub fn previous_year(self) -> Period {
        Period::Year(self.year().saturating_sub(1))
    }

    /// Stable code: "2023" for a year, "2023-Q2" for a quarter.
    pub fn code(self) -> String {
        match self {
            Period::Year(year) => format!("{year:04}"),
            Period::Quarter(year, quarter) => format!("{year:04}-Q{quarter}"),
        }
    }

    /// The period with this code; `None` for anything else (exactly four digits for the year,
    /// "-Q" and 1 to 4 for a quarter).
    pub fn parse(code: &str) -> Option<Period> {
        let (year, quarter) = match code.split_once("-Q") {
            Some((year, quarter)) => (year, Some(quarter)),
            None => (code, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        match quarter {
            None => Some(Period::Year(year)),
            Some(quarter @ ("1" | "2" | "3" | "4")) => Some(Period::Quarter(year, quarter.parse().ok()?)),
            Some(_) => None,
        }
    }
}

/// A date, or the earliest/latest date chrono knows when the year is beyond its range: periods
/// built in code with an absurd year then simply contain nothing instead of panicking.
fn date_or_limit(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(if year < 0 { NaiveDate::MIN } else { NaiveDate::MAX })
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_code(deserializer, "Period", Period::parse)
    }
}

/// The industries a target is about: all of them, or a list of chains and segments (the Q2
/// campaign counts "hospital preparations + reproductive health", the year's food & beverage
/// target the whole chain).
///
/// Both lists empty means every industry, including leads with none recorded. Travels as a
/// comma-separated list of codes, "" for all (chain and segment codes never overlap).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndustryScope {
    /// Chains counted whole, every segment of them.
    pub chains: Vec<IndustryChain>,
    /// Segments counted on their own.
    pub segments: Vec<IndustrySegment>,
}

impl IndustryScope {
    /// Every industry.
    pub fn all() -> IndustryScope {
        IndustryScope::default()
    }

    /// Whether the scope is every industry.
    pub fn is_all(&self) -> bool {
        self.chains.is_empty() && self.segments.is_empty()
    }

    /// The scope written as `code()` writes it: comma-separated chain and segment codes, spaces
    /// around them ignored, repeats kept once. `None` when a code is neither a chain nor a segment.
    pub fn parse(codes: &str) -> Option<IndustryScope> {
        let mut scope = IndustryScope::all();
        for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            if let Some(chain) = IndustryChain::from_code(code) {
                if !scope.chains.contains(&chain) {
                    scope.chains.push(chain);
                }
            } else {
                let segment = IndustrySegment::from_code(code)?;
                if !scope.segments.contains(&segment) {
                    scope.segments.push(segment);
                }
            }
        }
        Some(scope)
    }

    /// Stable code: chain codes then segment codes, comma-separated; "" for every industry.
    pub fn code(&self) -> String {
        let chains = self.chains.iter().map(|c| c.code());
        let segments = self.segments.iter().map(|s| s.code());
        chains.chain(segments).collect::<Vec<_>>().join(",")
    }

    /// Whether a lead with this chain and segment is in scope. A chain in the list takes every
    /// segment of it; a segment in the list takes only that segment. A lead that recorded only
    /// a segment belongs to that segment's chain.
    pub fn contains(&self, chain: Option<IndustryChain>, segment: Option<IndustrySegment>) -> bool {
        if self.is_all() {
            return true;
        }
        let chain = chain.or(segment.map(IndustrySegment::chain));
        chain.is_some_and(|c| self.chains.contains(&c)) || segment.is_some_and(|s| self.segments.contains(&s))
    }
}

impl Serialize for IndustryScope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for IndustryScope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_code(deserializer, "IndustryScope", IndustryScope::parse)
    }
}

/// A target of the plan, as an administrator enters it: targets change every year, so they are
/// data, not constants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub period: Period,
    pub metric: Metric,
    /// The industries counted; every industry by default.
    #[serde(default)]
    pub scope: IndustryScope,
    /// For rate metrics only: which signed projects form the cohort. `None` is all of them,
    /// `Some(Supervision::None)` the unsupervised ones (the plan sets them lower rates).
    #[serde(default)]
    pub supervision: Option<Supervision>,
    /// In the metric's unit; a whole percent for rates.
    pub value: i64,
}

/// What the report needs to know about one lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectFacts {
    pub industry: Option<IndustryChain>,
    pub segment: Option<IndustrySegment>,
    /// Kept for breakdowns; the money counts use the signing's `out_of_province` flag, which a
    /// manager may have corrected.
    pub origin: Option<OriginClass>,
    /// The enterprise is on one of the three top-500 lists.
    pub top_500: bool,
    /// The responsible department (责任单位).
    pub department: String,
    /// The capturing officer.
    pub officer: String,
    pub pipeline: Pipeline,
    /// How many leads these facts stand for: 1 for a project; leads that were only screened can
    /// be read grouped (same industry, stage and screening date, no names), which keeps a
    /// dashboard over 100,000 leads from reading each of them. Only counts of leads weigh by it.
    #[serde(default = "one")]
    pub leads: i64,
}

fn one() -> i64 {
    1
}

impl ProjectFacts {
    /// The chain the lead belongs to: its own, or its segment's when only the segment is known.
    fn chain(&self) -> Option<IndustryChain> {
        self.industry.or(self.segment.map(IndustrySegment::chain))
    }

    fn in_scope(&self, scope: &IndustryScope) -> bool {
        scope.contains(self.industry, self.segment)
    }

    fn dropped(&self) -> bool {
        self.pipeline.stage == PipelineStage::Dropped
    }

    /// The signing, when it was done between `from` and `to` (inclusive) and the project was not
    /// dropped since.
    fn signed_between(&self, from: NaiveDate, to: NaiveDate) -> Option<&Signing> {
        if self.dropped() {
            return None;
        }
        self.pipeline.signing.as_ref().filter(|s| from <= s.signed_on && s.signed_on <= to)
    }

    /// Actual investment that arrived between `from` and `to` (inclusive): the difference of the
    /// cumulative readings. A reading corrected downwards can make it negative; it is kept so
    /// that sums over consecutive periods add up to the cumulative figure.
    fn arrived_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return 0;
        }
        let before = from.pred_opt().map_or(0, |day| self.pipeline.actual_on(day).0);
        self.pipeline.actual_on(to).0 - before
    }
}

/// A share as two integers, so that it is exact until shown. The denominator is 0 when there is
/// nothing to measure (no project in the cohort): the UI then shows "—", never NaN.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    /// The share in percent, `None` when the denominator is 0.
    pub fn percent(&self) -> Option<f64> {
        (self.den != 0).then(|| self.num as f64 * 100.0 / self.den as f64)
    }

    /// The share as shown, "75.0%", or "—" when undefined.
    pub fn display(&self) -> String {
        match self.percent() {
            Some(percent) => format!("{percent:.1}%"),
            None => "—".to_string(),
        }
    }
}

/// The actual figure of a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actual {
    /// In the metric's unit (count, 万元 or US dollars).
    Amount(i64),
    /// For rate metrics.
    Rate(Ratio),
}

/// A target with its actual figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetRow {
    pub target: Target,
    pub actual: Actual,
    /// Actual / target (1.0 = reached). `None` when the target is 0 or less (nothing to reach)
    /// or the rate is undefined.
    pub progress: Option<f64>,
}

/// The three rates of one supervision class, over the projects signed the year before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRow {
    /// `None` for every signed project.
    pub supervision: Option<Supervision>,
    /// Projects in the cohort.
    pub cohort: i64,
    pub performance: Ratio,
    pub start: Ratio,
    /// Actual investment arrived so far / agreed investment, both in 万元.
    pub funds: Ratio,
}

/// Projects signed in the period within one industry chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndustryRow {
    /// `None` for leads with no industry recorded.
    pub chain: Option<IndustryChain>,
    pub signed: i64,
    pub agreed: Wan,
    /// Actual investment of these projects arrived so far.
    pub actual: Wan,
}

/// A department or officer in the ranking, by the projects signed in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRow {
    pub name: String,
    pub signed: i64,
    pub agreed: Wan,
    /// Actual investment of these projects arrived so far.
    pub actual: Wan,
}

/// One month of the rhythm the plan asks for: "signings every month, landings every month,
/// starts every month" (月月有签约、月月有落地、月月有开工).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRow {
    /// 1..=12.
    pub month: u32,
    pub year: i32,
    pub signings: i64,
    /// Contracts performed (履约) in the month.
    pub landings: i64,
    /// Constructions started in the month.
    pub starts: i64,
}

/// Everything the managers' dashboard shows for a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub period: Period,
    pub as_of: NaiveDate,
    /// The period's targets, in the order given.
    pub rows: Vec<TargetRow>,
    /// Rates for every signed project, then the provincially and the municipally supervised.
    pub rates: Vec<RateRow>,
    /// Projects signed in the period by chain, most agreed investment first.
    pub industries: Vec<IndustryRow>,
    pub departments: Vec<RankRow>,
    pub officers: Vec<RankRow>,
    /// Every month of the period, in order.
    pub months: Vec<MonthRow>,
}

/// The last day counted for `period` on `as_of`.
fn last_counted(period: Period, as_of: NaiveDate) -> NaiveDate {
    period.end().min(as_of)
}

fn count<T>(items: impl Iterator<Item = T>) -> i64 {
    items.fold(0, |n, _| n.saturating_add(1))
}

fn sum(amounts: impl Iterator<Item = i64>) -> i64 {
    // Saturating: FDI has no upper bound on entry, and a report must not panic on odd data.
    amounts.fold(0, i64::saturating_add)
}

/// The rates of the projects signed in the year before `period` (of `supervision`, or all), as
/// they stood on the last day counted.
fn rate_row<'a>(
    facts: impl Iterator<Item = &'a ProjectFacts>,
    period: Period,
    as_of: NaiveDate,
    supervision: Option<Supervision>,
) -> RateRow {
    let day = last_counted(period, as_of);
    let cohort_year = period.previous_year();
    let cohort: Vec<(&ProjectFacts, &Signing)> = facts
        .filter_map(|f| f.signed_between(cohort_year.start(), cohort_year.end().min(day)).map(|s| (f, s)))
        .filter(|(_, s)| supervision.is_none_or(|wanted| s.supervision == wanted))
        .collect();
    let size = count(cohort.iter());
    let reached =
        |date: fn(&Pipeline) -> Option<NaiveDate>| count(cohort.iter().filter(|(f, _)| date(&f.pipeline).is_some_and(|d| d <= day)));
    RateRow {
        supervision,
        cohort: size,
        performance: Ratio { num: reached(|p| p.performed_on), den: size },
        start: Ratio { num: reached(|p| p.started_on), den: size },
        funds: Ratio {
            num: sum(cohort.iter().map(|(f, _)| f.pipeline.actual_on(day).0)),
            den: sum(cohort.iter().map(|(_, s)| s.agreed_investment.0)),
        },
    }
}

/// The actual figure of `target` from the leads' facts, counting what had happened by `as_of`.
/// The target's industry scope narrows every metric; its supervision only the rates.
pub fn actual(target: &Target, facts: &[ProjectFacts], as_of: NaiveDate) -> Actual {
    let period = target.period;
    let (start, day) = (period.start(), last_counted(period, as_of));
    let in_scope = facts.iter().filter(|f| f.in_scope(&target.scope));
    let signed = in_scope.clone().filter_map(|f| f.signed_between(start, day).map(|s| (f, s)));
    let amount = match target.metric {
        Metric::SignedProjects | Metric::IndustryCount => count(signed),
        Metric::AgreedInvestment | Metric::IndustryAmount => sum(signed.map(|(_, s)| s.agreed_investment.0)),
        Metric::OutOfProvinceAgreed => sum(signed.filter(|(_, s)| s.out_of_province).map(|(_, s)| s.agreed_investment.0)),
        Metric::Top500 => count(signed.filter(|(f, _)| f.top_500)),
        Metric::Fdi => sum(signed.map(|(_, s)| s.fdi_usd)),
        Metric::OutOfProvinceActual => {
            // Money arriving in the period counts whenever the project was signed: the plan's
            // "new actual investment" is this period's arrivals, not this period's signings.
            let out_of_province = in_scope.filter(|f| !f.dropped() && f.pipeline.signing.as_ref().is_some_and(|s| s.out_of_province));
            sum(out_of_province.map(|f| f.arrived_between(start, day)))
        }
        Metric::PackagedProjects => {
            // Packaging is work done even when the lead is dropped later, so dropped leads count.
            sum(in_scope.filter(|f| f.pipeline.screened_on.is_some_and(|d| start <= d && d <= day)).map(|f| f.leads))
        }
        Metric::PerformanceRate | Metric::StartRate | Metric::FundsRate => {
            let rates = rate_row(in_scope, period, as_of, target.supervision);
            return Actual::Rate(match target.metric {
                Metric::PerformanceRate => rates.performance,
                Metric::StartRate => rates.start,
                _ => rates.funds,
            });
        }
    };
    Actual::Amount(amount)
}

/// A target with its actual figure and progress.
pub fn target_row(target: &Target, facts: &[ProjectFacts], as_of: NaiveDate) -> TargetRow {
    let actual = actual(target, facts, as_of);
    let progress = if target.value <= 0 {
        None
    } else {
        let reached = match actual {
            Actual::Amount(amount) => Some(amount as f64),
            Actual::Rate(ratio) => ratio.percent(),
        };
        reached.map(|r| r / target.value as f64)
    };
    TargetRow { target: target.clone(), actual, progress }
}

/// Signed projects, agreed and actual investment of a group.
#[derive(Default)]
struct Tally {
    signed: i64,
    agreed: i64,
    actual: i64,
}

impl Tally {
    fn add(&mut self, facts: &ProjectFacts, signing: &Signing, day: NaiveDate) {
        self.signed = self.signed.saturating_add(1);
        self.agreed = self.agreed.saturating_add(signing.agreed_investment.0);
        self.actual = self.actual.saturating_add(facts.pipeline.actual_on(day).0);
    }
}

/// Departments or officers ranked by agreed investment, then signed projects, then name. Every
/// name that has a lead is listed, so that one with no signing shows at the bottom rather than
/// disappearing; leads with no name are left out (nobody to credit).
fn ranking<'a>(facts: &'a [ProjectFacts], name: fn(&ProjectFacts) -> &str, start: NaiveDate, day: NaiveDate) -> Vec<RankRow> {
    let mut tallies: BTreeMap<&'a str, Tally> = BTreeMap::new();
    for f in facts {
        let key = name(f).trim();
        if key.is_empty() {
            continue;
        }
        let tally = tallies.entry(key).or_default();
        if let Some(signing) = f.signed_between(start, day) {
            tally.add(f, signing, day);
        }
    }
    let mut rows: Vec<RankRow> = tallies
        .into_iter()
        .map(|(name, t)| RankRow { name: name.to_string(), signed: t.signed, agreed: Wan(t.agreed), actual: Wan(t.actual) })
        .collect();
    rows.sort_by(|a, b| b.agreed.cmp(&a.agreed).then(b.signed.cmp(&a.signed)).then_with(|| a.name.cmp(&b.name)));
    rows
}

/// Projects signed in the period by chain, most agreed investment first (then most projects,
/// then the plan's order of chains, no industry last).
fn industries(facts: &[ProjectFacts], start: NaiveDate, day: NaiveDate) -> Vec<IndustryRow> {
    let mut tallies: Vec<(Option<IndustryChain>, Tally)> = Vec::new();
    for f in facts {
        let Some(signing) = f.signed_between(start, day) else { continue };
        let chain = f.chain();
        let index = match tallies.iter().position(|(c, _)| *c == chain) {
            Some(index) => index,
            None => {
                tallies.push((chain, Tally::default()));
                tallies.len() - 1
            }
        };
        tallies[index].1.add(f, signing, day);
    }
    let order = |chain: Option<IndustryChain>| chain.and_then(|c| IndustryChain::ALL.iter().position(|x| *x == c)).unwrap_or(usize::MAX);
    tallies.sort_by(|(ca, a), (cb, b)| b.agreed.cmp(&a.agreed).then(b.signed.cmp(&a.signed)).then(order(*ca).cmp(&order(*cb))));
    tallies.into_iter().map(|(chain, t)| IndustryRow { chain, signed: t.signed, agreed: Wan(t.agreed), actual: Wan(t.actual) }).collect()
}

/// Signings, landings and starts of every month of the period.
fn months(facts: &[ProjectFacts], period: Period, day: NaiveDate) -> Vec<MonthRow> {
    let live: Vec<&ProjectFacts> = facts.iter().filter(|f| !f.dropped()).collect();
    period
        .months()
        .map(|(year, month)| {
            let in_month = |d: Option<NaiveDate>| d.is_some_and(|d| d <= day && d.year() == year && d.month() == month);
            MonthRow {
                month,
                year,
                signings: count(live.iter().filter(|f| in_month(f.pipeline.signing.as_ref().map(|s| s.signed_on)))),
                landings: count(live.iter().filter(|f| in_month(f.pipeline.performed_on))),
                starts: count(live.iter().filter(|f| in_month(f.pipeline.started_on))),
            }
        })
        .collect()
}

/// The dashboard of `period` as of `as_of`: the period's targets (other periods' are skipped)
/// and the breakdowns, which cover every industry.
pub fn dashboard(targets: &[Target], facts: &[ProjectFacts], period: Period, as_of: NaiveDate) -> Dashboard {
    let (start, day) = (period.start(), last_counted(period, as_of));
    Dashboard {
        period,
        as_of,
        rows: targets.iter().filter(|t| t.period == period).map(|t| target_row(t, facts, as_of)).collect(),
        rates: [None, Some(Supervision::Provincial), Some(Supervision::Municipal)]
            .into_iter()
            .map(|supervision| rate_row(facts.iter(), period, as_of, supervision))
            .collect(),
        industries: industries(facts, start, day),
        departments: ranking(facts, |f| &f.department, start, day),
        officers: ranking(facts, |f| &f.officer, start, day),
        months: months(facts, period, day),
    }
}

#[cfg(test)]
mod tests;
