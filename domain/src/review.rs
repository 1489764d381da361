//! The managers' review of synced leads: the filters of the lead table (read from a query string,
//! so a filtered list is a link that can be shared or exported), its sort orders and pages, and
//! one row of it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::pipeline::PipelineStage;
use crate::{IndustryChain, Intent, OriginClass};

/// Rows per page of the review table.
pub const PAGE_SIZE: i64 = 50;

/// How the table is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Company,
    Investment,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Newest, Sort::Oldest, Sort::Company, Sort::Investment];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Company => "company",
            Sort::Investment => "investment",
        }
    }
}

/// The filters of the review table, as typed in its form; an empty text means "any". Unknown
/// codes are refused by [`LeadFilter::parse`], not ignored, so a list never silently shows more
/// than asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadFilter {
    pub q: String,
    pub event: String,
    pub industry: String,
    pub officer: String,
    pub department: String,
    pub origin: String,
    /// `top_500` for enterprises on a top-500 list.
    pub tier: String,
    pub intent: String,
    pub stage: String,
    /// `YYYY-MM-DD`, inclusive, Beijing time.
    pub from: String,
    pub to: String,
    pub sort: Sort,
    pub page: i64,
}

/// A filter, checked: what the database layer queries with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedFilter {
    /// Lower-cased search text.
    pub q: Option<String>,
    pub event: Option<String>,
    pub industry: Option<IndustryChain>,
    pub officer: Option<String>,
    pub department: Option<String>,
    pub origin: Option<OriginClass>,
    pub top_500: bool,
    pub intent: Option<Intent>,
    pub stage: Option<PipelineStage>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    /// Zero-based.
    pub page: i64,
}

/// A filter that cannot be applied, naming the filter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown value for the filter {filter}: {value}")]
pub struct FilterError {
    pub filter: &'static str,
    pub value: String,
}

fn text(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn code<T>(filter: &'static str, raw: &str, from_code: impl Fn(&str) -> Option<T>) -> Result<Option<T>, FilterError> {
    match text(raw) {
        None => Ok(None),
        Some(value) => from_code(&value).map(Some).ok_or(FilterError { filter, value }),
    }
}

/// The stable code of an origin class, as filtered and stored.
pub fn origin_class_code(class: OriginClass) -> &'static str {
    match class {
        OriginClass::InProvince => "in_province",
        OriginClass::OutOfProvince => "out_of_province",
        OriginClass::Foreign => "foreign",
    }
}

/// The origin class of a code.
pub fn origin_class_from_code(code: &str) -> Option<OriginClass> {
    [OriginClass::InProvince, OriginClass::OutOfProvince, OriginClass::Foreign].into_iter().find(|c| origin_class_code(*c) == code)
}

impl LeadFilter {
    /// Checks every filter; the first wrong one is the error.
    pub fn parse(&self) -> Result<ParsedFilter, FilterError> {
        let date = |filter: &'static str, raw: &str| code(filter, raw, crate::time::optional_date::parse);
        let top_500 = match self.tier.trim() {
            "" => false,
            "top_500" => true,
            other => return Err(FilterError { filter: "tier", value: other.to_owned() }),
        };
        Ok(ParsedFilter {
            q: text(&self.q).map(|q| q.to_lowercase()),
            event: text(&self.event),
            industry: code("industry", &self.industry, IndustryChain::from_code)?,
            officer: text(&self.officer),
            department: text(&self.department),
            origin: code("origin", &self.origin, origin_class_from_code)?,
            top_500,
            intent: code("intent", &self.intent, Intent::from_code)?,
            stage: code("stage", &self.stage, PipelineStage::from_code)?,
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            sort: self.sort,
            page: self.page.max(0),
        })
    }

