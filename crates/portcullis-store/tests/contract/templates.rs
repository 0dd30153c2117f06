//! Relationship templates (audited, one name per partner), partner answers
//! to findings (the first acknowledgement and resolution kept, with the
//! finding's status, in one audited transaction) and the partner score's
//! daily history.

use portcullis_domain::{
    DisplayName, FindingStatus, IsoDuration, PartnerScore, RelationshipTemplate, RelationshipTerms,
    ResponseTimes, RoleCatalog, RoleId, ScoreInputs, TemplateId, TenantKind, VettingLevel,
};
use portcullis_store::{
    FindingAnswer, FindingResponseStore, FindingStore, ScoreStore, StoreError, TemplateStore,
};

use crate::contract;
use crate::findings::finding;
use crate::support::{audit_log, ctx, ms, partner, tenant};

const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

/// The operations of the audit log, in order.
async fn operations(store: &portcullis_store::SqlStore) -> Vec<String> {
    audit_log(store)
        .await
        .into_iter()
        .map(|r| r.operation)
        .collect()
}

fn template(partner: portcullis_domain::TenantId, name: &str) -> RelationshipTemplate {
    RelationshipTemplate::create(
        partner,
        DisplayName::parse(name).unwrap(),
        "Helpdesk for {customer}",
        RelationshipTerms {
            roles: [RoleId::parse(GROUPS_ADMIN).unwrap()].into(),
            duration: IsoDuration::parse("P90D").unwrap(),
            auto_extend_duration: IsoDuration::parse("PT0S").unwrap(),
        },
        Vec::new(),
        &RoleCatalog::default_entra(),
        ms(1_000),
        TemplateId::generate(),
    )
    .unwrap()
}

contract!(
    templates_are_kept_per_partner_with_unique_names_and_audited,
    |store, _db| {
        let a = partner(&store, "Alpha").await.id;
        let b = partner(&store, "Bravo").await.id;
        let first = template(a, "Helpdesk");
        store.create_template(&ctx(1_000), &first).await.unwrap();
        store
            .create_template(&ctx(1_000), &template(b, "Helpdesk"))
            .await
            .unwrap();
        let twice = store
            .create_template(&ctx(1_000), &template(a, "Helpdesk"))
            .await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
        assert_eq!(
            store.get_template(first.id).await.unwrap(),
            Some(first.clone())
        );
        assert_eq!(
            store.list_templates(Some(a)).await.unwrap(),
            vec![first.clone()]
        );
        assert_eq!(store.list_templates(None).await.unwrap().len(), 2);
        store.delete_template(&ctx(2_000), first.id).await.unwrap();
        assert_eq!(store.get_template(first.id).await.unwrap(), None);
        assert!(matches!(
            store.delete_template(&ctx(2_000), first.id).await,
            Err(StoreError::NotFound)
        ));
        let ops = operations(&store).await;
        assert_eq!(ops.iter().filter(|o| *o == "template.create").count(), 2);
        assert_eq!(ops.last().map(String::as_str), Some("template.delete"));
    }
);

contract!(
    a_partner_answer_keeps_the_first_times_and_moves_the_status,
    |store, _db| {
        let p = tenant(&store, TenantKind::Partner, "Alpha").await.id;
        let mut f = finding("u1", "fan_out", 2_000, 3);
        f.partner_tenant_id = Some(p.to_string());
        let f = store.upsert_finding(&ctx(1_000), &f).await.unwrap();
        let other = store
            .upsert_finding(&ctx(1_500), &{
                let mut g = finding("u2", "fan_out", 2_000, 1);
                g.partner_tenant_id = Some(p.to_string());
                g.created_at = ms(1_500);
                g
            })
            .await
            .unwrap();
        let (ack, response) = store
            .answer_finding(
                &ctx(5_000),
                f.id,
                FindingAnswer::Acknowledge,
                Some("on it"),
                Some(1),
            )
            .await
            .unwrap();
        assert_eq!(ack.status, FindingStatus::InProgress);
        assert_eq!(response.acknowledged_at, Some(ms(5_000)));
        assert_eq!(response.raised_at, ms(1_000));
        let (_, again) = store
            .answer_finding(&ctx(6_000), f.id, FindingAnswer::Acknowledge, None, None)
            .await
            .unwrap();
        assert_eq!(
            again.acknowledged_at,
            Some(ms(5_000)),
            "the first one stays"
        );
        let stale = store
            .answer_finding(&ctx(7_000), f.id, FindingAnswer::Resolve, None, Some(1))
            .await;
        assert!(
            matches!(stale, Err(StoreError::VersionMismatch { current: 3 })),
            "{stale:?}"
        );
        let (resolved, response) = store
            .answer_finding(&ctx(8_000), f.id, FindingAnswer::Resolve, None, Some(3))
            .await
            .unwrap();
        assert_eq!(resolved.status, FindingStatus::Resolved);
        assert_eq!(response.resolved_at, Some(ms(8_000)));
        assert!(response.resolved_by.unwrap().contains("operator"));

        let all = store
            .finding_responses(&p.to_string(), ms(0))
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        let unanswered = all.iter().find(|r| r.finding_id == other.id).unwrap();
        assert_eq!(
            (unanswered.acknowledged_at, unanswered.resolved_at),
            (None, None)
        );
        assert!(
            store
                .finding_responses(&p.to_string(), ms(1_200))
                .await
                .unwrap()
                .len()
                == 1
        );
        let ops = operations(&store).await;
        assert_eq!(
            ops.iter().filter(|o| *o == "finding.acknowledge").count(),
            2
        );
        assert_eq!(ops.last().map(String::as_str), Some("finding.resolve"));
    }
);

contract!(
    the_score_history_keeps_the_last_score_of_each_day,
    |store, _db| {
        let p = partner(&store, "Alpha").await.id;
        let day = 86_400_000;
        let inputs = |open: Vec<i64>| ScoreInputs {
            posture: None,
            vetting: VettingLevel::Approved,
            open_findings: open,
            response: ResponseTimes::measure(&[], ms(0)),
        };
        for (at, open) in [(day, vec![5]), (day + 1_000, vec![]), (3 * day, vec![4])] {
            let score = PartnerScore::compute(p, &inputs(open), ms(at));
            store.record_score(&score).await.unwrap();
        }
        let history = store.score_history(p, 0).await.unwrap();
        let points: Vec<(i64, u32)> = history.iter().map(|h| (h.day, h.score)).collect();
        assert_eq!(points, vec![(1, 60), (3, 54)]);
        assert_eq!(store.score_history(p, 2).await.unwrap().len(), 1);
    }
);
