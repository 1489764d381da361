//! CSV writing (RFC 4180) for exports, shared by the tablet's offline export and the server's.

/// Quotes one cell: wraps it in double quotes when it holds a comma, quote or line break, and
/// neutralises a leading `=`, `+`, `-` or `@` (a spreadsheet would run it as a formula).
pub fn cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One CSV line (CRLF-terminated) of the given cells.
pub fn line<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> String {
    let mut out = cells.into_iter().map(|c| cell(c.as_ref())).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// Byte-order mark that makes spreadsheet programs read a CSV file as UTF-8 (Chinese text).
pub const UTF8_BOM: &str = "\u{FEFF}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(line(["成都", "a,b", "say \"hi\"", "two\nlines"]), "成都,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+86 138"), "'+86 138");
        assert_eq!(cell("13800138000"), "13800138000");
    }
}
