//! Charts drawn as SVG from the geometry in [`crate::charts`]: the view only places the
//! rectangles, lines, paths and texts computed there. Titles come from the caller.

use crate::charts::{BarChart, Label, Segment, StepChart, Tick};
use leptos::prelude::*;

fn fmt(value: f64) -> String {
    format!("{:.2}", value)
}

fn line(segment: Segment, class: &'static str) -> impl IntoView {
    view! {
        <line
            class=class
            x1=fmt(segment.from.x)
            y1=fmt(segment.from.y)
            x2=fmt(segment.to.x)
            y2=fmt(segment.to.y)
        />
    }
}

fn label(label: Label, class: &'static str, anchor: &'static str) -> impl IntoView {
    view! {
        <text class=class x=fmt(label.at.x) y=fmt(label.at.y) text-anchor=anchor dominant-baseline="middle">
            {label.text}
        </text>
    }
}

fn ticks(ticks: Vec<Tick>, anchor: &'static str) -> impl IntoView {
    ticks
        .into_iter()
        .map(|tick| {
            view! {
                {line(tick.line, "chart-grid")}
                {label(tick.label, "chart-tick", anchor)}
            }
        })
        .collect_view()
}

/// A horizontal bar chart by group.
#[component]
pub fn BarChartView(chart: BarChart, #[prop(into)] title: String) -> impl IntoView {
    let bars = chart
        .bars
        .into_iter()
        .map(|bar| {
            view! {
                <g class="chart-bar" data-testid="chart-bar">
                    {label(bar.label, "chart-label", "end")}
                    {bar.rect.map(|rect| view! {
                        <rect x=fmt(rect.x) y=fmt(rect.y) width=fmt(rect.width) height=fmt(rect.height) />
                    })}
                    {label(bar.value, "chart-value", "start")}
                </g>
            }
        })
        .collect_view();
    let label_text = title.clone();
    view! {
        <svg
            class="chart bar-chart"
            role="img"
            aria-label=label_text
            viewBox=format!("0 0 {} {}", fmt(chart.width), fmt(chart.height))
            preserveAspectRatio="xMinYMin meet"
        >
            <title>{title}</title>
            {ticks(chart.ticks, "middle")}
            {bars}
        </svg>
    }
}

/// A count over months as steps, with the goal marker and the pace that reaches it.
#[component]
pub fn StepChartView(chart: StepChart, #[prop(into)] title: String) -> impl IntoView {
    let goal = chart.goal;
    let label_text = title.clone();
    view! {
        <svg
            class="chart step-chart"
            role="img"
            aria-label=label_text
            viewBox=format!("0 0 {} {}", fmt(chart.width), fmt(chart.height))
            preserveAspectRatio="xMinYMin meet"
        >
            <title>{title}</title>
            {ticks(chart.y_ticks, "end")}
            {chart
                .x_labels
                .into_iter()
                .map(|l| label(l, "chart-tick", "middle"))
                .collect_view()}
            {goal.pace.map(|pace| line(pace, "chart-pace"))}
            <path class="chart-series" data-testid="open-major-series" d=chart.path />
            {chart.last.map(|last| label(last, "chart-value", "middle"))}
            {line(goal.line, "chart-goal")}
            {label(goal.label, "chart-goal-label", "end")}
        </svg>
    }
}
