package portcullis.requirement.aad_no_permanent_admins

import data.portcullis.lib

requirement := {
	"id": "aad.no-permanent-admins",
	"policy_id": "MS.AAD.7.4v1",
	"criticality": "SHALL",
	"description": "No permanent active assignments to highly privileged roles, except approved emergency accounts",
	"rationale": "Standing privilege is exposed all the time; just-in-time activation limits it to when it is used",
	"sections": ["privileged_roles", "service_plans"],
}

exempt := {x | some x in lib.role_exclusions(requirement.policy_id, "Users")} | {x | some x in lib.role_exclusions(requirement.policy_id, "Groups")}

permanent := {sprintf("%s (principal `%s`)", [lib.role_name(r), principal]) |
	some r in lib.privileged_roles
	some a in lib.arr(r, "Assignments")
	lib.field(a, "EndDateTime", null) == null
	principal := lib.field(a, "PrincipalId", "")
	not principal in exempt
}

result := {"status": "fail", "details": concat("", lib.p2_shortfall)} if {
	not lib.has_p2
} else := {"status": "pass", "details": "no permanent active assignments to privileged roles"} if {
	count(permanent) == 0
} else := {"status": "fail", "details": sprintf("permanent active assignments: %s", [concat(", ", sort(permanent))])}
