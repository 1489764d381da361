//! The expected figures are worked out by hand from the fixture below, in the comments next to
//! each assertion; none is computed with the code under test.

use chrono::NaiveDate;

use super::*;
use crate::pipeline::FundsReading;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

const Q2: Period = Period::Quarter(2023, 2);
const Y2023: Period = Period::Year(2023);

struct Project {
    chain: Option<IndustryChain>,
    segment: Option<IndustrySegment>,
    top_500: bool,
    department: &'static str,
    officer: &'static str,
    stage: PipelineStage,
    screened_on: NaiveDate,
    /// (agreed 万元, signed on, out of province, FDI USD, supervision)
    signing: Option<(i64, NaiveDate, bool, i64, Supervision)>,
    performed_on: Option<NaiveDate>,
    started_on: Option<NaiveDate>,
    funds: Vec<(NaiveDate, i64)>,
}

impl Project {
    fn facts(self) -> ProjectFacts {
        let signing = self.signing.map(|(wan, on, out_of_province, fdi_usd, supervision)| Signing {
            agreed_investment: Wan(wan),
            signed_on: on,
            out_of_province,
            fdi_usd,
            supervision,
        });
        ProjectFacts {
            industry: self.chain,
            segment: self.segment,
            origin: None,
            top_500: self.top_500,
            department: self.department.into(),
            officer: self.officer.into(),
            pipeline: Pipeline {
                stage: self.stage,
                screened_on: Some(self.screened_on),
                signing,
                performed_on: self.performed_on,
                started_on: self.started_on,
                funds: self.funds.into_iter().map(|(on, wan)| FundsReading { on, to_date: Wan(wan) }).collect(),
                ..Pipeline::default()
            },
            leads: 1,
        }
    }
}

use IndustryChain as C;
use IndustrySegment as S;
use PipelineStage as St;
use Supervision as Sv;

