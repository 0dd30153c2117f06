//! `$top` paging through `@odata.nextLink`, and `$filter`.

use std::collections::BTreeSet;
use std::sync::Arc;

use portcullis_domain::{TestClock, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Gdap, HELPDESK, RELATIONSHIPS};
use crate::support::{Bearer, TestServer, str_field};

/// Every page of `first` (a path), following absolute next links; returns
/// the items and the pages' sizes.
async fn follow(g: &Gdap, first: &str, bearer: &Bearer) -> (Vec<Value>, Vec<usize>) {
    let mut url = g.server.url(first);
    let mut items = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let reply = g
            .server
            .client
            .get(&url)
            .bearer_auth(&bearer.secret)
            .send()
            .await
            .unwrap();
        let reply = crate::support::Reply::read(reply)
            .await
            .expect_status(StatusCode::OK);
        let page = reply.json();
        assert!(
            str_field(&page, "@odata.context")
                .ends_with("/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships"),
            "{page}"
        );
        let batch = page["value"].as_array().unwrap().clone();
        sizes.push(batch.len());
        items.extend(batch);
        match page.get("@odata.nextLink") {
            None => break,
            Some(next) => {
                let next = next.as_str().unwrap().to_owned();
                assert!(next.starts_with(&g.server.base), "an absolute link: {next}");
                assert!(next.contains("$skiptoken="), "{next}");
                url = next;
            }
        }
        assert!(sizes.len() < 100, "paging does not end");
    }
    (items, sizes)
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| str_field(i, "id")).collect()
}

