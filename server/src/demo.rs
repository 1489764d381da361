//! `server demo`: the district's 2023 targets (from `demo/targets-2023.json`, the figures of the
//! plan) and a realistic, seeded set of leads and projects across 2023, with the 2022 signings
//! whose rates 2023 is judged on. The same generator fills the benchmarks' 100,000 leads.
//!
//! Demo officers own the demo leads; they get random passwords that nobody knows (no default
//! passwords): create your own manager with `server user add`.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::report::Target;
use domain::{
    Consent, EnterpriseTier, IndustryChain, IndustrySegment, Intent, Lead, LeadId, Origin, Pipeline, PipelineStage, Province, Signing,
    StageChange, Supervision, Wan, CONSENT_TEXT_VERSION,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::AnyConnection;

use crate::auth::password;
use crate::db::history::HistoryEntry;
use crate::db::leads::{NewLead, StoredLead};
use crate::db::users::{self, Role};
use crate::db::{history, leads, targets, Db};

/// The plan's 2023 targets, as data.
pub const TARGETS_2023: &str = include_str!("../demo/targets-2023.json");

/// Departments (责任单位) and their officers.
const OFFICERS: &[(&str, &str)] = &[
    ("demo.zhang", "区投资促进局"),
    ("demo.li", "区投资促进局"),
    ("demo.wang", "区经济和信息化局"),
    ("demo.liu", "区农业农村局"),
    ("demo.chen", "区农业农村局"),
    ("demo.yang", "区卫生健康局"),
    ("demo.zhao", "区商务局"),
    ("demo.huang", "区文化广播电视和旅游局"),
    ("demo.zhou", "粤港澳大湾区招商中心"),
    ("demo.wu", "粤港澳大湾区招商中心"),
    ("demo.xu", "重庆招商中心"),
    ("demo.sun", "重庆招商中心"),
];

const EVENTS: &[&str] = &[
    "第二十届西博会",
    "中外知名企业四川行",
    "雁江区预制菜产业专场推介会",
    "医药健康产业招商推介会（成都）",
    "粤港澳大湾区招商恳谈会",
    "成渝地区双城经济圈项目对接会",
    "雁江区制造业百日攻坚签约会",
];

const PLACES: &[&str] =
    &["蜀", "川渝", "天府", "粤海", "华南", "东方", "新丰", "金盾", "瑞康", "恒信", "嘉禾", "远航", "星河", "锦江", "安岳"];

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞"];

/// An industry's segments, a company-name ending and a typical project, per chain.
fn industry_words(chain: IndustryChain) -> (&'static [IndustrySegment], &'static str, &'static str) {
    use IndustrySegment as S;
    match chain {
        IndustryChain::FoodBeverage => {
            (&[S::PreMadeDishes, S::LiquorDrinks, S::AirlineFood, S::FoodSupplyChain], "食品有限公司", "预制菜生产基地")
        }
        IndustryChain::MedicineHealth => {
            (&[S::HospitalPreparations, S::ReproductiveHealth, S::TcmPreparations, S::MedicalDevices], "医药科技有限公司", "医药产业园")
        }
        IndustryChain::NaturalGas => (&[], "能源有限公司", "天然气综合利用项目"),
        IndustryChain::ModernAgriculture => {
            (&[S::Pigs, S::Citrus, S::RiceFish, S::GrainOil, S::FacilityAgriculture], "农业发展有限公司", "现代农业示范园")
        }
        IndustryChain::Manufacturing => (&[], "智能制造有限公司", "装备制造项目"),
        IndustryChain::Services => (&[], "商贸有限公司", "现代服务业项目"),
        IndustryChain::UrbanQuality => (&[S::CommercialStreets, S::CultureTourism, S::ElderlyCare], "文旅发展有限公司", "商业街区改造"),
        IndustryChain::ColdChainLogistics => (&[], "冷链物流有限公司", "冷链物流中心"),
        IndustryChain::PublicServices => (&[S::Education, S::MedicalServices, S::Parks], "教育科技有限公司", "公共服务项目"),
        IndustryChain::Other => (&[], "实业有限公司", "综合项目"),
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn day(year: i32, ordinal: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(year, ordinal.clamp(1, 365)).unwrap_or_default()
}

/// Moves a pipeline on with `change` if the rules allow it; generated data never breaks them.
fn step(pipeline: &mut Pipeline, change: StageChange) {
    if let Ok(next) = pipeline.apply(&change) {
        *pipeline = next;
    }
}

fn to(stage: PipelineStage, on: NaiveDate) -> StageChange {
    StageChange { to: stage, on, reason: String::new(), signing: None, actual_to_date: None, funds_on: None }
}

/// One generated lead, captured in `year` by `officer`, moved along the pipeline up to `last_day`.
fn lead(rng: &mut StdRng, n: usize, year: i32, officer: &str, last_day: NaiveDate, signing_share: f64) -> Lead {
    // "Other" is rare: the plan's chains cover most investors.
    let chain = if rng.gen_bool(0.03) { IndustryChain::Other } else { *pick(rng, &IndustryChain::ALL[..IndustryChain::ALL.len() - 1]) };
    let (segments, ending, project) = industry_words(chain);
    let segment = (!segments.is_empty() && rng.gen_bool(0.7)).then(|| *pick(rng, segments));
    let origin = match rng.gen_range(0..10) {
        0..=2 => Origin::Domestic { province: Province::Sichuan, city: Some("成都".into()) },
        3..=4 => Origin::Domestic { province: Province::Chongqing, city: None },
        5..=6 => Origin::Domestic { province: Province::Guangdong, city: Some("深圳".into()) },
        7 => Origin::Domestic {
            province: *pick(rng, &[Province::Shanghai, Province::Zhejiang, Province::Jiangsu, Province::Beijing]),
            city: None,
        },
        8 => Origin::Domestic { province: Province::HongKong, city: None },
        _ => Origin::Foreign { country: pick(rng, &["SG", "JP", "DE", "US"]).to_string() },
    };
    let captured_day = day(year, rng.gen_range(1..=358));
    let captured_at = Utc.from_utc_datetime(&captured_day.and_hms_opt(rng.gen_range(1..10), rng.gen_range(0..60), 0).unwrap_or_default());
    let intended = Wan(rng.gen_range(1..=60) * rng.gen_range(1..=10) * 100);
    let tier = EnterpriseTier {
        china_top_500: rng.gen_bool(0.03),
        china_private_top_500: rng.gen_bool(0.03),
        industry_leader: rng.gen_bool(0.1),
        ..Default::default()
    };
    let name = format!("{}{}{}", pick(rng, PLACES), pick(rng, &["鑫", "泰", "盛", "宏", "达", "源", "丰", "华"]), ending);
    let mut pipeline = Pipeline::default();
    let roll: f64 = rng.gen();
    if roll < 0.35 {
        let screened = captured_day + Duration::days(rng.gen_range(1..20));
        if screened <= last_day {
            step(&mut pipeline, to(PipelineStage::Screened, screened));
        }
        if roll < 0.2 {
            let negotiating = screened + Duration::days(rng.gen_range(5..40));
            if negotiating <= last_day {
                step(&mut pipeline, to(PipelineStage::Negotiating, negotiating));
            }
        }
        if roll < signing_share {
            sign_and_build(rng, &mut pipeline, captured_day, last_day, intended, &origin);
        }
    }
    let given: String = (0..rng.gen_range(1..=2)).map(|_| *pick(rng, GIVEN)).collect();
    Lead {
        id: LeadId::new_from(rng),
        company_name: format!("{name}（{n}）"),
        credit_code: None,
        contact_name: format!("{}{given}", pick(rng, SURNAMES)),
        contact_title: Some(pick(rng, &["总经理", "董事长", "投资总监", "副总裁", "项目经理"]).to_string()),
        mobile: Some(format!("1{}{:09}", pick(rng, &["3", "5", "8", "9"]), rng.gen_range(0..1_000_000_000u64))),
        wechat: None,
        email: None,
        origin: Some(origin),
        industry: Some(chain),
        industry_segment: segment,
        intended_project: Some(project.to_owned()),
        intended_investment: Some(intended),
        tier,
        intent: *pick(rng, &Intent::ALL),
        event: Some(pick(rng, EVENTS).to_string()),
        referrer: rng.gen_bool(0.3).then(|| format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN))),
        consent: Consent { text_version: CONSENT_TEXT_VERSION.to_owned(), given_at: captured_at },
        notes: None,
        next_follow_up: None,
        pipeline,
        withdrawn: None,
        erased: None,
        captured_at,
        updated_at: captured_at,
        captured_by: officer.to_owned(),
        device_id: format!("tablet-{}", officer.trim_start_matches("demo.")),
    }
}

/// Signs a project some weeks after capture and moves it on: performed, started, funds arriving.
fn sign_and_build(rng: &mut StdRng, pipeline: &mut Pipeline, captured: NaiveDate, last_day: NaiveDate, intended: Wan, origin: &Origin) {
    // Signed after whatever came before it.
    let before = pipeline.negotiating_on.or(pipeline.screened_on).unwrap_or(captured);
    let signed_on = before + Duration::days(rng.gen_range(5..60));
    if signed_on > last_day {
        return;
    }
    let agreed = Wan((intended.0 * rng.gen_range(60..=140) / 100).max(1000));
    let foreign = matches!(origin.class(), domain::OriginClass::Foreign);
    let signing = Signing {
        agreed_investment: agreed,
        signed_on,
        out_of_province: origin.class() != domain::OriginClass::InProvince,
        fdi_usd: if foreign { rng.gen_range(1..=40) * 50_000 } else { 0 },
        supervision: match rng.gen_range(0..10) {
            0..=1 => Supervision::Provincial,
            2..=4 => Supervision::Municipal,
            _ => Supervision::None,
        },
    };
    step(pipeline, StageChange { signing: Some(signing), ..to(PipelineStage::Signed, signed_on) });
    let mut on = signed_on;
    let mut reached = |rng: &mut StdRng, stage: PipelineStage, share: f64, actual: Option<Wan>| -> bool {
        on += Duration::days(rng.gen_range(15..75));
        if on > last_day || !rng.gen_bool(share) {
            return false;
        }
        step(pipeline, StageChange { actual_to_date: actual, ..to(stage, on) });
        true
    };
    if !reached(rng, PipelineStage::Performed, 0.85, None) {
        return;
    }
    let first = Wan(agreed.0 * rng.gen_range(5..30) / 100);
    if !reached(rng, PipelineStage::Started, 0.8, Some(first)) {
        return;
    }
    let more = Wan(agreed.0 * rng.gen_range(30..70) / 100);
    if !reached(rng, PipelineStage::FundsInPlace, 0.5, Some(more)) {
        return;
    }
    reached(rng, PipelineStage::Operating, 0.5, None);
}

trait NewFrom {
    fn new_from(rng: &mut StdRng) -> Self;
}

impl NewFrom for LeadId {
    /// A v4 UUID from the seeded generator, so a demo data set is the same every time.
    fn new_from(rng: &mut StdRng) -> Self {
        LeadId(uuid::Builder::from_random_bytes(rng.gen()).into_uuid())
    }
}

/// Creates the demo officers (unknown random passwords) and returns their ids, by `OFFICERS`.
async fn officers(conn: &mut AnyConnection) -> Result<Vec<(i64, &'static str)>, DemoError> {
    let mut ids = Vec::new();
    let existing = users::list(conn).await?;
    for (name, department) in OFFICERS {
        if let Some(user) = existing.iter().find(|u| u.username == *name) {
            ids.push((user.id, *name));
            continue;
        }
        let secret: [u8; 32] = rand::random();
        let hash = password::hash(&format!("{secret:?}")).map_err(|e| DemoError::Password(e.to_string()))?;
        ids.push((users::insert(conn, name, &hash, Role::Officer, department).await?, *name));
    }
    Ok(ids)
}

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo data is there already: {0} leads are stored (load it into an empty database)")]
    NotEmpty(i64),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("the targets file is invalid: {0}")]
    Targets(#[from] serde_json::Error),
    #[error("cannot hash a demo password: {0}")]
    Password(String),
}

