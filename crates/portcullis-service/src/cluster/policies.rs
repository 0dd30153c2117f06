//! The cluster-wide role catalog, detection settings and vetting policy:
//! each is validated when written, stored as one setting and put in force
//! on every node like the containment policy (see [`super::settings`]).

use portcullis_domain::{Role, RoleCatalog, RuleViolation, Setting, SettingName};
use portcullis_vetting::{AutoApprovePolicy, CountryPolicy, RiskWeights, WebsiteDomain};
use serde::{Deserialize, Serialize};

use crate::{Caller, DetectionSettings, Portcullis, ServiceError, caller_rules};

/// The role catalog as a cluster-wide setting: the roles relationships may
/// grant (as in the catalog file named by `--roles`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleCatalogSetting {
    pub roles: Vec<Role>,
}

/// The vetting policy as a cluster-wide setting: the `[vetting]` table
/// without what belongs to each node's network and schedule
/// (`nameservers`, `dns_timeout_seconds`, `rescreen_every_hours`). A field
/// left out takes its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VettingPolicy {
    /// Embargoed and high-risk countries (ISO 3166 alpha-2).
    #[schema(value_type = Object)]
    pub countries: CountryPolicy,
    /// Points per risk factor and the level thresholds.
    #[schema(value_type = Object)]
    pub weights: RiskWeights,
    /// Whether low-risk cases whose mandatory checks pass skip review.
    #[schema(value_type = Object)]
    pub auto_approve: AutoApprovePolicy,
    /// Domains accepted for contact e-mail besides the verified domain.
    pub email_aliases: Vec<String>,
    /// Watchlist scores at or above this (0 to 1) are hits.
    pub watchlist_threshold: Option<f64>,
    /// `low`, `medium`, `high` (default), `critical` or `never`: the
    /// severity of a new re-screening hit that suspends a partner.
    pub suspend_on: Option<String>,
}

/// What `suspend_on` may name.
const SUSPEND_LEVELS: [&str; 5] = ["low", "medium", "high", "critical", "never"];

impl Default for VettingPolicy {
    fn default() -> Self {
        Self::of(&crate::VettingConfig::default())
    }
}

impl VettingPolicy {
    fn of(config: &crate::VettingConfig) -> Self {
        Self {
            countries: config.countries.clone(),
            weights: config.weights.clone(),
            auto_approve: config.auto_approve.clone(),
            email_aliases: config.email_aliases.clone(),
            watchlist_threshold: config.watchlist_threshold,
            suspend_on: config.suspend_on.clone(),
        }
    }

    /// `config` with this policy in place of its own.
    fn over(self, config: &crate::VettingConfig) -> crate::VettingConfig {
        crate::VettingConfig {
            countries: self.countries,
            weights: self.weights,
            auto_approve: self.auto_approve,
            email_aliases: self.email_aliases,
            watchlist_threshold: self.watchlist_threshold,
            suspend_on: self.suspend_on,
            ..config.clone()
        }
    }

    fn validate(&self) -> Result<(), RuleViolation> {
        let invalid = |message: String| RuleViolation::new("invalid_vetting_policy", message);
        if let Some(alias) = self
            .email_aliases
            .iter()
            .find(|a| WebsiteDomain::parse(a).is_err())
        {
            return Err(invalid(format!(
                "`email_aliases`: `{alias}` is not a domain"
            )));
        }
        if let Some(t) = self
            .watchlist_threshold
            .filter(|t| !(t.is_finite() && (0.0..=1.0).contains(t)))
        {
            return Err(invalid(format!(
                "`watchlist_threshold` must be 0 to 1, not {t}"
            )));
        }
        if let Some(level) = self
            .suspend_on
            .as_deref()
            .filter(|l| !SUSPEND_LEVELS.contains(l))
        {
            return Err(invalid(format!(
                "`suspend_on` must be one of {}, not `{level}`",
                SUSPEND_LEVELS.join(", ")
            )));
        }
        Ok(())
    }
}