#[tokio::test]
async fn top_pages_through_next_links_without_gaps_or_repeats() {
    let g = Gdap::start().await;
    let mut made = Vec::new();
    for n in 0..7 {
        made.push(str_field(
            &g.create(&format!("Relationship {n}")).await,
            "id",
        ));
    }
    let (items, sizes) = follow(&g, &format!("{RELATIONSHIPS}?$top=3"), &g.partner_admin).await;
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(ids(&items), made, "in creation order, each once");

    let (all, sizes) = follow(&g, RELATIONSHIPS, &g.partner_admin).await;
    assert_eq!((all.len(), sizes), (7, vec![7]), "100 a page by default");
    let (exact, sizes) = follow(&g, &format!("{RELATIONSHIPS}?$top=7"), &g.partner_admin).await;
    assert_eq!((exact.len(), sizes), (7, vec![7]), "no empty last page");

    // The customer sees the same relationships, the service none.
    let (theirs, _) = follow(&g, &format!("{RELATIONSHIPS}?$top=5"), &g.customer_admin).await;
    assert_eq!(ids(&theirs), made);
    let reply = g.get(RELATIONSHIPS, &g.service).await;
    super::odata_error(&reply, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn filter_on_status_and_customer_pages_too() {
    let g = Gdap::start().await;
    let other = str_field(&g.server.create_tenant("customer", "Northwind").await, "id");
    let mut active = Vec::new();
    for n in 0..5 {
        active.push(g.active(&format!("Active {n}")).await);
        g.create(&format!("Draft {n}")).await;
    }
    let mut body = g.new_relationship("Northwind draft");
    body["customer"] = json!({"tenantId": other});
    let northwind = g
        .server
        .post(RELATIONSHIPS, &g.partner_admin.secret, body)
        .await
        .expect_status(StatusCode::CREATED)
        .json();

    let (items, sizes) = follow(
        &g,
        &format!("{RELATIONSHIPS}?$top=2&$filter=status%20eq%20%27active%27"),
        &g.partner_admin,
    )
    .await;
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(ids(&items), active);
    assert!(items.iter().all(|i| i["status"] == json!("active")));

    let (drafts, _) = follow(
        &g,
        &format!(
            "{RELATIONSHIPS}?$filter=Status%20eq%20'created'%20and%20customer/tenantId%20eq%20'{}'",
            g.customer
        ),
        &g.partner_admin,
    )
    .await;
    assert_eq!(drafts.len(), 5);
    assert!(
        drafts
            .iter()
            .all(|d| d["customer"]["tenantId"] == json!(g.customer))
    );
    let (theirs, _) = follow(
        &g,
        &format!("{RELATIONSHIPS}?$filter=customer/tenantId%20eq%20'{other}'"),
        &g.partner_admin,
    )
    .await;
    assert_eq!(ids(&theirs), [str_field(&northwind, "id")]);
    // A customer admin filtering on another customer sees nothing of it.
    let (none, _) = follow(
        &g,
        &format!("{RELATIONSHIPS}?$filter=customer/tenantId%20eq%20'{other}'"),
        &g.customer_admin,
    )
    .await;
    assert!(none.is_empty());
    let (none, _) = follow(
        &g,
        &format!("{RELATIONSHIPS}?$filter=status%20eq%20'approved'"),
        &g.partner_admin,
    )
    .await;
    assert!(
        none.is_empty(),
        "a Graph status Portcullis never shows matches nothing"
    );

    // Assignments filter on status and container.
    let rel = &active[0];
    let second = str_field(
        &g.server.create_group(&g.partner, "Night shift").await,
        "id",
    );
    let path = format!("{RELATIONSHIPS}/{rel}/accessAssignments");
    let mut made = Vec::new();
    for group in [&g.group, &second, &g.group] {
        let body = json!({"accessContainer": {"accessContainerId": group, "accessContainerType": "securityGroup"},
                          "accessDetails": {"unifiedRoles": [{"roleDefinitionId": HELPDESK}]}});
        made.push(
            g.server
                .post(&path, &g.partner_admin.secret, body)
                .await
                .expect_status(StatusCode::CREATED)
                .json(),
        );
    }
    g.server
        .delete(
            &format!("{path}/{}", str_field(&made[2], "id")),
            &g.partner_admin.secret,
            Some("*"),
        )
        .await
        .expect_status(StatusCode::NO_CONTENT);
    let filtered = g
        .get(
            &format!("{path}?$filter=accessContainer/accessContainerId%20eq%20'{}'%20and%20status%20eq%20'active'", g.group),
            &g.partner_admin,
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    let found: BTreeSet<String> = ids(filtered["value"].as_array().unwrap())
        .into_iter()
        .collect();
    assert_eq!(found, [str_field(&made[0], "id")].into());
    let paged = g
        .get(&format!("{path}?$top=2"), &g.partner_admin)
        .await
        .json();
    assert_eq!(paged["value"].as_array().unwrap().len(), 2);
    let next = paged["@odata.nextLink"].as_str().expect("a next link");
    let rest = g
        .server
        .client
        .get(next)
        .bearer_auth(&g.partner_admin.secret)
        .send()
        .await
        .unwrap();
    let rest: Value = rest.json().await.unwrap();
    assert_eq!(
        ids(rest["value"].as_array().unwrap()),
        [str_field(&made[2], "id")]
    );
    assert!(rest.get("@odata.nextLink").is_none());
}

#[tokio::test]
async fn expiry_shows_at_the_end_instant_and_filters_by_it() {
    const T0: i64 = 1_800_000_000_000;
    let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T0)));
    let g = Gdap::on(TestServer::start_with_clock(clock.clone()).await).await;
    let mut body = g.new_relationship("One day");
    body["duration"] = json!("P1D");
    body["autoExtendDuration"] = json!("PT0S");
    let id = str_field(
        &g.server
            .post(RELATIONSHIPS, &g.partner_admin.secret, body)
            .await
            .expect_status(StatusCode::CREATED)
            .json(),
        "id",
    );
    g.request(&id, "lockForApproval", &g.partner_admin)
        .await
        .expect_status(StatusCode::CREATED);
    g.request(&id, "approve", &g.customer_admin)
        .await
        .expect_status(StatusCode::CREATED);
    let active = g
        .get(&format!("{RELATIONSHIPS}/{id}"), &g.partner_admin)
        .await
        .json();
    assert_eq!(active["endDateTime"], json!("2027-01-16T08:00:00Z"));

    clock.advance_millis(86_400_000 - 1);
    let still = g
        .get(&format!("{RELATIONSHIPS}/{id}"), &g.partner_admin)
        .await
        .json();
    assert_eq!(still["status"], json!("active"));
    clock.advance_millis(1);
    let expired = g
        .get(&format!("{RELATIONSHIPS}/{id}"), &g.partner_admin)
        .await
        .json();
    assert_eq!(expired["status"], json!("expired"));
    assert_eq!(expired["endDateTime"], active["endDateTime"]);
    let listed = g
        .get(
            &format!("{RELATIONSHIPS}?$filter=status%20eq%20'expired'"),
            &g.partner_admin,
        )
        .await
        .json();
    assert_eq!(ids(listed["value"].as_array().unwrap()), [id]);
    let listed = g
        .get(
            &format!("{RELATIONSHIPS}?$filter=status%20eq%20'active'"),
            &g.partner_admin,
        )
        .await
        .json();
    assert!(listed["value"].as_array().unwrap().is_empty());
    let customers = g.get(super::CUSTOMERS, &g.partner_admin).await.json();
    assert!(
        customers["value"].as_array().unwrap().is_empty(),
        "no active relationship left"
    );
}
