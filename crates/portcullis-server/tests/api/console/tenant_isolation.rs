//! The isolation sweep over the partner and customer admins' pages: each
//! asks for another tenant's relationship, group, assignment or
//! activation, or for another kind's area, and gets exactly the answer a
//! request for something that does not exist gets, and nothing changes.

use reqwest::StatusCode;
use serde_json::json;

use super::web;
use super::world::{HELPDESK, World};
use crate::support::{str_field, unknown_id};

/// B's records: an approved relationship with an eligible assignment to a
/// group holding B's user, and a pending activation of it.
struct Bravo {
    group: String,
    user: String,
    assignment: String,
    activation: String,
}

async fn bravo(w: &World) -> Bravo {
    let s = &w.server;
    s.post(
        &format!("/v1/relationships/{}/approve", w.b_relationship),
        &w.d_admin.secret,
        json!({}),
    )
    .await
    .expect_status(StatusCode::OK);
    let user = str_field(
        &s.create_user(&w.b, "carol@bravo.example", "Carol").await,
        "id",
    );
    let group = str_field(&s.create_group(&w.b, "Bravo helpdesk").await, "id");
    s.add_member(&w.b, &group, &user).await;
    let assignment = s
        .post(
            &format!("/v1/relationships/{}/assignments", w.b_relationship),
            &w.b_admin.secret,
            json!({"group_id": group, "roles": [HELPDESK],
                   "kind": {"type": "eligible", "max_activation": "PT4H", "approval_required": true}}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    let assignment = str_field(&assignment, "id");
    let activation = s
        .post(
            "/v1/activations",
            &w.b_admin.secret,
            json!({"assignment_id": assignment, "user_id": user, "justification": "ticket 1",
                   "duration": "PT1H", "auth_strength": "phishing_resistant"}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .json();
    Bravo {
        group,
        user,
        assignment,
        activation: str_field(&activation, "id"),
    }
}

/// The status and body of a response, with the ids it names blanked.
async fn answer(response: reqwest::Response, ids: &[&str]) -> (StatusCode, String) {
    let status = response.status();
    let mut body = response.text().await.unwrap_or_default();
    for id in ids {
        body = body.replace(id, "<id>");
    }
    (status, body)
}

/// GET `theirs` and `ghost` answer alike, with 404.
async fn same_get(w: &World, cookie: &str, theirs: &str, ghost: &str, ids: &[&str]) {
    let a = answer(web::get(&w.server, cookie, theirs).await, ids).await;
    let b = answer(web::get(&w.server, cookie, ghost).await, ids).await;
    assert_eq!(a.0, StatusCode::NOT_FOUND, "{theirs}");
    assert_eq!(a, b, "no existence oracle: {theirs}");
    assert!(!a.1.contains("Bravo") && !a.1.contains("carol"), "{theirs}");
}

/// POST `theirs` and `ghost` answer alike, with 404.
async fn same_post(
    w: &World,
    cookie: &str,
    theirs: &str,
    ghost: &str,
    form: &[(&str, &str)],
    ids: &[&str],
) {
    let a = answer(web::post(&w.server, cookie, theirs, form).await, ids).await;
    let b = answer(web::post(&w.server, cookie, ghost, form).await, ids).await;
    assert_eq!(a.0, StatusCode::NOT_FOUND, "{theirs}");
    assert_eq!(a, b, "no existence oracle: {theirs}");
}

#[tokio::test]
async fn partner_and_customer_pages_answer_for_another_tenant_as_for_nothing() {
    let w = World::build().await;
    let b = bravo(&w).await;
    let ghost = unknown_id();
    let partner = web::sign_in(&w.server, &w.a_admin.secret).await;
    let customer = web::sign_in(&w.server, &w.c_admin.secret).await;
    let rel = &w.b_relationship;
    let ids = [
        rel.as_str(),
        b.group.as_str(),
        b.user.as_str(),
        b.assignment.as_str(),
        b.activation.as_str(),
        ghost.as_str(),
    ];

    for cookie in [&partner, &customer] {
        same_get(
            &w,
            cookie,
            &format!("/relationships/{rel}"),
            &format!("/relationships/{ghost}"),
            &ids,
        )
        .await;
    }
    same_get(
        &w,
        &partner,
        &format!("/groups/{}", b.group),
        &format!("/groups/{ghost}"),
        &ids,
    )
    .await;

    let csrf = web::csrf(&w.server, &partner, "/groups").await;
    let assign = [
        ("csrf", csrf.as_str()),
        ("group_id", b.group.as_str()),
        ("role", HELPDESK),
        ("kind", "standing"),
    ];
    same_post(
        &w,
        &partner,
        &format!("/relationships/{rel}/assignments"),
        &format!("/relationships/{ghost}/assignments"),
        &assign,
        &ids,
    )
    .await;
    let plain = [("csrf", csrf.as_str())];
    same_post(
        &w,
        &partner,
        &format!("/relationships/{rel}/assignments/{}/remove", b.assignment),
        &format!("/relationships/{ghost}/assignments/{ghost}/remove"),
        &plain,
        &ids,
    )
    .await;
    let member = [("csrf", csrf.as_str()), ("user_id", b.user.as_str())];
    same_post(
        &w,
        &partner,
        &format!("/groups/{}/members", b.group),
        &format!("/groups/{ghost}/members"),
        &member,
        &ids,
    )
    .await;
    same_post(
        &w,
        &partner,
        &format!("/groups/{}/members/{}/remove", b.group, b.user),
        &format!("/groups/{ghost}/members/{}/remove", b.user),
        &plain,
        &ids,
    )
    .await;
    for action in ["approve", "deny", "revoke"] {
        same_post(
            &w,
            &partner,
            &format!("/activations/{}/{action}", b.activation),
            &format!("/activations/{ghost}/{action}"),
            &plain,
            &ids,
        )
        .await;
    }
    let customer_csrf = web::csrf(&w.server, &customer, "/relationships").await;
    for action in ["approve", "reject", "terminate"] {
        same_post(
            &w,
            &customer,
            &format!("/relationships/{rel}/{action}"),
            &format!("/relationships/{ghost}/{action}"),
            &[("csrf", customer_csrf.as_str()), ("reason", "not mine")],
            &ids,
        )
        .await;
    }

    // Another kind's areas: the "not found" page, like any unknown page.
    let nothing = answer(
        web::get(&w.server, &partner, &format!("/findings/{ghost}")).await,
        &ids,
    )
    .await;
    for (cookie, path) in [
        (&partner, "/activity"),
        (&partner, "/restrictions"),
        (&customer, "/application"),
        (&customer, "/posture"),
        (&customer, "/groups"),
        (&customer, "/activations"),
        (&customer, "/relationships/new"),
    ] {
        let got = answer(web::get(&w.server, cookie, path).await, &ids).await;
        assert_eq!(got, nothing, "{path}");
    }
    let restrict = [
        ("csrf", csrf.as_str()),
        ("ranges", "0.0.0.0/0"),
        ("hours", "any"),
    ];
    assert_eq!(
        web::post(&w.server, &partner, "/restrictions", &restrict)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // A partner's request names a customer; another partner's tenant is unknown.
    let request = [
        ("csrf", csrf.as_str()),
        ("customer_tenant_id", w.b.as_str()),
        ("display_name", "Reach into Bravo"),
        ("role", HELPDESK),
        ("duration", "P30D"),
    ];
    let refused = web::post(&w.server, &partner, "/relationships/new", &request).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Nothing changed.
    let s = &w.server;
    assert_eq!(w.relationship_status(rel).await, "active");
    let assignments = s
        .op_get(&format!("/v1/relationships/{rel}/assignments"))
        .await
        .items();
    assert_eq!(assignments.len(), 1, "{assignments:?}");
    let members = s
        .op_get(&format!("/v1/tenants/{}/groups/{}/members", w.b, b.group))
        .await
        .items();
    assert_eq!(members.len(), 1);
    let activation = s
        .op_get(&format!("/v1/activations/{}", b.activation))
        .await
        .json();
    assert_eq!(activation["status"], "pending_approval");
    let restrictions = s
        .op_get(&format!("/v1/tenants/{}/restrictions", w.d))
        .await
        .json();
    assert_eq!(restrictions["allowed_ip_ranges"], json!([]));
    let all = s.op_get("/v1/relationships").await.items();
    assert_eq!(all.len(), 2, "no relationship was created: {all:?}");
}