    /// The query string of this filter with another page (for the pager's links), without the
    /// empty filters.
    pub fn query_with_page(&self, page: i64) -> String {
        let pairs = [
            ("q", self.q.as_str()),
            ("event", &self.event),
            ("industry", &self.industry),
            ("officer", &self.officer),
            ("department", &self.department),
            ("origin", &self.origin),
            ("tier", &self.tier),
            ("intent", &self.intent),
            ("stage", &self.stage),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let mut parts: Vec<String> =
            pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| format!("{k}={}", percent_encode(v.trim()))).collect();
        if self.sort != Sort::Newest {
            parts.push(format!("sort={}", self.sort.code()));
        }
        if page > 0 {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }
}

/// `target` as a path of this site (with its query), or `None` when a browser sent there would
/// leave the site. Parsed, not pattern-matched: browsers drop tabs and line breaks from a URL and
/// read `\` as `/`, so `/\t/evil.example` and `/\\evil.example` are both `//evil.example`, another
/// host. A target with any control character, space or backslash is refused outright; the rest is
/// resolved against a placeholder origin as a browser would, and must stay on it.
pub fn local_path(target: &str) -> Option<String> {
    if !target.starts_with('/') || target.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') {
        return None;
    }
    let base = url::Url::parse("http://site.invalid/").ok()?;
    let resolved = base.join(target).ok()?;
    if resolved.origin() != base.origin() || resolved.username() != "" || resolved.password().is_some() {
        return None;
    }
    let path = &resolved[url::Position::BeforePath..url::Position::AfterQuery];
    // Resolution may leave `//` at the front (`/.//evil.example`), which is another host again.
    (!path.starts_with("//")).then(|| path.to_owned())
}

/// Percent-encodes a query-string value (everything but unreserved ASCII).
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One row of the review table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub id: String,
    pub company_name: String,
    pub contact_name: String,
    pub mobile: Option<String>,
    pub event: Option<String>,
    pub industry: Option<IndustryChain>,
    pub origin: Option<OriginClass>,
    pub top_500: bool,
    pub intent: Intent,
    pub stage: PipelineStage,
    pub intended_wan: Option<i64>,
    pub agreed_wan: Option<i64>,
    pub officer: String,
    pub department: String,
    /// RFC 3339.
    pub captured_at: String,
}

/// A page of the review table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewPage {
    pub rows: Vec<ReviewRow>,
    /// Leads matching the filter, on every page.
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filters_mean_any_and_wrong_codes_are_named() {
        let parsed = LeadFilter::default().parse().expect("empty is fine");
        assert_eq!(parsed, ParsedFilter::default());
        let wrong = LeadFilter { industry: "steel".into(), ..Default::default() };
        assert_eq!(wrong.parse().unwrap_err(), FilterError { filter: "industry", value: "steel".into() });
        let bad_date = LeadFilter { from: "2023-13-01".into(), ..Default::default() };
        assert_eq!(bad_date.parse().unwrap_err().filter, "from");
        let search = LeadFilter { q: "  ABC 食品 ".into(), page: -3, ..Default::default() }.parse().expect("parses");
        assert_eq!(search.q.as_deref(), Some("abc 食品"));
        assert_eq!(search.page, 0);
    }

    #[test]
    fn only_paths_of_this_site_are_redirected_to() {
        assert!(local_path("/manage/leads?industry=food_beverage").is_some());
        for other in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "manage",
            "/\t/evil.example/",
            "/\n/evil.example",
            "/\r\n/evil.example",
            " //evil.example",
            "/ /evil.example",
            "/.//evil.example",
            "/..//evil.example",
            "/\u{0}/evil.example",
            "/\u{3000}/evil.example",
        ] {
            assert_eq!(local_path(other), None, "{other:?}");
        }
        assert_eq!(local_path("/manage/leads/../dashboard?period=2023"), Some("/manage/dashboard?period=2023".into()));
        assert_eq!(local_path("/%2F%2Fevil.example"), Some("/%2F%2Fevil.example".into()), "an encoded slash stays in the path");
    }

    proptest::proptest! {
        /// Whatever is accepted, a browser resolving it against the site stays on the site.
        #[test]
        fn no_target_accepted_leaves_the_site(target in "/[/\\\\.a-z:@%?#\t\n ]{0,12}") {
            if let Some(path) = local_path(&target) {
                let base = url::Url::parse("https://district.example/manage/").unwrap();
                let browser: String = target.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect::<String>().replace('\\', "/");
                let landed = base.join(&browser).unwrap();
                proptest::prop_assert_eq!(landed.host_str(), Some("district.example"));
                proptest::prop_assert!(!path.starts_with("//"));
            }
        }
    }

    #[test]
    fn pager_links_keep_the_filters() {
        let filter =
            LeadFilter { event: "西博会 2023".into(), industry: "food_beverage".into(), sort: Sort::Company, ..Default::default() };
        assert_eq!(filter.query_with_page(2), "event=%E8%A5%BF%E5%8D%9A%E4%BC%9A%202023&industry=food_beverage&sort=company&page=2");
        assert_eq!(LeadFilter::default().query_with_page(0), "");
    }
}
