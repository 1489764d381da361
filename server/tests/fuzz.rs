//! A fuzzing test of the sync endpoint on the real server: thousands of generated requests, most
//! of the protocol's shape with values at every edge (instants, dates, numbers, long and odd
//! Unicode, nulls, wrong types, unknown keys), some retried, some editing earlier leads, some with
//! a device report of the same kind. After each, the answer must be 2xx or 4xx, never 5xx; and
//! every workspace page, export and API read must still answer 200. A row no reader can read stays in the database, so a reader that broke
//! stays broken: checking the readers every few cases finds it as surely as after each one.
//!
//! `ZS_FUZZ_CASES` sets the number of cases (2,000 by default), `ZS_FUZZ_SEED` the seed.

mod common;

use common::{create, lead, spawn_app, user_with_session};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use server::db::users::Role;

/// Values at the edges of what each kind of field holds, and of other kinds.
fn hostile_value(rng: &mut StdRng) -> Value {
    let instants = [
        "0000-01-01T00:00:00.000+23:59",
        "9999-12-31T23:59:59.000-01:00",
        "1970-01-01T00:00:00.000Z",
        "1999-12-31T23:59:59.999Z",
        "2099-12-31T23:59:59.999Z",
        "2100-01-01T00:00:00.000Z",
        "2026-02-30T00:00:00Z",
        "2026-09-20T02:00:00.123456789+08:00",
        "2026-09-20T02:00:60Z",
        "2026-09-20T02:00:00+24:00",
        "２０２６-09-20T02:00:00Z",
        "2026-09-20 02:00:00Z",
    ];
    let dates = ["2026-10-08", "262142-01-01", "0000-01-01", "1999-12-31", "2100-01-01", "2026-2-3", "+2026-01-01", "2026-13-01", ""];
    let texts = [
        String::new(),
        " ".into(),
        "\u{0}".into(),
        "a\u{202E}b".into(),
        "\u{200B}\u{FEFF}".into(),
        "\u{1F600}\u{1F3FB}".into(),
        "'); DROP TABLE leads;--".into(),
        "<script>alert(1)</script>".into(),
        "\\\"".into(),
        "\u{D7FF}\u{E000}\u{FFFD}".into(),
        "成".repeat(rng.gen_range(1..3000)),
        "x".repeat(rng.gen_range(90..130)),
        "13800138000".into(),
        "+8613800138000".into(),
        "wang@shuwei.cn".into(),
        "91350100M000100Y43".into(),
        "food_beverage".into(),
        "chongqing".into(),
    ];
    match rng.gen_range(0..12) {
        0 | 1 => json!(instants[rng.gen_range(0..instants.len())]),
        2 => json!(dates[rng.gen_range(0..dates.len())]),
        3 | 4 => json!(texts[rng.gen_range(0..texts.len())]),
        5 => [
            json!(i64::MAX),
            json!(i64::MIN),
            json!(-1),
            json!(0),
            json!(1),
            json!(9_999_999_999_999i64),
            json!(u64::MAX),
            json!(1e308),
            json!(0.5),
        ][rng.gen_range(0..9)]
        .clone(),
        6 => Value::Null,
        7 => json!(rng.gen::<bool>()),
        8 => json!([1, "two", null]),
        9 if rng.gen::<bool>() => json!({ "unexpected": true }),
        // A withdrawal of the protocol's shape, for its fields' paths to reach into.
        9 => json!({ "at": "2026-09-20T02:00:00.000Z", "by": "li.wei", "reason": "重复录入" }),
        10 => json!(["company_name", "pipeline", "nonsense"]),
        _ => json!(uuid::Uuid::new_v4().to_string()),
    }
}

/// Where in a change a value can go.
const PATHS: &[&str] = &[
    "/change_id",
    "/base_version",
    "/changed",
    "/lead/id",
    "/lead/company_name",
    "/lead/credit_code",
    "/lead/contact_name",
    "/lead/contact_title",
    "/lead/mobile",
    "/lead/wechat",
    "/lead/email",
    "/lead/origin",
    "/lead/industry",
    "/lead/industry_segment",
    "/lead/intended_project",
    "/lead/intended_investment",
    "/lead/tier",
    "/lead/intent",
    "/lead/event",
    "/lead/referrer",
    "/lead/consent",
    "/lead/consent/given_at",
    "/lead/consent/text_version",
    "/lead/notes",
    "/lead/next_follow_up",
    "/lead/pipeline",
    "/lead/withdrawn",
    "/lead/withdrawn/at",
    "/lead/withdrawn/by",
    "/lead/withdrawn/reason",
    "/lead/captured_at",
    "/lead/updated_at",
    "/lead/captured_by",
    "/lead/device_id",
    "/lead/unknown_key",
    "/unknown_key",
];

