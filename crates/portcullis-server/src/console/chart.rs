//! Server-rendered SVG charts: bars (one or more stacked series) and
//! lines, drawn from plain numbers, with an accessible `<title>` and
//! `<desc>` and the same numbers as a table beside them (the template's
//! `chart` macro), so nothing depends on seeing the picture. Colours come
//! from the stylesheet through classes; the markup has no inline style,
//! which the Content-Security-Policy would refuse.

use std::fmt::Write as _;

/// How the series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Stacked bars, one per label.
    Bars,
    /// One line per series.
    Lines,
}

/// One named row of values, one value per label.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    /// The CSS class that colours it (`series-ok`, `series-deny`, …).
    pub class: &'static str,
    pub values: Vec<u64>,
}

/// A chart and its data.
#[derive(Debug, Clone)]
pub struct Chart {
    /// A page-unique id, for `aria-labelledby`.
    pub id: &'static str,
    pub title: String,
    /// One sentence saying what the chart shows and its main figure.
    pub desc: String,
    /// The x axis: one label per position (a day, a report).
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    pub shape: Shape,
}

const WIDTH: u64 = 640;
const HEIGHT: u64 = 180;
const LEFT: u64 = 36;
const BOTTOM: u64 = 24;
const TOP: u64 = 8;

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

impl Chart {
    /// The largest value the y axis must reach (stacked for bars).
    fn top(&self) -> u64 {
        let per_label = |i: usize| -> u64 {
            let values = self.series.iter().filter_map(|s| s.values.get(i).copied());
            match self.shape {
                Shape::Bars => values.sum(),
                Shape::Lines => values.max().unwrap_or(0),
            }
        };
        (0..self.labels.len())
            .map(per_label)
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// Each label's row of the data table: the label and one value per series.
    pub fn rows(&self) -> Vec<(String, Vec<u64>)> {
        self.labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let values = self
                    .series
                    .iter()
                    .map(|s| s.values.get(i).copied().unwrap_or(0))
                    .collect();
                (label.clone(), values)
            })
            .collect()
    }

    /// Whether every value is zero (the page then says so instead).
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.values.iter().all(|v| *v == 0))
    }

    /// The `<svg>` element, escaped and ready to embed.
    pub fn svg(&self) -> String {
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
             aria-labelledby=\"{id}-title {id}-desc\" id=\"{id}\">\
             <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
            id = self.id,
            title = escape(&self.title),
            desc = escape(&self.desc),
        );
        self.axes(&mut svg);
        match self.shape {
            Shape::Bars => self.bars(&mut svg),
            Shape::Lines => self.lines(&mut svg),
        }
        svg.push_str("</svg>");
        svg
    }

    fn plot_height(&self) -> u64 {
        HEIGHT - BOTTOM - TOP
    }

    fn slot(&self) -> u64 {
        let n = u64::try_from(self.labels.len()).unwrap_or(1).max(1);
        ((WIDTH - LEFT) / n).max(1)
    }

    fn y(&self, value: u64) -> u64 {
        let top = self.top();
        HEIGHT - BOTTOM - value.min(top) * self.plot_height() / top
    }

    fn axes(&self, svg: &mut String) {
        let base = HEIGHT - BOTTOM;
        let _ = write!(
            svg,
            "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{base}\" x2=\"{WIDTH}\" y2=\"{base}\"/>\
             <text class=\"tick\" x=\"{x}\" y=\"{y}\" text-anchor=\"end\">{top}</text>\
             <text class=\"tick\" x=\"{x}\" y=\"{base}\" text-anchor=\"end\">0</text>",
            x = LEFT - 4,
            y = TOP + 10,
            top = self.top(),
        );
        // At most about eight labels along the axis, evenly spaced.
        let every = self.labels.len().div_ceil(8).max(1);
        for (i, label) in self.labels.iter().enumerate().step_by(every) {
            let x = LEFT + self.slot() * u64::try_from(i).unwrap_or(0) + self.slot() / 2;
            let _ = write!(
                svg,
                "<text class=\"tick\" x=\"{x}\" y=\"{y}\" text-anchor=\"middle\">{label}</text>",
                y = HEIGHT - 6,
                label = escape(label),
            );
        }
    }

    fn bars(&self, svg: &mut String) {
        let width = (self.slot() * 7 / 10).max(1);
        for i in 0..self.labels.len() {
            let x = LEFT + self.slot() * u64::try_from(i).unwrap_or(0) + self.slot() * 3 / 20;
            let mut stacked = 0;
            for series in &self.series {
                let value = series.values.get(i).copied().unwrap_or(0);
                if value == 0 {
                    continue;
                }
                let (low, high) = (self.y(stacked), self.y(stacked + value));
                stacked += value;
                let _ = write!(
                    svg,
                    "<rect class=\"{class}\" x=\"{x}\" y=\"{high}\" width=\"{width}\" \
                     height=\"{h}\"><title>{label}: {value} {name}</title></rect>",
                    class = series.class,
                    h = (low - high).max(1),
                    label = escape(self.labels.get(i).map_or("", String::as_str)),
                    name = escape(&series.name),
                );
            }
        }
    }

    fn lines(&self, svg: &mut String) {
        for series in &self.series {
            let points: Vec<String> = series
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let x = LEFT + self.slot() * u64::try_from(i).unwrap_or(0) + self.slot() / 2;
                    format!("{x},{}", self.y(*v))
                })
                .collect();
            let _ = write!(
                svg,
                "<polyline class=\"line {class}\" points=\"{points}\"><title>{name}</title></polyline>",
                class = series.class,
                points = points.join(" "),
                name = escape(&series.name),
            );
            for point in &points {
                if let Some((x, y)) = point.split_once(',') {
                    let _ = write!(
                        svg,
                        "<circle class=\"dot {class}\" cx=\"{x}\" cy=\"{y}\" r=\"3\"/>",
                        class = series.class
                    );
                }
            }
        }
    }
}

