//! Partner and customer admins in a real browser: a partner asks a
//! customer for access, builds a security group and assigns it roles; the
//! customer approves, then terminates with a reason; a JIT activation is
//! requested by one partner admin and approved by a second; the customer
//! reads what partner users did and restricts their access. Each step is
//! checked against the API, and every page is saved as a screenshot.

use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::browser::Browser;
use super::world::{HELPDESK, World};
use crate::support::{Bearer, str_field};

impl World {
    /// The relationship as the API shows it to an operator.
    pub async fn relationship(&self, id: &str) -> Value {
        self.server
            .op_get(&format!("/v1/relationships/{id}"))
            .await
            .expect_status(StatusCode::OK)
            .json()
    }

    /// Approves A's relationship with C through the API (as C's admin).
    pub async fn approve_a(&self) {
        self.server
            .post(
                &format!("/v1/relationships/{}/approve", self.a_relationship),
                &self.c_admin.secret,
                json!({}),
            )
            .await
            .expect_status(StatusCode::OK);
    }

    /// A group of A holding A's user, assigned `kind` on A's relationship.
    pub async fn assign_a(&self, group_name: &str, kind: Value) -> (String, String) {
        let group = str_field(&self.server.create_group(&self.a, group_name).await, "id");
        self.server.add_member(&self.a, &group, &self.a_user).await;
        let assignment = self
            .server
            .post(
                &format!("/v1/relationships/{}/assignments", self.a_relationship),
                &self.a_admin.secret,
                json!({"group_id": group, "roles": [HELPDESK], "kind": kind}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        (group, str_field(&assignment, "id"))
    }
}

async fn signed_in(w: &World, who: &Bearer) -> Option<Browser> {
    let browser = Browser::start(&w.server.base).await?;
    browser.sign_in(&who.secret).await;
    Some(browser)
}

#[tokio::test]
async fn a_partner_requests_access_the_customer_approves_then_terminates_with_a_reason() {
    let w = World::build().await;
    let Some(partner) = signed_in(&w, &w.a_admin).await else {
        return;
    };
    // A security group with a member, through the console.
    partner.goto("/groups").await;
    partner.fill("#display_name", "Helpdesk tier 1").await;
    partner.fill("#description", "First-line support").await;
    partner.click("#create-group-button").await;
    assert!(partner.path().await.starts_with("/groups/"));
    partner.click("#add-member-button").await;
    let text = partner.text().await;
    assert!(text.contains("alice@alpha.example"), "{text}");
    partner.screenshot("partner-group").await;
    let group = partner
        .path()
        .await
        .trim_start_matches("/groups/")
        .to_owned();
    let members = w
        .server
        .op_get(&format!("/v1/tenants/{}/groups/{group}/members", w.a))
        .await
        .items();
    assert_eq!(members.len(), 1, "{members:?}");
    partner.goto("/groups?q=tier").await;
    assert!(partner.text().await.contains("Helpdesk tier 1"));
    partner.screenshot("partner-groups").await;

    // Ask customer C for access.
    partner.goto("/relationships").await;
    partner.click("#request-relationship").await;
    partner.fill("#customer_tenant_id", &w.c).await;
    partner
        .fill("#display_name", "Alpha helpdesk for Charlie")
        .await;
    partner
        .client
        .find(Locator::Css(&format!(
            "input[name='role'][value='{HELPDESK}']"
        )))
        .await
        .expect("the helpdesk role")
        .click()
        .await
        .expect("tick it");
    partner.screenshot("partner-relationship-request").await;
    partner.click("#send-request").await;
    let path = partner.path().await;
    let id = path.trim_start_matches("/relationships/").to_owned();
    let created = w.relationship(&id).await;
    assert_eq!(created["status"], "approval_pending", "{created}");
    assert_eq!(created["customer_tenant_id"], w.c.as_str());

    // Assign the group standing access on it.
    partner
        .client
        .find(Locator::Css("#assign-form input[name='role']"))
        .await
        .expect("the relationship's role")
        .click()
        .await
        .expect("tick it");
    partner.click("#assign").await;
    let text = partner.text().await;
    assert!(
        text.contains("Helpdesk tier 1") && text.contains("Pending approval"),
        "{text}"
    );
    partner.screenshot("partner-relationship").await;
    partner.close().await;

    // The customer approves it.
    let Some(customer) = signed_in(&w, &w.c_admin).await else {
        return;
    };
    customer.goto(&format!("/relationships/{id}")).await;
    let text = customer.text().await;
    assert!(
        text.contains("Alpha helpdesk for Charlie") && text.contains("Helpdesk Administrator"),
        "{text}"
    );
    customer.screenshot("customer-relationship-pending").await;
    customer.click("#approve").await;
    assert_eq!(w.relationship(&id).await["status"], "active");
    let assignments = w
        .server
        .op_get(&format!("/v1/relationships/{id}/assignments"))
        .await
        .items();
    assert_eq!(assignments[0]["status"], "active", "{assignments:?}");

    // Terminating needs a reason: an empty one changes nothing.
    let text = customer.text().await;
    assert!(
        text.contains("1 assignment to 1 partner security group stop"),
        "{text}"
    );
    customer.screenshot("customer-relationship-active").await;
    let cookie = customer
        .client
        .get_named_cookie(portcullis_server::SESSION_COOKIE)
        .await
        .expect("the session");
    let csrf = super::web::csrf(&w.server, cookie.value(), &format!("/relationships/{id}")).await;
    let refused = super::web::post(
        &w.server,
        cookie.value(),
        &format!("/relationships/{id}/terminate"),
        &[("csrf", csrf.as_str()), ("reason", "  ")],
    )
    .await;
    let page = super::web::refused(
        &w.server,
        cookie.value(),
        refused,
        &format!("/relationships/{id}"),
    )
    .await;
    assert!(page.contains("must not be empty"), "{page}");
    assert_eq!(w.relationship(&id).await["status"], "active");

    customer
        .fill("#terminate-reason", "The support contract ended")
        .await;
    customer.click("#terminate").await;
    let ended = w.relationship(&id).await;
    assert!(
        matches!(
            ended["status"].as_str(),
            Some("termination_requested" | "terminated")
        ),
        "{ended}"
    );
    assert_eq!(ended["closed_reason"], "The support contract ended");
    let text = customer.text().await;
    assert!(text.contains("The support contract ended"), "{text}");
    customer
        .screenshot("customer-relationship-terminated")
        .await;
    customer.close().await;
}

#[tokio::test]
async fn a_second_partner_admin_approves_a_jit_activation_the_first_requested() {
    let w = World::build().await;
    w.approve_a().await;
    w.assign_a(
        "Break-glass",
        json!({"type": "eligible", "max_activation": "PT4H", "approval_required": true}),
    )
    .await;
    let Some(first) = signed_in(&w, &w.a_admin).await else {
        return;
    };
    first.goto("/activations").await;
    first
        .fill("#justification", "Ticket 4711: reset a locked admin")
        .await;
    first
        .client
        .find(Locator::Css("#auth_strength"))
        .await
        .expect("the sign-in strength")
        .select_by_value("phishing_resistant")
        .await
        .expect("a privileged role needs it");
    first.click("#request-activation-button").await;
    let text = first.text().await;
    assert!(
        text.contains("Waiting for approval") && text.contains("another admin approves"),
        "the requester cannot approve: {text}"
    );
    let row = first
        .client
        .find(Locator::Css("tr[id^='activation-']"))
        .await
        .expect("the activation row")
        .attr("id")
        .await
        .expect("its id")
        .expect("an id");
    let activation = row.trim_start_matches("activation-").to_owned();
    first.screenshot("partner-activations-requested").await;
    first.close().await;

    let second_admin = w.server.mint("partner_admin", Some(&w.a)).await;
    let Some(second) = signed_in(&w, &second_admin).await else {
        return;
    };
    second.goto("/activations").await;
    second
        .press(Locator::XPath(
            "//button[starts-with(normalize-space(), 'Approve the activation')]",
        ))
        .await;
    let approved = w
        .server
        .op_get(&format!("/v1/activations/{activation}"))
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(approved["status"], "active", "{approved}");
    assert!(second.text().await.contains("Active"));
    second.screenshot("partner-activations").await;
    second.close().await;
}

#[tokio::test]
async fn a_partner_admin_reads_its_application_and_posture_scorecard() {
    let w = World::build().await;
    let Some(browser) = signed_in(&w, &w.a_admin).await else {
        return;
    };
    browser.goto("/application").await;
    let text = browser.text().await;
    assert!(text.contains("approved"), "{text}");
    assert!(
        text.contains("What is missing") && text.contains("_portcullis-challenge."),
        "the unproven domain shows its DNS record: {text}"
    );
    browser.screenshot("partner-application").await;

    browser.goto("/posture").await;
    assert!(browser.text().await.contains("No configuration snapshot"));
    crate::posture::upload(&w.server, &w.a, &w.a_admin.secret).await;
    let mut weak = crate::posture::compliant_snapshot();
    weak["portcullis_partner_program"]
        .as_object_mut()
        .expect("the partner program section")
        .remove("security_contact");
    w.server
        .post(
            &format!("/v1/posture/partners/{}/snapshots", w.a),
            &w.a_admin.secret,
            weak,
        )
        .await
        .expect_status(StatusCode::CREATED);
    browser.goto("/posture").await;
    let text = browser.text().await;
    assert!(text.contains("Non-compliant"), "{text}");
    assert!(
        text.contains("Register a monitored security contact"),
        "the failing requirement carries its guidance: {text}"
    );
    let trend = browser
        .client
        .find_all(Locator::Css("svg#posture-trend polyline"))
        .await
        .expect("query");
    assert_eq!(trend.len(), 2, "passing and failing lines");
    let grace = browser
        .client
        .find(Locator::Css("header.object p time.when"))
        .await
        .expect("the grace period's end is a time");
    let title = grace
        .attr("title")
        .await
        .expect("a title")
        .unwrap_or_default();
    assert!(title.ends_with(" UTC"), "UTC on hover: {title}");
    assert!(
        text.contains("or access for your users is suspended."),
        "{text}"
    );
    browser.screenshot("partner-posture").await;
    browser
        .goto("/posture?status=fail&sort=requirement&dir=desc")
        .await;
    let rows = browser
        .client
        .find_all(Locator::Css("#scorecard tbody tr"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1, "only the failing requirement");
    browser.close().await;
}

#[tokio::test]
async fn a_customer_admin_reads_partner_activity_and_restricts_access() {
    let w = World::build().await;
    w.approve_a().await;
    w.assign_a("Helpdesk", json!({"type": "standing"})).await;
    let service = w.server.mint("service", None).await;
    for strength in ["phishing_resistant", "phishing_resistant", "mfa"] {
        w.server
            .post(
                "/v1/decisions",
                &service.secret,
                json!({"partner_tenant_id": w.a, "user_id": w.a_user, "customer_tenant_id": w.c,
                       "action": "users.password.reset", "auth_strength": strength,
                       "source_ip": "203.0.113.9"}),
            )
            .await
            .expect_status(StatusCode::OK);
    }
    w.server.portcullis.flush_events().await;
    let Some(browser) = signed_in(&w, &w.c_admin).await else {
        return;
    };
    browser.goto("/activity").await;
    let text = browser.text().await;
    assert!(
        text.contains("Allowed") && text.contains("Denied"),
        "{text}"
    );
    assert!(
        text.contains("phishing_resistant_mfa_required"),
        "a denial names its reason: {text}"
    );
    let bars = browser
        .client
        .find_all(Locator::Css("svg#decisions-per-day rect"))
        .await
        .expect("query");
    assert_eq!(bars.len(), 2, "today's allowed and denied bars");
    browser.screenshot("customer-activity").await;
    browser.goto("/activity?outcome=denied").await;
    let rows = browser
        .client
        .find_all(Locator::Css("#activity tbody tr"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1, "the filter keeps the denial only");

    browser.goto("/restrictions").await;
    browser
        .fill("#ranges", "203.0.113.0/24\n2001:db8::/32")
        .await;
    browser
        .client
        .find(Locator::Css("input[name='hours'][value='window']"))
        .await
        .expect("the window choice")
        .click()
        .await
        .expect("choose it");
    for (css, hour) in [("#start_hour", "8"), ("#end_hour", "18")] {
        browser
            .client
            .find(Locator::Css(css))
            .await
            .expect("an hour")
            .select_by_value(hour)
            .await
            .expect("choose");
    }
    browser.click("#save-restrictions").await;
    let saved = w
        .server
        .get(
            &format!("/v1/tenants/{}/restrictions", w.c),
            &w.c_admin.secret,
        )
        .await
        .expect_status(StatusCode::OK)
        .json();
    assert_eq!(
        saved,
        json!({"allowed_ip_ranges": ["203.0.113.0/24", "2001:db8::/32"],
               "allowed_hours": {"start_hour": 8, "end_hour": 18}})
    );
    assert!(browser.text().await.contains("from 8:00 to 18:00 UTC"));
    browser.screenshot("customer-restrictions").await;
    browser.close().await;
}

#[tokio::test]
async fn times_are_shown_in_the_viewers_zone_with_utc_on_hover() {
    let w = World::build().await;
    let Some(browser) = Browser::start_in_zone(&w.server.base, Some("Asia/Tokyo")).await else {
        return;
    };
    browser.sign_in(&w.c_admin.secret).await;
    browser
        .goto(&format!("/relationships/{}", w.a_relationship))
        .await;
    let time = browser
        .client
        .find(Locator::Css("time.when"))
        .await
        .expect("a time");
    let title = time.attr("title").await.expect("a title").expect("set");
    let datetime = time
        .attr("datetime")
        .await
        .expect("a datetime")
        .expect("set");
    let zone = time.attr("data-zone").await.expect("data-zone");
    let shown = time.text().await.expect("its text");
    assert!(title.ends_with(" UTC"), "UTC on hover: {title}");
    assert_eq!(zone.as_deref(), Some("Asia/Tokyo"), "the script ran");
    assert!(!shown.contains("UTC"), "converted from `{title}`: {shown}");
    // Tokyo is UTC+9: the hour shown is the UTC hour plus nine.
    let utc_hour: u32 = title[11..13].parse().expect("the UTC hour");
    let local_hour = (utc_hour + 9) % 24;
    assert!(
        shown.contains(&format!("{local_hour:02}:")),
        "{datetime} shows as `{shown}` in Tokyo"
    );
    browser.close().await;
}
