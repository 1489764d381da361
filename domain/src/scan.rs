//! Reading a QR code scanned at a booth into values for the capture form: a business card
//! (vCard 2.1/3.0/4.0, MECARD, BIZCARD), a WeChat contact link, a `tel:` or `mailto:` link,
//! another web link, an expo badge code, or plain text.
//!
//! [`parse`] takes the payload as the scanner decoded it, as bytes (a QR byte segment may hold
//! GBK, GB18030 or Big5 text), and never fails: what it cannot place in a field goes into notes.
//! Every value it fills is one the capture form accepts and stores unchanged ([`LeadDraft::parse`]):
//! mobiles as [`parse_mobile`] stores them, names within [`max::PERSON`] characters, and so on. A
//! value that does not fit its field (a company name over [`max::COMPANY`] characters, a landline
//! in the mobile field, a WeChat link in the WeChat ID field) is kept as a labelled line of notes
//! instead, never cut short.
//!
//! [`Scanned::apply_to`] then fills the form's empty fields with it, leaving what the officer
//! already typed as it is.

use serde::{Deserialize, Serialize};

use crate::contact::{parse_email, parse_mobile, parse_wechat};
use crate::lead::max;
use crate::origin::{OriginKind, Province};
use crate::{text, FieldErrorKind, LeadDraft, LeadField};

mod decode;
mod mecard;
mod printed;
mod vcard;

pub use printed::{read_printed, TextLine};

/// The labels that start a line of notes holding a scanned value that had no field of its own
/// (full-width colon, as the officers write them).
pub mod label {
    pub const BADGE: &str = "胸卡：";
    pub const NAME: &str = "姓名：";
    pub const COMPANY: &str = "公司：";
    pub const DEPARTMENT: &str = "部门：";
    pub const TITLE: &str = "职务：";
    pub const MOBILE: &str = "手机：";
    pub const PHONE: &str = "电话：";
    pub const FAX: &str = "传真：";
    pub const EMAIL: &str = "邮箱：";
    pub const WECHAT: &str = "微信：";
    pub const WEB: &str = "网址：";
    pub const ADDRESS: &str = "地址：";
    pub const NICKNAME: &str = "昵称：";
    pub const READING: &str = "读音：";
}

/// What kind of code was scanned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanKind {
    /// A vCard (2.1, 3.0 or 4.0).
    VCard,
    /// A DoCoMo MECARD (`MECARD:N:...;;`).
    MeCard,
    /// A BIZCARD (`BIZCARD:N:...;X:...;;`), the older sibling of MECARD.
    BizCard,
    /// A WeChat (or WeCom) contact link: `u.wechat.com`, `weixin.qq.com/r/...`.
    WeChat,
    /// A `tel:` link.
    Phone,
    /// A `mailto:` link.
    Email,
    /// Another web link (http or https).
    Url,
    /// An expo badge code: 8 to 32 letters, digits and dashes, at least one digit.
    Badge,
    /// Any other text.
    Text,
    /// Nothing but white space.
    #[default]
    Empty,
    /// Bytes that are no text in any encoding tried (control characters, malformed sequences):
    /// nothing is taken from them.
    Unreadable,
    /// The printed text of a card, as an OCR reader read it off a photo ([`read_printed`]).
    Printed,
}

/// The values read from a scanned code. Each field holds what the capture form stores for it (it
/// passes the form's own parser unchanged), or `None`. Notes are lines, each within the notes'
/// limit; the badge code is kept apart (see [`Scanned::apply_to`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scanned {
    pub kind: ScanKind,
    pub contact_name: Option<String>,
    pub company_name: Option<String>,
    pub contact_title: Option<String>,
    pub mobile: Option<String>,
    pub wechat: Option<String>,
    pub email: Option<String>,
    pub notes: Vec<String>,
    pub badge: Option<String>,
    /// Where the company is, from the card's address (printed cards).
    #[serde(default)]
    pub province: Option<Province>,
    /// The city in that province, as the address names it (`成都`); none for a municipality.
    #[serde(default)]
    pub city: Option<String>,
}

