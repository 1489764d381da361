//! MECARD (NTT DoCoMo's contact format, written by most Japanese and Chinese QR generators and
//! read by ZXing) and its older sibling BIZCARD: `KEY:value;` items ended by `;;`, with `\;`,
//! `\:`, `\,` and `\\` escapes.

use super::vcard::{split_unescaped, unescape};
use super::{is_wechat_link, label, person_name, Card, Phone, PhoneKind};

/// The `KEY:value` items of a body, keys upper-cased, values still escaped. An item without a
/// `:` is kept as a value without a key.
fn items(body: &str) -> Vec<(String, &str)> {
    split_unescaped(body, ';')
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .map(|item| match split_unescaped(item, ':').as_slice() {
            [key, ..] if key.len() < item.len() => (unescape(key).trim().to_ascii_uppercase(), &item[key.len() + 1..]),
            _ => (String::new(), item),
        })
        .collect()
}

/// Reads the body of a MECARD (what follows `MECARD:`).
pub(super) fn read_mecard(body: &str) -> Card {
    let mut card = Card::default();
    for (key, raw) in items(body) {
        let value = unescape(raw);
        match key.as_str() {
            // `N:family,given` (张,伟 → 张伟; Smith,John → John Smith).
            "N" => {
                let parts: Vec<String> = split_unescaped(raw, ',').into_iter().map(unescape).collect();
                let name = match parts.as_slice() {
                    [family, given, ..] => person_name(family, given, "", "", ""),
                    _ => value,
                };
                card.names.push(name);
            }
            "SOUND" => card.notes.push(format!("{}{}", label::READING, value.replace(',', " "))),
            "TEL" | "TEL-AV" => card.phones.push(Phone { number: value, kind: PhoneKind::Other }),
            "EMAIL" => card.emails.push(value),
            "ORG" => card.companies.push(value),
            "TITLE" => card.titles.push(value),
            "URL" if is_wechat_link(value.trim()) => card.wechats.push(value.trim().to_owned()),
            "URL" => card.notes.push(format!("{}{value}", label::WEB)),
            "ADR" => card.notes.push(format!("{}{value}", label::ADDRESS)),
            "NICKNAME" => card.notes.push(format!("{}{value}", label::NICKNAME)),
            "WECHAT" | "WEIXIN" | "X-WECHAT" | "X-WEIXIN" => card.wechats.push(value),
            // A birthday is personal data the lead does not ask for.
            "BDAY" => {}
            "NOTE" | "MEMO" | "" => card.notes.push(value),
            _ => card.notes.push(format!("{key}：{value}")),
        }
    }
    card
}

/// Reads the body of a BIZCARD (what follows `BIZCARD:`): N first name, X last name, T title,
/// C company, A address, B phone, M mobile, F fax, E email.
pub(super) fn read_bizcard(body: &str) -> Card {
    let mut card = Card::default();
    let (mut first, mut last) = (String::new(), String::new());
    for (key, raw) in items(body) {
        let value = unescape(raw);
        match key.as_str() {
            "N" => first = value,
            "X" => last = value,
            "T" => card.titles.push(value),
            "C" => card.companies.push(value),
            "A" => card.notes.push(format!("{}{value}", label::ADDRESS)),
            "B" => card.phones.push(Phone { number: value, kind: PhoneKind::Other }),
            "M" => card.phones.push(Phone { number: value, kind: PhoneKind::Cell }),
            "F" => card.phones.push(Phone { number: value, kind: PhoneKind::Fax }),
            "E" => card.emails.push(value),
            "" => card.notes.push(value),
            _ => card.notes.push(format!("{key}：{value}")),
        }
    }
    card.names.push(person_name(&last, &first, "", "", ""));
    card
}
