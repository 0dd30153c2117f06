//! Cluster-wide settings: versioned, compare-and-set, audited once each.

use portcullis_domain::{AuditOperation, SettingName};
use portcullis_store::{SettingStore, StoreError};
use serde_json::json;

use crate::contract;
use crate::support::{audit_log, ctx};

contract!(
    settings_are_versioned_and_each_change_is_audited_once,
    |store, _db| {
        assert!(store.list_settings().await.unwrap().is_empty());
        assert_eq!(
            store.get_setting(SettingName::Containment).await.unwrap(),
            None
        );

        let first = json!({"containment_mode": "shadow", "containment": {}});
        let stored = store
            .put_setting(&ctx(5_000), SettingName::Containment, &first, Some(0))
            .await
            .unwrap();
        assert_eq!(stored.version, 1);
        assert_eq!(stored.updated_at.unix_millis(), 5_000);
        assert_eq!(
            store.get_setting(SettingName::Containment).await.unwrap(),
            Some(stored.clone())
        );

        // A stale version is refused and changes nothing.
        let second = json!({"containment_mode": "enforced", "containment": {}});
        let stale = store
            .put_setting(&ctx(6_000), SettingName::Containment, &second, Some(0))
            .await
            .unwrap_err();
        assert!(
            matches!(stale, StoreError::VersionMismatch { current: 1 }),
            "{stale}"
        );
        let updated = store
            .put_setting(&ctx(7_000), SettingName::Containment, &second, None)
            .await
            .unwrap();
        assert_eq!(updated.version, 2);
        assert_eq!(updated.value, second);
        assert_eq!(store.list_settings().await.unwrap(), vec![updated.clone()]);

        let records: Vec<_> = audit_log(&store)
            .await
            .into_iter()
            .filter(|r| r.operation == AuditOperation::SettingUpdate.as_str())
            .collect();
        assert_eq!(
            records.len(),
            2,
            "one record per change, none for the refusal"
        );
        assert!(records.iter().all(|r| r.target_id == "containment"));
        let after: serde_json::Value =
            serde_json::from_str(records[1].after.as_deref().unwrap()).unwrap();
        assert_eq!(after["version"], 2);
        assert_eq!(after["value"], second);
    }
);
