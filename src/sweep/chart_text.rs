//! The text of the sweep charts, laid out so that none is cut by the image's edge or drawn
//! over other text: names wrapped to a width measured with the embedded font ([`wrap`]), the
//! legend panel's entries and the rows of the table under a chart ([`legend_height`],
//! [`table_height`], [`draw_rows`]), and numbered labels put beside their markers where they
//! overlap nothing placed before ([`place_label`]).
//!
//! Every piece of text drawn is recorded as a [`TextBox`] (where it is, in image pixels), so
//! tests check the layout on the boxes the drawing code used.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::report::charts::style::{self, FONT, INK};

/// Legend and table text size.
pub const TEXT_SIZE: u32 = 15;
/// Height of one line of legend or table text.
pub const LINE_H: i32 = 19;
/// Space between two legend entries or table rows.
const GAP: i32 = 7;
/// Where an entry's sample starts, and its text, from the panel's left.
const SAMPLE_X: i32 = 12;
const TEXT_X: i32 = 50;
/// Room left of the panel's right edge.
const RIGHT_PAD: i32 = 10;
/// The first entry's middle, below the panel's top (as the run charts' legends).
const TOP: i32 = 40;

/// A piece of text as drawn: its box in image pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextBox {
    pub left: i32,
    pub top: i32,
    pub width: i32,
    pub height: i32,
    pub text: String,
}

impl TextBox {
    pub fn right(&self) -> i32 {
        self.left + self.width
    }

    pub fn bottom(&self) -> i32 {
        self.top + self.height
    }

    /// Whether the two boxes share a pixel.
    pub fn overlaps(&self, other: &TextBox) -> bool {
        self.left < other.right()
            && other.left < self.right()
            && self.top < other.bottom()
            && other.top < self.bottom()
    }
}

/// A chart drawn as SVG, with the box of every piece of text placed and the image's size.
pub struct DrawnSvg {
    pub svg: String,
    pub boxes: Vec<TextBox>,
    pub size: (u32, u32),
}

/// The width and height of `text` at `size` in the embedded font, bold or not, in pixels.
pub fn measure(text: &str, size: u32, bold: bool) -> (i32, i32) {
    let weight = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    let (w, h) = (FONT, size, weight)
        .into_font()
        .box_size(text)
        .unwrap_or((size * text.chars().count() as u32, size));
    (w as i32, (h as i32).max(size as i32))
}

/// Whether a line may be broken after `c`.
fn breaks_after(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '_' | '+' | '/' | '.' | ',' | '=' | ':' | ';' | ')'
    )
}

/// `text` cut into lines no wider than `width` pixels at `size`: after a space or a
/// punctuation mark where possible, else within a word. Nothing is dropped: the lines joined
/// (spaces at their ends restored) are `text`.
pub fn wrap(text: &str, size: u32, width: i32) -> Vec<String> {
    let fits = |s: &str| measure(s.trim_end(), size, false).0 <= width;
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut piece = String::new();
    let flush_piece = |line: &mut String, piece: &mut String, lines: &mut Vec<String>| {
        let joined = format!("{line}{piece}");
        if fits(&joined) {
            *line = joined;
        } else {
            if !line.trim().is_empty() {
                lines.push(line.trim_end().to_string());
            }
            // A piece wider than a line on its own is cut within it.
            let mut rest = String::new();
            for c in piece.chars() {
                let longer = format!("{rest}{c}");
                if !rest.is_empty() && !fits(&longer) {
                    lines.push(rest.clone());
                    rest.clear();
                }
                rest.push(c);
            }
            *line = rest.trim_start().to_string();
        }
        piece.clear();
    };
    for c in text.chars() {
        piece.push(c);
        if breaks_after(c) {
            flush_piece(&mut line, &mut piece, &mut lines);
        }
    }
    flush_piece(&mut line, &mut piece, &mut lines);
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// How a legend entry or table row is marked.
#[derive(Clone, Debug, PartialEq)]
pub enum Sample {
    /// Curves that coincide: a solid line in the first colour, the others dashed over it.
    Curves(Vec<RGBColor>),
    /// A dashed line (a second series of the same deployment).
    Dashed(RGBColor),
    /// A dotted reference line.
    Dotted(RGBColor),
    /// A hollow ring, a cross, a filled box.
    Ring(RGBColor),
    Cross(RGBColor),
    Box(RGBColor),
    /// A marker's number, and its mark: an ink ring (a crossing), or a cross in the
    /// deployment's colour (where it stops serving).
    Numbered(usize, Option<RGBColor>),
}

/// A legend entry or table row: its sample and its text (wrapped when drawn).
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub sample: Sample,
    pub text: String,
}

