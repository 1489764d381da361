//! The project pipeline (项目 "有签有落"): the stages a lead goes through on its way to an
//! operating project, what signing records, and the one rule set for moving between stages
//! ([`Pipeline::apply`]). Managers move leads on the server; the tablet only shows the stage.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::code_enum;
use crate::money::MAX_WAN;
use crate::{text, Wan};

code_enum! {
    /// Where a lead stands. The order of `ALL` is the order of the pipeline; `Dropped` is off it.
    PipelineStage {
        Lead => "lead",
        Screened => "screened",
        Negotiating => "negotiating",
        Signed => "signed",
        Performed => "performed",
        Started => "started",
        FundsInPlace => "funds_in_place",
        Operating => "operating",
        Dropped => "dropped",
    }
}

// Not derived: `code_enum!` declares the enum and takes no attributes on its variants.
#[allow(clippy::derivable_impls)]
impl Default for PipelineStage {
    fn default() -> Self {
        PipelineStage::Lead
    }
}

impl PipelineStage {
    /// Position on the pipeline; `Dropped` is after every stage.
    pub fn rank(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(Self::ALL.len())
    }

    /// Whether a project at this stage has been signed (and not dropped).
    pub fn is_signed(self) -> bool {
        self != PipelineStage::Dropped && self.rank() >= PipelineStage::Signed.rank()
    }
}

code_enum! {
    /// Supervision (督办) of a signed project, which carries higher target rates.
    Supervision {
        None => "none",
        Provincial => "provincial",
        Municipal => "municipal",
    }
}

#[allow(clippy::derivable_impls)]
impl Default for Supervision {
    fn default() -> Self {
        Supervision::None
    }
}

/// What signing (签约) records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signing {
    /// Agreed investment (协议引资).
    pub agreed_investment: Wan,
    pub signed_on: NaiveDate,
    /// Counts as out-of-province money: derived from the lead's origin, a manager may override it.
    pub out_of_province: bool,
    /// Foreign direct investment, in whole US dollars.
    pub fdi_usd: i64,
    pub supervision: Supervision,
}

/// One reading of the actual investment arrived so far (cumulative), and when it was recorded:
/// the investment that arrived within a period is the difference of two readings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundsReading {
    pub on: NaiveDate,
    pub to_date: Wan,
}

/// A lead's place in the pipeline and what its stages recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pipeline {
    pub stage: PipelineStage,
    pub screened_on: Option<NaiveDate>,
    pub negotiating_on: Option<NaiveDate>,
    pub signing: Option<Signing>,
    pub performed_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub funds_in_place_on: Option<NaiveDate>,
    pub operating_on: Option<NaiveDate>,
    /// Readings of the actual investment, oldest first.
    pub funds: Vec<FundsReading>,
    /// Why the lead was dropped, or why it last went back a stage.
    pub reason: Option<String>,
}

/// A manager's request to move a lead (or to record new figures at its current stage).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageChange {
    pub to: PipelineStage,
    /// The date the new stage was reached.
    pub on: NaiveDate,
    /// Required when dropping a lead or moving it back.
    pub reason: String,
    /// Required when the lead reaches `Signed` without having been signed before.
    pub signing: Option<Signing>,
    /// The actual investment arrived so far, when the manager records it.
    pub actual_to_date: Option<Wan>,
    /// The day that figure was reached: the change's own date (`on`) when none is given, so that
    /// a funds reading never has to borrow the signing's date, nor move it.
    pub funds_on: Option<NaiveDate>,
}

/// Why a stage change is refused. Codes, not sentences: the UI translates them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    #[error("moving a lead back or dropping it needs a reason")]
    ReasonRequired,
    #[error("the reason is longer than {max} characters")]
    ReasonTooLong { max: usize },
    #[error("a signed project needs the agreed investment and the signing date")]
    SigningRequired,
    #[error("the agreed investment must be more than 0 and at most 10,000 亿元")]
    InvalidAmount,
    #[error("foreign direct investment cannot be negative")]
    InvalidFdi,
    #[error("a stage cannot be reached before the project was signed")]
    DateBeforeSigning,
    #[error("the actual investment must be between 0 and 10,000 亿元, and only for a signed project")]
    InvalidActual,
    #[error("money cannot arrive before the project was signed")]
    FundsBeforeSigning,
    #[error("nothing changes")]
    NoChange,
}

