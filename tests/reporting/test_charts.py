"""The SVG charts: well-formed, no inline style or script (the CSP would refuse them), bars in
proportion, suppressed values drawn as a dash and never as a bar, labels escaped."""

import xml.etree.ElementTree as ET

import pytest

from resettle.reporting import charts

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root):
    return [r for r in root.iter(f"{NS}rect") if r.get("class") == "bar"]


@pytest.mark.parametrize("draw", [charts.horizontal_bars, charts.vertical_bars])
def test_no_style_or_script_and_accessible(draw):
    svg = draw("c1", "Applications by stage", ["Received", "Approved"],
               [charts.SeriesData("Applications", [10, 20])], unit="applications")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Applications by stage"
    assert "Received: Applications 10" in root.find(f"{NS}desc").text
    for el in root.iter():
        assert "style" not in el.attrib, el.tag
        assert el.tag not in (f"{NS}style", f"{NS}script")
        assert not any(k.startswith("on") for k in el.attrib)


def test_horizontal_bars_are_in_proportion():
    root = parse(charts.horizontal_bars("c", "t", ["a", "b", "c"], [charts.SeriesData("n", [25, 50, 100])]))
    widths = [float(r.get("width")) for r in bars(root)]
    assert widths[1] == pytest.approx(2 * widths[0]) and widths[2] == pytest.approx(4 * widths[0])


def test_vertical_bars_are_in_proportion_and_grouped():
    root = parse(charts.vertical_bars("c", "t", ["2021 Q1", "2021 Q2"],
                                      [charts.SeriesData("Approvals", [10, 40]), charts.SeriesData("Declines", [20, 0])]))
    heights = [float(r.get("height")) for r in bars(root)]
    assert len(heights) == 4
    assert heights[0] * 2 == pytest.approx(heights[1]) and heights[0] * 4 == pytest.approx(heights[2])
    assert heights[3] == 0
    legend = [r.get("fill") for r in root.iter(f"{NS}rect") if r.get("class") == "legend-key"]
    assert legend == list(charts.PALETTE[:2])


@pytest.mark.parametrize("draw", [charts.horizontal_bars, charts.vertical_bars])
def test_suppressed_value_is_a_dash_not_a_bar(draw):
    root = parse(draw("c", "t", ["a", "b"], [charts.SeriesData("n", [None, 12])]))
    assert len(bars(root)) == 1
    marks = [t for t in root.iter(f"{NS}text") if t.get("class") == "suppressed"]
    assert len(marks) == 1 and marks[0].text.startswith(charts.SUPPRESSED_MARK)
    assert charts.SUPPRESSED_MARK in root.find(f"{NS}desc").text


def test_labels_are_escaped():
    svg = charts.horizontal_bars("c", "<script>x</script>", ['a"b<i>'], [charts.SeriesData("n & m", [3])])
    assert "<script>" not in svg and "<i>" not in svg
    root = parse(svg)
    assert root.find(f"{NS}title").text == "<script>x</script>"


def test_many_categories_label_only_some():
    months = [f"2021-{m:02d}" for m in range(1, 13)] + [f"2022-{m:02d}" for m in range(1, 13)]
    root = parse(charts.vertical_bars("c", "t", months, [charts.SeriesData("n", list(range(24)))], max_labels=6))
    written = [t.text for t in root.iter(f"{NS}text") if t.text in months]
    assert written == months[::4]


def test_nice_max_and_empty_chart():
    assert [charts.nice_max(v) for v in (0, 0.7, 3, 7, 19, 240, 1000)] == [1, 1, 5, 10, 20, 250, 1000]
    root = parse(charts.horizontal_bars("c", "t", [], []))
    assert bars(root) == []