/// What [`Scanned::apply_to`] did to a draft.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The fields that were empty and now hold a scanned value (and [`LeadField::Notes`] when
    /// lines were added to the notes).
    pub filled: Vec<LeadField>,
    /// The fields where the officer had typed something else: left as typed, the scanned value
    /// added to the notes as a labelled line.
    pub kept: Vec<LeadField>,
    /// Lines that did not fit in the notes ([`max::NOTES`] characters): not in the draft; the form
    /// shows them so that the officer can choose what to keep.
    pub left_out: Vec<String>,
}

/// Reads the payload of a scanned QR code. Never panics and never fails: an empty or unreadable
/// payload gives a [`Scanned`] of that kind with nothing in it.
pub fn parse(payload: &[u8]) -> Scanned {
    let bytes = decode::without_bom(payload);
    let bytes = trim_bytes(&bytes);
    if bytes.is_empty() {
        return Scanned::default();
    }
    if starts_with_ignore_case(bytes, b"BEGIN:VCARD") {
        return vcard::read(bytes).finish(ScanKind::VCard);
    }
    let decoded = decode::guess(bytes);
    let text = decoded.text.trim();
    if let Some(body) = strip_prefix_ignore_case(text, "MECARD:") {
        return mecard::read_mecard(body).finish(ScanKind::MeCard);
    }
    if let Some(body) = strip_prefix_ignore_case(text, "BIZCARD:") {
        return mecard::read_bizcard(body).finish(ScanKind::BizCard);
    }
    if !decoded.clean || text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Scanned { kind: ScanKind::Unreadable, ..Scanned::default() };
    }
    let mut card = Card::default();
    let kind = if let Some(number) = strip_prefix_ignore_case(text, "tel:") {
        card.phones.push(Phone { number: number.to_owned(), kind: PhoneKind::Other });
        ScanKind::Phone
    } else if let Some(address) = strip_prefix_ignore_case(text, "mailto:") {
        // `mailto:a@b.cn?subject=...`: the address is before the query.
        let address = address.split('?').next().unwrap_or_default();
        card.emails.push(percent_decoded(address));
        ScanKind::Email
    } else if is_web_link(text) {
        if is_wechat_link(text) {
            card.wechats.push(text.to_owned());
            ScanKind::WeChat
        } else {
            card.notes.push(format!("{}{text}", label::WEB));
            ScanKind::Url
        }
    } else if is_badge_code(text) {
        return Scanned { kind: ScanKind::Badge, badge: Some(text.to_owned()), ..Scanned::default() };
    } else {
        card.notes.push(text.to_owned());
        ScanKind::Text
    };
    card.finish(kind)
}