impl StageError {
    /// Stable code, for translation keys (`stage_error.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            StageError::ReasonRequired => "reason_required",
            StageError::ReasonTooLong { .. } => "reason_too_long",
            StageError::SigningRequired => "signing_required",
            StageError::InvalidAmount => "invalid_amount",
            StageError::InvalidFdi => "invalid_fdi",
            StageError::DateBeforeSigning => "date_before_signing",
            StageError::InvalidActual => "invalid_actual",
            StageError::FundsBeforeSigning => "funds_before_signing",
            StageError::NoChange => "no_change",
        }
    }
}

const MAX_REASON: usize = 500;

impl Pipeline {
    /// Whether nothing has happened yet (a lead as captured): such a pipeline is left out of a
    /// lead's JSON, which keeps sync requests and stored leads as small as before it existed.
    pub fn is_fresh(&self) -> bool {
        *self == Pipeline::default()
    }

    /// The actual investment arrived so far.
    pub fn actual_to_date(&self) -> Wan {
        self.funds.last().map(|r| r.to_date).unwrap_or_default()
    }

    /// The actual investment arrived up to and including `day`.
    pub fn actual_on(&self, day: NaiveDate) -> Wan {
        self.funds.iter().rev().find(|r| r.on <= day).map(|r| r.to_date).unwrap_or_default()
    }

    /// The date each stage was reached, in pipeline order (signing's date for `Signed`).
    fn date_of(&self, stage: PipelineStage) -> Option<NaiveDate> {
        match stage {
            PipelineStage::Screened => self.screened_on,
            PipelineStage::Negotiating => self.negotiating_on,
            PipelineStage::Signed => self.signing.as_ref().map(|s| s.signed_on),
            PipelineStage::Performed => self.performed_on,
            PipelineStage::Started => self.started_on,
            PipelineStage::FundsInPlace => self.funds_in_place_on,
            PipelineStage::Operating => self.operating_on,
            PipelineStage::Lead | PipelineStage::Dropped => None,
        }
    }

    fn date_slot(&mut self, stage: PipelineStage) -> Option<&mut Option<NaiveDate>> {
        match stage {
            PipelineStage::Screened => Some(&mut self.screened_on),
            PipelineStage::Negotiating => Some(&mut self.negotiating_on),
            PipelineStage::Performed => Some(&mut self.performed_on),
            PipelineStage::Started => Some(&mut self.started_on),
            PipelineStage::FundsInPlace => Some(&mut self.funds_in_place_on),
            PipelineStage::Operating => Some(&mut self.operating_on),
            PipelineStage::Lead | PipelineStage::Signed | PipelineStage::Dropped => None,
        }
    }

