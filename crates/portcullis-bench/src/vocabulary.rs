//! The words of the benchmark: the concrete actions resource providers ask
//! about, and the role bundles partners put in their relationships (as GDAP
//! partners do: a helpdesk bundle, an identity bundle, a security bundle…),
//! all drawn from the default Entra catalog.

/// Concrete actions a resource provider asks about. Each has at least two
/// segments, so that a `prefix.*` pattern never has to match the bare
/// prefix (casbin's `keyMatch` and our patterns differ only there).
pub const ACTIONS: &[&str] = &[
    "users.read",
    "users.update",
    "users.create",
    "users.delete",
    "users.password.reset",
    "users.sessions.revoke",
    "users.authentication.methods.read",
    "users.authentication.methods.update",
    "users.authentication.policy.update",
    "groups.read",
    "groups.update",
    "groups.create",
    "groups.members.add",
    "licenses.assign",
    "licenses.read",
    "licenses.update",
    "support.tickets.create",
    "support.tickets.read",
    "directory.read",
    "applications.read",
    "applications.update",
    "applications.credentials.add",
    "consent.grant",
    "service_principals.update",
    "policies.read",
    "policies.conditional_access.update",
    "policies.pim.update",
    "policies.device.update",
    "security.read",
    "security.alerts.read",
    "security.alerts.update",
    "identity_protection.read",
    "identity_protection.risky_users.dismiss",
    "reports.read",
    "billing.invoices.read",
    "subscriptions.update",
    "mail.send",
    "mail.mailbox.update",
    "sharepoint.sites.update",
    "teams.policies.update",
    "devices.read",
    "devices.wipe",
    "roles.assignments.create",
    "federation.update",
    "service_health.read",
];

const HELPDESK_ADMINISTRATOR: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const DIRECTORY_READERS: &str = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";
const SERVICE_SUPPORT_ADMINISTRATOR: &str = "f023fd81-a637-4b56-95fd-791ac0226033";
const USER_ADMINISTRATOR: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const GROUPS_ADMINISTRATOR: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
const AUTHENTICATION_ADMINISTRATOR: &str = "c4e39bd9-1100-46d3-8c65-fb160da0071f";
const LICENSE_ADMINISTRATOR: &str = "4d6ac14f-3453-41d0-bef9-a3e0c569773a";
const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";
const SECURITY_ADMINISTRATOR: &str = "194ae4cb-b126-40b2-bd5b-6091b380977d";
const REPORTS_READER: &str = "4a5d8f65-41da-4de4-8968-e035b65339cf";
const EXCHANGE_ADMINISTRATOR: &str = "29232cdf-9323-42fd-ade2-1d097af3e4de";
const SHAREPOINT_ADMINISTRATOR: &str = "f28a1f50-f6e7-4571-818b-6a12f2af6b6c";
const TEAMS_ADMINISTRATOR: &str = "69091246-20e8-4a56-aa4d-066075b2a7a8";
const INTUNE_ADMINISTRATOR: &str = "3a2c62db-5318-420d-8d74-23affee5d9d5";
const GLOBAL_READER: &str = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
const CLOUD_APPLICATION_ADMINISTRATOR: &str = "158c047a-c907-4556-b7ef-446551a6b5f7";
const APPLICATION_ADMINISTRATOR: &str = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
const BILLING_ADMINISTRATOR: &str = "b0f54661-2d74-4c50-afa3-1ec803f12efe";
const PRIVILEGED_ROLE_ADMINISTRATOR: &str = "e8611ab8-c189-46e8-94e1-60213ab1f814";
const CONDITIONAL_ACCESS_ADMINISTRATOR: &str = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9";
/// Global Administrator: a few relationships still carry it.
pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

/// Role bundles a relationship is made of (role template ids).
pub const BUNDLES: &[&[&str]] = &[
    &[
        HELPDESK_ADMINISTRATOR,
        DIRECTORY_READERS,
        SERVICE_SUPPORT_ADMINISTRATOR,
    ],
    &[
        USER_ADMINISTRATOR,
        GROUPS_ADMINISTRATOR,
        AUTHENTICATION_ADMINISTRATOR,
        LICENSE_ADMINISTRATOR,
    ],
    &[SECURITY_READER, SECURITY_ADMINISTRATOR, REPORTS_READER],
    &[
        EXCHANGE_ADMINISTRATOR,
        SHAREPOINT_ADMINISTRATOR,
        TEAMS_ADMINISTRATOR,
    ],
    &[INTUNE_ADMINISTRATOR, GLOBAL_READER],
    &[CLOUD_APPLICATION_ADMINISTRATOR, APPLICATION_ADMINISTRATOR],
    &[BILLING_ADMINISTRATOR, REPORTS_READER],
    &[
        PRIVILEGED_ROLE_ADMINISTRATOR,
        CONDITIONAL_ACCESS_ADMINISTRATOR,
    ],
];
