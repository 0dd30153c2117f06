//! `PCD-003` impossible travel: consecutive geolocated sign-ins further apart
//! than travel allows, ignoring pairs on the same network (ASN).

use super::{HOUR_MS, Hit};
use crate::config::TravelConfig;
use crate::detection::{RuleId, Severity};
use crate::novelty::NetworkNovelty;
use crate::state::{GeoFix, UserState};

const EARTH_RADIUS_KM: f64 = 6371.0;

/// A successful sign-in at `fix` from `network`. More confident when the
/// far end is a network new to the user and not its partner's; less when it
/// is the partner's own (an office the user flew to, a VPN exit).
pub(crate) fn check(
    cfg: &TravelConfig,
    user: &mut UserState,
    fix: GeoFix,
    network: Option<NetworkNovelty>,
) -> Option<Hit> {
    let previous = user.last_geo.replace(fix)?;
    if previous.asn.is_some() && previous.asn == fix.asn {
        return None;
    }
    let km = distance_km(previous.lat, previous.long, fix.lat, fix.long);
    if km < cfg.min_distance_km {
        return None;
    }
    let hours = fix.time_ms.saturating_sub(previous.time_ms).max(0) as f64 / HOUR_MS as f64;
    let speed = if hours > 0.0 {
        km / hours
    } else {
        f64::INFINITY
    };
    if speed <= cfg.max_speed_kmh {
        return None;
    }
    let minutes = fix.time_ms.saturating_sub(previous.time_ms).max(0) / 60_000;
    let mut confidence = 0.6;
    let mut about = String::new();
    if let Some(n) = network {
        if n.partner_owns {
            confidence -= 0.25;
            about = format!("; AS{} is the partner's own network", n.asn);
        } else if n.user_uses == 0 {
            confidence += 0.2;
            about = format!(
                "; 0 of {} earlier sign-ins from AS{}",
                n.user_sign_ins, n.asn
            );
        }
    }
    Some(Hit::user(
        RuleId::ImpossibleTravel,
        Severity::Medium,
        confidence,
        format!(
            "Partner user signed in {km:.0} km away {minutes} minutes after the previous sign-in"
        ),
        format!(
            "{km:.0} km in {minutes} minutes ({speed:.0} km/h, more than {:.0}){about}",
            cfg.max_speed_kmh
        ),
    ))
}

/// Great-circle distance (haversine).
pub(crate) fn distance_km(lat1: f64, long1: f64, lat2: f64, long2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (long2 - long1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}
