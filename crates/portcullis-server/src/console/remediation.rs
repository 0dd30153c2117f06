//! Remediation guidance shown beside each posture requirement on a
//! partner's scorecard: what to change and why, one entry per requirement
//! family (the security resources a platform shares with its partners).
//! This module is the one place the text lives; a platform edits it here.
//!
//! Requirement ids map to a family by prefix or exact id; an id without a
//! family gets the general advice.

/// Guidance for one family of requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guidance {
    pub family: &'static str,
    /// What to change, as steps a tenant admin can follow.
    pub change: &'static str,
    /// Why it matters for a partner in particular.
    pub why: &'static str,
}

/// `(requirement ids, guidance)`; the first entry listing the id wins.
const FAMILIES: &[(&[&str], Guidance)] = &[
    (
        &["snapshot.fresh"],
        Guidance {
            family: "Fresh evidence",
            change: "Export your tenant's configuration with ScubaGear (or your platform's \
                     exporter) and upload it again; automate the export so a snapshot \
                     arrives at least every week.",
            why: "A stale snapshot proves nothing about today's tenant; an attacker's change \
                  made after it is invisible until the next one.",
        },
    ),
    (
        &["aad.mfa-all-users", "partner.mfa-registration"],
        Guidance {
            family: "MFA for every user",
            change: "Create a Conditional Access policy that requires multifactor \
                     authentication for all users and all cloud apps (exclude only two \
                     break-glass accounts), and have every user register a method.",
            why: "Partner credentials are phished and sprayed first: one password without \
                  MFA opens every customer your staff can reach.",
        },
    ),
    (
        &[
            "aad.phishing-resistant-mfa",
            "aad.phishing-resistant-mfa-admins",
            "aad.weak-methods-disabled",
        ],
        Guidance {
            family: "Phishing-resistant MFA",
            change: "Require an authentication strength of phishing-resistant MFA (FIDO2 \
                     keys, Windows Hello for Business, certificates) for admins first, then \
                     everyone; disable SMS, voice and email one-time codes.",
            why: "Adversary-in-the-middle kits relay push and code prompts in real time; \
                  only origin-bound methods stop a stolen session at a partner.",
        },
    ),
    (
        &["aad.legacy-auth-blocked"],
        Guidance {
            family: "No legacy authentication",
            change: "Block legacy authentication (Exchange ActiveSync and other clients) \
                     with a Conditional Access policy for all users and all apps.",
            why: "Legacy protocols cannot do MFA, so a stolen password is enough to sign in \
                  through them.",
        },
    ),
    (
        &[
            "aad.high-risk-sign-ins-blocked",
            "aad.high-risk-users-blocked",
        ],
        Guidance {
            family: "Risky sign-ins and users",
            change: "Block sign-ins and users that identity protection rates high risk, and \
                     make users remediate (password change with MFA) before they return.",
            why: "A high-risk signal is often the only early sign of a token theft or \
                  password spray against your staff.",
        },
    ),
    (
        &[
            "aad.global-admin-count",
            "aad.cloud-only-admins",
            "aad.fine-grained-roles",
            "aad.no-permanent-admins",
            "aad.assignments-through-pim",
            "aad.global-admin-approval",
        ],
        Guidance {
            family: "Few, time-bound, cloud-only admins",
            change: "Keep two to eight Global Administrators, use cloud-only accounts for \
                     every admin role, prefer narrower roles, and make privileged roles \
                     eligible through PIM with approval for Global Administrator.",
            why: "Standing privileged accounts are what an intruder looks for; every one \
                  removed or made just-in-time shrinks what one compromise reaches.",
        },
    ),
    (
        &["partner.security-contact", "partner.alert-response-24h"],
        Guidance {
            family: "Security contact and response",
            change: "Register a monitored security contact (a shared mailbox, not a person) \
                     and acknowledge the platform's security alerts within 24 hours.",
            why: "When the platform detects an attack through your tenant, minutes matter; \
                  an unread alert lets it spread to your customers.",
        },
    ),
];

const GENERAL: Guidance = Guidance {
    family: "Other",
    change: "Read the requirement's description and rationale, change the setting it \
             names, and upload a new snapshot.",
    why: "Every requirement in the baseline closes a path attackers have used against \
          partners.",
};

/// The guidance for a requirement id.
pub fn guidance(requirement_id: &str) -> Guidance {
    FAMILIES
        .iter()
        .find(|(ids, _)| ids.contains(&requirement_id))
        .map_or(GENERAL, |(_, g)| *g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_requirement_of_the_shipped_baseline_has_a_family() {
        let shipped = [
            "snapshot.fresh",
            "aad.high-risk-sign-ins-blocked",
            "aad.phishing-resistant-mfa-admins",
            "aad.weak-methods-disabled",
            "aad.global-admin-count",
            "aad.cloud-only-admins",
            "aad.phishing-resistant-mfa",
            "partner.mfa-registration",
            "aad.assignments-through-pim",
            "aad.no-permanent-admins",
            "aad.global-admin-approval",
            "aad.high-risk-users-blocked",
            "aad.fine-grained-roles",
            "aad.mfa-all-users",
            "partner.security-contact",
            "aad.legacy-auth-blocked",
            "partner.alert-response-24h",
        ];
        for id in shipped {
            assert_ne!(guidance(id), GENERAL, "`{id}` has no family");
        }
        assert_eq!(guidance("custom.thing"), GENERAL);
    }
}