/// Ten leads. P1–P5 are signed in 2023, P6–P9 in 2022 (the cohort of the 2023 rates), P10 is
/// only screened. P4 and P9 are dropped after signing.
fn fixture() -> Vec<ProjectFacts> {
    [
        // P1: hospital preparations, top 500, out of province, signed 2023-04-10 for 6 亿.
        Project {
            chain: Some(C::MedicineHealth),
            segment: Some(S::HospitalPreparations),
            top_500: true,
            department: "commerce",
            officer: "Li",
            stage: St::Started,
            screened_on: d(2023, 3, 20),
            signing: Some((60_000, d(2023, 4, 10), true, 0, Sv::None)),
            performed_on: Some(d(2023, 5, 5)),
            started_on: Some(d(2023, 6, 1)),
            funds: vec![(d(2023, 5, 20), 5_000), (d(2023, 6, 25), 12_000), (d(2023, 7, 15), 20_000)],
        },
        // P2: reproductive health, foreign (not out of province), 1,500,000 USD FDI, signed 2023-05-18 for 5 亿.
        Project {
            chain: Some(C::MedicineHealth),
            segment: Some(S::ReproductiveHealth),
            top_500: false,
            department: "commerce",
            officer: "Wang",
            stage: St::Signed,
            screened_on: d(2023, 4, 12),
            signing: Some((50_000, d(2023, 5, 18), false, 1_500_000, Sv::None)),
            performed_on: None,
            started_on: None,
            funds: vec![],
        },
        // P3: TCM preparations (outside the Q2 themed segments), out of province, signed and
        // performed on the last day of Q2 for 3 亿.
        Project {
            chain: Some(C::MedicineHealth),
            segment: Some(S::TcmPreparations),
            top_500: false,
            department: "economy",
            officer: "Zhao",
            stage: St::Performed,
            screened_on: d(2023, 5, 2),
            signing: Some((30_000, d(2023, 6, 30), true, 0, Sv::None)),
            performed_on: Some(d(2023, 6, 30)),
            started_on: None,
            funds: vec![(d(2023, 6, 30), 3_000)],
        },
        // P4: dropped. Would otherwise be a Q2 top-500 out-of-province signing of 9 亿 with money and a landing.
        Project {
            chain: Some(C::Manufacturing),
            segment: None,
            top_500: true,
            department: "economy",
            officer: "Zhao",
            stage: St::Dropped,
            screened_on: d(2023, 4, 5),
            signing: Some((90_000, d(2023, 5, 1), true, 2_000_000, Sv::Provincial)),
            performed_on: Some(d(2023, 5, 20)),
            started_on: None,
            funds: vec![(d(2023, 5, 10), 10_000)],
        },
        // P5: pre-made dishes, in province, signed in Q1 for 3 亿.
        Project {
            chain: Some(C::FoodBeverage),
            segment: Some(S::PreMadeDishes),
            top_500: false,
            department: "agriculture",
            officer: "Chen",
            stage: St::Signed,
            screened_on: d(2023, 1, 10),
            signing: Some((30_000, d(2023, 3, 15), false, 0, Sv::None)),
            performed_on: None,
            started_on: None,
            funds: vec![],
        },
        // P6: 2022, provincial, 4 亿, performed 2022, started Feb 2023, money 4k / 8k / 14k.
        Project {
            chain: Some(C::Manufacturing),
            segment: None,
            top_500: false,
            department: "economy",
            officer: "Zhao",
            stage: St::FundsInPlace,
            screened_on: d(2022, 6, 1),
            signing: Some((40_000, d(2022, 8, 1), true, 0, Sv::Provincial)),
            performed_on: Some(d(2022, 10, 1)),
            started_on: Some(d(2023, 2, 1)),
            funds: vec![(d(2022, 12, 31), 4_000), (d(2023, 3, 31), 8_000), (d(2023, 5, 31), 14_000)],
        },
        // P7: 2022, provincial, 2 亿, performed 2023-04-20, never started, 1k arrived in April.
        Project {
            chain: Some(C::Services),
            segment: None,
            top_500: false,
            department: "commerce",
            officer: "Li",
            stage: St::Performed,
            screened_on: d(2022, 9, 1),
            signing: Some((20_000, d(2022, 11, 20), true, 0, Sv::Provincial)),
            performed_on: Some(d(2023, 4, 20)),
            started_on: None,
            funds: vec![(d(2023, 4, 30), 1_000)],
        },
        // P8: 2022, municipal, in province, 1 亿; only the segment (citrus) recorded.
        Project {
            chain: None,
            segment: Some(S::Citrus),
            top_500: false,
            department: "agriculture",
            officer: "Chen",
            stage: St::Started,
            screened_on: d(2022, 1, 15),
            signing: Some((10_000, d(2022, 3, 5), false, 0, Sv::Municipal)),
            performed_on: Some(d(2022, 6, 1)),
            started_on: Some(d(2023, 5, 15)),
            funds: vec![(d(2023, 6, 10), 2_000)],
        },
        // P9: 2022, provincial, performed, then dropped: not in the cohort.
        Project {
            chain: Some(C::UrbanQuality),
            segment: None,
            top_500: false,
            department: "tourism",
            officer: "Sun",
            stage: St::Dropped,
            screened_on: d(2022, 7, 1),
            signing: Some((30_000, d(2022, 9, 9), true, 0, Sv::Provincial)),
            performed_on: Some(d(2022, 10, 10)),
            started_on: None,
            funds: vec![],
        },
        // P10: a lead screened in June 2023, not signed.
        Project {
            chain: Some(C::ColdChainLogistics),
            segment: None,
            top_500: false,
            department: "agriculture",
            officer: "Chen",
            stage: St::Screened,
            screened_on: d(2023, 6, 15),
            signing: None,
            performed_on: None,
            started_on: None,
            funds: vec![],
        },
    ]
    .into_iter()
    .map(Project::facts)
    .collect()
}

fn target(period: Period, metric: Metric, value: i64) -> Target {
    Target { period, metric, scope: IndustryScope::all(), supervision: None, value }
}

