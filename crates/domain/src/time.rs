//! Instants are stored as milliseconds since the Unix epoch (BIGINT on both databases);
//! calendar dates as 'YYYY-MM-DD' text (see `stored`).

#[cfg(feature = "sqlx")]
mod stored;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(since.as_millis() as i64)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn plus(self, d: Duration) -> Self {
        Timestamp(self.0 + d.as_millis() as i64)
    }

    pub fn minus(self, d: Duration) -> Self {
        Timestamp(self.0 - d.as_millis() as i64)
    }
}

/// UTC+8, the default calendar for command-line work and demo data.
pub const CHINA_STANDARD_OFFSET_MS: i64 = 8 * 3_600_000;

const DAY_MS: i64 = 86_400_000;

/// A calendar date (proleptic Gregorian), for periods, due dates and digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// The local date of an instant, `offset_ms` east of UTC.
    pub fn of(at: Timestamp, offset_ms: i64) -> Date {
        Date::from_days((at.0 + offset_ms).div_euclid(DAY_MS))
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let date = Date { year, month, day };
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= date.days_in_month();
        valid.then_some(date)
    }

    /// Parses a date exactly as it is stored and sent: `YYYY-MM-DD`, four digits, two, two.
    pub fn parse_exact(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if shaped { Date::parse(s) } else { None }
    }

    fn days_in_month(self) -> u32 {
        match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ if (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0 => 29,
            _ => 28,
        }
    }

    /// Local midnight at the start of this date, as an instant.
    pub fn start(self, offset_ms: i64) -> Timestamp {
        Timestamp(self.to_days() * DAY_MS - offset_ms)
    }

    /// Year * 100 + month: the period a proposal is counted in.
    pub fn period(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    pub fn plus_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    // Howard Hinnant's days-from-civil and civil-from-days.
    fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// In JSON a date is its 'YYYY-MM-DD' string, the same text the databases hold.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Date::parse_exact(&text).ok_or_else(|| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Str(&text), &"a YYYY-MM-DD date")
        })
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn round_trips_dates_and_local_days() {
        let d = Date::parse("2022-02-28").unwrap();
        assert_eq!(d.plus_days(1).to_string(), "2022-03-01");
        assert_eq!(
            Date::parse("2024-02-29").unwrap().plus_days(1).to_string(),
            "2024-03-01"
        );
        assert_eq!(Date::parse("2022-02-29"), None);
        assert_eq!(Date::parse("2022-13-01"), None);
        assert_eq!(Date::parse("x"), None);
        let start = d.start(CHINA_STANDARD_OFFSET_MS);
        assert_eq!(Date::of(start, CHINA_STANDARD_OFFSET_MS), d);
        assert_eq!(
            Date::of(Timestamp(start.0 - 1), CHINA_STANDARD_OFFSET_MS).to_string(),
            "2022-02-27"
        );
        assert_eq!(d.period(), 202202);
    }

    #[test]
    fn the_stored_form_is_exact() {
        let d = Date::parse_exact("2021-12-07").unwrap();
        assert_eq!(d.to_string(), "2021-12-07");
        assert_eq!(Date::parse_exact("0987-01-02").unwrap().year, 987);
        for loose in [
            "2021-12-7",
            " 2021-12-07",
            "2021-12-07 ",
            "20211207",
            "2021-02-30",
            "+021-12-07",
        ] {
            assert_eq!(Date::parse_exact(loose), None, "{loose}");
        }
        assert!(
            Date::parse("2021-12-7").is_some(),
            "typed input stays lenient"
        );
    }

    #[test]
    fn dates_are_strings_in_json() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2024-02-29\"");
        assert_eq!(serde_json::from_str::<Date>("\"2024-02-29\"").unwrap(), d);
        assert!(serde_json::from_str::<Date>("\"2023-02-29\"").is_err());
        assert!(serde_json::from_str::<Date>("20240229").is_err());
    }
}
