//! Fixtures with times relative to "now": `{{now+42m30s}}` and
//! `{{now-2h0m30s}}` placeholders resolved against a clock, so a snapshot
//! of `status` holds on any day. Used by the hermetic `status` test and by
//! the unit tests in `src/commands/status.rs` (one copy for both).

use std::path::Path;

/// `{{now+42m30s}}` / `{{now-3m30s}}` in fixture text, resolved against `now`.
/// The extra 30 s keep the rounded-down minutes stable while the test runs.
pub fn resolve_times(text: &str, now: time::OffsetDateTime) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{now") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 5..];
        let end = after.find("}}").expect("unclosed placeholder");
        let (sign, units) = after[..end].split_at(1);
        let (mut secs, mut num) = (0i64, String::new());
        for c in units.chars() {
            if c.is_ascii_digit() {
                num.push(c);
                continue;
            }
            let n: i64 = num.parse().expect("a number before the unit");
            num.clear();
            secs += n * match c {
                'd' => 86400,
                'h' => 3600,
                'm' => 60,
                's' => 1,
                other => panic!("unknown unit {other}"),
            };
        }
        let delta = time::Duration::seconds(if sign == "-" { -secs } else { secs });
        let t = (now + delta).replace_nanosecond(0).expect("whole seconds");
        out.push_str(
            &t.format(&time::format_description::well_known::Rfc3339)
                .expect("formattable"),
        );
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

pub fn copy_fixture(from: &Path, to: &Path, now: time::OffsetDateTime) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(to).expect("create dir");
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700)).expect("chmod dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_fixture(&entry.path(), &target, now);
        } else {
            let text = std::fs::read_to_string(entry.path()).expect("read fixture");
            std::fs::write(&target, resolve_times(&text, now)).expect("write fixture");
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600))
                .expect("chmod file");
        }
    }
}