    /// The pipeline after `change`, or why the change is refused. Rules:
    /// - dropping a lead, moving it back, or reopening a dropped one needs a reason, which is kept;
    /// - reaching `Signed` or later needs the signing record (given now or recorded before);
    /// - moving forward records the date of every stage reached on the way that has none yet;
    ///   moving back clears the dates (and signing) of the stages left;
    /// - no stage after signing is dated before the signing;
    /// - an actual-investment figure adds a reading, dated with its own date (the change's when it
    ///   has none), never before the signing; it takes its place among the readings by date and
    ///   replaces one of the same day.
    pub fn apply(&self, change: &StageChange) -> Result<Pipeline, StageError> {
        let reason = text::optional(&change.reason, MAX_REASON).map_err(|_| StageError::ReasonTooLong { max: MAX_REASON })?;
        let from = self.stage;
        let backwards = change.to != PipelineStage::Dropped && (from == PipelineStage::Dropped || change.to.rank() < from.rank());
        let needs_reason = backwards || (change.to == PipelineStage::Dropped && from != PipelineStage::Dropped);
        if needs_reason && reason.is_none() {
            return Err(StageError::ReasonRequired);
        }
        let mut next = self.clone();
        next.stage = change.to;
        if needs_reason {
            next.reason = reason;
        }
        if let Some(signing) = &change.signing {
            if signing.agreed_investment.0 <= 0 || signing.agreed_investment.0 > MAX_WAN {
                return Err(StageError::InvalidAmount);
            }
            if signing.fdi_usd < 0 {
                return Err(StageError::InvalidFdi);
            }
            next.signing = Some(signing.clone());
        }
        if change.to != PipelineStage::Dropped {
            for stage in PipelineStage::ALL.iter().copied().filter(|s| *s != PipelineStage::Dropped) {
                let reached = stage.rank() <= change.to.rank();
                if stage == PipelineStage::Signed {
                    if !reached {
                        next.signing = None;
                    }
                    continue;
                }
                if let Some(slot) = next.date_slot(stage) {
                    if !reached {
                        *slot = None;
                    } else if slot.is_none() {
                        *slot = Some(change.on);
                    }
                }
            }
            if change.to.is_signed() && next.signing.is_none() {
                return Err(StageError::SigningRequired);
            }
            if !change.to.is_signed() {
                next.funds.clear();
            }
        }
        if let Some(signed_on) = next.signing.as_ref().map(|s| s.signed_on) {
            let later = [PipelineStage::Performed, PipelineStage::Started, PipelineStage::FundsInPlace, PipelineStage::Operating];
            if later.iter().any(|s| next.date_of(*s).is_some_and(|d| d < signed_on)) {
                return Err(StageError::DateBeforeSigning);
            }
        }
        if let Some(actual) = change.actual_to_date {
            if actual.0 < 0 || actual.0 > MAX_WAN || (actual.0 > 0 && !next.stage.is_signed()) {
                return Err(StageError::InvalidActual);
            }
            let on = change.funds_on.unwrap_or(change.on);
            if next.signing.as_ref().is_some_and(|s| on < s.signed_on) {
                return Err(StageError::FundsBeforeSigning);
            }
            if actual != next.actual_on(on) {
                next.funds.retain(|r| r.on != on);
                let at = next.funds.partition_point(|r| r.on < on);
                next.funds.insert(at, FundsReading { on, to_date: actual });
            }
        }
        if next == *self {
            return Err(StageError::NoChange);
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests;

/// The stage form of the manager workspace, as typed. [`StageForm::parse`] turns it into a
/// [`StageChange`]; the rules of the change itself stay in [`Pipeline::apply`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StageForm {
    pub to: String,
    /// The day the new stage was reached, `YYYY-MM-DD`.
    pub on: String,
    /// The signing's date: prefilled with the recorded one, so that saving the form at the
    /// signed stage keeps it; when empty, a first signing takes `on`.
    pub signed_on: String,
    /// The day the actual-investment figure was reached; when empty, `on`.
    pub funds_on: String,
    pub reason: String,
    /// Agreed investment in 万元.
    pub agreed_wan: String,
    /// A checkbox: present when ticked.
    pub out_of_province: Option<String>,
    pub fdi_usd: String,
    pub supervision: String,
    /// Actual investment to date in 万元.
    pub actual_wan: String,
}

/// Why a stage form cannot be read (before the pipeline's rules are asked).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StageFormError {
    #[error("unknown stage or supervision")]
    UnknownChoice,
    #[error("amounts are whole numbers")]
    BadNumber,
    #[error("dates are written YYYY-MM-DD")]
    BadDate,
    #[error("dates lie in the years 2000 to 2099")]
    DateOutOfRange,
    #[error("amounts are at most 10,000 亿元 (FDI at most 100 billion US dollars)")]
    TooLarge,
}

/// The largest FDI a signing may record, in US dollars (100 billion: more than any one project).
pub const MAX_FDI_USD: i64 = 100_000_000_000;

impl StageFormError {
    /// Stable code, for translation keys (`stage_error.<code>`).
    pub fn code(self) -> &'static str {
        match self {
            StageFormError::UnknownChoice => "unknown_choice",
            StageFormError::BadNumber => "bad_number",
            StageFormError::BadDate => "bad_date",
            StageFormError::DateOutOfRange => "date_out_of_range",
            StageFormError::TooLarge => "too_large",
        }
    }
}

