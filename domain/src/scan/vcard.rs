//! vCard 2.1 (old Chinese phones, Android, Outlook), 3.0 (iOS Contacts, CamCard) and 4.0, read
//! from bytes: lines folded by a leading space or tab, quoted-printable soft line breaks, property
//! groups (`item1.TEL`), parameters in the 2.1 (`TEL;CELL;VOICE:`) and the 3.0/4.0 style
//! (`TEL;TYPE="cell,voice":`), a charset per property, backslash escapes and `tel:` URIs. The
//! first card of the payload is read; a missing `END:VCARD` is tolerated.

use std::collections::HashMap;

use super::{decode, is_wechat_link, label, person_name, Card, Phone, PhoneKind};

/// One content line: `[group.]NAME *(;PARAM) : value`.
struct Property {
    group: Option<String>,
    /// Upper-cased.
    name: String,
    /// Keys upper-cased; a 2.1 parameter without a key (`CELL`, `QUOTED-PRINTABLE`) gets the key
    /// it stands for (`TYPE`, `ENCODING`).
    params: Vec<(String, String)>,
    value: Vec<u8>,
}

impl Property {
    fn param(&self, key: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The types the property has (`TYPE=cell,voice`, `TYPE="cell"`, 2.1's bare `CELL`),
    /// lower-cased.
    fn types(&self) -> Vec<String> {
        self.params
            .iter()
            .filter(|(k, _)| k == "TYPE")
            .flat_map(|(_, v)| v.split(','))
            .map(|t| t.trim().trim_matches('"').to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// The value as text, still escaped: quoted-printable decoded, then the declared charset (or
    /// the guess). `None` for binary values (`ENCODING=B`, a photo).
    fn raw_text(&self) -> Option<String> {
        let encoding = self.param("ENCODING").map(|e| e.trim_matches('"').to_ascii_uppercase());
        let bytes = match encoding.as_deref() {
            Some("B" | "BASE64") => return None,
            Some("QUOTED-PRINTABLE") => decode::quoted_printable(&self.value),
            _ => self.value.clone(),
        };
        Some(decode::with_charset(&bytes, self.param("CHARSET")).text)
    }

    /// The value as text, unescaped.
    fn text(&self) -> Option<String> {
        self.raw_text().map(|t| unescape(&t))
    }

    /// The components of a structured value (N, ORG, ADR), split at unescaped `;`, unescaped.
    fn components(&self) -> Vec<String> {
        self.raw_text().map(|t| split_unescaped(&t, ';').into_iter().map(unescape).collect()).unwrap_or_default()
    }
}

/// Splits `raw` at each `separator` not escaped by a backslash; the parts keep their escapes.
pub(super) fn split_unescaped(raw: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in raw.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == separator {
            parts.push(&raw[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&raw[start..]);
    parts
}

/// Undoes backslash escapes: `\n` and `\N` are a line break, `\,` `\;` `\:` `\\` the character.
pub(super) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(next) => out.push(next),
            None => out.push('\\'),
        }
    }
    out
}

/// Reads the first vCard of `bytes` (which start with `BEGIN:VCARD`).
pub(super) fn read(bytes: &[u8]) -> Card {
    let properties: Vec<Property> = logical_lines(bytes).iter().filter_map(|line| property(line)).collect();
    // iOS and Outlook name a grouped value with a label: `item1.X-ABLabel:传真`.
    let labels: HashMap<&str, String> = properties
        .iter()
        .filter(|p| p.name == "X-ABLABEL")
        .filter_map(|p| Some((p.group.as_deref()?, p.text()?)))
        .map(|(group, text)| (group, text.trim().to_owned()))
        .collect();

    let mut card = Card::default();
    let (mut formatted_names, mut structured_names, mut roles, mut addresses, mut address_labels) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in &properties {
        let group_label = p.group.as_deref().and_then(|g| labels.get(g)).map(String::as_str);
        match p.name.as_str() {
            "FN" => formatted_names.extend(p.text()),
            "N" => {
                let parts = p.components();
                let part = |i: usize| parts.get(i).map(|s| s.replace(',', " ")).unwrap_or_default();
                structured_names.push(person_name(&part(0), &part(1), &part(2), &part(3), &part(4)));
            }
            "ORG" => {
                let parts: Vec<String> = p.components().into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
                if let Some((company, units)) = parts.split_first() {
                    card.companies.push(company.clone());
                    if !units.is_empty() {
                        card.notes.push(format!("{}{}", label::DEPARTMENT, units.join(" / ")));
                    }
                }
            }
            "TITLE" => card.titles.extend(p.text()),
            "ROLE" => roles.extend(p.text()),
            "TEL" => {
                if let Some(text) = p.text() {
                    card.phones.push(Phone { number: without_scheme(&text, "tel:").to_owned(), kind: phone_kind(&p.types(), group_label) });
                }
            }
            "EMAIL" => card.emails.extend(p.text().map(|t| without_scheme(&t, "mailto:").to_owned())),
            "URL" => {
                if let Some(url) = p.text() {
                    let url = url.trim();
                    if is_wechat_link(url) {
                        card.wechats.push(url.to_owned());
                    } else {
                        card.notes.push(format!("{}{url}", custom_label(group_label).unwrap_or_else(|| label::WEB.to_owned())));
                    }
                }
            }
            "ADR" => addresses.push(address(&p.components())),
            "LABEL" => address_labels.extend(p.text()),
            "NOTE" => card.notes.extend(p.text()),
            "NICKNAME" => card.notes.extend(p.text().map(|t| format!("{}{t}", label::NICKNAME))),
            "X-WECHAT" | "X-WEIXIN" | "X-WECHAT-ID" | "X-WEIXIN-ID" | "X-WX" => card.wechats.extend(p.text()),
            "X-QQ" => card.notes.extend(p.text().map(|t| format!("QQ：{t}"))),
            "IMPP" | "X-SOCIALPROFILE" => {
                if let Some(text) = p.text() {
                    messenger(p, &text, &mut card);
                }
            }
            _ => {}
        }
    }
    card.names = formatted_names.into_iter().chain(structured_names).collect();
    card.titles.extend(roles);
    // A 2.1 LABEL is the same address, formatted: kept only when there is no ADR.
    let addresses = if addresses.iter().all(String::is_empty) { address_labels } else { addresses };
    card.notes.extend(addresses.into_iter().filter(|a| !a.trim().is_empty()).map(|a| format!("{}{a}", label::ADDRESS)));
    card
}

/// An instant-messaging account (`IMPP;X-SERVICE-TYPE=WeChat:x-apple:wxid_abc`,
/// `IMPP:weixin:wxid_abc`, `X-SOCIALPROFILE;type=weibo;x-user=abc:https://weibo.com/abc`): the
/// WeChat one is a WeChat ID, any other a line of notes named by its service.
fn messenger(p: &Property, text: &str, card: &mut Card) {
    let text = text.trim();
    let (scheme, handle) = match text.split_once(':') {
        Some((scheme, rest)) if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) => {
            (Some(scheme.to_ascii_lowercase()), rest.trim_start_matches("//"))
        }
        _ => (None, text),
    };
    let service = p
        .param("X-SERVICE-TYPE")
        .map(|s| s.trim_matches('"').to_owned())
        .or_else(|| p.types().into_iter().find(|t| !matches!(t.as_str(), "pref" | "home" | "work" | "other")))
        .or_else(|| scheme.clone().filter(|s| !matches!(s.as_str(), "x-apple" | "im" | "http" | "https")));
    let handle = p.param("X-USER").map(|u| u.trim_matches('"').to_owned()).unwrap_or_else(|| handle.to_owned());
    match service {
        Some(s) if matches!(s.to_ascii_lowercase().as_str(), "wechat" | "weixin" | "wx") || s == "微信" => card.wechats.push(handle),
        Some(s) => card.notes.push(format!("{s}：{handle}")),
        None => card.notes.push(text.to_owned()),
    }
}

/// The kind of a number from its types (`cell`, `fax`, iOS's `iphone`) or, in a group, its label
/// (`_$!<Mobile>!$_`, `工作传真`).
fn phone_kind(types: &[String], group_label: Option<&str>) -> PhoneKind {
    let label = group_label.unwrap_or_default().to_lowercase();
    if types.iter().any(|t| t.contains("fax")) || label.contains("fax") || label.contains("传真") {
        PhoneKind::Fax
    } else if types.iter().any(|t| matches!(t.as_str(), "cell" | "mobile" | "iphone" | "x-mobile"))
        || ["mobile", "cell", "iphone", "手机", "移动"].iter().any(|l| label.contains(l))
    {
        PhoneKind::Cell
    } else {
        PhoneKind::Other
    }
}

/// A label the owner of the card typed for a grouped value (`item2.X-ABLabel:公司主页`), as a
/// notes label; `None` for the ones the phone names itself (`_$!<HomePage>!$_`).
fn custom_label(group_label: Option<&str>) -> Option<String> {
    let l = group_label?.trim();
    (!l.is_empty() && !l.starts_with("_$!<")).then(|| format!("{l}："))
}

/// An address from ADR's components (post office box, extended address, street, locality,
/// region, postal code, country): largest first and without separators when written in Chinese
/// (中国四川省成都市高新区天府大道 100 号), smallest first with commas otherwise.
fn address(parts: &[String]) -> String {
    let part = |i: usize| parts.get(i).map(|s| super::single_line(s)).unwrap_or_default();
    let (pobox, extended, street, locality, region, postal, country) = (part(0), part(1), part(2), part(3), part(4), part(5), part(6));
    let chinese = parts.iter().any(|p| p.chars().any(super::is_cjk));
    if chinese {
        let mut out: String = [country, region, locality, street, extended, pobox].concat();
        if !postal.is_empty() {
            out.push(' ');
            out.push_str(&postal);
        }
        out
    } else {
        [pobox, extended, street, locality, region, postal, country].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ")
    }
}

fn without_scheme<'a>(text: &'a str, scheme: &str) -> &'a str {
    let text = text.trim();
    super::strip_prefix_ignore_case(text, scheme).unwrap_or(text)
}

