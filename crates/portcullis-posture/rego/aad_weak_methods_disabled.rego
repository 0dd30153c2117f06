package portcullis.requirement.aad_weak_methods_disabled

import data.portcullis.lib

requirement := {
	"id": "aad.weak-methods-disabled",
	"policy_id": "MS.AAD.3.5v2",
	"criticality": "SHALL",
	"description": "The SMS, voice call and email one-time password methods are disabled",
	"rationale": "SMS and voice codes can be intercepted or SIM-swapped, and email codes fall with the mailbox",
	"sections": ["authentication_method"],
}

weak := {"Sms", "Voice", "Email"}

enabled := {id |
	some policy in lib.section("authentication_method")
	some method in lib.arr(policy, "authentication_method_feature_settings")
	id := lib.field(method, "Id", "")
	id in weak
	lib.field(method, "State", "") == "enabled"
}

result := {"status": "pass", "details": "SMS, voice and email one-time passwords are disabled"} if {
	count(enabled) == 0
} else := {"status": "fail", "details": sprintf("enabled weak authentication methods: %s", [lib.quoted(enabled)])}
