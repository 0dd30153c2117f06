//! §8 Search APIs: who may do an action in a customer, where a user may do
//! it, what a user may do in a customer — from the decision index, paged
//! (§8.2); the shapes of the certification scenario's §C-4.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{
    SEARCH_ACTION, SEARCH_RESOURCE, SEARCH_SUBJECT, World, action, expect_refusal, tenant, user,
};
use crate::support::unknown_id;

fn ids(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("a results array: {answer}"))
        .iter()
        .map(|r| r["id"].as_str().or(r["name"].as_str()).unwrap().to_owned())
        .collect()
}

fn sorted(mut ids: Vec<&String>) -> Vec<String> {
    ids.sort();
    ids.into_iter().cloned().collect()
}

fn mfa() -> Value {
    json!({"auth_strength": "mfa"})
}

#[tokio::test]
async fn subject_search_finds_the_partner_users_allowed_now_page_by_page() {
    let w = World::build().await;
    let search = |name: &str, context: Value| {
        json!({"subject": {"type": "user"}, "action": action(name),
               "resource": tenant(&w.c), "context": context})
    };
    let answer = w
        .answer(SEARCH_SUBJECT, search("groups.update", mfa()))
        .await;
    assert_eq!(ids(&answer), sorted(vec![&w.alice, &w.bob]), "{answer}");
    assert!(
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["type"] == "user")
    );
    assert_eq!(answer["page"], json!({"next_token": "", "count": 2}));
    let keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 2);

    // Each partner's staff through its own relationship with C.
    let readers = w
        .answer(SEARCH_SUBJECT, search("security.alerts.read", mfa()))
        .await;
    assert_eq!(ids(&readers), [w.carol.as_str()]);
    // Privileged: phishing-resistant MFA only.
    let reset = w
        .answer(SEARCH_SUBJECT, search("users.password.reset", mfa()))
        .await;
    assert!(ids(&reset).is_empty(), "{reset}");
    let strong = json!({"auth_strength": "phishing_resistant"});
    let reset = w
        .answer(SEARCH_SUBJECT, search("users.password.reset", strong))
        .await;
    assert_eq!(ids(&reset), sorted(vec![&w.alice, &w.bob]));
    // No MFA: nobody.
    let weak = w
        .answer(SEARCH_SUBJECT, search("groups.update", json!({})))
        .await;
    assert!(ids(&weak).is_empty());

    // §C-4.2.3: a subject id in a subject search is ignored.
    let mut with_id = search("groups.update", mfa());
    with_id["subject"]["id"] = json!(w.alice);
    assert_eq!(ids(&w.answer(SEARCH_SUBJECT, with_id).await), ids(&answer));

    // §8.2: a page of one, then the next with its token, then the end.
    let mut first = search("groups.update", mfa());
    first["page"] = json!({"limit": 1});
    let page = w.answer(SEARCH_SUBJECT, first.clone()).await;
    assert_eq!(ids(&page), ids(&answer)[..1]);
    let token = page["page"]["next_token"].as_str().unwrap().to_owned();
    assert!(!token.is_empty());
    let mut second = first.clone();
    second["page"]["token"] = json!(token);
    let page = w.answer(SEARCH_SUBJECT, second.clone()).await;
    assert_eq!(ids(&page), ids(&answer)[1..]);
    assert_eq!(page["page"]["count"], json!(1));
    assert_eq!(
        page["page"]["next_token"],
        json!(""),
        "the last page says so"
    );

    // A token for another request is refused (§8.2: the PDP SHOULD).
    let mut changed = second.clone();
    changed["action"] = action("security.alerts.read");
    expect_refusal(
        &w.ask(SEARCH_SUBJECT, changed).await,
        StatusCode::BAD_REQUEST,
    );
    let mut changed = second;
    changed["page"]["limit"] = json!(2);
    expect_refusal(
        &w.ask(SEARCH_SUBJECT, changed).await,
        StatusCode::BAD_REQUEST,
    );
    let mut forged = first;
    forged["page"]["token"] = json!("a3M9NDU2O3N6PTI=");
    expect_refusal(
        &w.ask(SEARCH_SUBJECT, forged).await,
        StatusCode::BAD_REQUEST,
    );
    assert!(
        w.recorded(&w.alice).await.is_empty(),
        "searches decide nothing"
    );
}

