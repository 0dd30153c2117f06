package portcullis.requirement.partner_alert_response

import data.portcullis.lib

requirement := {
	"id": "partner.alert-response-24h",
	"criticality": "SHALL",
	"description": "The partner answers security alerts within 24 hours",
	"rationale": "An attacker inside a partner tenant reaches customers within hours; a slow answer lets the compromise spread",
	"sections": ["portcullis_partner_program"],
}

max_hours := 24

hours := lib.field(lib.field(input, "portcullis_partner_program", {}), "incident_response_hours", null)

result := {"status": "fail", "details": "`incident_response_hours` is not declared"} if {
	hours == null
} else := {"status": "pass", "details": sprintf("security alerts answered within %v hours", [hours])} if {
	hours <= max_hours
} else := {"status": "fail", "details": sprintf("security alerts answered within %v hours; at most %d allowed", [hours, max_hours])}
