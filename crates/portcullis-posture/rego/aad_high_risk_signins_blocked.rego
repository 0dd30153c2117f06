package portcullis.requirement.aad_high_risk_signins_blocked

import data.portcullis.lib

requirement := {
	"id": "aad.high-risk-sign-ins-blocked",
	"policy_id": "MS.AAD.2.3v1",
	"criticality": "SHALL",
	"description": "Sign-ins that Identity Protection rates high risk are blocked",
	"rationale": "A high sign-in risk means the attempt probably does not come from the account owner",
	"sections": ["conditional_access_policies", "service_plans"],
}

shortfalls(p) := {"does not target sign-in risk `high`" | not "high" in lib.arr(lib.conditions(p), "SignInRiskLevels")} | {"does not block access" | not "block" in lib.built_in_controls(p)}

result := {"status": "fail", "details": concat("", lib.p2_shortfall)} if {
	not lib.has_p2
} else := lib.ca_result([f |
	some p in lib.ca_policies
	f := {"name": lib.ca_name(p), "shortfalls": lib.all_users_scope_shortfall(p, requirement.policy_id) | shortfalls(p)}
])
