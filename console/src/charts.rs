//! Chart geometry for the dashboard, drawn by the console as SVG (no chart library): linear
//! scales with "nice" ticks, a horizontal bar chart by group and a step chart over months with
//! a goal marker.
//!
//! Everything here is plain data in SVG user units (the `viewBox` is `0 0 width height`); the
//! view only turns it into `<rect>`, `<line>`, `<path>` and `<text>` elements. Words (titles,
//! group names, the goal's label) are passed in by the caller, which takes them from the
//! translation files; the only text made here is numbers and months.

use anxun_domain::api::stats::YearMonth;

/// How values are written on axes and next to bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueFormat {
    /// A proportion in [0, 1], written as a percentage (`97.3%`; ticks without decimals).
    Percent,
    /// A whole number (`12`).
    Count,
    /// A number with one decimal (`4.5`).
    Decimal,
}

impl ValueFormat {
    /// A value next to a bar or a point.
    pub fn value(self, value: f64) -> String {
        match self {
            ValueFormat::Percent => format!("{:.1}%", value * 100.0),
            ValueFormat::Count => format!("{}", value.round() as i64),
            ValueFormat::Decimal => format!("{value:.1}"),
        }
    }

    /// A tick on an axis (ticks are round numbers: no needless decimals).
    pub fn tick(self, value: f64) -> String {
        match self {
            ValueFormat::Percent => format!("{}%", trim(value * 100.0)),
            ValueFormat::Count | ValueFormat::Decimal => trim(value),
        }
    }
}

/// `2`, `2.5`, `0.25`: at most the decimals a nice step needs.
fn trim(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// A step of 1, 2, 2.5 or 5 times a power of ten, at least `span / target`.
pub fn nice_step(span: f64, target: usize) -> f64 {
    let target = target.max(1) as f64;
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / target;
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A linear map from values (`domain`) to SVG coordinates (`range`; reversed for y axes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearScale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl LinearScale {
    /// The coordinate of a value (values outside the domain map outside the range).
    pub fn map(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 {
            return r0;
        }
        r0 + (value - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// Round ticks from 0 up to at least `max`: the axis ends on the last tick. Counts step by
/// whole numbers; proportions (`fixed_max = Some(1.0)`) always span 0–100%.
pub fn ticks_from_zero(max: f64, target: usize, whole: bool, fixed_max: Option<f64>) -> Vec<f64> {
    let top = fixed_max.unwrap_or(max).max(0.0);
    let mut step = nice_step(if top > 0.0 { top } else { 1.0 }, target);
    if whole {
        step = step.max(1.0).round();
    }
    let count = (top / step).ceil().max(1.0) as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// A point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A rectangle (`x`, `y` its top left corner).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A line segment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub from: Point,
    pub to: Point,
}

/// Text placed at a point.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub at: Point,
    pub text: String,
}

/// A tick: its grid line across the plot and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub line: Segment,
    pub label: Label,
}

/// One group's value for a bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarInput {
    /// The group's name (translated by the caller).
    pub label: String,
    /// The value; `None` when the figure is undefined for the group (e.g. a rate whose
    /// denominator is zero): no bar, and `detail` says why.
    pub value: Option<f64>,
    /// Written after the value (e.g. `3/4`), or alone when there is no value.
    pub detail: String,
}

/// The sizes of a bar chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarLayout {
    /// Total width.
    pub width: f64,
    /// Room for the group names, left of the bars.
    pub label_width: f64,
    /// Room for the value text, right of the longest bar.
    pub value_width: f64,
    /// Height of one group's row.
    pub row_height: f64,
    /// Room for the axis ticks above the bars.
    pub axis_height: f64,
    /// About this many ticks.
    pub ticks: usize,
}

impl Default for BarLayout {
    fn default() -> Self {
        BarLayout {
            width: 720.0,
            label_width: 180.0,
            value_width: 120.0,
            row_height: 28.0,
            axis_height: 24.0,
            ticks: 5,
        }
    }
}

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The group's name, right-aligned at the left of the plot.
    pub label: Label,
    /// The bar; `None` when the value is undefined.
    pub rect: Option<Rect>,
    /// The value (and detail), left-aligned after the bar.
    pub value: Label,
}

/// A horizontal bar chart: one row per group, values from 0 on the x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    /// The plot's area (where bars are drawn).
    pub plot: Rect,
    /// Vertical grid lines with their labels above the plot.
    pub ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
}

