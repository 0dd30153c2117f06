//! Free e-mail providers: an address there says nothing about the business.

use crate::domain::WebsiteDomain;

/// Registrable domains of free or consumer mail providers.
const FREE_MAIL_DOMAINS: &[&str] = &[
    "126.com",
    "139.com",
    "163.com",
    "188.com",
    "aim.com",
    "aol.com",
    "bk.ru",
    "comcast.net",
    "cox.net",
    "duck.com",
    "email.com",
    "fastmail.com",
    "fastmail.fm",
    "free.fr",
    "freenet.de",
    "gmail.com",
    "googlemail.com",
    "gmx.com",
    "gmx.net",
    "hey.com",
    "hushmail.com",
    "icloud.com",
    "inbox.lv",
    "inbox.ru",
    "interia.pl",
    "laposte.net",
    "libero.it",
    "list.ru",
    "live.com",
    "mac.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "naver.com",
    "o2.pl",
    "onet.pl",
    "orange.fr",
    "pm.me",
    "proton.me",
    "protonmail.ch",
    "protonmail.com",
    "qq.com",
    "rambler.ru",
    "rediffmail.com",
    "seznam.cz",
    "sfr.fr",
    "sina.com",
    "sohu.com",
    "t-online.de",
    "tuta.io",
    "tutamail.com",
    "tutanota.com",
    "tutanota.de",
    "wanadoo.fr",
    "web.de",
    "wp.pl",
    "ya.ru",
    "yeah.net",
    "ymail.com",
    "zoho.com",
    "zohomail.com",
];

/// Brands whose every country domain is free mail: `hotmail.co.uk`,
/// `yahoo.fr`, `gmx.at`, `yandex.kz`, `outlook.de`, `live.nl`.
const FREE_MAIL_BRANDS: &[&str] = &["gmx", "hotmail", "live", "outlook", "yahoo", "yandex"];

/// Whether `domain` (or the registrable domain it is under) is a known free
/// mail provider.
#[must_use]
pub fn is_free_mail(domain: &WebsiteDomain) -> bool {
    let registrable = domain.registrable_domain();
    if FREE_MAIL_DOMAINS.contains(&registrable) {
        return true;
    }
    let brand = registrable.split('.').next().unwrap_or(registrable);
    FREE_MAIL_BRANDS.contains(&brand)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(text: &str) -> bool {
        is_free_mail(&WebsiteDomain::parse(text).unwrap())
    }

    #[test]
    fn list_is_sorted_lowercase_registrable_and_large_enough() {
        assert!(FREE_MAIL_DOMAINS.len() >= 50);
        for entry in FREE_MAIL_DOMAINS {
            let parsed = WebsiteDomain::parse(entry).unwrap();
            assert_eq!(
                parsed.registrable_domain(),
                *entry,
                "{entry} must be registrable"
            );
        }
    }

    #[test]
    fn providers_and_their_subdomains_are_free_mail() {
        for name in [
            "gmail.com",
            "GoogleMail.com",
            "mail.ru",
            "proton.me",
            "qq.com",
            "eu.mail.com",
        ] {
            assert!(free(name), "{name}");
        }
    }

    #[test]
    fn brand_country_domains_are_free_mail() {
        for name in [
            "hotmail.co.uk",
            "yahoo.fr",
            "gmx.at",
            "yandex.kz",
            "outlook.de",
            "hotmail.com",
        ] {
            assert!(free(name), "{name}");
        }
    }

    #[test]
    fn business_domains_are_not_free_mail() {
        for name in [
            "example.com",
            "gmail-partners.com",
            "acme.co.uk",
            "mygmail.com",
            "yahoo-fan.example.org",
        ] {
            assert!(!free(name), "{name}");
        }
    }
}