impl Scanned {
    /// Fills the form's values with what was scanned, without overwriting what the officer typed:
    ///
    /// - a field left empty takes the scanned value;
    /// - a field holding the same value (as the form would store it: `138 0013 8000` is
    ///   `13800138000`) is left alone;
    /// - a field holding another value keeps it, and the scanned value is added to the notes as a
    ///   labelled line (`手机：13912345678`), so that nothing scanned is lost;
    /// - the notes take the badge (`胸卡：CODE`), those lines and the scanned notes, each on a line
    ///   of its own after what the officer wrote; a line the notes already hold is not added
    ///   again (scanning a code twice changes nothing), and a line that would take the notes over
    ///   [`max::NOTES`] characters is left out and returned in [`Applied::left_out`].
    pub fn apply_to(&self, draft: &mut LeadDraft) -> Applied {
        let mut applied = Applied::default();
        let mut lines: Vec<String> = self.badge.iter().map(|code| format!("{}{code}", label::BADGE)).collect();
        let as_text = |max: usize| move |typed: &str| text::optional(typed, max).ok().flatten();
        let as_contact = |parse: fn(&str) -> Result<Option<String>, FieldErrorKind>| move |typed: &str| parse(typed).ok().flatten();
        let fields = [
            (LeadField::CompanyName, &self.company_name, &mut draft.company_name, label::COMPANY, as_text(max::COMPANY)),
            (LeadField::ContactName, &self.contact_name, &mut draft.contact_name, label::NAME, as_text(max::PERSON)),
            (LeadField::ContactTitle, &self.contact_title, &mut draft.contact_title, label::TITLE, as_text(max::PERSON)),
        ];
        for (field, scanned, typed, label, normalise) in fields {
            fill(field, scanned, typed, label, normalise, &mut applied, &mut lines);
        }
        let contacts = [
            (LeadField::Mobile, &self.mobile, &mut draft.mobile, label::MOBILE, as_contact(parse_mobile)),
            (LeadField::Wechat, &self.wechat, &mut draft.wechat, label::WECHAT, as_contact(parse_wechat)),
            (LeadField::Email, &self.email, &mut draft.email, label::EMAIL, as_contact(parse_email)),
        ];
        for (field, scanned, typed, label, normalise) in contacts {
            fill(field, scanned, typed, label, normalise, &mut applied, &mut lines);
        }
        // Where the company is: only into an origin left empty (a country chosen, or a province,
        // is the officer's).
        if let Some(province) = self.province {
            if draft.province.is_empty() && draft.country.is_empty() && draft.origin_kind == OriginKind::Domestic {
                draft.province = province.code().to_owned();
                applied.filled.push(LeadField::Province);
                if let Some(city) = self.city.as_ref().filter(|_| draft.city.trim().is_empty()) {
                    if let Ok(Some(city)) = text::optional(city, max::CITY) {
                        draft.city = city;
                        applied.filled.push(LeadField::City);
                    }
                }
            }
        }
        lines.extend(self.notes.iter().cloned());
        let mut notes_filled = false;
        for line in lines {
            if draft.notes.contains(&line) {
                continue;
            }
            let typed = draft.notes.trim_end();
            let candidate = if typed.trim().is_empty() { line.clone() } else { format!("{typed}\n{line}") };
            if let Err(FieldErrorKind::TooLong { .. }) = text::optional(&candidate, max::NOTES) {
                applied.left_out.push(line);
            } else {
                draft.notes = candidate;
                notes_filled = true;
            }
        }
        if notes_filled {
            applied.filled.push(LeadField::Notes);
        }
        applied
    }
}

/// Puts `scanned` into the `typed` field if it is empty; if it holds another value, keeps it and
/// adds the scanned one to `lines` of notes.
fn fill(
    field: LeadField,
    scanned: &Option<String>,
    typed: &mut String,
    label: &str,
    normalise: impl Fn(&str) -> Option<String>,
    applied: &mut Applied,
    lines: &mut Vec<String>,
) {
    let Some(value) = scanned else { return };
    if typed.trim().is_empty() {
        value.clone_into(typed);
        applied.filled.push(field);
    } else if normalise(typed).as_deref() != Some(value.as_str()) {
        applied.kept.push(field);
        lines.push(format!("{label}{value}"));
    }
}

/// A telephone number as a card wrote it, and what kind the card said it is.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Phone {
    number: String,
    kind: PhoneKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PhoneKind {
    Cell,
    Fax,
    Other,
}

/// The values a card holds, as written, before they are checked against the form's fields:
/// candidates best first, notes as labelled lines.
#[derive(Debug, Default)]
struct Card {
    names: Vec<String>,
    companies: Vec<String>,
    titles: Vec<String>,
    phones: Vec<Phone>,
    emails: Vec<String>,
    wechats: Vec<String>,
    notes: Vec<String>,
}

impl Card {
    /// Places each value in its field when the field takes it, in the notes otherwise.
    fn finish(self, kind: ScanKind) -> Scanned {
        let mut scanned = Scanned { kind, ..Scanned::default() };
        let mut notes = Vec::new();

        // The first name given is the name: the others are the same name written another way (FN
        // and N), so only a name that does not fit is kept, in the notes.
        if let Some(name) = self.names.iter().map(|n| single_line(n)).find(|n| !n.is_empty()) {
            match text::optional(&name, max::PERSON) {
                Ok(Some(name)) => scanned.contact_name = Some(name),
                _ => notes.push(format!("{}{name}", label::NAME)),
            }
        }
        scanned.company_name = first_text(&self.companies, max::COMPANY, label::COMPANY, &mut notes);
        scanned.contact_title = first_text(&self.titles, max::PERSON, label::TITLE, &mut notes);
        scanned.mobile = place_phones(&self.phones, &mut notes);
        scanned.email = first_valid(&self.emails, parse_email, label::EMAIL, &mut notes);
        scanned.wechat = first_valid(&self.wechats, parse_wechat, label::WECHAT, &mut notes);
        notes.extend(self.notes);

        for line in notes {
            push_note(&mut scanned.notes, &line);
        }
        scanned
    }
}