/// The lines of the payload, unfolded: a line starting with a space or a tab continues the one
/// before (without that character in 3.0 and 4.0; with it in 2.1, whose folding only happens at
/// white space), and in a quoted-printable value a `=` at the end of a line joins the next one.
/// Stops after the first `END:VCARD`.
fn logical_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    let separator = if bytes.contains(&b'\n') { b'\n' } else { b'\r' };
    let lines: Vec<&[u8]> = bytes.split(|b| *b == separator).map(|l| l.strip_suffix(b"\r").unwrap_or(l)).collect();
    let version_21 = lines.iter().any(|l| trim(l).eq_ignore_ascii_case(b"VERSION:2.1"));
    let is_end = |line: &[u8]| trim(line).eq_ignore_ascii_case(b"END:VCARD");

    let mut logical: Vec<Vec<u8>> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if is_end(line) {
            break;
        }
        if let (Some(&first), Some(last)) = (line.first(), logical.last_mut()) {
            if first == b' ' || first == b'\t' {
                last.extend_from_slice(if version_21 { line } else { &line[1..] });
                continue;
            }
        }
        if trim(line).is_empty() {
            continue;
        }
        let mut current = line.to_vec();
        if is_quoted_printable(&current) {
            while current.ends_with(b"=") && i < lines.len() && !is_end(lines[i]) {
                current.pop();
                current.extend_from_slice(lines[i]);
                i += 1;
            }
        }
        logical.push(current);
    }
    logical
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