impl BarChart {
    /// Lays out `inputs` (in the given order). `format` writes values and ticks;
    /// [`ValueFormat::Percent`] fixes the axis at 0–100%.
    pub fn new(inputs: &[BarInput], format: ValueFormat, layout: BarLayout) -> BarChart {
        let plot = Rect {
            x: layout.label_width,
            y: layout.axis_height,
            width: (layout.width - layout.label_width - layout.value_width).max(1.0),
            height: layout.row_height * inputs.len() as f64,
        };
        let max = inputs
            .iter()
            .filter_map(|i| i.value)
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max);
        let fixed = (format == ValueFormat::Percent).then_some(1.0);
        let tick_values = ticks_from_zero(max, layout.ticks, format == ValueFormat::Count, fixed);
        let top = tick_values.last().copied().unwrap_or(1.0);
        let scale = LinearScale {
            domain: (0.0, top),
            range: (plot.x, plot.x + plot.width),
        };
        let ticks = tick_values
            .iter()
            .map(|&value| {
                let x = scale.map(value);
                Tick {
                    line: Segment {
                        from: Point { x, y: plot.y },
                        to: Point {
                            x,
                            y: plot.y + plot.height,
                        },
                    },
                    label: Label {
                        at: Point { x, y: plot.y - 6.0 },
                        text: format.tick(value),
                    },
                }
            })
            .collect();
        let bar_height = layout.row_height * 0.7;
        let bars = inputs
            .iter()
            .enumerate()
            .map(|(index, input)| {
                let row_top = plot.y + layout.row_height * index as f64;
                let middle = row_top + layout.row_height / 2.0;
                let value = input.value.filter(|v| v.is_finite()).map(|v| v.max(0.0));
                let rect = value.map(|v| Rect {
                    x: plot.x,
                    y: row_top + (layout.row_height - bar_height) / 2.0,
                    width: scale.map(v) - plot.x,
                    height: bar_height,
                });
                let end = rect.map_or(plot.x, |r| r.x + r.width);
                let text = match value {
                    Some(v) if input.detail.is_empty() => format.value(v),
                    Some(v) => format!("{} ({})", format.value(v), input.detail),
                    None => input.detail.clone(),
                };
                Bar {
                    label: Label {
                        at: Point {
                            x: plot.x - 8.0,
                            y: middle,
                        },
                        text: input.label.clone(),
                    },
                    rect,
                    value: Label {
                        at: Point {
                            x: end + 6.0,
                            y: middle,
                        },
                        text,
                    },
                }
            })
            .collect();
        BarChart {
            width: layout.width,
            height: plot.y + plot.height + 4.0,
            plot,
            ticks,
            bars,
        }
    }
}

/// The sizes of a step chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLayout {
    pub width: f64,
    pub height: f64,
    /// Room for the y axis labels.
    pub left: f64,
    /// Room right of the plot (for the goal's label).
    pub right: f64,
    /// Room above the plot.
    pub top: f64,
    /// Room for the month labels.
    pub bottom: f64,
    /// About this many y ticks.
    pub ticks: usize,
}

impl Default for StepLayout {
    fn default() -> Self {
        StepLayout {
            width: 720.0,
            height: 280.0,
            left: 48.0,
            right: 24.0,
            top: 28.0,
            bottom: 28.0,
            ticks: 5,
        }
    }
}

/// The goal: a vertical line at the goal's month, its label, and the straight path from the
/// first value down to zero at the goal (the pace that clears the count in time).
#[derive(Debug, Clone, PartialEq)]
pub struct GoalMarker {
    pub line: Segment,
    pub label: Label,
    /// From the first month's value to 0 at the goal; `None` without data.
    pub pace: Option<Segment>,
}

/// A count over months drawn as steps (the count holds for the whole month), from the
/// first month with data to the goal's month.
#[derive(Debug, Clone, PartialEq)]
pub struct StepChart {
    pub width: f64,
    pub height: f64,
    pub plot: Rect,
    /// Horizontal grid lines with their labels left of the plot.
    pub y_ticks: Vec<Tick>,
    /// Month labels under the plot (every January, and the first month).
    pub x_labels: Vec<Label>,
    /// The SVG path data of the steps (`M … H … V …`), empty without data.
    pub path: String,
    /// The last month's value, written above its step.
    pub last: Option<Label>,
    pub goal: GoalMarker,
}

