//! Translations. The strings live in `locales/*.toml` and are compiled into tables by `build.rs`;
//! this module picks the table of the officer's language.
//!
//! Which language a page renders in: the server reads the `zs_lang` cookie; the browser hydrates
//! in the language the HTML was rendered in (the `lang` attribute of `<html>`), because a page
//! served from the service worker's cache may carry another language than the officer chose
//! since. Right after hydration the officer's choice from local storage is applied.

use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/translations.rs"));

/// Name of the cookie that tells the server which language to render.
pub const LANG_COOKIE: &str = "zs_lang";

/// A language of the user interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    Zh,
    En,
}

impl Lang {
    /// BCP 47 tag, as written in `<html lang>`, the cookie and local storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language of a tag; anything else than English means Chinese.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// The language the toggle switches to.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The translation of `key`.
    pub fn text(self, key: Key) -> &'static str {
        let table = match self {
            Lang::Zh => ZH,
            Lang::En => EN,
        };
        table[key as usize]
    }

    /// The translation of the key `prefix.code`, for values of domain enums; the code itself when
    /// there is no such key.
    pub fn text_of(self, prefix: &str, code: &str) -> String {
        key_by_name(&format!("{prefix}.{code}")).map(|k| self.text(k).to_owned()).unwrap_or_else(|| code.to_owned())
    }
}

/// The language in a `Cookie` request header, if the officer chose one.
pub fn lang_from_cookies(header: &str) -> Option<Lang> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANG_COOKIE)
        .map(|(_, value)| Lang::from_tag(value))
}

/// Replaces `{name}` placeholders in a translated template.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

/// The current language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// The translation of `key` in the current language (reactive inside a closure).
    pub fn t(&self, key: Key) -> &'static str {
        self.lang.get().text(key)
    }

    /// The translation of a domain code (`industry.food_beverage`, ...).
    pub fn code(&self, prefix: &str, code: &str) -> String {
        self.lang.get().text_of(prefix, code)
    }
}

/// The translation of `key` as a view that follows the language. Every static label goes through
/// this one function, so the WebAssembly holds one copy of the reactive text code, not one per
/// label.
pub fn tr(key: Key) -> impl IntoView + Copy + 'static {
    let i18n = use_i18n();
    move || i18n.t(key)
}

/// Makes the language available to every component below, starting in `initial`.
pub fn provide_i18n(initial: Lang) -> I18n {
    let i18n = I18n { lang: RwSignal::new(initial) };
    provide_context(i18n);
    i18n
}

/// The current language.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The language to render this request in: the cookie's, else Chinese.
#[cfg(feature = "ssr")]
pub fn request_lang() -> Lang {
    use_context::<http::request::Parts>().map(|parts| lang_from_headers(&parts.headers)).unwrap_or_default()
}

/// The language of a request with these headers: the cookie's, else Chinese.
#[cfg(feature = "ssr")]
pub fn lang_from_headers(headers: &http::HeaderMap) -> Lang {
    headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(lang_from_cookies).unwrap_or_default()
}

/// The language the page was rendered in, read back from `<html lang>` so hydration matches.
#[cfg(not(feature = "ssr"))]
pub fn request_lang() -> Lang {
    document().document_element().and_then(|html| html.get_attribute("lang")).map(|tag| Lang::from_tag(&tag)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_key_and_differ() {
        assert_eq!(ZH.len(), EN.len());
        assert_eq!(Lang::Zh.text(Key::CaptureTitle), "录入线索");
        assert_eq!(Lang::En.text(Key::CaptureTitle), "Capture a lead");
    }

    #[test]
    fn every_domain_code_has_a_translation() {
        for lang in [Lang::Zh, Lang::En] {
            for c in domain::IndustryChain::ALL {
                assert!(key_by_name(&format!("industry.{}", c.code())).is_some(), "{c:?}");
            }
            for s in domain::IndustrySegment::ALL {
                assert!(key_by_name(&format!("segment.{}", s.code())).is_some(), "{s:?}");
            }
            for p in domain::Province::ALL {
                assert!(key_by_name(&format!("province.{}", p.code())).is_some(), "{p:?}");
            }
            for c in domain::COUNTRIES {
                assert!(key_by_name(&format!("country.{c}")).is_some(), "{c}");
            }
            for i in domain::Intent::ALL {
                assert_ne!(lang.text_of("intent", i.code()), i.code());
            }
        }
    }

    #[test]
    fn every_error_code_has_a_translation() {
        use domain::FieldErrorKind as K;
        let kinds = [
            K::Required,
            K::TooLong { max: 1 },
            K::InvalidMobile,
            K::InvalidWechat,
            K::InvalidEmail,
            K::InvalidCreditCode,
            K::CreditCodeCheck,
            K::NeedOneContact,
            K::ConsentRequired,
            K::InvalidAmount,
            K::TooManyDecimals,
            K::AmountTooLarge,
            K::SegmentMismatch,
            K::UnknownCountry,
            K::ProvinceRequired,
            K::UnknownChoice,
            K::InvalidDate,
            K::ControlCharacter,
            K::DirectionControl,
            K::ClockOutOfRange,
            K::DateOutOfRange,
        ];
        for kind in kinds {
            assert!(key_by_name(&format!("error.{}", kind.code())).is_some(), "{kind:?}");
        }
    }

    #[test]
    fn cookie_and_placeholders() {
        assert_eq!(lang_from_cookies("a=1; zs_lang=en; b=2"), Some(Lang::En));
        assert_eq!(lang_from_cookies("zs_lang=zh-CN"), Some(Lang::Zh));
        assert_eq!(lang_from_cookies("other=en"), None);
        assert_eq!(fill("共 {n} 条", &[("n", "3")]), "共 3 条");
    }
}