/// The plan's 2023 targets.
pub fn targets_2023() -> Result<Vec<Target>, serde_json::Error> {
    serde_json::from_str(TARGETS_2023)
}

/// Loads the 2023 targets and `count` leads (about a tenth captured in 2022, the cohort whose
/// rates 2023 reports). Refuses a database that holds leads already. Returns the leads stored.
pub async fn load(db: &Db, count: usize, seed: u64) -> Result<usize, DemoError> {
    let mut conn = db.pool.acquire().await?;
    let stored: i64 = sqlx::Row::try_get(&sqlx::query("SELECT COUNT(*) AS n FROM leads").fetch_one(&mut *conn).await?, "n")?;
    if stored > 0 {
        return Err(DemoError::NotEmpty(stored));
    }
    for target in targets_2023()? {
        targets::upsert(&mut conn, &target).await?;
    }
    let officers = officers(&mut conn).await?;
    drop(conn);
    let mut rng = StdRng::seed_from_u64(seed);
    let end_2023 = day(2023, 365);
    let mut written = 0;
    while written < count {
        let batch = (count - written).min(1000);
        let mut generated = Vec::with_capacity(batch);
        for i in 0..batch {
            let n = written + i + 1;
            let (owner_id, officer) = officers[rng.gen_range(0..officers.len())];
            // A tenth from 2022, with more of them signed: last year's cohort.
            let (year, share) = if n % 10 == 0 { (2022, 0.3) } else { (2023, 0.035) };
            let mut lead = lead(&mut rng, n, year, officer, end_2023, share);
            // Now and then two officers meet the same investor: the duplicates list has work.
            if n % 40 == 0 {
                if let Some(earlier) = generated.last() {
                    let earlier: &StoredLead = earlier;
                    if earlier.owner_id != owner_id {
                        lead.company_name = earlier.lead.company_name.replace('（', "(").replace('）', ")");
                        lead.contact_name = earlier.lead.contact_name.clone();
                        lead.mobile = earlier.lead.mobile.clone();
                        lead.industry = earlier.lead.industry;
                        lead.industry_segment = earlier.lead.industry_segment;
                        lead.origin = earlier.lead.origin.clone();
                    }
                }
            }
            generated.push(StoredLead::first_version(owner_id, 0, lead));
        }
        let mut turn = db.writer_turn().await;
        let mut tx = turn.begin().await?;
        let first = leads::take_sequence(&mut tx, batch as i64).await?;
        for (i, s) in generated.iter_mut().enumerate() {
            s.seq = first + i as i64;
        }
        let new: Vec<NewLead> = generated.iter().map(|s| NewLead { stored: s, device_id: "demo", in_trail: true }).collect();
        leads::insert_many(&mut tx, &new).await?;
        let at = crate::db::now_text();
        let trail = generated
            .iter()
            .map(|s| {
                let packed = crate::db::packed::pack(&serde_json::to_string(&s.lead)?);
                Ok(HistoryEntry::created(s.lead.id.to_string(), None, s.owner_id, s.lead.device_id.clone(), packed, at.clone()))
            })
            .collect::<Result<Vec<HistoryEntry>, serde_json::Error>>()
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        history::insert(&mut tx, &trail).await?;
        tx.commit().await?;
        turn.committed();
        written += batch;
    }
    crate::indexer::catch_up(db).await?;
    // Statistics for the query planner after a bulk load (PostgreSQL's autovacuum would get
    // there too, later).
    let mut conn = db.pool.acquire().await?;
    // PostgreSQL: VACUUM also marks the pages all-visible, so that index-only scans need no row.
    let analyze = if db.engine == crate::db::Engine::Postgres { "VACUUM ANALYZE" } else { "ANALYZE" };
    sqlx::query(analyze).execute(&mut *conn).await?;
    Ok(written)
}
