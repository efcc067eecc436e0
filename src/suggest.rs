//! "Did you mean …?": the known name closest to one the user typed, by edit
//! distance, a swap of two letters counting as one edit (as cargo and git
//! suggest subcommands).

/// The candidate closest to `typed` (ignoring case), if it is close enough
/// to be a typo: at most one edit per three characters, and at least one.
/// Ties go to the first candidate. An exact match is not a suggestion.
pub fn closest<'a, I>(typed: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let typed_lower = typed.to_lowercase();
    let limit = (typed.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == typed {
            continue;
        }
        let d = strsim::osa_distance(&typed_lower, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_the_name_and_a_stranger_finds_nothing() {
        let names = ["myop", "corp.example.com", "dev"];
        assert_eq!(closest("myopp", names), Some("myop"));
        assert_eq!(closest("MYOP", ["myop2", "myop"]), Some("myop"));
        assert_eq!(closest("corp.exmaple.com", names), Some("corp.example.com"));
        assert_eq!(closest("prod", names), None);
        assert_eq!(closest("dev", names), None);
        assert_eq!(closest("x", Vec::<&str>::new()), None);
    }
}
