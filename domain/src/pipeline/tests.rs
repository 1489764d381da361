use chrono::NaiveDate;

use super::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, m, d).expect("valid test date")
}

fn signing(wan: i64, on: NaiveDate) -> Signing {
    Signing { agreed_investment: Wan(wan), signed_on: on, out_of_province: true, fdi_usd: 0, supervision: Supervision::Provincial }
}

fn to(stage: PipelineStage, on: NaiveDate) -> StageChange {
    StageChange { to: stage, on, reason: String::new(), signing: None, actual_to_date: None }
}

fn signed() -> Pipeline {
    Pipeline::default()
        .apply(&StageChange { signing: Some(signing(50_000, day(3, 1))), ..to(PipelineStage::Signed, day(3, 1)) })
        .expect("signing with a record is accepted")
}

#[test]
fn moving_forward_dates_every_stage_reached_on_the_way() {
    let p = signed();
    assert_eq!(p.stage, PipelineStage::Signed);
    assert_eq!(p.screened_on, Some(day(3, 1)));
    assert_eq!(p.negotiating_on, Some(day(3, 1)));
    let started = p.apply(&to(PipelineStage::Started, day(5, 2))).expect("forward needs no reason");
    assert_eq!(started.performed_on, Some(day(5, 2)));
    assert_eq!(started.started_on, Some(day(5, 2)));
    assert_eq!(started.funds_in_place_on, None);
}

#[test]
fn signing_needs_its_record() {
    let err = Pipeline::default().apply(&to(PipelineStage::Signed, day(3, 1))).unwrap_err();
    assert_eq!(err, StageError::SigningRequired);
    let zero = StageChange { signing: Some(signing(0, day(3, 1))), ..to(PipelineStage::Signed, day(3, 1)) };
    assert_eq!(Pipeline::default().apply(&zero).unwrap_err(), StageError::InvalidAmount);
}

#[test]
fn going_back_or_dropping_needs_a_reason_and_keeps_it() {
    let p = signed();
    assert_eq!(p.apply(&to(PipelineStage::Negotiating, day(4, 1))).unwrap_err(), StageError::ReasonRequired);
    assert_eq!(p.apply(&to(PipelineStage::Dropped, day(4, 1))).unwrap_err(), StageError::ReasonRequired);
    let back =
        p.apply(&StageChange { reason: "合同未生效".into(), ..to(PipelineStage::Negotiating, day(4, 1)) }).expect("back with a reason");
    assert_eq!(back.signing, None, "a project moved before signing is no longer signed");
    assert_eq!(back.reason.as_deref(), Some("合同未生效"));
    let dropped = p.apply(&StageChange { reason: " 投资方撤回 ".into(), ..to(PipelineStage::Dropped, day(4, 1)) }).expect("drop");
    assert_eq!(dropped.reason.as_deref(), Some("投资方撤回"));
    assert!(dropped.signing.is_some(), "dropping keeps what was recorded");
    assert_eq!(dropped.apply(&to(PipelineStage::Signed, day(4, 2))).unwrap_err(), StageError::ReasonRequired, "reopening needs a reason");
}

#[test]
fn no_stage_after_signing_is_dated_before_it() {
    let err = signed().apply(&to(PipelineStage::Performed, day(2, 1))).unwrap_err();
    assert_eq!(err, StageError::DateBeforeSigning);
}

#[test]
fn actual_investment_readings_give_the_amount_of_a_period() {
    let p = signed()
        .apply(&StageChange { actual_to_date: Some(Wan(5_000)), ..to(PipelineStage::Started, day(4, 10)) })
        .expect("started with funds");
    let p = p.apply(&StageChange { actual_to_date: Some(Wan(12_000)), ..to(PipelineStage::FundsInPlace, day(7, 5)) }).expect("more funds");
    assert_eq!(p.actual_to_date(), Wan(12_000));
    assert_eq!(p.actual_on(day(6, 30)), Wan(5_000));
    assert_eq!(p.actual_on(day(3, 31)), Wan(0));
    assert_eq!(p.apply(&to(PipelineStage::FundsInPlace, day(7, 6))).unwrap_err(), StageError::NoChange);
    let unsigned = StageChange { actual_to_date: Some(Wan(1)), ..to(PipelineStage::Negotiating, day(1, 2)) };
    assert_eq!(Pipeline::default().apply(&unsigned).unwrap_err(), StageError::InvalidActual);
}

#[test]
fn a_lead_without_a_pipeline_reads_as_a_fresh_lead() {
    let p: Pipeline = serde_json::from_str("{}").expect("defaults");
    assert_eq!(p, Pipeline::default());
    assert_eq!(p.stage, PipelineStage::Lead);
    let json = serde_json::to_string(&signed()).expect("serializes");
    assert!(json.contains(r#""stage":"signed""#), "{json}");
    assert!(json.contains(r#""supervision":"provincial""#), "{json}");
}
