//! The console world plus what the operator pages show: a high-risk case
//! in review whose legal name is on a watchlist, an active relationship
//! ending within the month, a webhook with a delivery, and a containment.

use reqwest::StatusCode;
use serde_json::json;

use super::world::World;
use crate::support::{Bearer, str_field, test_application};

pub struct OpsWorld {
    pub w: World,
    /// Partner E, applying; its admin submitted the case.
    pub e: String,
    pub e_admin: Bearer,
    /// E's case: screened, high risk, a watchlist hit, waiting for review.
    pub case: String,
    pub webhook: String,
    pub containment: String,
}

impl OpsWorld {
    pub async fn build() -> Self {
        Self::build_with(World::build().await, "Echo Partners", "watch this one").await
    }

    /// `w` plus partner E named `e_name`; `text` goes into every free-text
    /// field the operator pages show (webhook description, containment reason).
    pub async fn build_with(w: World, e_name: &str, text: &str) -> Self {
        let server = &w.server;
        let op = server.operator.secret.clone();
        let e = str_field(&server.create_tenant("partner", e_name).await, "id");
        let e_admin = server.mint("partner_admin", Some(&e)).await;
        // The test application's legal name is `Partner <label> Ltd`.
        let label = e.split('-').next().unwrap_or_default();
        let list = format!(
            "{{\"id\":\"ofac-1\",\"schema\":\"Company\",\"properties\":{{\"name\":[\"PARTNER {label} LIMITED\"],\"country\":[\"gb\"]}}}}\n"
        );
        server
            .put_raw(
                "/v1/vetting/watchlists/sanctions?format=ftm",
                &op,
                "application/x-ndjson",
                list.as_bytes(),
            )
            .await
            .expect_status(StatusCode::OK);
        let (case, screened) = server
            .apply_and_screen(
                &e_admin.secret,
                json!({"application": test_application(&e)}),
            )
            .await;
        assert_eq!(screened["case"]["state"], "in_review", "{screened}");
        assert_eq!(screened["case"]["risk_level"], "high", "{screened}");

        // C approves A's request: active, ending in 30 days.
        server
            .post(
                &format!("/v1/relationships/{}/approve", w.a_relationship),
                &w.c_admin.secret,
                json!({}),
            )
            .await
            .expect_status(StatusCode::OK);

        crate::posture::upload(server, &w.a, &op).await;
        let created = server
            .post(
                "/v1/webhooks",
                &op,
                json!({"url": "https://hooks.example/portcullis", "description": text}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let webhook = str_field(&created, "id");
        server
            .post(&format!("/v1/webhooks/{webhook}/test"), &op, json!({}))
            .await
            .expect_status(StatusCode::ACCEPTED);
        let contained = server
            .post(
                "/v1/containments",
                &op,
                json!({"kind": "user", "target_id": w.a_user, "reason": text}),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .json();
        let containment = str_field(&contained, "id");
        Self {
            w,
            e,
            e_admin,
            case,
            webhook,
            containment,
        }
    }

    /// The case's state as the API shows it to an operator.
    pub async fn case_state(&self) -> String {
        let detail = self
            .w
            .server
            .op_get(&format!("/v1/vetting/cases/{}", self.case))
            .await
            .expect_status(StatusCode::OK)
            .json();
        str_field(&detail["case"], "state")
    }

    /// Every new operator page, with a word each must show.
    pub fn pages(&self) -> Vec<(String, &'static str)> {
        vec![
            ("/vetting".to_owned(), "Vetting review queue"),
            (format!("/vetting/cases/{}", self.case), "Approvals"),
            ("/partners".to_owned(), "Partners"),
            (format!("/partners/{}", self.w.a), "Posture scorecard"),
            ("/relationships/expiring?days=30".to_owned(), "expiring"),
            ("/audit".to_owned(), "Audit log"),
            ("/webhooks".to_owned(), "Webhooks"),
            (format!("/webhooks/{}", self.webhook), "Delivery log"),
            ("/containments".to_owned(), "Containments"),
            ("/bulk-runs".to_owned(), "Bulk runs"),
        ]
    }
}