/// The first non-empty value, if it fits in `max` characters; every other value unlike it goes to
/// the notes after `label`.
fn first_text(values: &[String], max: usize, label: &str, notes: &mut Vec<String>) -> Option<String> {
    let mut chosen: Option<String> = None;
    for value in values.iter().map(|v| single_line(v)).filter(|v| !v.is_empty()) {
        if chosen.is_none() {
            if let Ok(Some(fits)) = text::optional(&value, max) {
                chosen = Some(fits);
                continue;
            }
        }
        if chosen.as_deref() != Some(value.as_str()) {
            notes.push(format!("{label}{value}"));
        }
    }
    chosen
}

/// The first value `parse` accepts, as it stores it; every other value (refused, or another one)
/// goes to the notes after `label`.
fn first_valid(
    values: &[String],
    parse: fn(&str) -> Result<Option<String>, FieldErrorKind>,
    label: &str,
    notes: &mut Vec<String>,
) -> Option<String> {
    let mut chosen: Option<String> = None;
    for value in values.iter().map(|v| single_line(v)).filter(|v| !v.is_empty()) {
        match parse(&value) {
            Ok(Some(parsed)) if chosen.is_none() => chosen = Some(parsed),
            Ok(Some(parsed)) if chosen.as_ref() == Some(&parsed) => {}
            _ => notes.push(format!("{label}{value}")),
        }
    }
    chosen
}

/// Chooses the mobile among the numbers of a card: a mainland mobile marked as a cell phone, else
/// any mainland mobile not marked as a fax, else an international number marked as a cell phone.
/// The other numbers go to the notes, labelled by their kind, as written.
fn place_phones(phones: &[Phone], notes: &mut Vec<String>) -> Option<String> {
    let phones: Vec<(Phone, Option<String>)> = phones
        .iter()
        .map(|p| {
            let number = single_line(&p.number);
            let parsed = parse_mobile(&number).ok().flatten();
            (Phone { number, kind: p.kind }, parsed)
        })
        .filter(|(p, _)| !p.number.is_empty())
        .collect();
    let mainland = |parsed: &Option<String>| parsed.as_ref().is_some_and(|n| !n.starts_with('+'));
    let chosen = phones
        .iter()
        .position(|(p, parsed)| p.kind == PhoneKind::Cell && mainland(parsed))
        .or_else(|| phones.iter().position(|(p, parsed)| p.kind != PhoneKind::Fax && mainland(parsed)))
        .or_else(|| phones.iter().position(|(p, parsed)| p.kind == PhoneKind::Cell && parsed.is_some()));
    let mobile = chosen.and_then(|i| phones[i].1.clone());
    for (i, (phone, parsed)) in phones.iter().enumerate() {
        if Some(i) == chosen || (phone.kind != PhoneKind::Fax && parsed.is_some() && *parsed == mobile) {
            continue;
        }
        let label = match phone.kind {
            PhoneKind::Cell => label::MOBILE,
            PhoneKind::Fax => label::FAX,
            PhoneKind::Other if mainland(parsed) => label::MOBILE,
            PhoneKind::Other => label::PHONE,
        };
        notes.push(format!("{label}{}", phone.number));
    }
    mobile
}

/// Adds `line` to the notes unless they hold it already. A line longer than the notes' limit is
/// split into pieces that fit, on character boundaries: none of it is dropped.
fn push_note(notes: &mut Vec<String>, line: &str) {
    let line = multi_line(line);
    let mut add = |piece: &str| {
        if let Ok(Some(piece)) = text::optional(piece, max::NOTES) {
            if !notes.contains(&piece) {
                notes.push(piece);
            }
        }
    };
    if line.chars().count() <= max::NOTES {
        add(&line);
    } else {
        let chars: Vec<char> = line.chars().collect();
        for piece in chars.chunks(max::NOTES) {
            add(&piece.iter().collect::<String>());
        }
    }
}