fn amount(t: &Target, as_of: NaiveDate) -> i64 {
    match actual(t, &fixture(), as_of) {
        Actual::Amount(a) => a,
        other => panic!("{:?} should be an amount, got {other:?}", t.metric),
    }
}

fn rate(t: &Target, as_of: NaiveDate) -> Ratio {
    match actual(t, &fixture(), as_of) {
        Actual::Rate(r) => r,
        other => panic!("{:?} should be a rate, got {other:?}", t.metric),
    }
}

/// After the end of Q2, so the whole quarter counts.
fn after_q2() -> NaiveDate {
    d(2023, 7, 31)
}

#[test]
fn signed_projects_and_money_of_the_quarter() {
    // Signed in Q2 and not dropped: P1 (04-10), P2 (05-18), P3 (06-30, last day included).
    // P4 (05-01) is dropped, P5 is Q1.
    assert_eq!(amount(&target(Q2, Metric::SignedProjects, 0), after_q2()), 3);
    // 60,000 + 50,000 + 30,000 = 140,000 万元 (14 亿).
    assert_eq!(amount(&target(Q2, Metric::AgreedInvestment, 0), after_q2()), 140_000);
    // Out of province among them: P1 60,000 + P3 30,000 = 90,000 (P2 is foreign).
    assert_eq!(amount(&target(Q2, Metric::OutOfProvinceAgreed, 0), after_q2()), 90_000);
    // Top 500: P1 only (P4 is top 500 but dropped).
    assert_eq!(amount(&target(Q2, Metric::Top500, 0), after_q2()), 1);
    // FDI: P2's 1,500,000 USD (P4's 2,000,000 is dropped).
    assert_eq!(amount(&target(Q2, Metric::Fdi, 0), after_q2()), 1_500_000);
    // The whole year: P1 + P2 + P3 + P5 = 4 projects, 60k + 50k + 30k + 30k = 170,000.
    assert_eq!(amount(&target(Y2023, Metric::SignedProjects, 0), d(2023, 12, 31)), 4);
    assert_eq!(amount(&target(Y2023, Metric::AgreedInvestment, 0), d(2023, 12, 31)), 170_000);
}

#[test]
fn themed_amount_counts_only_the_scope() {
    let scope = IndustryScope::parse("hospital_preparations,reproductive_health").expect("known segments");
    let themed = |metric| Target { scope: scope.clone(), ..target(Q2, metric, 100_000) };
    // P1 (hospital preparations) 60,000 + P2 (reproductive health) 50,000 = 110,000; P3 is TCM.
    assert_eq!(amount(&themed(Metric::IndustryAmount), after_q2()), 110_000);
    assert_eq!(amount(&themed(Metric::IndustryCount), after_q2()), 2);
    // The whole medicine chain takes P3 too: 140,000 over 3 projects.
    let chain = Target { scope: IndustryScope::parse("medicine_health").expect("known chain"), ..target(Q2, Metric::IndustryAmount, 0) };
    assert_eq!(amount(&chain, after_q2()), 140_000);
    // Progress of the themed target: 110,000 / 100,000 = 1.1.
    let row = target_row(&themed(Metric::IndustryAmount), &fixture(), after_q2());
    assert!(row.progress.is_some_and(|p| (p - 1.1).abs() < 1e-9), "{:?}", row.progress);
}

#[test]
fn out_of_province_actual_is_what_arrived_within_the_quarter() {
    // Live out-of-province projects: P1, P3, P6, P7 (P4 dropped; P2, P5, P8 not out of province).
    // P1: 12,000 on 06-30 (the 07-15 reading is after Q2) − 0 on 03-31 = 12,000
    // P3: 3,000 − 0 = 3,000
    // P6: 14,000 (05-31) − 8,000 (03-31) = 6,000
    // P7: 1,000 − 0 = 1,000
    // Total 22,000; P4's 10,000 does not count.
    assert_eq!(amount(&target(Q2, Metric::OutOfProvinceActual, 0), after_q2()), 22_000);
    // As of 06-20 only what had arrived by then: P1 5,000 + P3 0 + P6 6,000 + P7 1,000 = 12,000.
    assert_eq!(amount(&target(Q2, Metric::OutOfProvinceActual, 0), d(2023, 6, 20)), 12_000);
    // The year 2023: P1 20,000 + P3 3,000 + P6 (14,000 − 4,000 on 2022-12-31) 10,000 + P7 1,000 = 34,000.
    assert_eq!(amount(&target(Y2023, Metric::OutOfProvinceActual, 0), d(2023, 12, 31)), 34_000);
}

