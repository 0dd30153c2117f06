package portcullis.requirement.aad_global_admin_approval

import data.portcullis.lib

requirement := {
	"id": "aad.global-admin-approval",
	"policy_id": "MS.AAD.7.6v1",
	"criticality": "SHALL",
	"description": "Activating the Global Administrator role requires approval",
	"rationale": "A second person must agree before anyone takes the most powerful role",
	"sections": ["privileged_roles", "service_plans"],
}

# Current ScubaGear exports carry `Setting.IsApprovalRequired`; older ones the
# raw Graph `AdditionalProperties.setting.isApprovalRequired`. A rule that
# carries neither cannot show approval and fails (fail closed).
approval_required(rule) := v if {
	v := lib.field(lib.field(rule, "Setting", {}), "IsApprovalRequired", null)
	v != null
} else := lib.field(lib.field(lib.field(rule, "AdditionalProperties", {}), "setting", {}), "isApprovalRequired", null)

unapproved := {sprintf("%s (%s `%s`)", [lib.role_name(r), lib.field(rule, "RuleSourceType", "rule source"), lib.field(rule, "RuleSource", "")]) |
	some r in lib.privileged_roles
	lib.role_name(r) == lib.global_admin_role
	some rule in lib.arr(r, "Rules")
	lib.field(rule, "Id", "") == "Approval_EndUser_Assignment"
	approval_required(rule) != true
}

result := {"status": "fail", "details": concat("", lib.p2_shortfall)} if {
	not lib.has_p2
} else := {"status": "pass", "details": "Global Administrator activation requires approval"} if {
	count(unapproved) == 0
} else := {"status": "fail", "details": sprintf("Global Administrator activation without approval: %s", [concat(", ", sort(unapproved))])}