#[tokio::test]
async fn resource_search_finds_the_customers_where_the_user_is_allowed() {
    let w = World::build().await;
    let search = |who: Value, name: &str| {
        json!({"subject": who, "action": action(name), "resource": {"type": "tenant"},
               "context": mfa()})
    };
    let answer = w
        .answer(SEARCH_RESOURCE, search(user(&w.alice), "groups.update"))
        .await;
    assert_eq!(ids(&answer), sorted(vec![&w.c, &w.d]), "{answer}");
    assert!(
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["type"] == "tenant")
    );
    let carol = w
        .answer(SEARCH_RESOURCE, search(user(&w.carol), "groups.update"))
        .await;
    assert!(ids(&carol).is_empty());
    let carol = w
        .answer(
            SEARCH_RESOURCE,
            search(user(&w.carol), "security.alerts.read"),
        )
        .await;
    assert_eq!(ids(&carol), [w.c.as_str()]);

    // §C-4.3.3: a resource id is ignored.
    let mut with_id = search(user(&w.alice), "groups.update");
    with_id["resource"]["id"] = json!(w.d);
    assert_eq!(ids(&w.answer(SEARCH_RESOURCE, with_id).await), ids(&answer));

    // The partner follows from the user; a claim to another finds nothing.
    let mut claimed = user(&w.alice);
    claimed["properties"] = json!({"partner_tenant_id": w.p});
    assert_eq!(
        ids(&w
            .answer(SEARCH_RESOURCE, search(claimed.clone(), "groups.update"))
            .await),
        ids(&answer)
    );
    claimed["properties"] = json!({"partner_tenant_id": w.q});
    assert!(
        ids(&w
            .answer(SEARCH_RESOURCE, search(claimed, "groups.update"))
            .await)
        .is_empty()
    );

    // Paging through customers one at a time gives the same list.
    let mut body = search(user(&w.alice), "groups.update");
    body["page"] = json!({"limit": 1});
    let mut seen = Vec::new();
    loop {
        let page = w.answer(SEARCH_RESOURCE, body.clone()).await;
        seen.extend(ids(&page));
        let token = page["page"]["next_token"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
        body["page"]["token"] = json!(token);
        assert!(seen.len() <= 2, "the pages end");
    }
    assert_eq!(seen, ids(&answer));
}

