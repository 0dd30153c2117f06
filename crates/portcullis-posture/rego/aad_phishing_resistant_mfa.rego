package portcullis.requirement.aad_phishing_resistant_mfa

import data.portcullis.lib

requirement := {
	"id": "aad.phishing-resistant-mfa",
	"policy_id": "MS.AAD.3.1v1",
	"criticality": "SHALL",
	"description": "Phishing-resistant MFA is required for all users",
	"rationale": "Phishing-resistant methods (FIDO2, Windows Hello, certificates) defeat adversary-in-the-middle phishing that relays other MFA prompts",
	"sections": ["conditional_access_policies"],
}

findings := [f |
	some p in lib.ca_policies
	f := {"name": lib.ca_name(p), "shortfalls": lib.all_users_scope_shortfall(p, requirement.policy_id) | lib.phishing_resistant_shortfall(p)}
]

result := lib.ca_result(findings)