#[test]
fn packaged_projects_count_every_lead_screened_in_the_period() {
    // Screened in Q2: P2 (04-12), P3 (05-02), P4 (04-05, dropped but packaged), P10 (06-15) = 4.
    assert_eq!(amount(&target(Q2, Metric::PackagedProjects, 0), after_q2()), 4);
    // In 2023 also P1 (03-20) and P5 (01-10): 6.
    assert_eq!(amount(&target(Y2023, Metric::PackagedProjects, 0), d(2023, 12, 31)), 6);
}

#[test]
fn rates_of_the_previous_years_signings() {
    // Cohort for 2023: signed in 2022 and not dropped: P6, P7, P8 (P9 dropped). Counted to 06-30.
    // Performed by 06-30: P6 (2022-10-01), P7 (2023-04-20), P8 (2022-06-01) → 3/3.
    // Started by 06-30: P6 (02-01), P8 (05-15); P7 never → 2/3.
    // Funds on 06-30: P6 14,000 + P7 1,000 + P8 2,000 = 17,000 of 40,000 + 20,000 + 10,000 = 70,000.
    assert_eq!(rate(&target(Q2, Metric::PerformanceRate, 80), after_q2()), Ratio { num: 3, den: 3 });
    assert_eq!(rate(&target(Q2, Metric::StartRate, 60), after_q2()), Ratio { num: 2, den: 3 });
    let funds = rate(&target(Q2, Metric::FundsRate, 15), after_q2());
    assert_eq!(funds, Ratio { num: 17_000, den: 70_000 });
    // 17,000 / 70,000 = 24.2857…%
    assert_eq!(funds.display(), "24.3%");

    // Provincially supervised: P6 and P7 → performed 2/2, started 1/2 (P6), funds 15,000 / 60,000 = 25%.
    let provincial = |metric, value| Target { supervision: Some(Sv::Provincial), ..target(Q2, metric, value) };
    assert_eq!(rate(&provincial(Metric::PerformanceRate, 80), after_q2()), Ratio { num: 2, den: 2 });
    assert_eq!(rate(&provincial(Metric::StartRate, 60), after_q2()), Ratio { num: 1, den: 2 });
    assert_eq!(rate(&provincial(Metric::FundsRate, 15), after_q2()), Ratio { num: 15_000, den: 60_000 });
    assert_eq!(rate(&provincial(Metric::FundsRate, 15), after_q2()).display(), "25.0%");
    // Progress: 100% performed / 80 = 1.25; 50% started / 60 = 0.8333…
    let performance = target_row(&provincial(Metric::PerformanceRate, 80), &fixture(), after_q2());
    assert_eq!(performance.progress, Some(1.25));
    let start = target_row(&provincial(Metric::StartRate, 60), &fixture(), after_q2());
    assert!(start.progress.is_some_and(|p| (p - 50.0 / 60.0).abs() < 1e-9), "{:?}", start.progress);

    // Q1 counts to 03-31: performed P6, P8 (P7 in April) → 2/3; started P6 only → 1/3;
    // funds P6 8,000 + P7 0 + P8 0 = 8,000 / 70,000.
    let q1 = Period::Quarter(2023, 1);
    assert_eq!(rate(&target(q1, Metric::PerformanceRate, 70), after_q2()), Ratio { num: 2, den: 3 });
    assert_eq!(rate(&target(q1, Metric::StartRate, 50), after_q2()), Ratio { num: 1, den: 3 });
    assert_eq!(rate(&target(q1, Metric::FundsRate, 5), after_q2()), Ratio { num: 8_000, den: 70_000 });
}

