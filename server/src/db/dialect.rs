//! Where the SQL of the two engines differs, for the statements built in code: SQLite's and
//! PostgreSQL's spelling of the same expression, chosen by the connection.

use sqlx::AnyConnection;

/// Whether `conn` is to PostgreSQL.
pub fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("postgresql")
}

/// How a value travels inside a JSON array of rows (`super::bulk`), and how the database turns
/// it back into a column's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    /// Bytes, as lower-case hex text.
    Blob,
}

/// The SQL value of element `i` of the JSON row `row` (as SQLite's binary JSON or PostgreSQL's
/// `jsonb`), as a column of kind `kind`.
pub fn json_element(postgres: bool, row: &str, i: usize, kind: Kind) -> String {
    match (postgres, kind) {
        (_, Kind::Text) => format!("{row} ->> {i}"),
        (false, Kind::Int) => format!("{row} ->> {i}"),
        (true, Kind::Int) => format!("({row} ->> {i})::bigint"),
        (false, Kind::Blob) => format!("unhex({row} ->> {i})"),
        (true, Kind::Blob) => format!("decode({row} ->> {i}, 'hex')"),
    }
}

/// `expr`, a text, as the bytes of its UTF-8.
pub fn text_as_blob(postgres: bool, expr: &str) -> String {
    if postgres {
        format!("convert_to({expr}, 'UTF8')")
    } else {
        format!("CAST({expr} AS BLOB)")
    }
}