impl StepChart {
    /// Lays out `points` (one per month, in order; gaps hold the previous value) from the first
    /// point's month to `goal` (the month the count should reach zero), labelled `goal_label`.
    pub fn new(
        points: &[(YearMonth, u64)],
        goal: YearMonth,
        goal_label: &str,
        layout: StepLayout,
    ) -> StepChart {
        let plot = Rect {
            x: layout.left,
            y: layout.top,
            width: (layout.width - layout.left - layout.right).max(1.0),
            height: (layout.height - layout.top - layout.bottom).max(1.0),
        };
        let start = points.first().map_or(goal, |p| p.0).min(goal);
        let end = points.last().map_or(goal, |p| p.0).max(goal);
        // Each month is a slot [i, i + 1); the axis ends after the last month.
        let months = months_between(start, end) + 1;
        let x = LinearScale {
            domain: (0.0, months as f64),
            range: (plot.x, plot.x + plot.width),
        };
        let max = points.iter().map(|p| p.1).max().unwrap_or(0) as f64;
        let y_values = ticks_from_zero(max, layout.ticks, true, None);
        let top = y_values.last().copied().unwrap_or(1.0);
        let y = LinearScale {
            domain: (0.0, top),
            range: (plot.y + plot.height, plot.y),
        };
        let y_ticks = y_values
            .iter()
            .map(|&value| {
                let at = y.map(value);
                Tick {
                    line: Segment {
                        from: Point { x: plot.x, y: at },
                        to: Point {
                            x: plot.x + plot.width,
                            y: at,
                        },
                    },
                    label: Label {
                        at: Point {
                            x: plot.x - 6.0,
                            y: at,
                        },
                        text: ValueFormat::Count.tick(value),
                    },
                }
            })
            .collect();
        let mut x_labels = Vec::new();
        let mut month = start;
        for index in 0..months {
            if index == 0 || month.month == 1 {
                x_labels.push(Label {
                    at: Point {
                        x: x.map(index as f64),
                        y: plot.y + plot.height + 16.0,
                    },
                    text: month.to_string(),
                });
            }
            month = month.next();
        }
        let mut path = String::new();
        let mut last = None;
        for (index, &(month, value)) in points.iter().enumerate() {
            let left = x.map(months_between(start, month) as f64);
            let right = x.map(months_between(start, month) as f64 + 1.0);
            let level = y.map(value as f64);
            if index == 0 {
                path.push_str(&format!("M{} {}", num(left), num(level)));
            } else {
                path.push_str(&format!(" H{} V{}", num(left), num(level)));
            }
            path.push_str(&format!(" H{}", num(right)));
            last = Some(Label {
                at: Point {
                    x: (left + right) / 2.0,
                    y: level - 6.0,
                },
                text: value.to_string(),
            });
        }
        let goal_x = x.map(months_between(start, goal) as f64 + 1.0);
        let pace = points.first().map(|&(_, value)| Segment {
            from: Point {
                x: x.map(0.0),
                y: y.map(value as f64),
            },
            to: Point {
                x: goal_x,
                y: y.map(0.0),
            },
        });
        StepChart {
            width: layout.width,
            height: layout.height,
            plot,
            y_ticks,
            x_labels,
            path,
            last,
            goal: GoalMarker {
                line: Segment {
                    from: Point {
                        x: goal_x,
                        y: plot.y,
                    },
                    to: Point {
                        x: goal_x,
                        y: plot.y + plot.height,
                    },
                },
                label: Label {
                    at: Point {
                        x: goal_x,
                        y: plot.y - 8.0,
                    },
                    text: goal_label.to_owned(),
                },
                pace,
            },
        }
    }
}

/// Whole months from `from` to `to` (0 for the same month; negative spans give 0).
pub fn months_between(from: YearMonth, to: YearMonth) -> usize {
    let from = from.year as i64 * 12 + from.month as i64;
    let to = to.year as i64 * 12 + to.month as i64;
    (to - from).max(0) as usize
}

