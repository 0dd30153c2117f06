package portcullis.requirement.aad_global_admin_count

import data.portcullis.lib

requirement := {
	"id": "aad.global-admin-count",
	"policy_id": "MS.AAD.7.1v1",
	"criticality": "SHALL",
	"description": "Between two and eight users hold the Global Administrator role",
	"rationale": "One global admin is a single point of failure; more than eight widens the attack surface needlessly",
	"sections": ["privileged_users"],
}

names := [lib.user_name(id) | some id in lib.global_admins]

result := {"status": "pass", "details": sprintf("%d global administrators: %s", [count(names), lib.quoted(names)])} if {
	count(names) >= 2
	count(names) <= 8
} else := {"status": "fail", "details": sprintf("%d global administrators (2 to 8 required): %s", [count(names), lib.quoted(names)])}