/// The fields of the device report the cases set.
const DEVICE_PATHS: &[&str] = &[
    "/waiting",
    "/oldest_waiting",
    "/refused",
    "/build",
    "/storage",
    "/storage/persisted",
    "/storage/usage_bytes",
    "/storage/quota_bytes",
    "/unknown_key",
];

/// Sets `pointer` in `value` (creating the last key if its parent is an object).
fn set(value: &mut Value, pointer: &str, new: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    if let Some(Value::Object(map)) = value.pointer_mut(if parent.is_empty() { "" } else { parent }) {
        map.insert(key.to_owned(), new);
    }
}

#[tokio::test]
async fn no_generated_sync_request_breaks_the_server_or_its_readers() {
    let cases: usize = std::env::var("ZS_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let seed: u64 = std::env::var("ZS_FUZZ_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(20_261_202);
    let mut rng = StdRng::seed_from_u64(seed);
    let app = spawn_app().await;
    let officer = app.officer("li.wei").await;
    let manager = user_with_session(&app.db, "zhao.manager", Role::Manager).await;
    let mut sent: Vec<Value> = Vec::new();
    let (mut accepted, mut rejected, mut refused) = (0, 0, 0);

    for case in 0..cases {
        let mut changes = Vec::new();
        for _ in 0..rng.gen_range(1..4) {
            let mut change = match rng.gen_range(0..10) {
                // A retry of an earlier change, as sent or with a new id on the same lead.
                0 if !sent.is_empty() => sent[rng.gen_range(0..sent.len())].clone(),
                1 if !sent.is_empty() => {
                    let mut edit = sent[rng.gen_range(0..sent.len())].clone();
                    edit["change_id"] = json!(uuid::Uuid::new_v4().to_string());
                    edit["base_version"] = json!(rng.gen_range(0..4));
                    edit["changed"] = json!(["notes", "company_name", "consent", "withdrawn"]);
                    edit
                }
                _ => serde_json::to_value(create(&lead(&format!("模糊测试企业{case}")))).unwrap(),
            };
            for _ in 0..rng.gen_range(0..4) {
                set(&mut change, PATHS[rng.gen_range(0..PATHS.len())], hostile_value(&mut rng));
            }
            changes.push(change);
        }
        let mut body = json!({ "device_id": "fuzz-tablet", "cursor": rng.gen_range(0..50), "changes": changes.clone() });
        if rng.gen_range(0..20) == 0 {
            set(&mut body, ["/device_id", "/cursor", "/changes", "/unknown_key"][rng.gen_range(0..4)], hostile_value(&mut rng));
        }
        // What the tablet says of itself, with values at the edges too.
        if rng.gen_range(0..4) == 0 {
            let mut device = json!({
                "waiting": rng.gen_range(0..5), "oldest_waiting": "2026-09-20T02:00:00.000Z", "refused": rng.gen_range(0..3),
                "build": "0123abcd", "storage": { "persisted": false, "usage_bytes": 1_000, "quota_bytes": 100_000 }
            });
            for _ in 0..rng.gen_range(0..3) {
                set(&mut device, DEVICE_PATHS[rng.gen_range(0..DEVICE_PATHS.len())], hostile_value(&mut rng));
            }
            body["device"] = device;
        }

        let response = app.sync_json(&officer, &body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success() || status.is_client_error(), "case {case} (seed {seed}) answered {status}: {text}\nrequest: {body}");
        if status.is_success() {
            let answer: Value = serde_json::from_str(&text).unwrap();
            for result in answer["results"].as_array().unwrap() {
                if result["status"] == "rejected" {
                    rejected += 1;
                } else {
                    accepted += 1;
                }
            }
            sent.extend(changes);
        } else {
            refused += 1;
            let error: Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("case {case}: a 4xx that is not the API's JSON: {text}"));
            assert!(error["error"].is_string() && error["message"].is_string(), "case {case}: {error}");
        }
        if case % 50 == 49 || case + 1 == cases {
            app.readers_answer(&manager, &[]).await.unwrap_or_else(|failure| panic!("after case {case} (seed {seed}): {failure}"));
        }
    }
    // The cases reached every outcome: the test exercised the server, not only its parser.
    assert!(accepted > cases / 10 && rejected > cases / 10 && refused > 0, "accepted {accepted}, rejected {rejected}, refused {refused}");
    println!("{cases} cases: {accepted} changes accepted, {rejected} rejected, {refused} requests refused");
}
