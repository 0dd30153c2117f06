package portcullis.requirement.aad_fine_grained_roles

import data.portcullis.lib

requirement := {
	"id": "aad.fine-grained-roles",
	"policy_id": "MS.AAD.7.2v1",
	"criticality": "SHALL",
	"description": "Privileged users hold finer-grained roles rather than Global Administrator",
	"rationale": "Least privilege: most administration needs a narrower role than Global Administrator",
	"sections": ["privileged_users"],
}

# At least as many privileged users without Global Administrator as with it.
others := {id | some id, _ in lib.privileged_users; not id in lib.global_admins}

result := {"status": "pass", "details": sprintf("%d privileged users hold finer-grained roles only, %d hold Global Administrator", [count(others), count(lib.global_admins)])} if {
	count(lib.global_admins) > 0
	count(others) >= count(lib.global_admins)
} else := {"status": "fail", "details": sprintf("%d of %d privileged users hold Global Administrator (at most half allowed): %s", [count(lib.global_admins), count(lib.privileged_users), lib.quoted([lib.user_name(id) | some id in lib.global_admins])])}