#[test]
fn an_empty_cohort_gives_an_undefined_rate() {
    // No unsupervised project was signed in 2022 (P6, P7 provincial; P8 municipal).
    let unsupervised = Target { supervision: Some(Sv::None), ..target(Q2, Metric::PerformanceRate, 80) };
    let ratio = rate(&unsupervised, after_q2());
    assert_eq!(ratio, Ratio { num: 0, den: 0 });
    assert_eq!(ratio.percent(), None);
    assert_eq!(ratio.display(), "—");
    assert_eq!(target_row(&unsupervised, &fixture(), after_q2()).progress, None);
    // Nothing was signed in 2021: every rate of 2022 is undefined, funds included.
    let funds = rate(&target(Period::Year(2022), Metric::FundsRate, 30), d(2022, 12, 31));
    assert_eq!(funds, Ratio { num: 0, den: 0 });
    assert_eq!(funds.display(), "—");
}

#[test]
fn ratio_shows_one_decimal() {
    assert_eq!(Ratio { num: 3, den: 4 }.percent(), Some(75.0));
    assert_eq!(Ratio { num: 3, den: 4 }.display(), "75.0%");
    assert_eq!(Ratio { num: 0, den: 5 }.display(), "0.0%");
    assert_eq!(Ratio { num: 0, den: 0 }.percent(), None);
}

#[test]
fn progress_is_undefined_for_a_zero_target() {
    let row = target_row(&target(Q2, Metric::SignedProjects, 0), &fixture(), after_q2());
    assert_eq!(row.actual, Actual::Amount(3));
    assert_eq!(row.progress, None);
    // 140,000 of a 200,000 target (20 亿) = 0.7.
    let row = target_row(&target(Q2, Metric::AgreedInvestment, 200_000), &fixture(), after_q2());
    assert_eq!(row.progress, Some(0.7));
}

#[test]
fn dropped_projects_count_nowhere() {
    // Only P4 is dropped among Q2 signings; dropping P1 as well takes away its signing, its
    // top-500 flag and its out-of-province money.
    let mut facts = fixture();
    facts[0].pipeline.stage = St::Dropped;
    let of = |metric| match actual(&target(Q2, metric, 0), &facts, after_q2()) {
        Actual::Amount(a) => a,
        Actual::Rate(_) => panic!("amount expected"),
    };
    assert_eq!(of(Metric::SignedProjects), 2); // P2, P3
    assert_eq!(of(Metric::AgreedInvestment), 80_000); // 50,000 + 30,000
    assert_eq!(of(Metric::Top500), 0);
    assert_eq!(of(Metric::OutOfProvinceActual), 10_000); // P3 3,000 + P6 6,000 + P7 1,000
}

