//! The string forms of values sent in paths, queries and headers, where serde does not
//! apply: the same forms the values take in JSON bodies.

use std::fmt::{self, Display, Write as _};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// An OpenAPI `date-time` as RFC 3339 in UTC with a `Z` suffix and only as many fraction
/// digits as needed, e.g. `2024-05-01T12:00:00Z`.
pub fn date_time(value: &DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An OpenAPI `date` as `YYYY-MM-DD`.
pub fn date(value: &NaiveDate) -> String {
    value.format("%Y-%m-%d").to_string()
}

/// The items of an array parameter sent unexploded (`style: form, explode: false`),
/// joined with commas: `a,b,c`. Encode the result as one query value.
pub fn join_comma<I>(items: I) -> String
where
    I: IntoIterator,
    I::Item: Display,
{
    let mut joined = String::new();
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            joined.push(',');
        }
        // Writing to a String cannot fail; a failing Display impl just stops the item.
        let _: fmt::Result = write!(joined, "{item}");
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn date_times_are_rfc3339_utc_with_z_and_minimal_fraction() {
        let whole = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
        assert_eq!(date_time(&whole), "2024-05-01T12:00:00Z");
        let millis = whole + chrono::Duration::milliseconds(250);
        assert_eq!(date_time(&millis), "2024-05-01T12:00:00.250Z");
    }

    #[test]
    fn dates_are_year_month_day() {
        let day = NaiveDate::from_ymd_opt(2024, 2, 9).unwrap();
        assert_eq!(date(&day), "2024-02-09");
    }

    #[test]
    fn unexploded_arrays_are_comma_joined() {
        assert_eq!(join_comma(["a", "b", "c"]), "a,b,c");
        assert_eq!(join_comma([1, 2]), "1,2");
        assert_eq!(join_comma(Vec::<u8>::new()), "");
    }
}
