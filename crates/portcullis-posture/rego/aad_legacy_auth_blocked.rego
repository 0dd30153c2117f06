package portcullis.requirement.aad_legacy_auth_blocked

import data.portcullis.lib

requirement := {
	"id": "aad.legacy-auth-blocked",
	"policy_id": "MS.AAD.1.1v1",
	"criticality": "SHALL",
	"description": "Legacy authentication is blocked for all users and all cloud apps",
	"rationale": "Legacy protocols cannot do MFA, so a stolen password is enough to sign in through them",
	"sections": ["conditional_access_policies"],
}

shortfalls(p) := {"client app types do not include both `exchangeActiveSync` and `other`" | not legacy_clients(p)} | {"does not block access" | not "block" in lib.built_in_controls(p)}

legacy_clients(p) if {
	types := lib.arr(lib.conditions(p), "ClientAppTypes")
	"exchangeActiveSync" in types
	"other" in types
}

result := lib.ca_result([f |
	some p in lib.ca_policies
	f := {"name": lib.ca_name(p), "shortfalls": lib.all_users_scope_shortfall(p, requirement.policy_id) | shortfalls(p)}
])