#[tokio::test]
async fn action_search_lists_the_catalog_actions_the_user_is_allowed() {
    let w = World::build().await;
    let search = |who: &str, customer: &str, context: Value| json!({"subject": user(who), "resource": tenant(customer), "context": context});
    let names = |answer: &Value| ids(answer);
    let in_c = w.answer(SEARCH_ACTION, search(&w.alice, &w.c, mfa())).await;
    let in_c = names(&in_c);
    // Named actions: `groups` and `groups.read` for Groups Administrator's `groups.*`.
    for name in ["groups", "groups.read"] {
        assert!(in_c.contains(&name.to_owned()), "{in_c:?}");
    }
    assert!(
        !in_c.contains(&"users.password.reset".to_owned()),
        "privileged needs more: {in_c:?}"
    );
    assert!(in_c.windows(2).all(|p| p[0] < p[1]), "in name order");
    let strong = json!({"auth_strength": "phishing_resistant"});
    let strong = names(
        &w.answer(SEARCH_ACTION, search(&w.alice, &w.c, strong))
            .await,
    );
    assert!(
        strong.contains(&"users.password.reset".to_owned()),
        "{strong:?}"
    );
    assert!(strong.len() > in_c.len());
    let in_d = names(&w.answer(SEARCH_ACTION, search(&w.alice, &w.d, mfa())).await);
    assert!(in_d.contains(&"groups".to_owned()) && in_d.len() < strong.len());
    let carol = names(&w.answer(SEARCH_ACTION, search(&w.carol, &w.c, mfa())).await);
    assert!(
        carol.contains(&"security.alerts.read".to_owned()),
        "{carol:?}"
    );
    assert!(!carol.contains(&"groups".to_owned()));
    assert!(names(&w.answer(SEARCH_ACTION, search(&w.dave, &w.c, mfa())).await).is_empty());

    // An `action` in an action search is ignored; each result is `{"name"}`.
    let mut with_action = search(&w.alice, &w.c, mfa());
    with_action["action"] = action("groups.update");
    let answer = w.answer(SEARCH_ACTION, with_action).await;
    assert_eq!(names(&answer), in_c);
    assert!(
        answer["results"][0]
            .as_object()
            .unwrap()
            .keys()
            .eq(["name"].iter())
    );

    // Pages of two cover the list, in order.
    let mut body = search(&w.alice, &w.c, mfa());
    body["page"] = json!({"limit": 2});
    let mut seen = Vec::new();
    for _ in 0..in_c.len() + 1 {
        let page = w.answer(SEARCH_ACTION, body.clone()).await;
        seen.extend(names(&page));
        let token = page["page"]["next_token"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
        body["page"]["token"] = json!(token);
    }
    assert_eq!(seen, in_c);
}

/// §C-4.6 and §C-4.7: unknown entities find nothing (not an error); a
/// missing input entity or field is a 400.
#[tokio::test]
async fn searches_about_unknown_entities_are_empty_and_incomplete_ones_refused() {
    let w = World::build().await;
    let empty = [
        (
            SEARCH_ACTION,
            json!({"subject": user("nonexistent-user"), "resource": tenant(&w.c)}),
        ),
        (
            SEARCH_ACTION,
            json!({"subject": user(&unknown_id()), "resource": tenant(&w.c)}),
        ),
        (
            SEARCH_ACTION,
            json!({"subject": user(&w.alice), "resource": {"type": "record", "id": "record-1"}}),
        ),
        (
            SEARCH_SUBJECT,
            json!({"subject": {"type": "spaceship"}, "action": action("groups.update"),
                                "resource": tenant(&w.c), "context": mfa()}),
        ),
        (
            SEARCH_SUBJECT,
            json!({"subject": {"type": "user"}, "action": action("read"),
                                "resource": {"type": "record", "id": "record-1"}}),
        ),
        (
            SEARCH_RESOURCE,
            json!({"subject": user(&w.alice), "action": action("groups.update"),
                                 "resource": {"type": "record"}, "context": mfa()}),
        ),
        (
            SEARCH_RESOURCE,
            json!({"subject": {"type": "group", "id": w.alice},
                                 "action": action("groups.update"), "resource": {"type": "tenant"}}),
        ),
    ];
    for (path, body) in empty {
        let answer = w.answer(path, body.clone()).await;
        assert_eq!(answer["results"], json!([]), "{path} {body}: {answer}");
        assert_eq!(answer["page"]["next_token"], json!(""));
    }
    let refused = [
        (
            SEARCH_SUBJECT,
            json!({"subject": {"type": "user"}, "resource": tenant(&w.c)}),
        ),
        (
            SEARCH_SUBJECT,
            json!({"subject": {"type": "user"}, "action": action("groups.update"),
                                "resource": {"type": "tenant"}}),
        ),
        (
            SEARCH_SUBJECT,
            json!({"subject": {}, "action": action("groups.update"), "resource": tenant(&w.c)}),
        ),
        (
            SEARCH_RESOURCE,
            json!({"action": action("groups.update"), "resource": {"type": "tenant"}}),
        ),
        (
            SEARCH_RESOURCE,
            json!({"subject": {"type": "user"}, "action": action("groups.update"),
                                 "resource": {"type": "tenant"}}),
        ),
        (SEARCH_ACTION, json!({"subject": user(&w.alice)})),
        (
            SEARCH_ACTION,
            json!({"subject": {"type": "user"}, "resource": tenant(&w.c)}),
        ),
        (
            SEARCH_ACTION,
            json!({"subject": user(&w.alice), "resource": tenant(&w.c),
                               "context": {"ip": "not an address"}}),
        ),
        (
            SEARCH_ACTION,
            json!({"subject": user(&w.alice), "resource": tenant(&w.c),
                               "page": {"limit": -1}}),
        ),
    ];
    for (path, body) in refused {
        expect_refusal(&w.ask(path, body).await, StatusCode::BAD_REQUEST);
    }
}
