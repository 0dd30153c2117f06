package portcullis.requirement.aad_phishing_resistant_mfa_admins

import data.portcullis.lib

requirement := {
	"id": "aad.phishing-resistant-mfa-admins",
	"policy_id": "MS.AAD.3.6v1",
	"criticality": "SHALL",
	"description": "Phishing-resistant MFA is required for every highly privileged role",
	"rationale": "Privileged accounts are the first target of partner-tenant attacks; they need the strongest sign-in",
	"sections": ["conditional_access_policies", "privileged_roles"],
}

role_ids := {id |
	some r in lib.privileged_roles
	id := lib.field(r, "RoleTemplateId", "")
}

role_shortfall(p) := {sprintf("does not include privileged role `%s`", [id]) |
	some id in role_ids
	not id in lib.arr(lib.ca_users(p), "IncludeRoles")
} | {"the snapshot lists no privileged roles" | count(role_ids) == 0}

result := lib.ca_result([f |
	some p in lib.ca_policies
	shortfalls := (((lib.state_shortfall(p) | lib.all_apps_shortfall(p)) | role_shortfall(p)) | lib.exclusion_shortfall(p, requirement.policy_id)) | lib.phishing_resistant_shortfall(p)
	f := {"name": lib.ca_name(p), "shortfalls": shortfalls}
])
