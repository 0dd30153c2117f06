//! Operators' Bulk runs pages over plain HTTP: a partner's background run,
//! started through the API, listed with its partner and progress and shown
//! with its per-item results; partner and customer admins get the answer
//! for a page that does not exist, while the partner keeps its own run page.

use std::sync::Arc;
use std::time::Duration;

use portcullis_domain::{TestClock, Timestamp};
use reqwest::StatusCode;
use serde_json::json;

use super::web;
use crate::support::{str_field, unknown_id};
use crate::usage::{T0, used};

#[tokio::test]
async fn operators_follow_every_partners_bulk_runs() {
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let server = crate::support::TestServer::start_with_clock(clock.clone()).await;
    let w = used(server, &clock).await;
    let s = &w.server;
    let started = s
        .post(
            "/v1/bulk/relationships?background=true",
            &w.partner_admin.secret,
            json!({"change": {"operation": "set_auto_extend", "auto_extend_duration": "P180D"},
                   "relationship_ids": [w.relationship], "dry_run": true}),
        )
        .await
        .expect_status(StatusCode::ACCEPTED)
        .json();
    let run = str_field(&started, "id");
    let mut finished = false;
    for _ in 0..200 {
        let now = s
            .get(&format!("/v1/bulk/runs/{run}"), &w.partner_admin.secret)
            .await
            .json();
        if !now["finished_at"].is_null() {
            finished = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(finished, "run {run} did not finish");

    let op = web::sign_in(s, &s.operator.secret).await;
    let relationships = web::get(s, &op, "/relationships")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        relationships.contains("href=\"/bulk-runs\""),
        "{relationships}"
    );
    let list = web::get(s, &op, "/bulk-runs").await;
    assert_eq!(list.status(), StatusCode::OK);
    let html = list.text().await.unwrap();
    for seen in [
        run.as_str(),
        w.partner.as_str(),
        "set_auto_extend (dry run)",
        "1 of 1",
        "Finished",
    ] {
        assert!(html.contains(seen), "the list shows `{seen}`: {html}");
    }
    let page = web::get(s, &op, &format!("/bulk-runs/{run}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers().get("refresh").is_none(),
        "a finished run stays put"
    );
    let html = page.text().await.unwrap();
    for seen in [w.relationship.as_str(), "Would change", "Back to bulk runs"] {
        assert!(html.contains(seen), "the run shows `{seen}`: {html}");
    }

    let ghost = unknown_id();
    for secret in [&w.partner_admin.secret, &w.customer_admin.secret] {
        let cookie = web::sign_in(s, secret).await;
        let nothing = web::get(s, &cookie, &format!("/vetting/cases/{ghost}")).await;
        let nothing = (
            nothing.status(),
            nothing.text().await.unwrap().replace(&ghost, "<id>"),
        );
        assert_eq!(nothing.0, StatusCode::NOT_FOUND);
        for path in ["/bulk-runs".to_owned(), format!("/bulk-runs/{run}")] {
            let theirs = web::get(s, &cookie, &path).await;
            let theirs = (
                theirs.status(),
                theirs.text().await.unwrap().replace(&run, "<id>"),
            );
            assert_eq!(theirs, nothing, "{path}");
        }
    }
    let partner = web::sign_in(s, &w.partner_admin.secret).await;
    let own = web::get(s, &partner, &format!("/least-privilege/bulk/{run}")).await;
    assert_eq!(own.status(), StatusCode::OK);
}
