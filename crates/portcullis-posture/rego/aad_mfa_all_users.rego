package portcullis.requirement.aad_mfa_all_users

import data.portcullis.lib
import data.portcullis.requirement.aad_phishing_resistant_mfa as phishing_resistant

requirement := {
	"id": "aad.mfa-all-users",
	"policy_id": "MS.AAD.3.2v2",
	"criticality": "SHALL",
	"description": "Where phishing-resistant MFA is not enforced, MFA of another kind is required for all users",
	"rationale": "Any second factor stops most password-spraying and credential-stuffing attacks",
	"sections": ["conditional_access_policies"],
}

# A policy requires MFA through the built-in `mfa` grant or through an
# authentication strength whose every allowed combination is multifactor.
mfa_shortfall(p) := {"requires neither the `mfa` grant nor a multifactor authentication strength" |
	not "mfa" in lib.built_in_controls(p)
	not multifactor_strength(p)
}

multifactor_strength(p) if {
	combos := lib.allowed_combinations(p)
	count(combos) > 0
	every c in combos {
		c in lib.multifactor
	}
}

result := {"status": "not_applicable", "details": "phishing-resistant MFA is enforced for all users (MS.AAD.3.1v1)"} if {
	phishing_resistant.result.status == "pass"
} else := lib.ca_result([f |
	some p in lib.ca_policies
	f := {"name": lib.ca_name(p), "shortfalls": lib.all_users_scope_shortfall(p, requirement.policy_id) | mfa_shortfall(p)}
])