/// A coordinate in path data: two decimals at most.
fn num(value: f64) -> String {
    trim((value * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(text: &str) -> YearMonth {
        YearMonth::parse(text).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn nice_steps_are_one_two_two_and_a_half_or_five_times_a_power_of_ten() {
        assert!(close(nice_step(10.0, 5), 2.0));
        assert!(close(nice_step(100.0, 5), 20.0));
        assert!(close(nice_step(1.0, 4), 0.25));
        assert!(close(nice_step(7.0, 5), 2.0));
        assert!(close(nice_step(23.0, 5), 5.0));
        assert!(close(nice_step(0.9, 3), 0.5));
        assert!(close(nice_step(3000.0, 5), 1000.0));
        assert!(close(nice_step(0.0, 5), 1.0));
        assert!(close(nice_step(f64::NAN, 5), 1.0));
    }

    #[test]
    fn ticks_start_at_zero_and_cover_the_maximum() {
        assert_eq!(
            ticks_from_zero(23.0, 5, true, None),
            vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
        );
        // Small counts step by whole numbers.
        assert_eq!(ticks_from_zero(2.0, 5, true, None), vec![0.0, 1.0, 2.0]);
        assert_eq!(ticks_from_zero(0.0, 5, true, None), vec![0.0, 1.0]);
        // Proportions span 0–100% whatever the data.
        let percent = ticks_from_zero(0.3, 4, false, Some(1.0));
        assert_eq!(percent, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        let decimals = ticks_from_zero(4.2, 4, false, None);
        assert_eq!(decimals, vec![0.0, 2.0, 4.0, 6.0]);
        assert!(decimals.windows(2).all(|w| w[1] > w[0]));
    }

    #[test]
    fn values_and_ticks_are_written_for_their_kind() {
        assert_eq!(ValueFormat::Percent.value(0.9728), "97.3%");
        assert_eq!(ValueFormat::Percent.tick(0.25), "25%");
        assert_eq!(ValueFormat::Percent.tick(1.0), "100%");
        assert_eq!(ValueFormat::Count.value(12.0), "12");
        assert_eq!(ValueFormat::Decimal.value(4.26), "4.3");
        assert_eq!(ValueFormat::Decimal.tick(2.5), "2.5");
        assert_eq!(ValueFormat::Decimal.tick(0.0), "0");
    }

    #[test]
    fn a_scale_maps_its_domain_onto_its_range_even_reversed() {
        let y = LinearScale {
            domain: (0.0, 10.0),
            range: (200.0, 0.0),
        };
        assert!(close(y.map(0.0), 200.0));
        assert!(close(y.map(10.0), 0.0));
        assert!(close(y.map(2.5), 150.0));
        let flat = LinearScale {
            domain: (3.0, 3.0),
            range: (5.0, 9.0),
        };
        assert!(close(flat.map(3.0), 5.0));
    }

    #[test]
    fn bars_are_proportional_to_their_values_and_undefined_values_have_no_bar() {
        let inputs = vec![
            BarInput {
                label: "徐汇区".into(),
                value: Some(0.5),
                detail: "1/2".into(),
            },
            BarInput {
                label: "黄浦区".into(),
                value: Some(1.0),
                detail: "4/4".into(),
            },
            BarInput {
                label: "静安区".into(),
                value: None,
                detail: "0/0".into(),
            },
        ];
        let layout = BarLayout::default();
        let chart = BarChart::new(&inputs, ValueFormat::Percent, layout);
        assert_eq!(chart.bars.len(), 3);
        assert!(close(chart.plot.width, 720.0 - 180.0 - 120.0));
        let half = chart.bars[0].rect.unwrap();
        let full = chart.bars[1].rect.unwrap();
        assert!(close(full.width, chart.plot.width));
        assert!(close(half.width * 2.0, full.width));
        assert!(chart.bars[2].rect.is_none());
        assert_eq!(chart.bars[0].value.text, "50.0% (1/2)");
        assert_eq!(chart.bars[2].value.text, "0/0");
        assert_eq!(chart.bars[1].label.text, "黄浦区");
        // Rows go down in order, each bar inside its row and the plot.
        assert!(half.y < full.y);
        assert!(full.y + full.height <= chart.plot.y + chart.plot.height);
        assert!(close(chart.height, layout.axis_height + 3.0 * 28.0 + 4.0));
        // Ticks 0%..100% across the plot.
        assert_eq!(chart.ticks.first().unwrap().label.text, "0%");
        assert_eq!(chart.ticks.last().unwrap().label.text, "100%");
        assert!(close(
            chart.ticks.last().unwrap().line.from.x,
            chart.plot.x + chart.plot.width
        ));
    }

    #[test]
    fn count_bars_scale_to_the_last_tick() {
        let inputs: Vec<BarInput> = [3.0, 7.0]
            .into_iter()
            .map(|v| BarInput {
                label: String::new(),
                value: Some(v),
                detail: String::new(),
            })
            .collect();
        let chart = BarChart::new(&inputs, ValueFormat::Count, BarLayout::default());
        let texts: Vec<&str> = chart.ticks.iter().map(|t| t.label.text.as_str()).collect();
        assert_eq!(texts, ["0", "2", "4", "6", "8"]);
        let seven = chart.bars[1].rect.unwrap();
        assert!(close(seven.width, chart.plot.width * 7.0 / 8.0));
        assert_eq!(chart.bars[1].value.text, "7");
        assert!(close(chart.bars[1].value.at.x, seven.x + seven.width + 6.0));
    }

    #[test]
    fn the_step_chart_runs_to_the_goal_with_a_pace_line_to_zero() {
        let points = vec![(ym("2026-09"), 8), (ym("2026-10"), 6), (ym("2026-11"), 6)];
        let layout = StepLayout::default();
        let chart = StepChart::new(&points, ym("2026-12"), "目标：清零", layout);
        // Four monthly slots (September to December) across the plot.
        let slot = chart.plot.width / 4.0;
        assert!(close(
            chart.goal.line.from.x,
            chart.plot.x + chart.plot.width
        ));
        assert_eq!(chart.goal.label.text, "目标：清零");
        let pace = chart.goal.pace.unwrap();
        assert!(close(pace.to.y, chart.plot.y + chart.plot.height));
        assert!(close(pace.to.x, chart.goal.line.from.x));
        // y axis 0..8 (ticks of 2): 8 at the top, 6 a quarter of the way down.
        let ticks: Vec<&str> = chart
            .y_ticks
            .iter()
            .map(|t| t.label.text.as_str())
            .collect();
        assert_eq!(ticks, ["0", "2", "4", "6", "8"]);
        let eight = chart.plot.y;
        assert!(close(pace.from.y, eight));
        let expected = format!(
            "M{} {} H{} H{} V{} H{} H{} V{} H{}",
            num(chart.plot.x),
            num(eight),
            num(chart.plot.x + slot),
            num(chart.plot.x + slot),
            num(chart.plot.y + chart.plot.height * 0.25),
            num(chart.plot.x + 2.0 * slot),
            num(chart.plot.x + 2.0 * slot),
            num(chart.plot.y + chart.plot.height * 0.25),
            num(chart.plot.x + 3.0 * slot),
        );
        assert_eq!(chart.path, expected);
        assert_eq!(chart.last.as_ref().unwrap().text, "6");
        assert_eq!(chart.x_labels.len(), 1);
        assert_eq!(chart.x_labels[0].text, "2026-09");
    }

    #[test]
    fn month_labels_mark_each_january_and_an_empty_series_still_shows_the_goal() {
        let points: Vec<(YearMonth, u64)> = vec![(ym("2024-11"), 3), (ym("2025-06"), 1)];
        let chart = StepChart::new(&points, ym("2026-12"), "goal", StepLayout::default());
        let labels: Vec<&str> = chart.x_labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(labels, ["2024-11", "2025-01", "2026-01"]);
        assert!(chart.x_labels.windows(2).all(|w| w[0].at.x < w[1].at.x));

        let empty = StepChart::new(&[], ym("2026-12"), "goal", StepLayout::default());
        assert!(empty.path.is_empty() && empty.last.is_none() && empty.goal.pace.is_none());
        assert!(close(
            empty.goal.line.from.x,
            empty.plot.x + empty.plot.width
        ));
    }

    #[test]
    fn months_between_counts_whole_months() {
        assert_eq!(months_between(ym("2024-01"), ym("2026-12")), 35);
        assert_eq!(months_between(ym("2025-05"), ym("2025-05")), 0);
        assert_eq!(months_between(ym("2025-05"), ym("2025-01")), 0);
    }
}