/// The dash pattern (dash, gap) of the `k`-th curve (k >= 1) drawn over the first of a group
/// of coinciding curves: shorter dashes each, so every colour shows.
pub fn overlay_dash(k: usize) -> (u32, u32) {
    match k {
        1 => (10, 10),
        2 => (4, 16),
        _ => (2, 18),
    }
}

/// The width left for text in a legend panel `panel_w` pixels wide.
pub fn legend_text_width(panel_w: i32) -> i32 {
    panel_w - TEXT_X - RIGHT_PAD
}

/// The height a legend of `items` under `heading` takes in a panel `panel_w` wide.
pub fn legend_height(heading: &str, items: &[Item], panel_w: i32) -> i32 {
    let width = legend_text_width(panel_w);
    let lines: i32 = items
        .iter()
        .map(|i| wrap(&i.text, TEXT_SIZE, width).len() as i32 * LINE_H + GAP)
        .sum();
    TOP + i32::from(!heading.is_empty()) * (LINE_H + GAP) + lines + 10
}

/// The height of a table of `items` under `heading`, `width` wide.
pub fn table_height(heading: &str, items: &[Item], width: i32) -> i32 {
    if items.is_empty() {
        return 0;
    }
    legend_height(heading, items, width) - TOP + TABLE_TOP
}

/// Where a legend's first row is, below its panel's top, and a table's, below the chart.
pub const LEGEND_TOP: i32 = TOP;
pub const TABLE_TOP: i32 = 20;

/// Draws a legend or a table: `heading` (bold) at `top` pixels from `area`'s top, then each
/// item's sample and its wrapped text; records every line of text in `boxes`.
pub fn draw_rows<DB: DrawingBackend>(
    area: &style::Area<DB>,
    heading: &str,
    items: &[Item],
    top: i32,
    boxes: &mut Vec<TextBox>,
) -> style::DrawResult
where
    DB::ErrorType: 'static,
{
    let (offset_x, offset_y) = (area.get_base_pixel().0, area.get_base_pixel().1);
    let width = legend_text_width(area.dim_in_pixel().0 as i32);
    let mut record = |text: &str, x: i32, y: i32, size: u32, bold: bool| {
        let (w, h) = measure(text, size, bold);
        boxes.push(TextBox {
            left: offset_x + x,
            top: offset_y + y - h / 2,
            width: w,
            height: h,
            text: text.to_string(),
        });
    };
    let font = |bold: bool| {
        let weight = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        (FONT, TEXT_SIZE, weight)
            .into_font()
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center))
    };
    let mut y = top;
    if !heading.is_empty() {
        area.draw_text(heading, &font(true), (SAMPLE_X, y))?;
        record(heading, SAMPLE_X, y, TEXT_SIZE, true);
        y += LINE_H + GAP;
    }
    for item in items {
        draw_sample(area, &item.sample, (SAMPLE_X, y))?;
        if let Sample::Numbered(n, _) = item.sample {
            // Right-aligned at the sample's 14th pixel (see draw_sample).
            let text = n.to_string();
            let w = measure(&text, NUMBER_SIZE, true).0;
            record(&text, SAMPLE_X + 14 - w, y, NUMBER_SIZE, true);
        }
        for line in wrap(&item.text, TEXT_SIZE, width) {
            area.draw_text(&line, &font(false), (TEXT_X, y))?;
            record(&line, TEXT_X, y, TEXT_SIZE, false);
            y += LINE_H;
        }
        y += GAP;
    }
    Ok(())
}

/// Draws `sample` with its left end at `at` (its vertical middle).
fn draw_sample<DB: DrawingBackend>(
    area: &style::Area<DB>,
    sample: &Sample,
    (x, y): (i32, i32),
) -> style::DrawResult
where
    DB::ErrorType: 'static,
{
    let line = vec![(x, y), (x + 32, y)];
    match sample {
        Sample::Curves(colors) => {
            for (k, c) in colors.iter().enumerate() {
                if k == 0 {
                    area.draw(&PathElement::new(line.clone(), c.stroke_width(3)))?;
                } else {
                    let (dash, gap) = overlay_dash(k);
                    area.draw(&DashedPathElement::new(
                        line.clone(),
                        dash,
                        gap,
                        c.stroke_width(3),
                    ))?;
                }
            }
        }
        Sample::Dashed(c) => {
            area.draw(&DashedPathElement::new(line, 8, 5, c.stroke_width(3)))?;
        }
        Sample::Dotted(c) => {
            area.draw(&DashedPathElement::new(line, 3, 4, c.stroke_width(2)))?;
        }
        Sample::Ring(c) => area.draw(&Circle::new((x + 16, y), 5, c.stroke_width(2)))?,
        Sample::Cross(c) => area.draw(&Cross::new((x + 16, y), 6, c.stroke_width(3)))?,
        Sample::Box(c) => {
            area.draw(&Rectangle::new([(x, y - 6), (x + 32, y + 6)], c.filled()))?;
        }
        Sample::Numbered(n, cross) => {
            let font = (FONT, NUMBER_SIZE, FontStyle::Bold)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Right, VPos::Center));
            area.draw_text(&n.to_string(), &font, (x + 14, y))?;
            match cross {
                Some(c) => area.draw(&Cross::new((x + 26, y), 6, c.stroke_width(3)))?,
                None => area.draw(&Circle::new((x + 26, y), 6, INK.stroke_width(2)))?,
            }
        }
    }
    Ok(())
}

