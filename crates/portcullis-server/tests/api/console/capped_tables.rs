//! A table whose list passes the 2,000 records the console reads says so
//! above the table, and names which records it covers: for partner
//! activity, the most recent (read newest first), so the oldest are the
//! ones left out.

use reqwest::StatusCode;
use serde_json::json;

use super::web;
use super::world::World;

const EVENTS: usize = 2_050;

#[tokio::test]
async fn activity_past_the_cap_covers_the_most_recent_events_and_says_so() {
    let w = World::build().await;
    let s = &w.server;
    let now = s.portcullis.clock().now().unix_millis();
    let lines: Vec<String> = (0..EVENTS)
        .map(|n| {
            let age_ms = i64::try_from(EVENTS - n).unwrap() * 1_000;
            json!({"class_uid": 6003, "time": now - age_ms, "status_id": 1,
                   "metadata": {"uid": format!("capped-{n}")},
                   "actor": {"user": {"uid": w.a_user, "org": {"uid": w.a}}},
                   "cloud": {"account": {"uid": w.c}},
                   "api": {"operation": format!("op-{n:04}")},
                   "src_endpoint": {"ip": "203.0.113.7"}})
            .to_string()
        })
        .collect();
    let service = s.mint("service", None).await;
    let sent = s
        .client
        .post(s.url("/v1/events"))
        .bearer_auth(&service.secret)
        .header("content-type", "application/x-ndjson")
        .body(lines.join("\n"))
        .send()
        .await
        .expect("send the events");
    assert_eq!(sent.status(), StatusCode::OK);

    let customer = web::sign_in(s, &w.c_admin.secret).await;
    let html = web::get(s, &customer, "/activity")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"capped-note\""), "{html}");
    assert!(
        html.contains("cover only the 2,000 most recent events, back to"),
        "{html}"
    );
    assert!(html.contains("2000+ in all"), "{html}");
    // Newest first by default: the last event sent heads the table.
    assert!(
        html.contains(&format!("<code>op-{:04}</code>", EVENTS - 1)),
        "{html}"
    );
    // The oldest events were not read: filtering for one finds nothing.
    let oldest = web::get(s, &customer, "/activity?operation=op-0000")
        .await
        .text()
        .await
        .unwrap();
    assert!(!oldest.contains("<code>op-0000</code>"), "{oldest}");
    let kept = web::get(
        s,
        &customer,
        &format!("/activity?operation=op-{:04}", EVENTS - 2_000),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        kept.contains(&format!("<code>op-{:04}</code>", EVENTS - 2_000)),
        "the oldest event read: {kept}"
    );

    // A list under the cap says nothing of the kind.
    let relationships = web::get(s, &customer, "/relationships")
        .await
        .text()
        .await
        .unwrap();
    assert!(!relationships.contains("capped-note"), "{relationships}");
}
