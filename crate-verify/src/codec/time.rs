//! NumericDate (RFC 7519 section 2): seconds since the epoch, read exactly from JSON text.
//!
//! No floating point: the integer part and whether a non-zero fraction follows are all the
//! rules need, so `1700000000.0000000001` is not rounded away, and a number like `1e999` is
//! simply out of range. (It also keeps float parsing out of the Wasm builds.)

/// The largest accepted NumericDate: 9999-12-31T23:59:59Z.
pub const MAX_NUMERIC_DATE: u64 = 253_402_300_799;

/// A NumericDate in 0..=253402300799: its whole seconds, and whether a fraction follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericDate {
    secs: u64,
    fraction: bool,
}

impl NumericDate {
    /// A whole number of seconds (`None` above [`MAX_NUMERIC_DATE`]).
    pub const fn from_secs(secs: u64) -> Option<Self> {
        if secs > MAX_NUMERIC_DATE { None } else { Some(Self { secs, fraction: false }) }
    }

    /// The whole seconds (the value rounded down).
    pub const fn secs(self) -> u64 {
        self.secs
    }

    /// Whether the value has a non-zero fraction of a second.
    pub const fn has_fraction(self) -> bool {
        self.fraction
    }

    /// Whether this instant is at or before the whole second `t`.
    pub(crate) const fn at_or_before(self, t: u64) -> bool {
        self.secs + self.fraction as u64 <= t
    }

    /// Reads a JSON number's text (as serde_json validated it). `None`: not a number, negative,
    /// or above [`MAX_NUMERIC_DATE`].
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (negative, b) = match text.as_bytes() {
            [b'-', rest @ ..] => (true, rest),
            b @ [b'0'..=b'9', ..] => (false, b),
            _ => return None,
        };
        let digits_end = |s: &[u8]| s.iter().position(|c| !c.is_ascii_digit()).unwrap_or(s.len());
        let (int, rest) = b.split_at(digits_end(b));
        let (frac, rest) = match rest {
            [b'.', r @ ..] => r.split_at(digits_end(r)),
            _ => (&[][..], rest),
        };
        let exponent: i64 = match rest {
            [] => 0,
            [b'e' | b'E', r @ ..] => {
                let (sign, digits) = match r {
                    [b'-', d @ ..] => (-1, d),
                    [b'+', d @ ..] => (1, d),
                    d => (1, d),
                };
                if digits.is_empty() || digits_end(digits) != digits.len() {
                    return None;
                }
                let n = digits.iter().fold(0i64, |n, d| n.saturating_mul(10).saturating_add(i64::from(d - b'0')));
                sign * n
            }
            _ => return None,
        };
        if int.is_empty() {
            return None;
        }
        // The value is the digits of int ++ frac with the decimal point after `point` of them.
        let point = (int.len() as i64).saturating_add(exponent);
        let (mut secs, mut fraction) = (0u64, false);
        for (i, d) in int.iter().chain(frac).enumerate() {
            let d = u64::from(d - b'0');
            if (i as i64) < point {
                secs = secs * 10 + d;
                if secs > MAX_NUMERIC_DATE {
                    return None;
                }
            } else {
                fraction |= d != 0;
            }
        }
        for _ in (int.len() + frac.len()) as i64..point {
            if secs == 0 {
                break;
            }
            secs *= 10;
            if secs > MAX_NUMERIC_DATE {
                return None;
            }
        }
        if (negative && (secs != 0 || fraction)) || (secs == MAX_NUMERIC_DATE && fraction) {
            return None;
        }
        Some(Self { secs, fraction })
    }
}

