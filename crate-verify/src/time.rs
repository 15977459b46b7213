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
