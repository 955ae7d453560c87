//! UTC instants at one-second resolution, the way TUF and in-toto write `expires`:
//! exactly `YYYY-MM-DDTHH:MM:SSZ`. Verification never reads the clock: the front ends read it
//! once ([`UtcTime::now`]) and pass it in, so a replay or a test can fix time.

use std::fmt;

/// Seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{text}\" is not a date in the form YYYY-MM-DDTHH:MM:SSZ: {problem}")]
pub struct TimeError {
    pub text: String,
    pub problem: &'static str,
}

impl crate::report::Hint for TimeError {
    fn hint(&self) -> Option<String> {
        Some("write times in UTC as 2026-12-06T12:00:00Z".into())
    }
}

impl UtcTime {
    pub const fn from_unix(seconds: i64) -> UtcTime {
        UtcTime(seconds)
    }

    pub const fn unix(self) -> i64 {
        self.0
    }

    /// The system clock. Only front ends (CLI, app) call this; the core takes time as input.
    pub fn now() -> UtcTime {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        UtcTime(seconds)
    }

    /// Parses metadata's `expires`: exactly `YYYY-MM-DDTHH:MM:SSZ` with a real calendar date
    /// (as python-tuf's `strptime` and in-toto's regex plus date parse require together).
    pub fn parse_metadata(text: &str) -> Result<UtcTime, TimeError> {
        let fail = |problem| TimeError {
            text: text.to_owned(),
            problem,
        };
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 20
            && bytes.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                10 => *b == b'T',
                13 | 16 => *b == b':',
                19 => *b == b'Z',
                _ => b.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(fail("wrong shape"));
        }
        let number = |range: std::ops::Range<usize>| -> i64 {
            text[range]
                .bytes()
                .fold(0, |n, d| n * 10 + i64::from(d - b'0'))
        };
        from_fields(
            number(0..4),
            number(5..7),
            number(8..10),
            number(11..13),
            number(14..16),
            number(17..19),
        )
        .ok_or_else(|| fail("no such date or time"))
    }

    /// Parses RFC 3339 as a user types it for `--now`: `2030-01-01T00:00:00Z`, with optional
    /// fractional seconds (dropped) and a `Z` or `±HH:MM` offset.
    pub fn parse_rfc3339(text: &str) -> Result<UtcTime, TimeError> {
        let fail = |problem| TimeError {
            text: text.to_owned(),
            problem,
        };
        if text.len() < 20 || !text.is_char_boundary(19) {
            return Err(fail("too short"));
        }
        let (main, rest) = text.split_at(19);
        let base = UtcTime::parse_metadata(&format!("{main}Z"))?;
        let rest = match rest.strip_prefix('.') {
            Some(fraction) => fraction.trim_start_matches(|c: char| c.is_ascii_digit()),
            None => rest,
        };
        let offset = match rest {
            "Z" | "z" => 0,
            offset if offset.len() == 6 && offset.as_bytes()[3] == b':' => {
                let sign = match offset.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return Err(fail("bad offset")),
                };
                let hours: i64 = offset[1..3].parse().map_err(|_| fail("bad offset"))?;
                let minutes: i64 = offset[4..6].parse().map_err(|_| fail("bad offset"))?;
                sign * (hours * 3600 + minutes * 60)
            }
            _ => return Err(fail("expected Z or an offset such as +02:00")),
        };
        Ok(UtcTime(base.0 - offset))
    }

    fn fields(self) -> (i64, i64, i64, i64, i64, i64) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.fields();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

fn from_fields(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
) -> Option<UtcTime> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1..=12).contains(&month)
        && day >= 1
        && day <= month_days[(month - 1) as usize]
        && hour < 24
        && minute < 60
        && second < 60
        && year >= 1;
    valid.then(|| {
        UtcTime(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_metadata_dates() {
        let t = UtcTime::parse_metadata("2099-12-31T00:00:00Z").unwrap();
        assert_eq!(t.unix(), 4_102_358_400);
        assert_eq!(t.to_string(), "2099-12-31T00:00:00Z");
        assert_eq!(
            UtcTime::parse_metadata("1970-01-01T00:00:00Z")
                .unwrap()
                .unix(),
            0
        );
        assert_eq!(
            UtcTime::parse_metadata("2024-02-29T23:59:59Z")
                .unwrap()
                .to_string(),
            "2024-02-29T23:59:59Z"
        );
        assert_eq!(UtcTime::from_unix(-1).to_string(), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn rejects_anything_but_the_exact_form() {
        for bad in [
            "2030-01-01T00:00:00",
            "2030-01-01 00:00:00Z",
            "2030-1-01T00:00:00Z",
            "2030-01-01T00:00:00.5Z",
            "2030-01-01T00:00:00+00:00",
            "2023-02-29T00:00:00Z",
            "2030-13-01T00:00:00Z",
            "2030-01-01T24:00:00Z",
            "2030-01-01T00:00:60Z",
            "0000-01-01T00:00:00Z",
            "２０３０-01-01T00:00:00Z",
            "",
        ] {
            assert!(UtcTime::parse_metadata(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_user_rfc3339() {
        let base = UtcTime::parse_metadata("2030-01-01T12:00:00Z").unwrap();
        assert_eq!(UtcTime::parse_rfc3339("2030-01-01T12:00:00Z"), Ok(base));
        assert_eq!(UtcTime::parse_rfc3339("2030-01-01T12:00:00.999Z"), Ok(base));
        assert_eq!(
            UtcTime::parse_rfc3339("2030-01-01T14:00:00+02:00"),
            Ok(base)
        );
        assert_eq!(
            UtcTime::parse_rfc3339("2030-01-01T11:30:00-00:30"),
            Ok(base)
        );
        assert!(UtcTime::parse_rfc3339("2030-01-01T12:00:00").is_err());
        assert!(UtcTime::parse_rfc3339("2030-01-01T12:00:00 +02:00").is_err());
    }
}
