"""SVG charts: accessible images whose text alternative states the figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from quizzes import charts


def test_heat_levels_split_the_busiest_day_in_quarters():
    assert [charts.heat_level(n, 8) for n in (0, 1, 2, 3, 4, 5, 6, 7, 8)] == [
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]
    assert charts.heat_level(3, 0) == 0


def test_the_heatmap_has_a_square_per_past_day_and_a_text_alternative():
    today = date(2026, 3, 4)  # a Wednesday
    counts = {today: 5, today - timedelta(days=1): 1, today + timedelta(days=1): 9}
    svg = charts.heatmap(counts, today=today, weeks=2)
    assert svg.count("<rect") == 7 + 3  # last week and this week up to Wednesday
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "6 reviews on 2 of the last 14 days; the busiest day had 9." in svg
    assert "Wed 4 Mar 2026: 5 reviews" in svg and "Tue 3 Mar 2026: 1 review<" in svg


def test_bar_charts_escape_labels_and_draw_gaps_for_missing_values():
    bars = [
        charts.Bar("<b>", 3, "a <script>"),
        charts.Bar("x", None, "none"),
        charts.Bar("y", 0, "z"),
    ]
    svg = charts.bar_chart(bars, title="T & co", desc="D", target=2, target_label="goal")
    assert "<script>" not in svg and "&lt;b&gt;" in svg and "T &amp; co" in svg
    assert svg.count('class="bar"') == 2  # the None bar is a gap
    assert 'class="target"' in svg and ">goal<" in svg


def test_the_stability_chart_draws_a_point_per_review_on_a_log_scale():
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    points = [
        charts.Point(
            when=start, value=0.025, title="1 Mar: Again, stability 0.0 days", marked=True
        ),
        charts.Point(when=start + timedelta(days=1), value=2.5, title="2 Mar: Good"),
        charts.Point(when=start + timedelta(days=4), value=250.0, title="5 Mar: Easy <b>"),
    ]
    svg = str(charts.stability_chart(points, title="Stability", desc="From 0.02 to 250 days."))
    assert svg.count("<circle") == 3 and svg.count('class="dot again"') == 1
    assert "<polyline" in svg
    assert "5 Mar: Easy &lt;b&gt;" in svg  # titles are escaped
    assert "1 Mar 2026" in svg and "5 Mar 2026" in svg
    # Log scale: a hundredfold gain is as tall as the next hundredfold.
    ys = [float(part.split('"')[0]) for part in svg.split('cy="')[1:]]
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2], rel=0.01)


def test_a_single_review_still_draws_its_point():
    point = charts.Point(when=datetime(2026, 3, 1, tzinfo=UTC), value=3.0, title="one")
    svg = str(charts.stability_chart([point], title="Stability", desc="One review."))
    assert svg.count("<circle") == 1 and "<polyline" not in svg
