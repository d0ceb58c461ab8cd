//! Test helper: a chart PNG decoded to RGB pixels, and the questions chart tests ask of it
//! (how many pixels of a colour, where they are, whether anything but the background is
//! drawn in a box, whether text stays inside the image).

use std::path::Path;

use plotters::style::RGBColor;

/// A decoded RGB image.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<[u8; 3]>,
}

/// A box of pixels: columns `x0..x1`, rows `y0..y1`.
#[derive(Clone, Copy, Debug)]
pub struct Region {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

/// The centre, count and bounding box of the pixels of one colour.
#[derive(Clone, Copy, Debug)]
pub struct Blob {
    pub x: f64,
    pub y: f64,
    pub count: usize,
    pub bounds: Region,
}

/// The plot part of every chart: left of the legend panel, below the title band.
pub const PLOT: Region = Region {
    x0: 0,
    y0: 56,
    x1: 930,
    y1: u32::MAX,
};

impl Image {
    /// Decodes the PNG at `path` (panics if it is not an 8-bit RGB PNG).
    pub fn read(path: &Path) -> Self {
        let file = std::fs::File::open(path).expect("chart exists");
        let mut reader = png::Decoder::new(file).read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("a frame");
        assert_eq!(info.color_type, png::ColorType::Rgb, "chart is RGB");
        let rgb = buf[..info.buffer_size()]
            .chunks_exact(3)
            .map(|c| [c[0], c[1], c[2]])
            .collect();
        Self {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    /// The pixel at (x, y).
    pub fn at(&self, x: u32, y: u32) -> [u8; 3] {
        self.rgb[(y * self.width + x) as usize]
    }

    /// The pixels of `region` (clipped to the image), as (x, y, rgb).
    fn scan(&self, region: Region) -> impl Iterator<Item = (u32, u32, [u8; 3])> + '_ {
        let (x1, y1) = (region.x1.min(self.width), region.y1.min(self.height));
        (region.y0..y1).flat_map(move |y| (region.x0..x1).map(move |x| (x, y, self.at(x, y))))
    }

    /// Where the pixels exactly of `color` in `region` are; `None` if there is none.
    pub fn blob(&self, color: RGBColor, region: Region) -> Option<Blob> {
        let want = [color.0, color.1, color.2];
        let (mut sx, mut sy, mut n) = (0.0, 0.0, 0usize);
        let mut b = Region {
            x0: u32::MAX,
            y0: u32::MAX,
            x1: 0,
            y1: 0,
        };
        for (x, y, p) in self.scan(region) {
            if p == want {
                sx += f64::from(x);
                sy += f64::from(y);
                n += 1;
                b = Region {
                    x0: b.x0.min(x),
                    y0: b.y0.min(y),
                    x1: b.x1.max(x + 1),
                    y1: b.y1.max(y + 1),
                };
            }
        }
        (n > 0).then(|| Blob {
            x: sx / n as f64,
            y: sy / n as f64,
            count: n,
            bounds: b,
        })
    }

    /// Pixels exactly of `color` in `region`.
    pub fn count(&self, color: RGBColor, region: Region) -> usize {
        self.blob(color, region).map_or(0, |b| b.count)
    }

    /// Pixels in `region` that are not white.
    pub fn ink(&self, region: Region) -> usize {
        self.scan(region)
            .filter(|&(_, _, p)| p != [255, 255, 255])
            .count()
    }

    /// Dark (text-like) pixels in `region`: every channel below 110.
    pub fn dark(&self, region: Region) -> usize {
        self.scan(region)
            .filter(|&(_, _, p)| p.iter().all(|&c| c < 110))
            .count()
    }

    /// Whether anything is drawn within `margin` pixels of the image's edges (text or lines
    /// running off the image leave ink there).
    pub fn touches_edges(&self, margin: u32) -> bool {
        let (w, h) = (self.width, self.height);
        let strips = [
            Region {
                x0: 0,
                y0: 0,
                x1: w,
                y1: margin,
            },
            Region {
                x0: 0,
                y0: h - margin,
                x1: w,
                y1: h,
            },
            Region {
                x0: 0,
                y0: 0,
                x1: margin,
                y1: h,
            },
            Region {
                x0: w - margin,
                y0: 0,
                x1: w,
                y1: h,
            },
        ];
        strips.iter().any(|&r| self.ink(r) > 0)
    }
}