fn catalog_of(setting: RoleCatalogSetting) -> Result<RoleCatalog, RuleViolation> {
    if setting.roles.is_empty() {
        return Err(RuleViolation::new(
            "invalid_role_catalog",
            "the role catalog needs at least one role",
        ));
    }
    RoleCatalog::new(setting.roles)
        .map_err(|e| RuleViolation::new("invalid_role_catalog", e.message))
}

fn parsed<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<T, String> {
    serde_json::from_value(value.clone()).map_err(|e| e.to_string())
}

impl Portcullis {
    /// Stores the role catalog for every node (operators); with
    /// `if_version`, only over that version of the setting (0: none yet).
    pub async fn set_role_catalog(
        &self,
        caller: &Caller,
        setting: RoleCatalogSetting,
        if_version: Option<i64>,
    ) -> Result<Setting, ServiceError> {
        caller_rules::may_change_settings(&caller.principal)?;
        catalog_of(setting.clone())?;
        self.store_setting(caller, SettingName::RoleCatalog, &setting, if_version)
            .await
    }

    /// The role catalog in force on this node (operators).
    pub fn role_catalog_in_force(
        &self,
        caller: &Caller,
    ) -> Result<RoleCatalogSetting, ServiceError> {
        caller_rules::may_read_settings(&caller.principal)?;
        Ok(RoleCatalogSetting {
            roles: self.decisions.catalog().iter().cloned().collect(),
        })
    }

    /// Stores the detection settings for every node (operators).
    pub async fn set_detection_settings(
        &self,
        caller: &Caller,
        settings: DetectionSettings,
        if_version: Option<i64>,
    ) -> Result<Setting, ServiceError> {
        caller_rules::may_change_settings(&caller.principal)?;
        settings.validate()?;
        self.store_setting(caller, SettingName::Detection, &settings, if_version)
            .await
    }

    /// The detection settings in force on this node (operators).
    pub fn detection_settings_in_force(
        &self,
        caller: &Caller,
    ) -> Result<DetectionSettings, ServiceError> {
        caller_rules::may_read_settings(&caller.principal)?;
        Ok(self.detection.tuning.get().as_ref().clone())
    }

    /// Stores the vetting policy for every node (operators).
    pub async fn set_vetting_policy(
        &self,
        caller: &Caller,
        policy: VettingPolicy,
        if_version: Option<i64>,
    ) -> Result<Setting, ServiceError> {
        caller_rules::may_change_settings(&caller.principal)?;
        policy.validate()?;
        self.store_setting(caller, SettingName::Vetting, &policy, if_version)
            .await
    }

    /// The vetting policy in force on this node (operators).
    pub fn vetting_policy_in_force(&self, caller: &Caller) -> Result<VettingPolicy, ServiceError> {
        caller_rules::may_read_settings(&caller.principal)?;
        Ok(VettingPolicy::of(&self.vetting.in_force().config))
    }

    /// Puts a stored role catalog in force in the decision index.
    pub(super) fn put_catalog_in_force(&self, value: &serde_json::Value) -> Result<(), String> {
        let catalog = catalog_of(parsed(value)?).map_err(|e| e.message)?;
        if self.decisions.set_catalog(catalog) {
            tracing::info!("role catalog put in force from the cluster setting");
        }
        Ok(())
    }

    /// Puts stored detection settings in force: every engine of this node
    /// takes them before its next batch.
    pub(super) fn put_detection_in_force(&self, value: &serde_json::Value) -> Result<(), String> {
        let settings: DetectionSettings = parsed(value)?;
        settings.validate().map_err(|e| e.message)?;
        if self.detection.tuning.replace(settings) {
            tracing::info!("detection settings put in force from the cluster setting");
        }
        Ok(())
    }

    /// Puts a stored vetting policy in force over this node's `[vetting]`.
    pub(super) fn put_vetting_in_force(&self, value: &serde_json::Value) -> Result<(), String> {
        let policy: VettingPolicy = parsed(value)?;
        policy.validate().map_err(|e| e.message)?;
        let in_force = self.vetting.in_force();
        if VettingPolicy::of(&in_force.config) != policy {
            self.vetting.replace_config(policy.over(&in_force.config));
            tracing::info!("vetting policy put in force from the cluster setting");
        }
        Ok(())
    }
}