/// `raw` without the characters the form refuses in text: control characters become spaces,
/// characters that change the direction of text are removed (they could only make the text
/// read as something else), line ends become `\n`.
fn multi_line(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    raw.chars()
        .filter(|c| !text::is_direction_control(*c))
        .map(|c| match c {
            '\r' => '\n',
            '\n' | '\t' => c,
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// Like [`multi_line`], on one line: line breaks and tabs become spaces, runs of spaces one, and
/// the ends are trimmed.
fn single_line(raw: &str) -> String {
    let spaced: String = raw.chars().filter(|c| !text::is_direction_control(*c)).map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut out = String::with_capacity(spaced.len());
    for word in spaced.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.trim().to_owned()
}

/// Whether `c` is written without spaces between words: Chinese, Japanese or Korean.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // kana
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}' // Han
        | '\u{1100}'..='\u{11FF}' | '\u{AC00}'..='\u{D7AF}' // Hangul
    )
}

/// A person's name from its parts: family name first and no spaces when it is written in Chinese,
/// Japanese or Korean (张 + 伟 → 张伟); given name first, with spaces, otherwise
/// (Smith + John → John Smith).
fn person_name(family: &str, given: &str, middle: &str, prefix: &str, suffix: &str) -> String {
    let (family, given, middle) = (single_line(family), single_line(given), single_line(middle));
    if [&family, &given, &middle].iter().any(|part| part.chars().any(is_cjk)) {
        format!("{family}{middle}{given}")
    } else {
        let (prefix, suffix) = (single_line(prefix), single_line(suffix));
        [prefix, given, middle, family, suffix].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
    }
}

/// The host (lower-cased) and the rest of an http or https link without white space. Read here
/// rather than by a full URL parser: a scanned link only needs its host recognised, and any text
/// must be read without a panic (the URL parser's host mapping asserts on some mixed-case
/// internationalised hosts in debug builds).
fn web_link(text: &str) -> Option<(String, &str)> {
    if text.contains(char::is_whitespace) {
        return None;
    }
    let rest = strip_prefix_ignore_case(text, "https://").or_else(|| strip_prefix_ignore_case(text, "http://"))?;
    let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = if host.starts_with('[') { host } else { host.split(':').next().unwrap_or_default() };
    (!host.is_empty()).then(|| (host.to_lowercase(), path))
}

fn is_web_link(text: &str) -> bool {
    web_link(text).is_some()
}

/// A WeChat contact link: a personal QR code (`u.wechat.com/...`, `weixin.qq.com/r/...`), an
/// official account's (`weixin.qq.com/q/...`) or a WeCom contact's (`work.weixin.qq.com/u/...`).
fn is_wechat_link(text: &str) -> bool {
    match web_link(text) {
        Some((host, path)) => match host.as_str() {
            "u.wechat.com" => true,
            "weixin.qq.com" => path.starts_with("/r/") || path.starts_with("/q/"),
            "work.weixin.qq.com" => path.starts_with("/u/"),
            _ => false,
        },
        None => false,
    }
}

/// An expo badge code: 8 to 32 ASCII letters, digits and dashes, with at least one digit, not
/// starting or ending with a dash (`WCIF2026-A-000123`). A bare run of digits that looks like a
/// mobile number is a badge code too: only a code that says it holds a telephone number (`tel:`,
/// a card) fills the mobile.
fn is_badge_code(text: &str) -> bool {
    (8..=32).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && text.bytes().any(|b| b.is_ascii_digit())
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// `%XX` escapes of a `mailto:` address decoded; the address as written when they do not make
/// UTF-8.
fn percent_decoded(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| raw.to_owned())
}

fn trim_bytes(bytes: &[u8]) -> &[u8] {
    let is_space = |b: &u8| b.is_ascii_whitespace() || *b == 0;
    let start = bytes.iter().position(|b| !is_space(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_space(b)).map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests;
