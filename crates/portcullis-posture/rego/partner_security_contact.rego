package portcullis.requirement.partner_security_contact

import data.portcullis.lib

requirement := {
	"id": "partner.security-contact",
	"criticality": "SHALL",
	"description": "The partner designates a security contact with a name and an email address",
	"rationale": "The platform must reach a responsible person at once when the partner's tenant is involved in an incident",
	"sections": ["portcullis_partner_program"],
}

contact := lib.field(lib.field(input, "portcullis_partner_program", {}), "security_contact", null)

problems := {"no `security_contact` is given" | contact == null} | {"the contact has no name" |
	contact != null
	trim_space(lib.field(contact, "name", "")) == ""
} | {sprintf("the contact email `%s` is not an email address", [email]) |
	contact != null
	email := lib.field(contact, "email", "")
	not plausible_email(email)
}

plausible_email(e) if {
	parts := split(trim_space(e), "@")
	count(parts) == 2
	parts[0] != ""
	contains(parts[1], ".")
	not startswith(parts[1], ".")
	not endswith(parts[1], ".")
}

result := {"status": "pass", "details": sprintf("security contact `%s` <%s>", [contact.name, contact.email])} if {
	count(problems) == 0
} else := {"status": "fail", "details": concat("; ", sort(problems))}
