//! Stored rows a reader could not decode: skipped, never fatal. One bad row (a lead written by an
//! older server with a year no parser reads, a row edited by hand) must not stop the workspace,
//! the exports or the sync pulls that read past it: each reader skips the row, and this register
//! logs it once per process, counts it for `/healthz` and lists it for administrators.
//!
//! The register is per process, like a metric: it holds what this server has met while reading,
//! not the result of a scan of the database (which would cost a read of every lead).

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

/// A row that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// Where it is: `leads`, `lead_facts`, `applied_changes`.
    pub table: &'static str,
    /// Its key there (a lead id, a change id).
    pub id: String,
    pub error: String,
}

fn register() -> &'static Mutex<BTreeMap<(&'static str, String), String>> {
    static REGISTER: OnceLock<Mutex<BTreeMap<(&'static str, String), String>>> = OnceLock::new();
    REGISTER.get_or_init(Mutex::default)
}

/// Notes that the row `id` of `table` could not be read: logged the first time only.
pub fn note(table: &'static str, id: &str, error: &dyn std::fmt::Display) {
    let mut seen = register().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if seen.insert((table, id.to_owned()), error.to_string()).is_none() {
        tracing::error!(table, id, %error, "a stored row cannot be read: skipped by every reader until repaired");
    }
}

/// How many rows this process could not read.
pub fn count() -> usize {
    register().lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
}

/// The rows this process could not read, at most `limit`.
pub fn list(limit: usize) -> Vec<Unreadable> {
    let seen = register().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    seen.iter().take(limit).map(|((table, id), error)| Unreadable { table, id: id.clone(), error: error.clone() }).collect()
}

/// `rows` read by `read`, without the rows it could not read (noted under `table`, by the id
/// `id_of` gives).
pub fn skipping<R, T>(
    table: &'static str,
    rows: &[R],
    id_of: impl Fn(&R) -> String,
    read: impl Fn(&R) -> Result<T, sqlx::Error>,
) -> Vec<T> {
    rows.iter()
        .filter_map(|row| match read(row) {
            Ok(value) => Some(value),
            Err(error) => {
                note(table, &id_of(row), &error);
                None
            }
        })
        .collect()
}
