# Helpers shared by the requirement modules of a baseline.
#
# Every accessor is total: a missing key, a `null` or a value of another type
# gives an empty object or list, so a requirement never crashes on a partial
# snapshot (Portcullis reports missing *sections* before the Rego runs).
package portcullis.lib

# field returns o[k], or d when o is not an object or has no key k.
field(o, k, d) := object.get(o, k, d) if is_object(o)

field(o, k, d) := d if not is_object(o)

# arr returns o[k] when it is an array, otherwise [].
arr(o, k) := v if {
	v := field(o, k, [])
	is_array(v)
}

arr(o, k) := [] if not is_array(field(o, k, []))

# section returns the top-level snapshot section k as a list.
section(k) := arr(input, k)

# quoted renders names as "`a`, `b`" (sorted, deduplicated).
quoted(names) := concat(", ", [sprintf("`%s`", [n]) | some n in sort({x | some x in names})])

# ---- ScubaGear config: exclusions the tenant has approved per policy id ----

policy_config(policy_id) := field(field(field(input, "scuba_config", {}), "Aad", {}), policy_id, {})

cap_exclusions(policy_id, kind) := arr(field(policy_config(policy_id), "CapExclusions", {}), kind)

role_exclusions(policy_id, kind) := arr(field(policy_config(policy_id), "RoleExclusions", {}), kind)

# ---- licences ----

has_p2 if {
	some plan in section("service_plans")
	field(plan, "ServicePlanName", "") == "AAD_PREMIUM_P2"
}

p2_shortfall := {"the tenant has no Entra ID P2 licence (`AAD_PREMIUM_P2` service plan)" | not has_p2}

# ---- conditional access policies ----

ca_policies := section("conditional_access_policies")

ca_name(p) := n if {
	n := field(p, "DisplayName", "")
	is_string(n)
	n != ""
} else := "(unnamed policy)"

conditions(p) := field(p, "Conditions", {})

ca_users(p) := field(conditions(p), "Users", {})

ca_apps(p) := field(conditions(p), "Applications", {})

grant(p) := field(p, "GrantControls", {})

built_in_controls(p) := arr(grant(p), "BuiltInControls")

allowed_combinations(p) := arr(field(grant(p), "AuthenticationStrength", {}), "AllowedCombinations")

state_shortfall(p) := {"state is not `enabled`" | field(p, "State", "") != "enabled"}

all_users_shortfall(p) := {"does not include all users" | not "All" in arr(ca_users(p), "IncludeUsers")}

all_apps_shortfall(p) := {"does not include all cloud apps" | not "All" in arr(ca_apps(p), "IncludeApplications")}

guest_types(p) := {t |
	g := field(ca_users(p), "ExcludeGuestsOrExternalUsers", null)
	s := field(g, "GuestOrExternalUserTypes", "")
	is_string(s)
	some part in split(s, ",")
	t := trim_space(part)
	t != ""
}

# Exclusions are allowed only where the tenant's ScubaGear config approves them
# for this policy id; role exclusions are never allowed.
exclusion_shortfall(p, policy_id) := (((({sprintf("excludes user `%s`", [x]) |
	some x in arr(ca_users(p), "ExcludeUsers")
	not x in cap_exclusions(policy_id, "Users")
} | {sprintf("excludes group `%s`", [x]) |
	some x in arr(ca_users(p), "ExcludeGroups")
	not x in cap_exclusions(policy_id, "Groups")
}) | {sprintf("excludes role `%s`", [x]) |
	some x in arr(ca_users(p), "ExcludeRoles")
}) | {sprintf("excludes application `%s`", [x]) |
	some x in arr(ca_apps(p), "ExcludeApplications")
	not x in cap_exclusions(policy_id, "Applications")
}) | {sprintf("excludes guest or external user type `%s`", [t]) |
	some t in guest_types(p)
	not t in cap_exclusions(policy_id, "GuestUserTypes")
})

# The scope every "for all users" policy needs: enabled, all users, all apps,
# only approved exclusions.
all_users_scope_shortfall(p, policy_id) := ((state_shortfall(p) | all_users_shortfall(p)) | all_apps_shortfall(p)) | exclusion_shortfall(p, policy_id)

# ca_result turns [{"name", "shortfalls"}] (one per policy) into a verdict:
# pass when at least one policy has no shortfall.
ca_result(findings) := {"status": "pass", "details": sprintf("met by conditional access policy %s", [quoted(passing)])} if {
	passing := [f.name | some f in findings; count(f.shortfalls) == 0]
	count(passing) > 0
} else := {"status": "fail", "details": "the snapshot has no conditional access policies"} if {
	count(findings) == 0
} else := {"status": "fail", "details": sprintf("no conditional access policy meets it: %s", [concat("; ", [sprintf("`%s` %s", [f.name, concat(", ", sort(f.shortfalls))]) | some f in findings])])}

# ---- authentication strengths ----

phishing_resistant := {"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"}

multifactor := phishing_resistant | {
	"deviceBasedPush",
	"temporaryAccessPassOneTime",
	"temporaryAccessPassMultiUse",
	"federatedMultiFactor",
	"password,microsoftAuthenticatorPush",
	"password,softwareOath",
	"password,hardwareOath",
	"password,sms",
	"password,voice",
	"microsoftAuthenticatorPush,federatedSingleFactor",
	"softwareOath,federatedSingleFactor",
	"hardwareOath,federatedSingleFactor",
	"sms,federatedSingleFactor",
	"voice,federatedSingleFactor",
}

# Phishing-resistant strength: a non-empty list of only phishing-resistant methods.
phishing_resistant_shortfall(p) := {"requires no authentication strength" | count(allowed_combinations(p)) == 0} | {sprintf("authentication strength allows `%s`, which is not phishing-resistant", [c]) |
	some c in allowed_combinations(p)
	not c in phishing_resistant
}

# ---- privileged roles and users ----

privileged_users := field(input, "privileged_users", {})

global_admin_role := "Global Administrator"

global_admins := {id | some id, u in privileged_users; global_admin_role in arr(u, "roles")}

user_name(id) := n if {
	n := field(field(privileged_users, id, {}), "DisplayName", "")
	is_string(n)
	n != ""
} else := id

privileged_roles := section("privileged_roles")

role_name(r) := n if {
	n := field(r, "DisplayName", "")
	is_string(n)
	n != ""
} else := field(r, "RoleTemplateId", "(unnamed role)")
