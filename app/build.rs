//! Compiles the translation files (`locales/zh-CN.toml`, `locales/en.toml`) into Rust: one
//! `Key` variant per string, so that a missing or misspelt key is a compile error, and one table
//! per language. Both files must hold exactly the same keys.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::{env, fs, path::Path};

const LANGS: [(&str, &str); 2] = [("ZH", "locales/zh-CN.toml"), ("EN", "locales/en.toml")];

fn main() {
    let tables: Vec<(&str, BTreeMap<String, String>)> = LANGS
        .iter()
        .map(|(name, path)| {
            println!("cargo:rerun-if-changed={path}");
            let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            (*name, parse(path, &text))
        })
        .collect();
    let keys: Vec<&String> = tables[0].1.keys().collect();
    for (name, table) in &tables[1..] {
        let theirs: Vec<&String> = table.keys().collect();
        if theirs != keys {
            let missing: Vec<_> = keys.iter().filter(|k| !table.contains_key(**k)).collect();
            let extra: Vec<_> = theirs.iter().filter(|k| !tables[0].1.contains_key(**k)).collect();
            panic!("translation table {name} differs: missing {missing:?}, extra {extra:?}");
        }
    }

    let for_server = env::var_os("CARGO_FEATURE_SSR").is_some();
    let mut out = String::new();
    out.push_str("/// A translated string's key (`capture.title` is `Key::CaptureTitle`).\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n#[allow(dead_code)]\npub enum Key {\n");
    for key in &keys {
        writeln!(out, "    {},", variant(key)).unwrap();
    }
    out.push_str("}\n\n");
    // Keys are sorted (a BTreeMap), so a name is found by binary search: smaller than a `match`.
    out.push_str("const KEY_NAMES: &[&str] = &[\n");
    for key in &keys {
        writeln!(out, "    {key:?},").unwrap();
    }
    out.push_str("];\n\nconst KEYS: &[Key] = &[\n");
    for key in &keys {
        writeln!(out, "    Key::{},", variant(key)).unwrap();
    }
    out.push_str("];\n\n/// The key with this dotted name, for keys built from domain codes.\n");
    out.push_str("pub fn key_by_name(name: &str) -> Option<Key> {\n    KEY_NAMES.binary_search(&name).ok().map(|i| KEYS[i])\n}\n\n");
    for (name, table) in &tables {
        writeln!(out, "pub(crate) const {name}: &[&str] = &[").unwrap();
        for key in &keys {
            // The tablet's WebAssembly never shows the manager workspace (rendered on the server
            // only): its strings stay out of that build's tables.
            let text = if for_server || !server_only(key) { table[*key].as_str() } else { "" };
            writeln!(out, "    {text:?},").unwrap();
        }
        out.push_str("];\n");
    }
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("translations.rs");
    fs::write(dest, out).unwrap();
}

/// Keys of strings that only the manager workspace shows (server-rendered).
fn server_only(key: &str) -> bool {
    const PREFIXES: [&str; 8] = ["manage.", "metric.", "stage_error.", "dupkey.", "deadline.", "rate.", "supervision.", "origin_class."];
    PREFIXES.iter().any(|p| key.starts_with(p))
}

/// Parses `key = "value"` lines; `#` starts a comment line. Values use TOML basic-string escapes
/// `\"`, `\\` and `\n`.
fn parse(path: &str, text: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or_else(|| panic!("{path}:{}: expected key = \"value\"", n + 1));
        let (key, value) = (key.trim(), value.trim());
        let inner = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{path}:{}: value must be in double quotes", n + 1));
        let unescaped = inner.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
        if map.insert(key.to_owned(), unescaped).is_some() {
            panic!("{path}:{}: duplicate key {key}", n + 1);
        }
    }
    map
}

fn variant(key: &str) -> String {
    key.split(['.', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}
