//! The one way to read a number, and the internal precision rule.

use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places (of kg) at which each line's gas masses are held. One microgram: far below any
/// reported figure, and it bounds the digits of every addend, so every sum is exact and totals
/// never depend on the order of lines. See `docs/decisions/0002-exact-arithmetic-and-rounding.md`.
pub const MASS_DP: u32 = 9;

/// Hold a computed mass at [`MASS_DP`], rounding half to even. Applied once per line and gas, to
/// every mass longer than that (from a division such as 44/12, or from long inputs); shorter
/// masses are unchanged.
pub fn hold_mass(kg: Decimal) -> Decimal {
    if kg.scale() <= MASS_DP {
        kg
    } else {
        kg.round_dp_with_strategy(MASS_DP, RoundingStrategy::MidpointNearestEven)
    }
}

/// Parse a plain decimal as written in a data file: optional sign, digits, optional fraction.
/// Refuses exponents, thousands separators, spaces inside, and anything that would lose digits.
pub fn parse_decimal(text: &str) -> Result<Decimal, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Err("the cell is empty");
    }
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let mut seen_point = false;
    let mut digits = 0usize;
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' if !seen_point => seen_point = true,
            '.' => return Err("it has more than one decimal point"),
            ',' => return Err("thousands separators are not allowed; write 1234.5, not 1,234.5"),
            'e' | 'E' => return Err("exponents are not allowed; write the number out in full"),
            c if c.is_whitespace() => return Err("it contains a space"),
            _ => return Err("it contains a character that is not a digit or a decimal point"),
        }
    }
    if digits == 0 {
        return Err("it has no digits");
    }
    Decimal::from_str_exact(t)
        .map_err(|_| "it has more digits than can be held exactly (about 28 significant digits at most)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_decimals_only() {
        assert_eq!(parse_decimal(" 1234.50 ").unwrap().to_string(), "1234.50");
        assert_eq!(parse_decimal("-0.5").unwrap().to_string(), "-0.5");
        assert_eq!(parse_decimal(".5").unwrap().to_string(), "0.5");
        assert!(parse_decimal("1,234.5").unwrap_err().contains("thousands"));
        assert!(parse_decimal("1e3").unwrap_err().contains("exponents"));
        assert!(parse_decimal("12 kg").is_err());
        assert!(parse_decimal("").is_err());
        assert!(parse_decimal(".").is_err());
        assert!(parse_decimal("1.2.3").is_err());
        assert!(parse_decimal("NaN").is_err());
        assert!(parse_decimal("1.00000000000000000000000000001").is_err());
    }

    #[test]
    fn hold_mass_rounds_half_even_only_when_longer() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(hold_mass(d("1.5")), d("1.5"));
        assert_eq!(hold_mass(d("0.0000000005")), d("0.000000000"));
        assert_eq!(hold_mass(d("0.0000000015")), d("0.000000002"));
        assert_eq!(hold_mass(d("3.6666666666666666")), d("3.666666667"));
    }
}
