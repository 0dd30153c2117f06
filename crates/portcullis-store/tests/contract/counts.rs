//! Overview counts: one aggregate query each, equal to counting the records.

use portcullis_domain::vetting::{CaseState, RiskLevel};
use portcullis_domain::{FindingStatus, PostureStanding};
use portcullis_store::{CountStore, FindingStore};

use crate::access_fixtures::{apply, approved, create_relationship, customer};
use crate::contract;
use crate::findings::finding;
use crate::posture::{store_upload, upload};
use crate::support::{ctx, ms, partner};
use crate::vetting::{in_review, submitted};

const DAY: i64 = 86_400_000;

contract!(
    counts_group_cases_findings_relationships_and_postures,
    |store, _db| {
        assert!(store.count_cases_by_state().await.unwrap().is_empty());
        assert!(store.count_postures_by_standing().await.unwrap().is_empty());
        assert_eq!(
            store
                .count_relationships_ending(ms(0), ms(DAY))
                .await
                .unwrap(),
            0
        );

        submitted(&store, "Alpha").await;
        let mut reviewed = submitted(&store, "Bravo").await;
        in_review(&store, &mut reviewed, 80, RiskLevel::High).await;
        submitted(&store, "Charlie").await;
        assert_eq!(
            store.count_cases_by_state().await.unwrap(),
            [(CaseState::InReview, 1), (CaseState::Submitted, 2)]
        );

        for (user, severity, status) in [
            ("u1", 4, FindingStatus::New),
            ("u2", 4, FindingStatus::New),
            ("u3", 5, FindingStatus::New),
            ("u4", 2, FindingStatus::New),
            ("u5", 2, FindingStatus::Resolved),
        ] {
            let mut f = finding(user, "fan_out", 2_000, 1);
            f.severity_id = severity;
            let saved = store.upsert_finding(&ctx(2_000), &f).await.unwrap();
            if status != FindingStatus::New {
                store
                    .set_finding_status(&ctx(3_000), saved.id, status, Some("done"), None)
                    .await
                    .unwrap();
            }
        }
        assert_eq!(
            store.count_open_findings_by_severity().await.unwrap(),
            [(5, 1), (4, 2), (2, 1)],
            "resolved findings are not open; most severe first"
        );

        // Approved at 10 000 for 90 days: ends at 10 000 + 90 days.
        let p = partner(&store, "Delta").await;
        let c = customer(&store, "Echo").await;
        let r = approved(p.id, c.id, "Echo helpdesk", 10_000);
        let end = r.end_at.unwrap().unix_millis();
        apply(&store, vec![create_relationship(&r)]).await;
        let ending = async |from: i64, to: i64| {
            store
                .count_relationships_ending(ms(from), ms(to))
                .await
                .unwrap()
        };
        assert_eq!(ending(end - 30 * DAY, end).await, 1, "the end is inclusive");
        assert_eq!(ending(end - 30 * DAY, end - 1).await, 0);
        assert_eq!(ending(end, end + DAY).await, 0, "already ended");

        for (name, standing) in [
            ("Foxtrot", PostureStanding::Compliant),
            ("Golf", PostureStanding::Noncompliant),
            ("Hotel", PostureStanding::Noncompliant),
        ] {
            let t = partner(&store, name).await;
            store_upload(&store, &upload(t.id, 40_000, standing, 1))
                .await
                .unwrap();
        }
        assert_eq!(
            store.count_postures_by_standing().await.unwrap(),
            [
                (PostureStanding::Compliant, 1),
                (PostureStanding::Noncompliant, 2)
            ]
        );
    }
);