/// Where the name and parameters of a line end: its first `:` outside double quotes (a quoted
/// parameter value may hold one), or its first `:` if the quotes never close.
fn header_end(line: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(i),
            _ => {}
        }
    }
    line.iter().position(|&b| b == b':')
}

fn is_quoted_printable(line: &[u8]) -> bool {
    let header = &line[..header_end(line).unwrap_or(line.len())];
    header.windows(16).any(|w| w.eq_ignore_ascii_case(b"QUOTED-PRINTABLE"))
}

/// Parses a content line; `None` for a line without a `:` or without a name.
fn property(line: &[u8]) -> Option<Property> {
    let end = header_end(line)?;
    let header = String::from_utf8_lossy(&line[..end]);
    let mut parts = split_outside_quotes(&header, ';').into_iter();
    let full_name = parts.next()?.trim();
    let (group, name) = match full_name.rsplit_once('.') {
        Some((group, name)) => (Some(group.to_ascii_uppercase()), name),
        None => (None, full_name),
    };
    if name.is_empty() {
        return None;
    }
    let params = parts
        .map(|param| match param.split_once('=') {
            Some((key, value)) => (key.trim().to_ascii_uppercase(), value.trim().to_owned()),
            None => {
                let value = param.trim().to_owned();
                let key = match value.to_ascii_uppercase().as_str() {
                    "QUOTED-PRINTABLE" | "BASE64" | "B" | "8BIT" | "7BIT" => "ENCODING",
                    _ => "TYPE",
                };
                (key.to_owned(), value)
            }
        })
        .collect();
    Some(Property { group, name: name.to_ascii_uppercase(), params, value: line[end + 1..].to_vec() })
}

fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}
