//! §6 Access Evaluation: decisions, their reasons, the record they leave,
//! and the request shapes of the certification scenario (its §C-2) with
//! Portcullis' entities.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{EVALUATION, World, action, evaluation, expect_refusal, reasons, tenant, user};
use crate::support::{Request, unknown_id};

#[tokio::test]
async fn evaluations_are_decided_explained_and_recorded_like_decisions() {
    let w = World::build().await;
    let allowed = w
        .answer(
            EVALUATION,
            evaluation(&w.alice, "groups.update", &w.c, "mfa"),
        )
        .await;
    assert_eq!(
        allowed,
        json!({"decision": true}),
        "nothing but the decision on an allow"
    );

    // A privileged role needs phishing-resistant MFA; no MFA denies all.
    let reset = w
        .answer(
            EVALUATION,
            evaluation(&w.alice, "users.password.reset", &w.c, "mfa"),
        )
        .await;
    assert_eq!(reasons(&reset), ["phishing_resistant_mfa_required"]);
    let reset = w
        .answer(
            EVALUATION,
            evaluation(&w.alice, "users.password.reset", &w.c, "phishing_resistant"),
        )
        .await;
    assert_eq!(reset["decision"], json!(true));
    let weak = json!({"subject": user(&w.alice), "action": action("groups.update"),
                      "resource": tenant(&w.c)});
    assert_eq!(
        reasons(&w.answer(EVALUATION, weak).await),
        ["mfa_required"],
        "no context: no MFA"
    );
    let other = w
        .answer(
            EVALUATION,
            evaluation(&w.alice, "federation.update", &w.c, "mfa"),
        )
        .await;
    assert_eq!(reasons(&other), ["role_does_not_permit_action"]);
    let nowhere = w
        .answer(
            EVALUATION,
            evaluation(&w.dave, "groups.update", &w.c, "mfa"),
        )
        .await;
    assert_eq!(reasons(&nowhere), ["no_assignment"]);
    assert_eq!(
        nowhere["context"].as_object().unwrap().len(),
        1,
        "a deny carries its reasons and nothing else: {nowhere}"
    );

    // The source address is the context's `ip`.
    w.server
        .send(
            Request::new(Method::PUT, &format!("/v1/tenants/{}/restrictions", w.c))
                .bearer(&w.c_admin.secret)
                .json(json!({"allowed_ip_ranges": ["198.51.100.0/24"]})),
        )
        .await
        .expect_status(StatusCode::OK);
    let mut inside = evaluation(&w.alice, "groups.update", &w.c, "mfa");
    inside["context"]["ip"] = json!("198.51.100.7");
    assert_eq!(
        w.answer(EVALUATION, inside.clone()).await["decision"],
        json!(true)
    );
    inside["context"]["ip"] = json!("203.0.113.1");
    assert_eq!(
        reasons(&w.answer(EVALUATION, inside).await),
        ["ip_not_allowed"]
    );

    // Every evaluation decided is an event, as `POST /v1/decisions` leaves.
    let events = w.recorded(&w.alice).await;
    assert_eq!(events.len(), 7, "{events:?}");
    let effects: Vec<&str> = events
        .iter()
        .map(|e| {
            e["body"]["unmapped"]["portcullis"]["decision"]["effect"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        effects,
        ["allow", "deny", "allow", "deny", "deny", "allow", "deny"]
    );
    assert!(
        events.iter().all(|e| e["partner_tenant_id"] == json!(w.p)),
        "{events:?}"
    );
}

#[tokio::test]
async fn the_partner_tenant_follows_from_the_user_and_a_claim_to_another_is_denied() {
    let w = World::build().await;
    let mut claimed = evaluation(&w.alice, "groups.update", &w.c, "mfa");
    claimed["subject"]["properties"] = json!({"partner_tenant_id": w.p});
    assert_eq!(
        w.answer(EVALUATION, claimed.clone()).await["decision"],
        json!(true)
    );

    // Alice claimed by Northwind, which has its own relationship with C.
    claimed["subject"]["properties"] = json!({"partner_tenant_id": w.q});
    let refused = w.answer(EVALUATION, claimed.clone()).await;
    assert_eq!(reasons(&refused), ["unknown_user"]);
    let text = refused.to_string();
    for other in [&w.q, &w.p, &w.carol, &w.c] {
        assert!(
            !text.contains(other.as_str()),
            "names nothing of any tenant: {text}"
        );
    }
    claimed["subject"]["properties"] = json!({"partner_tenant_id": "northwind"});
    assert_eq!(
        reasons(&w.answer(EVALUATION, claimed).await),
        ["invalid_partner_tenant_id"]
    );
    // The claim is decided, and recorded, as the caller made it.
    let events = w.recorded(&w.alice).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["partner_tenant_id"], json!(w.q));
}

#[tokio::test]
async fn entities_portcullis_cannot_know_are_denied_and_not_recorded() {
    let w = World::build().await;
    let cases = [
        (
            json!({"type": "group", "id": w.alice}),
            tenant(&w.c),
            "groups.update",
            "unsupported_subject_type",
        ),
        (
            user(&w.alice),
            json!({"type": "record", "id": "record-1"}),
            "groups.update",
            "unsupported_resource_type",
        ),
        (user("alice"), tenant(&w.c), "groups.update", "unknown_user"),
        (
            user(&unknown_id()),
            tenant(&w.c),
            "groups.update",
            "unknown_user",
        ),
        (
            user(&w.alice),
            tenant("fabrikam"),
            "groups.update",
            "unknown_tenant",
        ),
        (
            user(&w.alice),
            tenant(&w.c),
            "Groups.Update",
            "unknown_action",
        ),
    ];
    for (subject, resource, name, code) in cases {
        let body = json!({"subject": subject, "action": action(name), "resource": resource,
                          "context": {"auth_strength": "mfa"}});
        let decision = w.answer(EVALUATION, body.clone()).await;
        assert_eq!(reasons(&decision), [code], "{body}");
    }
    assert!(
        w.recorded(&w.alice).await.is_empty(),
        "no decision was taken"
    );
    // An unknown customer is a decision: no relationship.
    let unknown = w
        .answer(
            EVALUATION,
            evaluation(&w.alice, "groups.update", &unknown_id(), "mfa"),
        )
        .await;
    assert_eq!(reasons(&unknown), ["no_active_relationship"]);
}

/// §C-2.2: the certification's accepted shapes — optional context,
/// additional properties, unknown fields.
#[tokio::test]
async fn certification_request_shapes_are_accepted() {
    let w = World::build().await;
    let base = evaluation(&w.alice, "groups.update", &w.c, "mfa");
    let mut with_time = base.clone();
    with_time["context"] = json!({"time": "2025-06-27T18:03-07:00", "ip": "192.168.1.1",
                                  "auth_strength": "mfa"});
    let mut with_properties = base.clone();
    with_properties["subject"]["properties"] = json!({"department": "Sales", "role": "manager"});
    with_properties["action"]["properties"] = json!({"method": "GET"});
    with_properties["resource"]["properties"] = json!({"status": "active", "owner": "bob"});
    let mut unknown_fields = base.clone();
    unknown_fields["foo"] = json!("bar");
    unknown_fields["futureField"] = json!({"nested": true});
    for body in [base, with_time, with_properties, unknown_fields] {
        let reply = w
            .ask(EVALUATION, body.clone())
            .await
            .expect_status(StatusCode::OK);
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(reply.json(), json!({"decision": true}), "{body}");
    }
    // §C-2.6: the same request, the same decision.
    for _ in 0..3 {
        let again = w
            .answer(EVALUATION, evaluation(&w.bob, "groups.update", &w.c, "mfa"))
            .await;
        assert_eq!(again["decision"], json!(true));
    }
}

/// §C-2.4 and §10.1.1: a missing required field, a field of the wrong
/// type, a body that is not a JSON object sent as JSON: 400, with an error
/// message string.
#[tokio::test]
async fn malformed_evaluations_are_bad_requests_with_a_message() {
    let w = World::build().await;
    let full = evaluation(&w.alice, "groups.update", &w.c, "mfa");
    let without = |pointer: &str| {
        let mut body = full.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        body.pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .unwrap()
            .remove(key);
        body
    };
    let mut bodies: Vec<(Value, &str)> = vec![
        (without("/subject"), "`subject`"),
        (without("/action"), "`action`"),
        (without("/resource"), "`resource`"),
        (without("/subject/type"), "`subject.type`"),
        (without("/subject/id"), "`subject.id`"),
        (without("/action/name"), "`action.name`"),
        (without("/resource/type"), "`resource.type`"),
        (without("/resource/id"), "`resource.id`"),
    ];
    let mut typed = full.clone();
    typed["subject"] = json!("alice");
    bodies.push((typed, "invalid type"));
    let mut typed = full.clone();
    typed["action"]["name"] = json!(123);
    bodies.push((typed, "invalid type"));
    let mut strength = full.clone();
    strength["context"]["auth_strength"] = json!("strong");
    bodies.push((strength, "`context.auth_strength`"));
    let mut ip = full.clone();
    ip["context"]["ip"] = json!("10.0.0.300");
    bodies.push((ip, "`context.ip`"));
    bodies.push((json!([full.clone()]), "JSON object"));
    for (body, says) in bodies {
        let reply = w.ask(EVALUATION, body.clone()).await;
        let message = expect_refusal(&reply, StatusCode::BAD_REQUEST);
        assert!(message.contains(says), "{body}: {message}");
    }
    for (content_type, raw) in [
        ("application/json", "{\"subject\": "),
        ("application/json", ""),
        ("text/plain", &full.to_string() as &str),
    ] {
        let response = w
            .server
            .client
            .post(w.server.url(EVALUATION))
            .bearer_auth(&w.service.secret)
            .header("content-type", content_type)
            .body(raw.to_owned())
            .send()
            .await
            .unwrap();
        let reply = crate::support::Reply::read(response).await;
        expect_refusal(&reply, StatusCode::BAD_REQUEST);
    }
    assert!(w.recorded(&w.alice).await.is_empty());
}

/// §10.1.2, §11.3: 401 without a valid token (with `WWW-Authenticate`),
/// 403 for a caller that is no resource provider; §10.1.3: the request id
/// comes back as sent, on answers and refusals alike.
#[tokio::test]
async fn refusals_are_status_codes_with_a_message_and_echo_the_request_id() {
    let w = World::build().await;
    let body = evaluation(&w.alice, "groups.update", &w.c, "mfa");
    let anonymous = w
        .server
        .send(Request::new(Method::POST, EVALUATION).json(body.clone()))
        .await;
    expect_refusal(&anonymous, StatusCode::UNAUTHORIZED);
    assert!(
        anonymous
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    let forged = w
        .server
        .send(
            Request::new(Method::POST, EVALUATION)
                .bearer("pcs_forged")
                .json(body.clone()),
        )
        .await;
    expect_refusal(&forged, StatusCode::UNAUTHORIZED);
    let partner = w
        .server
        .send(
            Request::new(Method::POST, EVALUATION)
                .bearer(&w.p_admin.secret)
                .json(body.clone()),
        )
        .await;
    expect_refusal(&partner, StatusCode::FORBIDDEN);

    for id in [
        "bfe9eb29-ab87-4ca3-be83-a1d5d8305716",
        "two words; and more",
        &"x".repeat(300),
    ] {
        for bearer in [Some(w.service.secret.as_str()), None] {
            let mut request = Request::new(Method::POST, EVALUATION)
                .header("x-request-id", id)
                .json(body.clone());
            if let Some(secret) = bearer {
                request = request.bearer(secret);
            }
            let reply = w.server.send(request).await;
            assert_eq!(reply.header("x-request-id"), Some(id), "{}", reply.status);
        }
    }
    let unnamed = w.ask(EVALUATION, body).await;
    assert!(
        !unnamed.header("x-request-id").unwrap().is_empty(),
        "the server names it"
    );
}
