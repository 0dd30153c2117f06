//! Names for the demo's partners, customers and people: made up, plausible,
//! and the same on every run.

/// (display name, website domain, country of registration)
const PARTNERS: [(&str, &str, &str); 24] = [
    ("Northwind IT Services", "northwind-it.com", "GB"),
    ("Contoso Managed Services", "contoso-msp.com", "US"),
    ("Fabrikam Cloud Partners", "fabrikam-cloud.com", "US"),
    ("Tailspin Networks", "tailspin-networks.com", "CA"),
    ("Blue Yonder Consulting", "blueyonder-consulting.com", "NL"),
    ("Adatum Systems", "adatum-systems.com", "DE"),
    ("Litware Solutions", "litware-solutions.com", "FR"),
    ("Proseware IT", "proseware-it.com", "ES"),
    ("Wingtip Support", "wingtip-support.com", "AU"),
    ("Coho Digital", "coho-digital.com", "IN"),
    ("Lucerne Tech Partners", "lucerne-tech.com", "PL"),
    ("Trey Research Cloud", "trey-cloud.com", "JP"),
    ("Margie's IT Travel Desk", "margies-it.com", "BR"),
    ("Humongous Hosting", "humongous-hosting.com", "GB"),
    ("Alpine Ski IT", "alpine-ski-it.com", "DE"),
    ("Relecloud Operations", "relecloud-ops.com", "US"),
    ("Woodgrove Technology", "woodgrove-tech.com", "CA"),
    ("Graphic Design Institute IT", "gdi-it.com", "NL"),
    ("VanArsdel Managed IT", "vanarsdel-it.com", "FR"),
    ("First Up Consultants", "firstup-consultants.com", "ES"),
    ("Southridge Cloud", "southridge-cloud.com", "AU"),
    ("Munson's Pickles IT", "munsons-it.com", "US"),
    ("Nod Publishers Tech", "nod-tech.com", "GB"),
    ("Wide World Importers IT", "wwi-it.com", "IN"),
];

const PLACES: [&str; 16] = [
    "Harbor",
    "Summit",
    "Riverside",
    "Oakwood",
    "Lakeside",
    "Granite",
    "Meadow",
    "Northgate",
    "Silverline",
    "Westbrook",
    "Redwood",
    "Bayview",
    "Kingsbridge",
    "Highland",
    "Pinecrest",
    "Eastfield",
];

const TRADES: [&str; 17] = [
    "Dental Care",
    "Logistics",
    "Bakery",
    "Law Partners",
    "Clinic",
    "Engineering",
    "Accounting",
    "Architects",
    "Veterinary",
    "Hotels",
    "Motors",
    "Pharmacy",
    "Insurance",
    "Schools",
    "Brewing",
    "Farms",
    "Realty",
];

const FIRST: [&str; 20] = [
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Liam", "Maya", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara",
];

const LAST: [&str; 20] = [
    "Adams", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito", "Jansen",
    "Kowalski", "Lopez", "Moreau", "Novak", "Okafor", "Patel", "Rossi", "Schmidt", "Tanaka",
    "Weber",
];

/// Partner `n`: display name, website domain, registration country.
pub(crate) fn partner(n: usize) -> (String, String, String) {
    let (name, domain, country) =
        PARTNERS
            .get(n % PARTNERS.len())
            .copied()
            .unwrap_or(("Partner", "partner.com", "GB"));
    if n < PARTNERS.len() {
        (name.to_owned(), domain.to_owned(), country.to_owned())
    } else {
        (
            format!("{name} {n}"),
            format!("p{n}-{domain}"),
            country.to_owned(),
        )
    }
}

/// Customer `n`: a distinct business name for the first 272.
pub(crate) fn customer(n: usize) -> String {
    let place = PLACES.get(n % PLACES.len()).copied().unwrap_or("Harbor");
    let trade = TRADES.get(n % TRADES.len()).copied().unwrap_or("Clinic");
    let round = n / (PLACES.len() * TRADES.len());
    if round == 0 {
        format!("{place} {trade}")
    } else {
        format!("{place} {trade} {}", round + 1)
    }
}

/// Person `n` of a partner: display name and the local part of its UPN.
pub(crate) fn person(partner: usize, n: usize) -> (String, String) {
    let k = partner * 7 + n;
    let first = FIRST.get(k % FIRST.len()).copied().unwrap_or("Ada");
    let last = LAST
        .get((k / FIRST.len() + n * 3) % LAST.len())
        .copied()
        .unwrap_or("Adams");
    let local = format!("{}.{}{}", first.to_lowercase(), last.to_lowercase(), n);
    (format!("{first} {last}"), local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_where_they_must_be() {
        let customers: std::collections::BTreeSet<_> = (0..300).map(customer).collect();
        assert_eq!(customers.len(), 300);
        let partners: std::collections::BTreeSet<_> = (0..30).map(|n| partner(n).1).collect();
        assert_eq!(partners.len(), 30);
        let people: std::collections::BTreeSet<_> = (0..12).map(|n| person(3, n).1).collect();
        assert_eq!(people.len(), 12);
    }
}
