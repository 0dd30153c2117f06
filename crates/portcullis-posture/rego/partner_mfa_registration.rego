package portcullis.requirement.partner_mfa_registration

import data.portcullis.lib

requirement := {
	"id": "partner.mfa-registration",
	"criticality": "SHOULD",
	"description": "Every user of the partner tenant has registered an MFA method",
	"rationale": "A user without a registered method can be enrolled by whoever signs in first with the password",
	"sections": ["portcullis_partner_program"],
}

program := lib.field(input, "portcullis_partner_program", {})

registered := lib.field(program, "mfa_registered_users", null)

total := lib.field(program, "total_users", null)

result := {"status": "fail", "details": "`mfa_registered_users` and `total_users` are not both declared"} if {
	some v in [registered, total]
	v == null
} else := {"status": "pass", "details": sprintf("%v of %v users registered for MFA", [registered, total])} if {
	registered >= total
} else := {"status": "fail", "details": sprintf("%v of %v users registered for MFA", [registered, total])}
