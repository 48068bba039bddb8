//! A municipality's colours, checked against WCAG 2.2 AA: every pair the
//! stylesheet (`assets/amt.css`) draws one on the other must contrast
//! enough, the theme's own colours filled in with the stylesheet's.

/// The colour tokens of the stylesheet, with its defaults. A theme sets
/// them by name (`color primary "#004b87"`); each is the custom property
/// `--amt-NAME` (`_` written `-`).
pub const TOKENS: [(&str, &str); 9] = [
    ("text", "#0b0c0c"),
    ("muted", "#484949"),
    ("background", "#ffffff"),
    ("primary", "#1d5ea8"),
    ("primary_text", "#ffffff"),
    ("error", "#b21c0f"),
    ("focus", "#ffdd00"),
    ("border", "#505a5f"),
    ("surface", "#f3f2f1"),
];

/// The pairs drawn one on the other, with the contrast WCAG AA asks of
/// them: 4.5:1 for text (1.4.3), 3:1 for the borders of inputs (1.4.11).
pub const PAIRS: [(&str, &str, f64, &str); 7] = [
    ("text", "background", 4.5, "texts on the page"),
    ("muted", "background", 4.5, "hints and notes"),
    ("primary", "background", 4.5, "links"),
    ("primary_text", "primary", 4.5, "the labels of buttons"),
    ("error", "background", 4.5, "error messages"),
    ("border", "background", 3.0, "the borders of inputs"),
    ("muted", "surface", 4.5, "hints on the grey panels"),
];

/// `#rrggbb` or `#rgb` as red, green and blue.
pub fn parse(hex: &str) -> Option<[u8; 3]> {
    let h = hex.strip_prefix('#')?;
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let v = |s: &str| u8::from_str_radix(s, 16).ok();
    match h.len() {
        6 => Some([v(&h[0..2])?, v(&h[2..4])?, v(&h[4..6])?]),
        3 => {
            let d = |i: usize| v(&h[i..i + 1]).map(|x| x * 17);
            Some([d(0)?, d(1)?, d(2)?])
        }
        _ => None,
    }
}

/// The relative luminance of a colour (WCAG 2.2, "relative luminance").
fn luminance(c: [u8; 3]) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
}

/// The contrast ratio of two colours, from 1 to 21.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_is_computed_as_wcag_defines_it() {
        let black = parse("#000").unwrap();
        let white = parse("#ffffff").unwrap();
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // #767676 on white is the lightest grey that passes 4.5:1.
        let grey = parse("#767676").unwrap();
        assert!(contrast(grey, white) >= 4.5);
        assert!(contrast(parse("#777777").unwrap(), white) < 4.5);
        assert_eq!(parse("#12345"), None);
        assert_eq!(parse("123456"), None);
    }

    #[test]
    fn the_stylesheet_defaults_pass() {
        let get = |n: &str| parse(TOKENS.iter().find(|t| t.0 == n).unwrap().1).unwrap();
        for (fg, bg, min, _) in PAIRS {
            assert!(contrast(get(fg), get(bg)) >= min, "{fg} on {bg}");
        }
    }
}
