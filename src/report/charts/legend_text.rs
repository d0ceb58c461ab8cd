//! Fitting legend text to the legend panel, measured in pixels with the chart's font: a
//! label too wide is cut with an ellipsis ([`fit_label`], which [`super::style::legend`]
//! applies to every entry), and a label made of a name and a value ([`with_value`]) keeps its
//! value whole and shortens the name instead. Counting characters is not enough: 26 wide
//! letters run past the panel where 26 narrow ones leave room.

use plotters::prelude::*;

use super::style::{FONT, LABEL_SIZE, LEGEND_TEXT_W, shorten};

/// Width of `text` in `font`, in pixels; `None` when the font cannot measure it.
fn width(text: &str, font: &FontDesc) -> Option<u32> {
    font.box_size(text).ok().map(|(w, _)| w)
}

/// `label` whole when it fits in [`LEGEND_TEXT_W`] pixels in `font`, else its longest head
/// that fits with an ellipsis (cut to `LEGEND_CHARS` characters when the font cannot measure).
pub fn fit_label(label: &str, font: &FontDesc) -> String {
    match width(label, font) {
        None => shorten(label),
        Some(w) if w <= LEGEND_TEXT_W => label.to_string(),
        Some(_) => cut_to(label, font, LEGEND_TEXT_W),
    }
}

/// `label` as the legend's rows: one when it fits in [`LEGEND_TEXT_W`] pixels in `font`,
/// else two, broken after the last space, `-`, `/` or `:` that leaves a first row that fits
/// (the second row cut by [`fit_label`] if it is still too wide); one row cut by
/// [`fit_label`] when no break fits.
pub fn wrap_label(label: &str, font: &FontDesc) -> Vec<String> {
    if width(label, font).is_none_or(|w| w <= LEGEND_TEXT_W) {
        return vec![fit_label(label, font)];
    }
    // The last break whose first row fits.
    let first = label
        .char_indices()
        .rev()
        .filter(|(_, c)| matches!(c, ' ' | '-' | '/' | ':'))
        .map(|(i, c)| i + c.len_utf8())
        .filter(|&end| end < label.len())
        .find(|&end| width(label[..end].trim_end(), font).is_some_and(|w| w <= LEGEND_TEXT_W));
    match first {
        Some(end) => vec![
            label[..end].trim_end().to_string(),
            fit_label(label[end..].trim_start(), font),
        ],
        None => vec![fit_label(label, font)],
    }
}

/// The longest head of `text` that, with an ellipsis after it, is at most `room` pixels
/// wide in `font` (an ellipsis alone when none is).
fn cut_to(text: &str, font: &FontDesc, room: u32) -> String {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .rev()
        .map(|n| format!("{}…", chars[..n].iter().collect::<String>()))
        .find(|t| width(t, font).is_some_and(|w| w <= room))
        .unwrap_or_else(|| "…".into())
}

/// A legend label naming `name` with `value` after it (`lambda $4.83`): the value stays
/// whole and the name is shortened (with an ellipsis) so that both fit the legend at its
/// full label size, and so at any smaller size it draws.
pub fn with_value(name: &str, value: &str) -> String {
    let font = FontDesc::new(
        FontFamily::Name(FONT),
        f64::from(LABEL_SIZE),
        FontStyle::Normal,
    );
    let whole = format!("{name} {value}");
    let Some(value_w) = width(&format!(" {value}"), &font) else {
        return whole;
    };
    if width(&whole, &font).is_some_and(|w| w <= LEGEND_TEXT_W) {
        return whole;
    }
    let head = cut_to(name, &font, LEGEND_TEXT_W.saturating_sub(value_w));
    format!("{head} {value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_labels_are_sized_in_pixels_and_values_stay_whole() {
        super::super::style::register_fonts().unwrap();
        let font = FontDesc::new(
            FontFamily::Name(FONT),
            f64::from(LABEL_SIZE),
            FontStyle::Normal,
        );
        let fits = |t: &str| width(t, &font).unwrap() <= LEGEND_TEXT_W;
        // 26 wide letters are more than the panel holds, though 26 characters are allowed
        // by count: the legend cuts them by width.
        let wide = "W".repeat(26);
        assert!(!fits(&wide));
        let cut = fit_label(&wide, &font);
        assert!(
            fits(&cut) && cut.ends_with('…') && cut.starts_with("WWW"),
            "{cut}"
        );
        assert_eq!(fit_label("requests", &font), "requests");
        // A value after a long name is kept whole; the name gives way.
        let label = with_value("lambda-arm-provisioned+dynamodb-eu-west-1", "$2,345.67");
        assert!(label.ends_with("… $2,345.67"), "{label}");
        assert!(label.starts_with("lambda-arm"), "{label}");
        assert!(fits(&label), "{label}");
        assert_eq!(fit_label(&label, &font), label);
        assert_eq!(with_value("lambda", "$4.83"), "lambda $4.83");
        // A long part label goes on two rows, broken after a separator, nothing lost.
        let rows = wrap_label("gateway: aws-api-gateway-http", &font);
        assert!(rows.len() == 2 && rows.iter().all(|r| fits(r)), "{rows:?}");
        assert_eq!(
            rows.concat().replace(' ', ""),
            "gateway:aws-api-gateway-http"
        );
        assert_eq!(wrap_label("requests", &font), ["requests"]);
    }
}