/// Size of a marker's number on the plot.
pub const NUMBER_SIZE: u32 = 14;

/// Where the number of the marker at pixel `at` goes: a `w` x `h` box beside it, tried at
/// growing distances in eight directions until it lies inside `bounds` (left, top, right,
/// bottom) and overlaps none of `taken` (earlier labels, and markers as boxes); `None` if no
/// such place is found within a quarter of the plot.
pub fn place_label(
    at: (i32, i32),
    (w, h): (i32, i32),
    bounds: (i32, i32, i32, i32),
    taken: &[TextBox],
) -> Option<TextBox> {
    // Right, left, above, below, then the diagonals.
    const DIRECTIONS: [(i32, i32); 8] = [
        (1, 0),
        (-1, 0),
        (0, -1),
        (0, 1),
        (1, -1),
        (-1, -1),
        (1, 1),
        (-1, 1),
    ];
    let reach = ((bounds.2 - bounds.0).min(bounds.3 - bounds.1) / 4).max(40);
    let mut distance = 12;
    while distance <= reach {
        for (dx, dy) in DIRECTIONS {
            // The box's side nearest the marker is `distance` from it.
            let cx = at.0 + dx * (distance + w / 2);
            let cy = at.1 + dy * (distance + h / 2);
            let candidate = TextBox {
                left: cx - w / 2,
                top: cy - h / 2,
                width: w,
                height: h,
                text: String::new(),
            };
            let inside = candidate.left >= bounds.0
                && candidate.top >= bounds.1
                && candidate.right() <= bounds.2
                && candidate.bottom() <= bounds.3;
            if inside && taken.iter().all(|t| !t.overlaps(&candidate)) {
                return Some(candidate);
            }
        }
        distance += 8;
    }
    None
}

/// A box of `radius` around a marker, for [`place_label`] to keep labels off it.
pub fn marker_box(at: (i32, i32), radius: i32) -> TextBox {
    TextBox {
        left: at.0 - radius,
        top: at.1 - radius,
        width: 2 * radius,
        height: 2 * radius,
        text: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() {
        style::register_fonts().unwrap();
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_character() {
        setup();
        let name = "lambda-x86-dynamodb-on-demand-eu-west-1 = azure-functions-consumption";
        let lines = wrap(name, TEXT_SIZE, 150);
        assert!(lines.len() >= 3, "{lines:?}");
        for l in &lines {
            assert!(measure(l, TEXT_SIZE, false).0 <= 150, "{l:?} too wide");
        }
        // Lines break after a hyphen or space, and nothing is lost.
        assert!(lines[0].ends_with('-'), "{lines:?}");
        let joined: String = lines.concat();
        assert_eq!(joined.replace(' ', ""), name.replace(' ', ""));
        // One unbroken word wider than the line is cut within it.
        let word = "x".repeat(80);
        let cut = wrap(&word, TEXT_SIZE, 100);
        assert!(cut.len() > 1 && cut.concat() == word, "{cut:?}");
        assert_eq!(wrap("short", TEXT_SIZE, 200), ["short"]);
    }

    #[test]
    fn labels_are_placed_off_each_other_and_inside_the_plot() {
        setup();
        let bounds = (0, 0, 400, 300);
        let mut taken = vec![marker_box((200, 150), 8)];
        for _ in 0..12 {
            let b = place_label((200, 150), (20, 16), bounds, &taken).expect("a place");
            assert!(taken.iter().all(|t| !t.overlaps(&b)), "{b:?}");
            assert!(b.left >= 0 && b.right() <= 400 && b.top >= 0 && b.bottom() <= 300);
            taken.push(b);
        }
        // The first goes right of the marker, the second left of it.
        assert_eq!(taken[1].left, 200 + 12);
        assert_eq!(taken[2].right(), 200 - 12);
        // Near the right edge, the first is put left.
        let edge = place_label((395, 150), (20, 16), bounds, &[]).unwrap();
        assert_eq!(edge.right(), 395 - 12);
    }
}
