package portcullis.requirement.aad_cloud_only_admins

import data.portcullis.lib

requirement := {
	"id": "aad.cloud-only-admins",
	"policy_id": "MS.AAD.7.3v1",
	"criticality": "SHALL",
	"description": "Privileged users are cloud-only accounts, not synchronised from on-premises",
	"rationale": "A synchronised admin falls with the on-premises directory it comes from",
	"sections": ["privileged_users"],
}

synced := {lib.user_name(id) |
	some id, u in lib.privileged_users
	immutable := lib.field(u, "OnPremisesImmutableId", null)
	immutable != null
}

result := {"status": "pass", "details": "every privileged user is cloud-only"} if {
	count(synced) == 0
} else := {"status": "fail", "details": sprintf("privileged users synchronised from on-premises: %s", [lib.quoted(synced)])}
