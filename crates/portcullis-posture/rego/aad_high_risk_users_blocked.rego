package portcullis.requirement.aad_high_risk_users_blocked

import data.portcullis.lib

requirement := {
	"id": "aad.high-risk-users-blocked",
	"policy_id": "MS.AAD.2.1v1",
	"criticality": "SHALL",
	"description": "Users that Identity Protection rates high risk are blocked",
	"rationale": "A high user risk means the account is probably compromised; blocking it stops the attacker until an admin remediates",
	"sections": ["conditional_access_policies", "service_plans"],
}

shortfalls(p) := {"does not target user risk `high`" | not "high" in lib.arr(lib.conditions(p), "UserRiskLevels")} | {"does not block access" | not "block" in lib.built_in_controls(p)}

result := {"status": "fail", "details": concat("", lib.p2_shortfall)} if {
	not lib.has_p2
} else := lib.ca_result([f |
	some p in lib.ca_policies
	f := {"name": lib.ca_name(p), "shortfalls": lib.all_users_scope_shortfall(p, requirement.policy_id) | shortfalls(p)}
])
