//! Calendar dates without a date crate: proleptic Gregorian, days since
//! 1970-01-01, and month arithmetic that clamps to the month's last day
//! (2024-01-31 + 1 month = 2024-02-29), as JavaScript code and the statutory
//! computation of deadlines (§ 188 BGB) both expect.

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

impl Date {
    /// Parses `YYYY-MM-DD` (years 0001 to 9999); `None` for malformed text
    /// or a day not in the calendar.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return None;
        }
        let year: i32 = text[0..4].parse().ok()?;
        let month: u32 = text[5..7].parse().ok()?;
        let day: u32 = text[8..10].parse().ok()?;
        // Year 0000 is no year to most RFC 3339 validators (see formats::DATE).
        if year == 0 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
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

    /// Adds calendar months, clamping the day to the target month's length.
    pub fn add_months(self, months: i64) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let year = total.div_euclid(12) as i32;
        let month = (total.rem_euclid(12) + 1) as u32;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// Adds days.
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    /// Whole years from `self` to `at` (a person's age on a day).
    pub fn years_until(self, at: Date) -> i64 {
        let mut years = i64::from(at.year - self.year);
        if (at.month, at.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

impl Date {
    /// The date in Germany (CET, CEST from the last Sunday of March to the
    /// last Sunday of October, switching at 01:00 UTC) at a Unix time.
    pub fn in_germany(unix_seconds: i64) -> Date {
        let utc_day = unix_seconds.div_euclid(86_400);
        let year = Date::from_days(utc_day).year;
        let last_sunday = |month: u32| {
            let last = Date {
                year,
                month,
                day: 31,
            }
            .to_days();
            // 1970-01-01 was a Thursday: weekday 0 = Monday.
            let weekday = (last + 3).rem_euclid(7);
            last - (weekday + 1) % 7
        };
        let summer_from = last_sunday(3) * 86_400 + 3_600;
        let summer_until = last_sunday(10) * 86_400 + 3_600;
        let offset = if (summer_from..summer_until).contains(&unix_seconds) {
            7_200
        } else {
            3_600
        };
        Date::from_days((unix_seconds + offset).div_euclid(86_400))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_days() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2024-12-31",
            "1900-03-01",
            "0001-01-01",
        ] {
            let d = Date::parse(text).unwrap();
            assert_eq!(Date::from_days(d.to_days()), d, "{text}");
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().to_days(), 1);
    }

    #[test]
    fn rejects_days_not_in_the_calendar() {
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("2024-04-31").is_none());
    }

    #[test]
    fn month_arithmetic_clamps() {
        let d = Date::parse("2024-01-31").unwrap();
        assert_eq!(d.add_months(1).to_string(), "2024-02-29");
        assert_eq!(d.add_months(-2).to_string(), "2023-11-30");
        assert_eq!(d.add_months(12 * 18).to_string(), "2042-01-31");
    }

    #[test]
    fn the_day_in_germany_follows_cet_and_cest() {
        let at = |d: &str, secs: i64| Date::parse(d).unwrap().to_days() * 86_400 + secs;
        // Winter: 23:30 UTC is already the next day in Berlin.
        assert_eq!(
            Date::in_germany(at("2026-01-15", 23 * 3600 + 1800)).to_string(),
            "2026-01-16"
        );
        assert_eq!(
            Date::in_germany(at("2026-01-15", 22 * 3600 + 1800)).to_string(),
            "2026-01-15"
        );
        // Summer: 22:30 UTC is 00:30 the next day.
        assert_eq!(
            Date::in_germany(at("2026-07-15", 22 * 3600 + 1800)).to_string(),
            "2026-07-16"
        );
        // 2026 switches on 29 March and 25 October.
        assert_eq!(
            Date::in_germany(at("2026-03-28", 22 * 3600 + 1800)).to_string(),
            "2026-03-28"
        );
        assert_eq!(
            Date::in_germany(at("2026-03-29", 22 * 3600 + 1800)).to_string(),
            "2026-03-30"
        );
        assert_eq!(
            Date::in_germany(at("2026-10-25", 22 * 3600 + 1800)).to_string(),
            "2026-10-25"
        );
    }

    #[test]
    fn age_counts_whole_years() {
        let born = Date::parse("2008-06-15").unwrap();
        assert_eq!(born.years_until(Date::parse("2026-06-14").unwrap()), 17);
        assert_eq!(born.years_until(Date::parse("2026-06-15").unwrap()), 18);
    }
}
