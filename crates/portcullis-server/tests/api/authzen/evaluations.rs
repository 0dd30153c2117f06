//! §7 Access Evaluations: defaults and per-item overrides (§7.1.1), the
//! three semantics (§7.1.2.1), per-item errors (§7.2.1) and the
//! backwards-compatible single form — the shapes of the certification
//! scenario's §C-3 with Portcullis' entities.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{EVALUATIONS, World, action, evaluation, expect_refusal, reasons, tenant, user};

fn decisions(answer: &Value) -> Vec<bool> {
    answer["evaluations"]
        .as_array()
        .unwrap_or_else(|| panic!("an evaluations array: {answer}"))
        .iter()
        .map(|d| d["decision"].as_bool().unwrap())
        .collect()
}

#[tokio::test]
async fn defaults_fill_each_item_and_an_item_replaces_them_whole() {
    let w = World::build().await;
    // One subject and context, three customers and actions (§7.1.1).
    let answer = w
        .answer(
            EVALUATIONS,
            json!({
                "subject": user(&w.alice),
                "context": {"auth_strength": "mfa"},
                "action": action("groups.update"),
                "evaluations": [
                    {"resource": tenant(&w.c)},
                    {"resource": tenant(&w.d)},
                    {"action": action("users.password.reset"), "resource": tenant(&w.d)},
                    {"resource": tenant(&w.c), "context": {"auth_strength": "none"}},
                    {"subject": user(&w.carol), "action": action("security.alerts.read"),
                     "resource": tenant(&w.c)},
                ],
            }),
        )
        .await;
    assert_eq!(
        decisions(&answer),
        [true, true, false, false, true],
        "{answer}"
    );
    assert_eq!(
        reasons(&answer["evaluations"][2]),
        ["role_does_not_permit_action"]
    );
    assert_eq!(reasons(&answer["evaluations"][3]), ["mfa_required"]);
    assert!(
        answer.get("decision").is_none(),
        "no top-level decision beside the array"
    );
    assert_eq!(w.recorded(&w.alice).await.len(), 4);
    assert_eq!(w.recorded(&w.carol).await.len(), 1);

    // §C-3.2.7: an empty item inherits everything.
    let answer = w
        .answer(
            EVALUATIONS,
            json!({"subject": user(&w.bob), "action": action("groups.update"),
                   "resource": tenant(&w.c), "context": {"auth_strength": "mfa"},
                   "evaluations": [{}, {"resource": tenant(&w.d)}]}),
        )
        .await;
    assert_eq!(decisions(&answer), [true, true]);
}

#[tokio::test]
async fn the_three_semantics_run_all_or_stop_at_the_first_deny_or_permit() {
    let w = World::build().await;
    let request = |semantic: Option<&str>| {
        let mut body = json!({
            "subject": user(&w.alice),
            "context": {"auth_strength": "mfa"},
            "evaluations": [
                {"action": action("groups.update"), "resource": tenant(&w.c)},
                {"action": action("federation.update"), "resource": tenant(&w.c)},
                {"action": action("groups.update"), "resource": tenant(&w.d)},
            ],
        });
        if let Some(semantic) = semantic {
            body["options"] = json!({"evaluations_semantic": semantic, "another_option": "value"});
        }
        body
    };
    let all = w.answer(EVALUATIONS, request(None)).await;
    assert_eq!(decisions(&all), [true, false, true]);
    let all = w.answer(EVALUATIONS, request(Some("execute_all"))).await;
    assert_eq!(decisions(&all), [true, false, true]);
    assert_eq!(w.recorded(&w.alice).await.len(), 6);

    let and = w
        .answer(EVALUATIONS, request(Some("deny_on_first_deny")))
        .await;
    assert_eq!(
        decisions(&and),
        [true, false],
        "stops at the first deny: {and}"
    );
    assert_eq!(
        reasons(&and["evaluations"][1]),
        ["role_does_not_permit_action"]
    );
    assert_eq!(
        w.recorded(&w.alice).await.len(),
        8,
        "only what ran is recorded"
    );

    let or = w
        .answer(EVALUATIONS, request(Some("permit_on_first_permit")))
        .await;
    assert_eq!(decisions(&or), [true], "stops at the first permit: {or}");
    assert_eq!(w.recorded(&w.alice).await.len(), 9);

    let mut unknown = request(None);
    unknown["options"] = json!({"evaluations_semantic": "majority"});
    expect_refusal(&w.ask(EVALUATIONS, unknown).await, StatusCode::BAD_REQUEST);
}

/// §7.2.1 and §C-3.4.1: an item that cannot be evaluated is denied with
/// its error; the others are answered. Under `deny_on_first_deny` it is
/// the first deny.
#[tokio::test]
async fn a_failed_item_is_denied_with_its_error_and_the_rest_answered() {
    let w = World::build().await;
    let body = |semantic: &str| {
        json!({
            "subject": user(&w.alice),
            "action": action("groups.update"),
            "context": {"auth_strength": "mfa"},
            "options": {"evaluations_semantic": semantic},
            "evaluations": [
                {"resource": tenant(&w.c)},
                {},
                {"resource": "litware"},
                {"resource": tenant(&w.d), "context": {"auth_strength": "strong"}},
                {"resource": tenant(&w.d)},
            ],
        })
    };
    let answer = w.answer(EVALUATIONS, body("execute_all")).await;
    assert_eq!(
        decisions(&answer),
        [true, false, false, false, true],
        "{answer}"
    );
    for (at, says) in [
        (1, "`resource`"),
        (2, "not valid"),
        (3, "`context.auth_strength`"),
    ] {
        let error = &answer["evaluations"][at]["context"]["error"];
        assert_eq!(error["status"], json!(400), "{answer}");
        assert!(error["message"].as_str().unwrap().contains(says), "{error}");
    }
    let answer = w.answer(EVALUATIONS, body("deny_on_first_deny")).await;
    assert_eq!(decisions(&answer), [true, false]);
    assert_eq!(
        w.recorded(&w.alice).await.len(),
        3,
        "failed items are not decisions"
    );
}

/// §7.1 and §C-3.4.2–3: without an `evaluations` array, or with an empty
/// one, the request is one evaluation and the answer one Decision.
#[tokio::test]
async fn without_items_the_request_is_a_single_evaluation() {
    let w = World::build().await;
    let single = evaluation(&w.alice, "groups.update", &w.c, "mfa");
    assert_eq!(
        w.answer(EVALUATIONS, single.clone()).await,
        json!({"decision": true})
    );
    let mut empty = single.clone();
    empty["evaluations"] = json!([]);
    assert_eq!(
        w.answer(EVALUATIONS, empty).await,
        json!({"decision": true})
    );
    let mut partial = single.clone();
    partial.as_object_mut().unwrap().remove("resource");
    let message = expect_refusal(&w.ask(EVALUATIONS, partial).await, StatusCode::BAD_REQUEST);
    assert!(message.contains("`resource`"), "{message}");

    let too_many = json!({"subject": user(&w.alice), "action": action("groups.update"),
                          "evaluations": vec![json!({"resource": tenant(&w.c)}); 1001]});
    let message = expect_refusal(&w.ask(EVALUATIONS, too_many).await, StatusCode::BAD_REQUEST);
    assert!(message.contains("1000"), "{message}");
    let not_a_list = json!({"subject": user(&w.alice), "evaluations": {"resource": tenant(&w.c)}});
    expect_refusal(
        &w.ask(EVALUATIONS, not_a_list).await,
        StatusCode::BAD_REQUEST,
    );
    assert_eq!(w.recorded(&w.alice).await.len(), 2);
}
