//! When cached credentials are still good enough to hand out.

use time::{Duration, OffsetDateTime};

/// How long before expiry cached credentials stop counting as a hit.
///
/// Why 20 minutes: botocore treats `credential_process` credentials with less
/// than 15 minutes left as due for a refresh (10 minutes: a mandatory one)
/// and calls the process again. Handing out credentials inside that window
/// would make every botocore call re-run us and get the same stale answer;
/// 20 minutes leaves 5 minutes of use before botocore asks again.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::minutes(20);

/// True when credentials expiring at `expiration` may still be handed out at
/// `now`: more than `margin` is left.
pub fn is_fresh(expiration: OffsetDateTime, now: OffsetDateTime, margin: Duration) -> bool {
    expiration - now > margin
}

/// Slack allowed between the session length we asked STS for and the
/// `Expiration` it answers: clocks differ, and STS counts from its own start.
pub const EXPIRATION_SLACK: Duration = Duration::minutes(1);

/// The `Expiration` we trust for credentials obtained at `obtained` for a
/// session of `duration_seconds`: the server's answer, but never later than
/// the requested length plus [`EXPIRATION_SLACK`]. A broken or hostile STS
/// that claims a year cannot make the cache serve stale credentials.
pub fn trusted_expiration(
    expiration: OffsetDateTime,
    obtained: OffsetDateTime,
    duration_seconds: u32,
) -> OffsetDateTime {
    expiration.min(obtained + Duration::seconds(i64::from(duration_seconds)) + EXPIRATION_SLACK)
}

/// The margin for a provider: `refresh_margin_minutes` when set, else
/// [`DEFAULT_REFRESH_MARGIN`] capped at half the session length, so that
/// short sessions (900 s, the STS minimum) are still served from the cache
/// for a while instead of being renewed on every call.
pub fn refresh_margin(configured_minutes: Option<u32>, duration_seconds: u32) -> Duration {
    match configured_minutes {
        Some(m) => Duration::minutes(i64::from(m)),
        None => DEFAULT_REFRESH_MARGIN.min(Duration::seconds(i64::from(duration_seconds) / 2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn is_fresh_needs_strictly_more_than_the_margin() {
        let now = datetime!(2026-11-27 12:00 UTC);
        let m = DEFAULT_REFRESH_MARGIN;
        assert!(is_fresh(datetime!(2026-11-27 13:00 UTC), now, m));
        assert!(is_fresh(datetime!(2026-11-27 12:20:01 UTC), now, m));
        assert!(!is_fresh(datetime!(2026-11-27 12:20 UTC), now, m));
        assert!(!is_fresh(datetime!(2026-11-27 12:05 UTC), now, m));
        assert!(!is_fresh(datetime!(2026-11-27 11:00 UTC), now, m));
        assert!(is_fresh(
            datetime!(2026-11-27 12:00:01 UTC),
            now,
            Duration::ZERO
        ));
        assert!(!is_fresh(now, now, Duration::ZERO));
    }

    #[test]
    fn an_expiration_past_the_requested_length_is_cut_back() {
        let at = datetime!(2026-11-27 12:00 UTC);
        let honest = datetime!(2026-11-27 13:00 UTC);
        assert_eq!(trusted_expiration(honest, at, 3600), honest);
        let slack = datetime!(2026-11-27 13:01 UTC);
        assert_eq!(trusted_expiration(slack, at, 3600), slack);
        let year = datetime!(2027-11-27 12:00 UTC);
        assert_eq!(trusted_expiration(year, at, 3600), slack);
        let offset = datetime!(2026-11-27 23:00 +09:00); // 14:00 UTC
        assert_eq!(trusted_expiration(offset, at, 3600), slack);
        let short = datetime!(2026-11-27 12:10 UTC);
        assert_eq!(trusted_expiration(short, at, 3600), short);
    }

    #[test]
    fn is_fresh_compares_instants_across_offsets() {
        let now = datetime!(2026-11-27 12:00 UTC);
        let exp = datetime!(2026-11-27 22:00 +09:00); // 13:00 UTC
        assert!(is_fresh(exp, now, Duration::minutes(59)));
        assert!(!is_fresh(exp, now, Duration::minutes(60)));
    }

    #[test]
    fn refresh_margin_uses_config_else_default_capped_by_session() {
        assert_eq!(refresh_margin(Some(5), 900), Duration::minutes(5));
        assert_eq!(refresh_margin(Some(0), 3600), Duration::ZERO);
        assert_eq!(refresh_margin(None, 3600), DEFAULT_REFRESH_MARGIN);
        assert_eq!(refresh_margin(None, 43200), DEFAULT_REFRESH_MARGIN);
        assert_eq!(refresh_margin(None, 900), Duration::seconds(450));
        assert_eq!(refresh_margin(None, 0), Duration::ZERO);
    }
}
