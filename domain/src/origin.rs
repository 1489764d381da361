//! Where an investor comes from. The plan counts in-province, out-of-province (省外) and foreign
//! (外商) money separately, so an origin is a provincial-level division of China (with a city) or
//! a country.

use serde::{Deserialize, Serialize};

use crate::codes::code_enum;
use crate::FieldErrorKind;

code_enum! {
    /// China's 34 provincial-level divisions, in the order of the national division codes.
    Province {
        Beijing => "beijing", Tianjin => "tianjin", Hebei => "hebei", Shanxi => "shanxi",
        InnerMongolia => "inner_mongolia", Liaoning => "liaoning", Jilin => "jilin",
        Heilongjiang => "heilongjiang", Shanghai => "shanghai", Jiangsu => "jiangsu",
        Zhejiang => "zhejiang", Anhui => "anhui", Fujian => "fujian", Jiangxi => "jiangxi",
        Shandong => "shandong", Henan => "henan", Hubei => "hubei", Hunan => "hunan",
        Guangdong => "guangdong", Guangxi => "guangxi", Hainan => "hainan", Chongqing => "chongqing",
        Sichuan => "sichuan", Guizhou => "guizhou", Yunnan => "yunnan", Tibet => "tibet",
        Shaanxi => "shaanxi", Gansu => "gansu", Qinghai => "qinghai", Ningxia => "ningxia",
        Xinjiang => "xinjiang", Taiwan => "taiwan", HongKong => "hong_kong", Macau => "macau",
    }
}

/// Countries investors commonly come from, as ISO 3166-1 alpha-2 codes; names are in the
/// translation files (`country.<code>`). "ZZ" stands for any other country.
pub const COUNTRIES: &[&str] = &[
    "SG", "JP", "KR", "US", "DE", "GB", "FR", "IT", "NL", "CH", "SE", "DK", "ES", "BE", "AT", "FI", "NO", "IE", "CA", "AU", "NZ", "MY",
    "TH", "ID", "VN", "PH", "IN", "AE", "SA", "IL", "RU", "BR", "ZZ",
];

/// Whether the origin is a division of China or a country.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginKind {
    #[default]
    Domestic,
    Foreign,
}

/// Where an investor comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Origin {
    Domestic { province: Province, city: Option<String> },
    Foreign { country: String },
}

/// How the plan counts money from an origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginClass {
    InProvince,
    OutOfProvince,
    /// Foreign direct investment. Hong Kong, Macau and Taiwan count here, as in China's FDI
    /// statistics (外商直接投资 includes 港澳台资).
    Foreign,
}

/// The province the district belongs to: money from here is "in-province".
pub const HOME_PROVINCE: Province = Province::Sichuan;

impl Origin {
    /// How the plan counts money from this origin.
    pub fn class(&self) -> OriginClass {
        match self {
            Origin::Domestic { province, .. } if *province == HOME_PROVINCE => OriginClass::InProvince,
            Origin::Domestic { province: Province::HongKong | Province::Macau | Province::Taiwan, .. } => OriginClass::Foreign,
            Origin::Domestic { .. } => OriginClass::OutOfProvince,
            Origin::Foreign { .. } => OriginClass::Foreign,
        }
    }
}

/// Checks a country code against [`COUNTRIES`].
pub fn parse_country(code: &str) -> Result<String, FieldErrorKind> {
    let code = code.trim().to_ascii_uppercase();
    if code.is_empty() {
        Err(FieldErrorKind::Required)
    } else if COUNTRIES.contains(&code.as_str()) {
        Ok(code)
    } else {
        Err(FieldErrorKind::UnknownCountry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_four_divisions_with_unique_codes() {
        assert_eq!(Province::ALL.len(), 34);
        for p in Province::ALL {
            assert_eq!(Province::from_code(p.code()), Some(*p));
        }
    }

    #[test]
    fn classes_follow_the_plans_counting() {
        let domestic = |province| Origin::Domestic { province, city: None };
        assert_eq!(domestic(Province::Sichuan).class(), OriginClass::InProvince);
        assert_eq!(domestic(Province::Guangdong).class(), OriginClass::OutOfProvince);
        assert_eq!(domestic(Province::Chongqing).class(), OriginClass::OutOfProvince);
        assert_eq!(domestic(Province::HongKong).class(), OriginClass::Foreign);
        assert_eq!(Origin::Foreign { country: "SG".into() }.class(), OriginClass::Foreign);
    }

    #[test]
    fn countries_must_be_on_the_list() {
        assert_eq!(parse_country(" sg"), Ok("SG".into()));
        assert_eq!(parse_country("XX"), Err(FieldErrorKind::UnknownCountry));
        assert_eq!(parse_country(""), Err(FieldErrorKind::Required));
    }

    #[test]
    fn origin_serializes_with_a_kind_tag() {
        let origin = Origin::Domestic { province: Province::HongKong, city: Some("九龙".into()) };
        let json = serde_json::to_string(&origin).unwrap();
        assert_eq!(json, r#"{"kind":"domestic","province":"hong_kong","city":"九龙"}"#);
    }
}