impl NumericDate {
    /// Reads an RFC 3339 date-time (`2026-11-23T15:43:57.123Z`, or with an offset such as
    /// `+01:00`), as Better Auth writes `session.expiresAt`. `None` when it is not one, or
    /// before 1970 or after 9999.
    pub fn from_rfc3339(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let digits = |range: core::ops::Range<usize>| -> Option<u64> {
            let part = b.get(range)?;
            part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0')))
        };
        let at = |i: usize, c: u8| b.get(i).is_some_and(|x| x.eq_ignore_ascii_case(&c));
        if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
            return None;
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let valid = (1..=12).contains(&month)
            && (1..=month_days[month as usize - 1]).contains(&day)
            && hour < 24
            && minute < 60
            && second < 60;
        if !valid || year < 1970 {
            return None;
        }
        // An optional fraction, then Z or an offset.
        let mut i = 19;
        let mut fraction = false;
        if at(i, b'.') {
            let run = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if run == 0 {
                return None;
            }
            fraction = b[i + 1..i + 1 + run].iter().any(|d| *d != b'0');
            i += 1 + run;
        }
        let offset: i64 = match b.get(i..) {
            Some([z]) if z.eq_ignore_ascii_case(&b'Z') => 0,
            Some([sign @ (b'+' | b'-'), _, _, b':', _, _]) => {
                let (h, m) = (digits(i + 1..i + 3)?, digits(i + 4..i + 6)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let minutes = (h * 60 + m) as i64;
                if *sign == b'+' { minutes } else { -minutes }
            }
            _ => return None,
        };
        // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        let (y, m) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
        let era = y / 400;
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era as i64 * 146_097 + doe as i64 - 719_468;
        let secs = days * 86_400 + (hour * 3600 + minute * 60 + second) as i64 - offset * 60;
        let secs = u64::try_from(secs).ok().filter(|s| *s <= MAX_NUMERIC_DATE)?;
        Some(Self { secs, fraction: fraction && secs < MAX_NUMERIC_DATE })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<(u64, bool)> {
        NumericDate::parse(s).map(|d| (d.secs, d.fraction))
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn numbers_are_read_exactly() {
        assert_eq!(p("0"), Some((0, false)));
        assert_eq!(p("-0"), Some((0, false)));
        assert_eq!(p("-0.0e7"), Some((0, false)));
        assert_eq!(p("1700000000"), Some((1_700_000_000, false)));
        assert_eq!(p("1700000000.5"), Some((1_700_000_000, true)));
        assert_eq!(p("1700000000.000"), Some((1_700_000_000, false)));
        assert_eq!(p("1700000000.0000000000001"), Some((1_700_000_000, true)));
        assert_eq!(p("1.7e9"), Some((1_700_000_000, false)));
        assert_eq!(p("1.7E+9"), Some((1_700_000_000, false)));
        assert_eq!(p("17000000001e-1"), Some((1_700_000_000, true)));
        assert_eq!(p("5e-1"), Some((0, true)));
        assert_eq!(p("1e-999999999999999999999"), Some((0, true)));
        assert_eq!(p("0e999999999"), Some((0, false)));
        assert_eq!(p("253402300799"), Some((MAX_NUMERIC_DATE, false)));
        assert_eq!(p("2.53402300799e11"), Some((MAX_NUMERIC_DATE, false)));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn rfc3339_date_times_are_read_exactly() {
        let r = |s: &str| NumericDate::from_rfc3339(s).map(|d| (d.secs, d.fraction));
        assert_eq!(r("1970-01-01T00:00:00Z"), Some((0, false)));
        assert_eq!(r("2023-11-14T22:13:20Z"), Some((1_700_000_000, false)));
        assert_eq!(r("2023-11-14T22:13:20.000Z"), Some((1_700_000_000, false)));
        assert_eq!(r("2023-11-14T22:13:20.5Z"), Some((1_700_000_000, true)));
        assert_eq!(r("2023-11-14t22:13:20z"), Some((1_700_000_000, false)));
        assert_eq!(r("2023-11-14T23:13:20+01:00"), Some((1_700_000_000, false)));
        assert_eq!(r("2023-11-14T21:43:20-00:30"), Some((1_700_000_000, false)));
        assert_eq!(r("2024-02-29T12:00:00Z"), Some((1_709_208_000, false)));
        assert_eq!(r("9999-12-31T23:59:59Z"), Some((MAX_NUMERIC_DATE, false)));
        for bad in [
            "",
            "2023-11-14",
            "2023-11-14T22:13:20",
            "2023-11-14 22:13:20Z",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-11-14T24:00:00Z",
            "2023-11-14T22:60:00Z",
            "2023-11-14T22:13:60Z",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20+0100",
            "2023-11-14T22:13:20+24:00",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00+00:01",
            "+2023-11-14T22:13:20Z",
            "2023-11-14T22:13:20Zx",
            "２０２３-11-14T22:13:20Z",
        ] {
            assert_eq!(r(bad), None, "{bad}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn out_of_range_and_non_numbers_are_refused() {
        for s in [
            "-1",
            "-0.5",
            "-1e-9",
            "253402300799.5",
            "253402300800",
            "1e12",
            "1e999",
            "18446744073709551616",
            "99999999999999999999999999",
            "\"1\"",
            "null",
            "true",
            "[1]",
            "",
            "1e",
            "1.5x",
        ] {
            assert_eq!(p(s), None, "{s}");
        }
    }
}
