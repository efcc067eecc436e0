//! `refresh --jitter`: spread the scheduled renewals of a fleet over time,
//! so that thousands of machines whose cron fires at the same second do not
//! reach the provider's token endpoint and STS in that second.
//!
//! Pure functions: the command parses `--jitter`, checks it against
//! `--within`, picks a delay from a random number it got from the OS
//! (getrandom, see [`crate::http::retry::os_random`]) and sleeps.

use std::time::Duration;

/// botocore calls a credential provider again when less than this is left
/// (its "advisory" refresh window; 10 minutes is the mandatory one). A
/// scheduled renewal should land before it.
pub const BOTOCORE_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The longest `--jitter` accepted: an hour, longer than any sensible
/// renewal schedule.
pub const MAX_JITTER: Duration = Duration::from_secs(60 * 60);

/// Parse a `--jitter` DURATION: whole seconds (`900`), or a number with one
/// unit, `s`, `m` or `h` (`30s`, `5m`, `1h`). At most [`MAX_JITTER`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let unit_seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => 0,
    };
    let number = digits.parse::<u64>().ok();
    let (Some(number), true) = (number, unit_seconds > 0) else {
        return Err(format!(
            "{:?} is not a duration; give seconds (900) or a number with s, m or h (30s, 5m, 1h)",
            crate::text::sanitize(text)
        ));
    };
    let duration = Duration::from_secs(number.saturating_mul(unit_seconds));
    if duration > MAX_JITTER {
        return Err(format!(
            "{text} is longer than the {} minutes --jitter allows",
            MAX_JITTER.as_secs() / 60
        ));
    }
    Ok(duration)
}

/// The delay before the first network call: uniform in `[0, max]`, from
/// `random`, a number in `[0, 1)` (values outside are clamped).
pub fn pick_delay(max: Duration, random: f64) -> Duration {
    let random = if random.is_nan() {
        1.0
    } else {
        random.clamp(0.0, 1.0)
    };
    // Whole milliseconds: the log shows them, and a sub-millisecond sleep is noise.
    Duration::from_millis((max.as_millis() as f64 * random).round() as u64)
}

/// Check that renewing profiles due `within` the window, up to `jitter`
/// late, still lands before [`BOTOCORE_REFRESH_WINDOW`]: `within` must be
/// at least the window plus the jitter. The schedule's own interval comes
/// on top (see the README's recipes); the command cannot know it.
pub fn check_fits(within: Duration, jitter: Duration) -> Result<(), String> {
    let needed = BOTOCORE_REFRESH_WINDOW.saturating_add(jitter);
    if within >= needed || jitter.is_zero() {
        return Ok(());
    }
    Err(format!(
        "--jitter {} with --within {} could renew a profile with less than the {} minutes left at which botocore already wants new credentials; use --within {} or more, or a shorter --jitter",
        show(jitter),
        within.as_secs() / 60,
        BOTOCORE_REFRESH_WINDOW.as_secs() / 60,
        needed.as_secs().div_ceil(60)
    ))
}

/// `2m13s`, `45s`, `1h`: a duration for messages.
pub fn show(duration: Duration) -> String {
    let secs = duration.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.is_empty() {
        out = format!("{}ms", duration.as_millis());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn durations_are_seconds_or_one_unit() {
        for (text, want) in [
            ("900", S(900)),
            ("0", S(0)),
            ("30s", S(30)),
            ("5m", S(300)),
            ("1h", S(3600)),
            (" 15m ", S(900)),
        ] {
            assert_eq!(parse_duration(text), Ok(want), "{text}");
        }
        for bad in [
            "",
            "m",
            "5x",
            "1.5m",
            "-5m",
            "5 m",
            "5m30s",
            "5M",
            "\u{1b}[2J",
        ] {
            let e = parse_duration(bad).unwrap_err();
            assert!(
                e.contains("not a duration") && !e.contains('\u{1b}'),
                "{bad}: {e}"
            );
        }
        assert!(parse_duration("61m").unwrap_err().contains("60 minutes"));
        assert!(parse_duration("99999999999999999999h").is_err());
        assert!(
            parse_duration("18446744073709551615h").is_err(),
            "no overflow"
        );
    }

    #[test]
    fn the_delay_spans_zero_to_the_maximum() {
        assert_eq!(pick_delay(S(300), 0.0), Duration::ZERO);
        assert_eq!(pick_delay(S(300), 0.5), S(150));
        assert_eq!(pick_delay(S(300), 0.999_999), S(300));
        assert_eq!(pick_delay(S(300), 1.0), S(300));
        assert_eq!(pick_delay(S(300), 7.0), S(300), "clamped");
        assert_eq!(pick_delay(S(300), -1.0), Duration::ZERO, "clamped");
        assert_eq!(pick_delay(S(300), f64::NAN), S(300));
        assert_eq!(pick_delay(Duration::ZERO, 0.7), Duration::ZERO);
        assert_eq!(pick_delay(S(1), 0.1234), Duration::from_millis(123));
    }

    #[test]
    fn the_jitter_must_leave_botocores_window() {
        let min = |m: u64| S(m * 60);
        assert_eq!(check_fits(min(30), min(15)), Ok(()));
        assert_eq!(check_fits(min(45), min(5)), Ok(()));
        assert_eq!(
            check_fits(min(10), Duration::ZERO),
            Ok(()),
            "no jitter, no check"
        );
        let e = check_fits(min(30), min(16)).unwrap_err();
        assert!(e.contains("--jitter 16m with --within 30"), "{e}");
        assert!(e.contains("use --within 31 or more"), "{e}");
        let e = check_fits(min(30), S(15 * 60 + 1)).unwrap_err();
        assert!(e.contains("--within 31"), "{e}");
    }

    #[test]
    fn durations_show_compactly() {
        assert_eq!(show(S(133)), "2m13s");
        assert_eq!(show(S(3600)), "1h");
        assert_eq!(show(S(45)), "45s");
        assert_eq!(show(Duration::from_millis(250)), "250ms");
        assert_eq!(show(Duration::ZERO), "0ms");
    }
}