#[test]
fn dashboard_of_the_quarter() {
    let targets = vec![
        target(Y2023, Metric::AgreedInvestment, 800_000),
        target(Q2, Metric::AgreedInvestment, 200_000),
        target(Period::Quarter(2023, 3), Metric::AgreedInvestment, 250_000),
        target(Q2, Metric::Top500, 1),
    ];
    let board = dashboard(&targets, &fixture(), Q2, after_q2());
    // Only the two Q2 targets, in the order given.
    let metrics: Vec<Metric> = board.rows.iter().map(|r| r.target.metric).collect();
    assert_eq!(metrics, vec![Metric::AgreedInvestment, Metric::Top500]);
    assert_eq!(board.rows[0].actual, Actual::Amount(140_000));
    assert_eq!(board.rows[1].progress, Some(1.0)); // 1 of 1

    // Rates: overall, provincial, municipal (figures worked out in rates_of_the_previous_years_signings).
    // Municipal: P8 alone → performed 1/1, started 1/1, funds 2,000 / 10,000.
    assert_eq!(
        board.rates,
        vec![
            RateRow {
                supervision: None,
                cohort: 3,
                performance: Ratio { num: 3, den: 3 },
                start: Ratio { num: 2, den: 3 },
                funds: Ratio { num: 17_000, den: 70_000 },
            },
            RateRow {
                supervision: Some(Sv::Provincial),
                cohort: 2,
                performance: Ratio { num: 2, den: 2 },
                start: Ratio { num: 1, den: 2 },
                funds: Ratio { num: 15_000, den: 60_000 },
            },
            RateRow {
                supervision: Some(Sv::Municipal),
                cohort: 1,
                performance: Ratio { num: 1, den: 1 },
                start: Ratio { num: 1, den: 1 },
                funds: Ratio { num: 2_000, den: 10_000 },
            },
        ]
    );

    // Q2 signings are all medicine: 3 projects, 140,000 agreed, actual on 06-30 P1 12,000 + P2 0 + P3 3,000.
    assert_eq!(
        board.industries,
        vec![IndustryRow { chain: Some(C::MedicineHealth), signed: 3, agreed: Wan(140_000), actual: Wan(15_000) }]
    );

    // Months of Q2, to 06-30:
    // April: signed P1 (04-10); performed P7 (04-20); no start.
    // May: signed P2 (05-18) (P4's 05-01 dropped); performed P1 (05-05) (P4's 05-20 dropped); started P8 (05-15).
    // June: signed P3 (06-30); performed P3 (06-30); started P1 (06-01).
    let month = |month, signings, landings, starts| MonthRow { month, year: 2023, signings, landings, starts };
    assert_eq!(board.months, vec![month(4, 1, 1, 0), month(5, 1, 1, 1), month(6, 1, 1, 1)]);
}

