//! Customer restrictions on partner access.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::Ipv4Net;
use portcullis_domain::{CustomerRestrictions, HoursWindow, Relationship, TenantId};

use crate::rng::Rng;

/// Two customers in a hundred restrict partner access: to some of their
/// partners' egress networks, to office hours, or both.
pub(super) fn restrictions(
    rng: &mut Rng,
    customer_ids: &[TenantId],
    relationships: &[Relationship],
    egress: &[(TenantId, Ipv4Net)],
) -> anyhow::Result<Vec<(TenantId, CustomerRestrictions)>> {
    let restricted: BTreeSet<TenantId> = customer_ids
        .iter()
        .copied()
        .filter(|_| rng.chance(20))
        .collect();
    let mut partners_of: BTreeMap<TenantId, BTreeSet<TenantId>> = BTreeMap::new();
    for r in relationships {
        if restricted.contains(&r.customer_tenant_id) {
            partners_of
                .entry(r.customer_tenant_id)
                .or_default()
                .insert(r.partner_tenant_id);
        }
    }
    let windows = [(8, 18), (6, 20), (22, 6), (0, 12), (13, 23)];
    let mut out = Vec::with_capacity(restricted.len());
    for customer in restricted {
        let (by_ip, by_hours) = match rng.below(3) {
            0 => (true, false),
            1 => (false, true),
            _ => (true, true),
        };
        let mut ranges = Vec::new();
        if by_ip {
            for partner in partners_of.get(&customer).into_iter().flatten() {
                // Most partners' networks are allowed, one in five is not.
                if rng.chance(800)
                    && let Some((_, net)) = egress.iter().find(|(p, _)| p == partner)
                {
                    ranges.push(ipnet::IpNet::V4(*net));
                }
            }
            ranges.push("203.0.113.0/24".parse()?);
        }
        let hours = if by_hours {
            let (start, end) = rng.pick(&windows).copied().unwrap_or((8, 18));
            Some(HoursWindow::new(start, end).map_err(|e| anyhow::anyhow!(e.message))?)
        } else {
            None
        };
        out.push((
            customer,
            CustomerRestrictions {
                allowed_ip_ranges: ranges,
                allowed_hours: hours,
            },
        ));
    }
    Ok(out)
}
