"""Geometry for the feedback history's server-rendered SVG charts (no script, no CSP exception).

Each function returns what a template draws, coordinates already written out as SVG numbers
(a template would localise each float: slow, and wrong for SVG in a locale with decimal commas);
a table beside every chart carries the same data for screen readers.
"""

from accounts.models import Level

WIDTH, HEIGHT = 640, 220
# The estimate chart is drawn at each width; the page shows the narrow one on phones, so its
# labels keep a readable size instead of shrinking with the whole drawing.
WIDTHS = {"wide": WIDTH, "narrow": 340}
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 12, 36
# The level scale drawn: L3 below 0, L4 from 0 to 1, L5+ from 1 (rubrics.estimator.Fit.position).
LOW, HIGH = -1.0, 2.0
BANDS = ((Level.L3.label, LOW, 0.0), (Level.L4.label, 0.0, 1.0), (Level.L5.label, 1.0, HIGH))


def _svg(value: float) -> str:
    return f"{value:.1f}"


def _y(position: float) -> float:
    clamped = min(max(position, LOW), HIGH)
    return TOP + (HIGH - clamped) / (HIGH - LOW) * (HEIGHT - TOP - BOTTOM)


def _xs(count: int, left: float, width: float) -> list[str]:
    if count == 1:
        return [_svg(left + width / 2)]
    return [_svg(left + width * n / (count - 1)) for n in range(count)]


def estimate_chart(points: list[dict], width: int = WIDTH) -> dict:
    """The placement after each evaluation: a line over the level bands, ±1 sd as whiskers.

    `points`: oldest first, each with "position", "position_sd" and "label" (the session date).
    """
    plot_width = width - LEFT - RIGHT
    xs = _xs(len(points), LEFT + 24, plot_width - 48)
    marks = [
        {
            "x": x,
            "y": _svg(_y(point["position"])),
            "top": _svg(_y(point["position"] + point["position_sd"])),
            "bottom": _svg(_y(point["position"] - point["position_sd"])),
            "label": point["label"],
        }
        for x, point in zip(xs, points, strict=True)
    ]
    return {
        "width": width,
        "height": HEIGHT,
        "left": LEFT,
        "band_label_x": LEFT - 8,
        "plot_width": plot_width,
        "axis_y": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 18,
        "bands": [
            {
                "label": label,
                "y": _svg(_y(high)),
                "height": _svg(_y(low) - _y(high)),
                "middle": _svg(_y((low + high) / 2)),
            }
            for label, low, high in BANDS
        ],
        "marks": marks,
        "line": " ".join(f"{m['x']},{m['y']}" for m in marks),
    }


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 168, 56, 8


def score_sparkline(scores: list[int | None]) -> dict:
    """One dimension's scores (1-4) over sessions, oldest first; None where it was not scored."""
    xs = _xs(len(scores), SPARK_PAD, SPARK_WIDTH - 2 * SPARK_PAD)

    def y(score: float) -> str:
        return _svg(SPARK_PAD + (4 - score) / 3 * (SPARK_HEIGHT - 2 * SPARK_PAD))

    dots = [{"x": x, "y": y(s), "score": s} for x, s in zip(xs, scores, strict=True) if s is not None]
    return {
        "width": SPARK_WIDTH,
        "height": SPARK_HEIGHT,
        "dots": dots,
        "line": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "guides": [{"score": s, "y": y(s)} for s in (2, 3, 4)],
    }