#[test]
fn dashboard_of_the_year_ranks_departments_and_officers() {
    let board = dashboard(&[], &fixture(), Y2023, d(2023, 12, 31));
    // Signed in 2023: P1 commerce/Li 60,000 (actual 20,000 by year end), P2 commerce/Wang 50,000,
    // P3 economy/Zhao 30,000 (actual 3,000), P5 agriculture/Chen 30,000.
    // commerce 110,000 first; agriculture and economy tie at 30,000 and 1 project: by name;
    // tourism (only the dropped P9) last with nothing.
    let rank = |name: &str, signed, agreed, actual| RankRow { name: name.into(), signed, agreed: Wan(agreed), actual: Wan(actual) };
    assert_eq!(
        board.departments,
        vec![
            rank("commerce", 2, 110_000, 20_000),
            rank("agriculture", 1, 30_000, 0),
            rank("economy", 1, 30_000, 3_000),
            rank("tourism", 0, 0, 0),
        ]
    );
    // Officers: Li 60,000, Wang 50,000, then Chen and Zhao tie at 30,000 (by name), Sun nothing.
    let names: Vec<&str> = board.officers.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["Li", "Wang", "Chen", "Zhao", "Sun"]);

    // Industries: medicine 3 projects 140,000 (actual P1 20,000 + P3 3,000), food 1 project 30,000.
    assert_eq!(
        board.industries,
        vec![
            IndustryRow { chain: Some(C::MedicineHealth), signed: 3, agreed: Wan(140_000), actual: Wan(23_000) },
            IndustryRow { chain: Some(C::FoodBeverage), signed: 1, agreed: Wan(30_000), actual: Wan(0) },
        ]
    );

    // Twelve months; signings in March (P5), April, May, June; starts in February (P6), May, June.
    assert_eq!(board.months.len(), 12);
    let signings: Vec<i64> = board.months.iter().map(|m| m.signings).collect();
    assert_eq!(signings, vec![0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    let starts: Vec<i64> = board.months.iter().map(|m| m.starts).collect();
    assert_eq!(starts, vec![0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn ranking_breaks_ties_by_signed_projects_then_name() {
    let mut facts = fixture();
    // Give Chen a second 2023 signing (P10, 0 万元 would be refused by the pipeline, so move
    // 10,000 from P5 to it): Chen has 2 projects of 30,000 in total, Zhao 1 of 30,000.
    facts[4].pipeline.signing.as_mut().expect("P5 is signed").agreed_investment = Wan(20_000);
    facts[9].pipeline.stage = St::Signed;
    facts[9].pipeline.signing = Some(Signing {
        agreed_investment: Wan(10_000),
        signed_on: d(2023, 8, 1),
        out_of_province: false,
        fdi_usd: 0,
        supervision: Sv::None,
    });
    facts[2].officer = "Abe".into(); // P3 goes to an officer whose name sorts before Chen
    let board = dashboard(&[], &facts, Y2023, d(2023, 12, 31));
    let officers: Vec<(&str, i64, Wan)> = board.officers.iter().map(|r| (r.name.as_str(), r.signed, r.agreed)).collect();
    // Chen (2 projects, 30,000) before Abe (1 project, 30,000) despite the name; Zhao keeps only
    // the dropped P4 and 2022's P6: nothing in 2023.
    assert_eq!(
        officers,
        vec![
            ("Li", 1, Wan(60_000)),
            ("Wang", 1, Wan(50_000)),
            ("Chen", 2, Wan(30_000)),
            ("Abe", 1, Wan(30_000)),
            ("Sun", 0, Wan(0)),
            ("Zhao", 0, Wan(0))
        ]
    );
}

#[test]
fn a_lead_with_no_industry_gets_its_own_row() {
    let mut facts = fixture();
    facts[4].industry = None;
    facts[4].segment = None;
    facts[4].pipeline.signing.as_mut().expect("P5 is signed").agreed_investment = Wan(140_000);
    let board = dashboard(&[], &facts, Y2023, d(2023, 12, 31));
    // Medicine 140,000 over 3 projects beats no-industry 140,000 over 1 project.
    let chains: Vec<Option<IndustryChain>> = board.industries.iter().map(|r| r.chain).collect();
    assert_eq!(chains, vec![Some(C::MedicineHealth), None]);
}

#[test]
fn periods_have_inclusive_bounds_and_codes() {
    assert_eq!((Q2.start(), Q2.end()), (d(2023, 4, 1), d(2023, 6, 30)));
    assert_eq!((Period::Quarter(2024, 1).start(), Period::Quarter(2024, 1).end()), (d(2024, 1, 1), d(2024, 3, 31)));
    assert_eq!(Period::Quarter(2023, 3).end(), d(2023, 9, 30));
    assert_eq!(Period::Quarter(2023, 4).end(), d(2023, 12, 31));
    assert_eq!((Y2023.start(), Y2023.end()), (d(2023, 1, 1), d(2023, 12, 31)));
    assert!(Q2.contains(d(2023, 4, 1)) && Q2.contains(d(2023, 6, 30)));
    assert!(!Q2.contains(d(2023, 3, 31)) && !Q2.contains(d(2023, 7, 1)));
    assert_eq!(Period::quarter_of(d(2023, 6, 30)), Q2);
    assert_eq!(Period::quarter_of(d(2023, 7, 1)), Period::Quarter(2023, 3));
    assert_eq!(Period::quarter_of(d(2023, 1, 1)), Period::Quarter(2023, 1));
    assert_eq!(Q2.year(), 2023);
    assert_eq!(Q2.months().collect::<Vec<_>>(), vec![(2023, 4), (2023, 5), (2023, 6)]);
    assert_eq!(Y2023.months().count(), 12);

    assert_eq!(Q2.code(), "2023-Q2");
    assert_eq!(Y2023.code(), "2023");
    assert_eq!(Period::parse("2023-Q2"), Some(Q2));
    assert_eq!(Period::parse("2023"), Some(Y2023));
    for bad in [
        "",
        "2023-Q5",
        "2023-Q0",
        "2023-Q",
        "2023-q2",
        "23",
        "20233",
        "-2023",
        "+202",
        "2023-Q22",
        "2023Q2",
        "２０２３",
        "abcd",
        "2023-Q2 ",
    ] {
        assert_eq!(Period::parse(bad), None, "{bad:?}");
    }
    // A quarter built in code out of range does not panic.
    assert_eq!(Period::Quarter(2023, 9).end(), d(2023, 12, 31));
    let _ = Period::Year(i32::MAX).end();
}

#[test]
fn industry_scope_codes_and_membership() {
    let q2 = IndustryScope::parse("hospital_preparations,reproductive_health").expect("known codes");
    assert_eq!(q2.segments, vec![S::HospitalPreparations, S::ReproductiveHealth]);
    assert_eq!(q2.code(), "hospital_preparations,reproductive_health");
    assert!(q2.contains(Some(C::MedicineHealth), Some(S::ReproductiveHealth)));
    assert!(!q2.contains(Some(C::MedicineHealth), Some(S::TcmPreparations)));
    assert!(!q2.contains(Some(C::MedicineHealth), None));
    assert!(!q2.contains(None, None));

    let mixed = IndustryScope::parse(" food_beverage , citrus,food_beverage").expect("known codes");
    assert_eq!(mixed, IndustryScope { chains: vec![C::FoodBeverage], segments: vec![S::Citrus] });
    assert_eq!(IndustryScope::parse(&mixed.code()), Some(mixed.clone()));
    assert!(mixed.contains(Some(C::FoodBeverage), None));
    assert!(mixed.contains(Some(C::FoodBeverage), Some(S::LiquorDrinks)));
    assert!(mixed.contains(None, Some(S::PreMadeDishes))); // the segment's chain is food
    assert!(mixed.contains(None, Some(S::Citrus)));
    assert!(!mixed.contains(Some(C::ModernAgriculture), Some(S::Pigs)));

    let all = IndustryScope::parse("").expect("empty is all");
    assert!(all.is_all() && all.contains(None, None));
    assert_eq!(all.code(), "");
    assert_eq!(IndustryScope::parse("medicine_health,nonsense"), None);
}

#[test]
fn metrics_have_units_and_targets_travel_as_codes() {
    assert_eq!(Metric::AgreedInvestment.unit(), Unit::Wan);
    assert_eq!(Metric::Top500.unit(), Unit::Count);
    assert_eq!(Metric::Fdi.unit(), Unit::Usd);
    assert_eq!(Metric::FundsRate.unit(), Unit::Percent);
    for m in Metric::ALL {
        assert_eq!(Metric::from_code(m.code()), Some(*m));
    }

    let t = Target {
        period: Q2,
        metric: Metric::IndustryAmount,
        scope: IndustryScope::parse("hospital_preparations,reproductive_health").expect("known codes"),
        supervision: Some(Sv::Provincial),
        value: 100_000,
    };
    let json = serde_json::to_value(&t).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({
            "period": "2023-Q2",
            "metric": "industry_amount",
            "scope": "hospital_preparations,reproductive_health",
            "supervision": "provincial",
            "value": 100000,
        })
    );
    assert_eq!(serde_json::from_value::<Target>(json).expect("deserializes"), t);
    let short: Target = serde_json::from_str(r#"{"period":"2023","metric":"top_500","value":1}"#).expect("scope and supervision default");
    assert_eq!(short, target(Y2023, Metric::Top500, 1));
    assert!(serde_json::from_str::<Target>(r#"{"period":"2023-Q7","metric":"top_500","value":1}"#).is_err());
}

#[test]
fn grouped_screened_leads_count_as_many_leads_and_rank_nobody() {
    // Five leads screened on 2023-04-03 in food & beverage, read as one group without names.
    let group = ProjectFacts {
        industry: Some(C::FoodBeverage),
        segment: None,
        origin: None,
        top_500: false,
        department: String::new(),
        officer: String::new(),
        pipeline: Pipeline { stage: St::Screened, screened_on: NaiveDate::from_ymd_opt(2023, 4, 3), ..Pipeline::default() },
        leads: 5,
    };
    let target = Target {
        period: Period::Quarter(2023, 2),
        metric: Metric::PackagedProjects,
        scope: IndustryScope::all(),
        supervision: None,
        value: 10,
    };
    let as_of = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
    assert_eq!(actual(&target, std::slice::from_ref(&group), as_of), Actual::Amount(5));
    let dash = dashboard(&[target], &[group], Period::Quarter(2023, 2), as_of);
    assert!(dash.departments.is_empty() && dash.officers.is_empty());
}
