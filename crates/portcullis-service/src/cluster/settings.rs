//! Cluster-wide settings: configuration stored once and in force on every
//! node.
//!
//! A change is stored with its `setting.update` audit record in one
//! transaction and put in force on the node that made it at once; every
//! other node puts it in force when the record reaches it through the
//! change feed (`least_privilege::sync`: a PostgreSQL notification, within
//! milliseconds). At start a node puts every stored setting in force over
//! its configuration file. The settings: the containment policy
//! (`PUT /v1/settings/containment`), the role catalog, the detection
//! settings and the vetting policy (see [`super::policies`]), and the
//! posture baseline (set by a baseline reload; the origin node alone judges
//! partners again, so each judgement is audited once).

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError};

use portcullis_domain::{ContainmentMode, RuleViolation, Setting, SettingName};
use portcullis_posture::Baseline;
use serde::{Deserialize, Serialize};

use crate::{Caller, ContainmentRule, Portcullis, ServiceError, caller_rules};

/// The containment policy as a cluster-wide setting: the default mode and
/// the rule per detection (as `[detection] containment_mode` and
/// `[detection.containment]` in the configuration file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainmentPolicy {
    pub containment_mode: ContainmentMode,
    /// Rule id (`PCD-001` …) → `{contain, min_severity, min_confidence?, mode?}`.
    #[schema(value_type = Object)]
    pub containment: BTreeMap<String, ContainmentRule>,
}

/// The stored form of the posture baseline: the operator modules over the
/// default baseline, and the version they make.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredBaseline {
    version: String,
    modules: Vec<StoredModule>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredModule {
    file: String,
    source: String,
}

/// The highest OCSF severity.
const MAX_SEVERITY: u8 = 6;

impl Portcullis {
    /// Every stored cluster-wide setting (operators).
    pub async fn list_settings(&self, caller: &Caller) -> Result<Vec<Setting>, ServiceError> {
        caller_rules::may_read_settings(&caller.principal)?;
        Ok(self.store.list_settings().await?)
    }

    /// Stores the containment policy for every node (operators); with
    /// `if_version`, only over that version of the setting (0: none yet).
    pub async fn set_containment_policy(
        &self,
        caller: &Caller,
        policy: ContainmentPolicy,
        if_version: Option<i64>,
    ) -> Result<Setting, ServiceError> {
        caller_rules::may_change_settings(&caller.principal)?;
        if let Some((rule, _)) = policy
            .containment
            .iter()
            .find(|(_, r)| r.min_severity == 0 || r.min_severity > MAX_SEVERITY)
        {
            return Err(RuleViolation::new(
                "invalid_containment_rule",
                format!("`{rule}`: `min_severity` must be 1 to {MAX_SEVERITY}"),
            )
            .into());
        }
        self.store_setting(caller, SettingName::Containment, &policy, if_version)
            .await
    }

    /// Stores `value` as the setting `name` (audited once) and puts it in
    /// force on this node at once; the others follow through the change
    /// feed. The caller has checked who may and validated the value.
    pub(super) async fn store_setting(
        &self,
        caller: &Caller,
        name: SettingName,
        value: &impl Serialize,
        if_version: Option<i64>,
    ) -> Result<Setting, ServiceError> {
        let value = serde_json::to_value(value)
            .map_err(|e| ServiceError::Internal(format!("the setting `{name}`: {e}")))?;
        let setting = self
            .store
            .put_setting(&caller.audit(self.clock.now()), name, &value, if_version)
            .await?;
        self.put_in_force(&setting);
        Ok(setting)
    }

    /// The containment policy in force on this node (operators).
    pub fn containment_in_force(&self, caller: &Caller) -> Result<ContainmentPolicy, ServiceError> {
        caller_rules::may_read_settings(&caller.principal)?;
        Ok(self.containment_policy().as_ref().clone())
    }

    /// The containment policy in force: the stored one, else the
    /// configuration file's.
    pub(crate) fn containment_policy(&self) -> Arc<ContainmentPolicy> {
        let stored = self
            .cluster
            .containment
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        stored.unwrap_or_else(|| {
            Arc::new(ContainmentPolicy {
                containment_mode: self.detection.config.containment_mode,
                containment: self.detection.config.containment.clone(),
            })
        })
    }

    /// Stores the baseline a reload put in force (see `posture::reassess`).
    pub(crate) async fn store_baseline(
        &self,
        caller: &Caller,
        version: &str,
        sources: Vec<(String, String)>,
    ) -> Result<(), ServiceError> {
        let stored = StoredBaseline {
            version: version.to_owned(),
            modules: sources
                .into_iter()
                .map(|(file, source)| StoredModule { file, source })
                .collect(),
        };
        let value = serde_json::to_value(&stored)
            .map_err(|e| ServiceError::Internal(format!("the baseline: {e}")))?;
        self.store
            .put_setting(
                &caller.audit(self.clock.now()),
                SettingName::PostureBaseline,
                &value,
                None,
            )
            .await?;
        Ok(())
    }

    /// Puts every stored setting in force (at start, over the
    /// configuration file); returns how many there are.
    pub async fn apply_stored_settings(&self) -> Result<usize, ServiceError> {
        let settings = self.store.list_settings().await?;
        for setting in &settings {
            self.put_in_force(setting);
        }
        Ok(settings.len())
    }

    /// Puts the stored setting `name` in force (the change feed's step).
    pub(crate) async fn apply_setting(&self, name: SettingName) -> Result<(), ServiceError> {
        if let Some(setting) = self.store.get_setting(name).await? {
            self.put_in_force(&setting);
        }
        Ok(())
    }

    /// Puts `setting` in force on this node. A value this node cannot use
    /// (written by a newer version, or a baseline that no longer compiles)
    /// is logged and the setting in force stays.
    fn put_in_force(&self, setting: &Setting) {
        let applied = match setting.name {
            SettingName::Containment => {
                serde_json::from_value::<ContainmentPolicy>(setting.value.clone())
                    .map_err(|e| e.to_string())
                    .map(|policy| {
                        *self
                            .cluster
                            .containment
                            .write()
                            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(policy));
                    })
            }
            SettingName::PostureBaseline => self.put_baseline_in_force(&setting.value),
            SettingName::RoleCatalog => self.put_catalog_in_force(&setting.value),
            SettingName::Detection => self.put_detection_in_force(&setting.value),
            SettingName::Vetting => self.put_vetting_in_force(&setting.value),
        };
        match applied {
            Ok(()) => {
                tracing::debug!(setting = %setting.name, version = setting.version, "setting in force")
            }
            Err(err) => tracing::error!(setting = %setting.name, version = setting.version, %err,
                "stored setting not applied; the one in force stays"),
        }
    }

    fn put_baseline_in_force(&self, value: &serde_json::Value) -> Result<(), String> {
        let stored: StoredBaseline =
            serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
        if self.posture.compiled_version().as_deref() == Some(stored.version.as_str()) {
            return Ok(());
        }
        let sources = stored
            .modules
            .into_iter()
            .map(|m| (m.file, m.source))
            .collect();
        let baseline = Baseline::load_sources(sources).map_err(|e| e.to_string())?;
        self.posture.install(baseline);
        tracing::info!(version = %stored.version, "posture baseline put in force from the cluster setting");
        Ok(())
    }
}