/// A whole number from 0 to `max` (thousands separators and spaces allowed), or none.
fn whole(raw: &str, max: i64) -> Result<Option<i64>, StageFormError> {
    let digits: String = crate::text::fold_width(raw).chars().filter(|c| *c != ',' && !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(StageFormError::BadNumber);
    }
    let significant = digits.trim_start_matches('0');
    match significant.parse::<i64>() {
        _ if significant.is_empty() => Ok(Some(0)),
        Ok(n) if n <= max => Ok(Some(n)),
        _ => Err(StageFormError::TooLarge),
    }
}

/// A date of the form, `YYYY-MM-DD` in the years 2000 to 2099, or none when left empty.
fn date(raw: &str) -> Result<Option<NaiveDate>, StageFormError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let on = crate::time::optional_date::parse(raw).ok_or(StageFormError::BadDate)?;
    if !crate::time::date_in_range(on) {
        return Err(StageFormError::DateOutOfRange);
    }
    Ok(Some(on))
}

impl StageForm {
    /// The form prefilled for a lead at `current`: the next stage, today, the recorded figures.
    pub fn for_pipeline(current: &Pipeline, today: NaiveDate, out_of_province: bool) -> StageForm {
        let next = PipelineStage::ALL.iter().copied().find(|s| s.rank() == current.stage.rank() + 1 && *s != PipelineStage::Dropped);
        let signing = current.signing.as_ref();
        StageForm {
            to: next.unwrap_or(current.stage).code().to_owned(),
            on: today.to_string(),
            signed_on: signing.map(|s| s.signed_on.to_string()).unwrap_or_default(),
            funds_on: today.to_string(),
            reason: String::new(),
            agreed_wan: signing.map(|s| s.agreed_investment.0.to_string()).unwrap_or_default(),
            out_of_province: signing.map_or(out_of_province, |s| s.out_of_province).then(|| "on".to_owned()),
            fdi_usd: signing.map(|s| s.fdi_usd.to_string()).unwrap_or_default(),
            supervision: signing.map_or(Supervision::None, |s| s.supervision).code().to_owned(),
            actual_wan: current.funds.last().map(|r| r.to_date.0.to_string()).unwrap_or_default(),
        }
    }

    /// Reads the form against the lead's `current` pipeline. A signing record is read when the
    /// lead is being signed (or re-signed at the signed stage), so later stages never move the
    /// signing date; and its date is the one recorded unless `signed_on` says otherwise, so a
    /// funds reading saved at the signed stage leaves the signing where it was.
    pub fn parse(&self, current: &Pipeline) -> Result<StageChange, StageFormError> {
        let to = PipelineStage::from_code(self.to.trim()).ok_or(StageFormError::UnknownChoice)?;
        let on = date(&self.on)?.ok_or(StageFormError::BadDate)?;
        let signed_on = date(&self.signed_on)?.or(current.signing.as_ref().map(|s| s.signed_on)).unwrap_or(on);
        let funds_on = date(&self.funds_on)?.unwrap_or(on);
        let agreed = whole(&self.agreed_wan, crate::money::MAX_WAN)?;
        let fdi = whole(&self.fdi_usd, MAX_FDI_USD)?.unwrap_or(0);
        let supervision = match self.supervision.trim() {
            "" => Supervision::None,
            code => Supervision::from_code(code).ok_or(StageFormError::UnknownChoice)?,
        };
        let signing_now = to == PipelineStage::Signed || (current.signing.is_none() && to.is_signed());
        let signing = match agreed {
            Some(amount) if signing_now => Some(Signing {
                agreed_investment: Wan(amount),
                signed_on,
                out_of_province: self.out_of_province.is_some(),
                fdi_usd: fdi,
                supervision,
            }),
            _ => None,
        };
        // An unchanged figure is not a new reading.
        let actual = whole(&self.actual_wan, crate::money::MAX_WAN)?.map(Wan).filter(|a| *a != current.actual_on(funds_on));
        Ok(StageChange { to, on, reason: self.reason.clone(), signing, actual_to_date: actual, funds_on: Some(funds_on) })
    }
}