/// Days as chart labels: the `count` UTC days ending with the day of
/// `now_ms`, oldest first, as `(start_ms, "12-07")`.
pub fn days(now_ms: i64, count: i64) -> Vec<(i64, String)> {
    const DAY: i64 = 86_400_000;
    let today = now_ms.div_euclid(DAY) * DAY;
    (0..count)
        .rev()
        .map(|back| {
            let start = today - back * DAY;
            let label = portcullis_domain::Timestamp::from_unix_millis(start).to_string();
            let label = label.get(5..10).unwrap_or_default().to_owned();
            (start, label)
        })
        .collect()
}

/// The index in `days` (from [`days`]) of the day holding `at_ms`.
pub fn day_index(days: &[(i64, String)], at_ms: i64) -> Option<usize> {
    const DAY: i64 = 86_400_000;
    days.iter()
        .position(|(start, _)| *start <= at_ms && at_ms < start + DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(shape: Shape) -> Chart {
        Chart {
            id: "test-chart",
            title: "Decisions <per> day".to_owned(),
            desc: "Allowed & denied".to_owned(),
            labels: vec!["12-06".to_owned(), "12-07".to_owned()],
            series: vec![
                Series {
                    name: "allowed".to_owned(),
                    class: "series-ok",
                    values: vec![3, 0],
                },
                Series {
                    name: "denied".to_owned(),
                    class: "series-deny",
                    values: vec![1, 2],
                },
            ],
            shape,
        }
    }

    #[test]
    fn bars_stack_each_label_and_escape_the_text() {
        let svg = chart(Shape::Bars).svg();
        assert!(svg.contains("<title id=\"test-chart-title\">Decisions &lt;per&gt; day</title>"));
        assert!(svg.contains("Allowed &amp; denied"));
        assert_eq!(svg.matches("<rect").count(), 3, "zero values draw nothing");
        assert!(svg.contains("12-06: 3 allowed"));
        // The tallest stack (4) reaches the top of the plot.
        assert!(svg.contains(&format!("y=\"{TOP}\"")), "{svg}");
    }

    #[test]
    fn lines_draw_one_polyline_per_series_and_rows_match_the_labels() {
        let c = chart(Shape::Lines);
        assert_eq!(c.svg().matches("<polyline").count(), 2);
        assert_eq!(
            c.rows(),
            vec![
                ("12-06".to_owned(), vec![3, 1]),
                ("12-07".to_owned(), vec![0, 2])
            ]
        );
        assert!(!c.is_empty());
    }

    #[test]
    fn days_end_today_and_place_times() {
        let now = 1_700_000_000_000; // 2023-11-14T22:13:20Z
        let d = days(now, 3);
        assert_eq!(
            d.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(),
            ["11-12", "11-13", "11-14"]
        );
        assert_eq!(day_index(&d, now), Some(2));
        assert_eq!(day_index(&d, now - 86_400_000), Some(1));
        assert_eq!(day_index(&d, now + 86_400_000), None);
    }
}
