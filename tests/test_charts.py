"""SVG charts: accessible images whose text alternative states the figures."""

from __future__ import annotations

from datetime import date, timedelta

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
