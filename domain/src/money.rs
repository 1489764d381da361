//! Money. The plan counts investment in 亿元 (100 million CNY); officers hear amounts in 万元 or
//! 亿元. Amounts are stored as a whole number of 万元 ([`Wan`]) so that sums are exact; entry and
//! display convert without floating point.

use serde::{Deserialize, Serialize};

use crate::{text::fold_width, FieldErrorKind};

/// 万元 in one 亿元.
pub const WAN_PER_YI: i64 = 10_000;
/// The largest amount accepted: 10,000 亿元, more than any single project.
pub const MAX_WAN: i64 = 10_000 * WAN_PER_YI;

/// An amount of money in whole 万元 (10,000 CNY).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Wan(pub i64);

/// The unit an amount is entered or shown in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    /// 万元
    #[default]
    Wan,
    /// 亿元
    Yi,
}

impl MoneyUnit {
    /// Decimal places an entry may have in this unit without falling below one 万元.
    fn max_decimals(self) -> usize {
        match self {
            MoneyUnit::Wan => 0,
            MoneyUnit::Yi => 4,
        }
    }

    fn wan_per_unit(self) -> i64 {
        match self {
            MoneyUnit::Wan => 1,
            MoneyUnit::Yi => WAN_PER_YI,
        }
    }

    /// Stable code, used in forms and translation keys.
    pub fn code(self) -> &'static str {
        match self {
            MoneyUnit::Wan => "wan",
            MoneyUnit::Yi => "yi",
        }
    }

    /// The unit with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "wan" => Some(MoneyUnit::Wan),
            "yi" => Some(MoneyUnit::Yi),
            _ => None,
        }
    }
}

impl Wan {
    /// Parses an amount typed in `unit`: digits with an optional decimal point (full-width digits
    /// and thousands separators accepted). An empty entry is `None`.
    pub fn parse(raw: &str, unit: MoneyUnit) -> Result<Option<Wan>, FieldErrorKind> {
        let folded: String = fold_width(raw).chars().filter(|c| !matches!(c, ',' | ' ' | '，')).collect();
        if folded.is_empty() {
            return Ok(None);
        }
        let (whole, fraction) = folded.split_once('.').unwrap_or((&folded, ""));
        let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty() || !digits_only(whole) || !digits_only(fraction) {
            return Err(FieldErrorKind::InvalidAmount);
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > unit.max_decimals() {
            return Err(FieldErrorKind::TooManyDecimals);
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 12 {
            return Err(FieldErrorKind::AmountTooLarge);
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| FieldErrorKind::InvalidAmount)? };
        let scale = unit.wan_per_unit();
        let fraction_wan: i64 = if fraction.is_empty() {
            0
        } else {
            let padded = format!("{fraction:0<4}");
            padded.parse().map_err(|_| FieldErrorKind::InvalidAmount)?
        };
        let wan = whole.checked_mul(scale).and_then(|w| w.checked_add(fraction_wan)).ok_or(FieldErrorKind::AmountTooLarge)?;
        if wan > MAX_WAN {
            return Err(FieldErrorKind::AmountTooLarge);
        }
        Ok(Some(Wan(wan)))
    }

    /// The amount in `unit` as a plain decimal without trailing zeros ("1.25" 亿, "12500" 万).
    pub fn format_in(self, unit: MoneyUnit) -> String {
        match unit {
            MoneyUnit::Wan => self.0.to_string(),
            MoneyUnit::Yi => {
                let (whole, rest) = (self.0 / WAN_PER_YI, self.0 % WAN_PER_YI);
                if rest == 0 {
                    whole.to_string()
                } else {
                    let fraction = format!("{rest:04}");
                    format!("{whole}.{}", fraction.trim_end_matches('0'))
                }
            }
        }
    }

    /// The unit a person would say this amount in: 亿元 from one 亿 up, 万元 below.
    pub fn natural_unit(self) -> MoneyUnit {
        if self.0 >= WAN_PER_YI {
            MoneyUnit::Yi
        } else {
            MoneyUnit::Wan
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn yi_converts_to_wan_exactly() {
        assert_eq!(Wan::parse("1.5", MoneyUnit::Yi), Ok(Some(Wan(15_000))));
        assert_eq!(Wan::parse("0.0001", MoneyUnit::Yi), Ok(Some(Wan(1))));
        assert_eq!(Wan::parse("80", MoneyUnit::Yi), Ok(Some(Wan(800_000))));
        assert_eq!(Wan::parse(".25", MoneyUnit::Yi), Ok(Some(Wan(2_500))));
        assert_eq!(Wan::parse("１２．５", MoneyUnit::Yi), Ok(Some(Wan(125_000))));
    }

    #[test]
    fn wan_takes_whole_numbers_and_separators() {
        assert_eq!(Wan::parse("5,000", MoneyUnit::Wan), Ok(Some(Wan(5_000))));
        assert_eq!(Wan::parse("500.0", MoneyUnit::Wan), Ok(Some(Wan(500))));
        assert_eq!(Wan::parse("500.5", MoneyUnit::Wan), Err(FieldErrorKind::TooManyDecimals));
        assert_eq!(Wan::parse("", MoneyUnit::Wan), Ok(None));
    }

    #[test]
    fn refuses_garbage_negative_and_huge() {
        for raw in ["abc", "-5", "1.2.3", ".", "1e9", "五百"] {
            assert_eq!(Wan::parse(raw, MoneyUnit::Wan), Err(FieldErrorKind::InvalidAmount), "{raw}");
        }
        assert_eq!(Wan::parse("1.00001", MoneyUnit::Yi), Err(FieldErrorKind::TooManyDecimals));
        assert_eq!(Wan::parse("10001", MoneyUnit::Yi), Err(FieldErrorKind::AmountTooLarge));
        assert_eq!(Wan::parse("99999999999999999999", MoneyUnit::Wan), Err(FieldErrorKind::AmountTooLarge));
    }

    #[test]
    fn formats_without_trailing_zeros() {
        assert_eq!(Wan(15_000).format_in(MoneyUnit::Yi), "1.5");
        assert_eq!(Wan(800_000).format_in(MoneyUnit::Yi), "80");
        assert_eq!(Wan(1).format_in(MoneyUnit::Yi), "0.0001");
        assert_eq!(Wan(12_345).format_in(MoneyUnit::Wan), "12345");
        assert_eq!(Wan(9_999).natural_unit(), MoneyUnit::Wan);
        assert_eq!(Wan(10_000).natural_unit(), MoneyUnit::Yi);
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(wan in 0i64..=MAX_WAN) {
            for unit in [MoneyUnit::Wan, MoneyUnit::Yi] {
                prop_assert_eq!(Wan::parse(&Wan(wan).format_in(unit), unit), Ok(Some(Wan(wan))));
            }
        }

        #[test]
        fn parse_never_panics(raw in "\\PC{0,30}") {
            let _ = Wan::parse(&raw, MoneyUnit::Yi);
            let _ = Wan::parse(&raw, MoneyUnit::Wan);
        }
    }
}
