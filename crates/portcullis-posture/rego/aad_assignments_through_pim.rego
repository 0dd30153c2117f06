package portcullis.requirement.aad_assignments_through_pim

import data.portcullis.lib

requirement := {
	"id": "aad.assignments-through-pim",
	"policy_id": "MS.AAD.7.5v1",
	"criticality": "SHALL",
	"description": "Privileged roles are assigned only through Privileged Identity Management",
	"rationale": "Assignments made outside PIM bypass its approval, expiry and audit",
	"sections": ["privileged_roles", "service_plans"],
}

# PIM records a start time for every assignment it makes.
outside := {sprintf("%s (principal `%s`)", [lib.role_name(r), lib.field(a, "PrincipalId", "")]) |
	some r in lib.privileged_roles
	some a in lib.arr(r, "Assignments")
	lib.field(a, "StartDateTime", null) == null
}

result := {"status": "fail", "details": concat("", lib.p2_shortfall)} if {
	not lib.has_p2
} else := {"status": "pass", "details": "every privileged role assignment was made through PIM"} if {
	count(outside) == 0
} else := {"status": "fail", "details": sprintf("assignments made outside PIM: %s", [concat(", ", sort(outside))])}
