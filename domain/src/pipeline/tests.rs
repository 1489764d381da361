use chrono::NaiveDate;

use super::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, m, d).expect("valid test date")
}

fn signing(wan: i64, on: NaiveDate) -> Signing {
    Signing { agreed_investment: Wan(wan), signed_on: on, out_of_province: true, fdi_usd: 0, supervision: Supervision::Provincial }
}

fn to(stage: PipelineStage, on: NaiveDate) -> StageChange {
    StageChange { to: stage, on, reason: String::new(), signing: None, actual_to_date: None, funds_on: None }
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

/// The form as the workspace shows it for `p` on `today`, with `edit` applied.
fn form_for(p: &Pipeline, today: NaiveDate, edit: impl FnOnce(&mut StageForm)) -> StageChange {
    let mut form = StageForm::for_pipeline(p, today, true);
    edit(&mut form);
    form.parse(p).expect("the form reads")
}

#[test]
fn a_funds_reading_at_the_signed_stage_keeps_the_signing_date() {
    let p = signed();
    // The form as shown on 2023-12-02 for a project signed on 2023-03-01: the manager only types
    // the money that has arrived.
    let change = form_for(&p, day(12, 2), |f| {
        f.to = "signed".into();
        f.actual_wan = "8000".into();
    });
    let next = p.apply(&change).expect("a funds reading");
    assert_eq!(next.signing.as_ref().map(|s| s.signed_on), Some(day(3, 1)), "the signing stays in its quarter");
    assert_eq!(next.funds, vec![FundsReading { on: day(12, 2), to_date: Wan(8_000) }], "the money is booked on its own day");

    // Money that arrived in the summer, recorded late, with its own date.
    let change = form_for(&next, day(12, 3), |f| {
        f.to = "signed".into();
        f.actual_wan = "3000".into();
        f.funds_on = "2023-07-15".into();
    });
    let later = next.apply(&change).expect("a backdated reading");
    assert_eq!(later.funds.iter().map(|r| (r.on, r.to_date.0)).collect::<Vec<_>>(), vec![(day(7, 15), 3_000), (day(12, 2), 8_000)]);
    assert_eq!(later.actual_on(day(9, 30)), Wan(3_000));
    assert_eq!(later.signing.as_ref().map(|s| s.signed_on), Some(day(3, 1)));
}

#[test]
fn the_signing_date_moves_only_when_edited() {
    let p = signed();
    let change = form_for(&p, day(12, 2), |f| {
        f.to = "signed".into();
        f.signed_on = "2023-02-20".into();
    });
    assert_eq!(p.apply(&change).expect("a corrected signing date").signing.map(|s| s.signed_on), Some(day(2, 20)));
    // A first signing with the signing date left empty takes the stage's date.
    let negotiating = Pipeline::default().apply(&to(PipelineStage::Negotiating, day(1, 5))).expect("negotiating");
    let change = form_for(&negotiating, day(4, 9), |f| {
        f.to = "signed".into();
        f.agreed_wan = "1000".into();
    });
    assert_eq!(negotiating.apply(&change).expect("signed").signing.map(|s| s.signed_on), Some(day(4, 9)));
}

#[test]
fn money_cannot_arrive_before_the_signing() {
    let change = StageChange { actual_to_date: Some(Wan(10)), funds_on: Some(day(2, 28)), ..to(PipelineStage::Signed, day(3, 2)) };
    assert_eq!(signed().apply(&change).unwrap_err(), StageError::FundsBeforeSigning);
    let bad = StageForm { to: "signed".into(), on: "2023-03-02".into(), funds_on: "2023/03/02".into(), ..StageForm::default() };
    assert_eq!(bad.parse(&signed()).unwrap_err(), StageFormError::BadDate);
}
