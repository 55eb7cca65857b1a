"""The interview room's whiteboard, read on the server.

The browser (frontend/board.jsx) binds Excalidraw to a Yjs document with y-excalidraw, which
keeps the drawing in the root array "elements": one map per element, {"pos": a fractional
index that orders the drawing, "el": the Excalidraw element as JSON}. Removing an element
from the scene removes its map; "isDeleted" may still be set by an older client.

`board_elements` reads that document; `board_svg` draws the elements as a self-contained SVG
meant for an <img>. Peers write the document, so nothing in it is trusted: only numbers
checked to be finite, colours checked against a pattern or a short list, and fixed words go
into attributes, and text goes into element content escaped.
"""

import math
import re
from xml.sax.saxutils import escape

import pycrdt

# Drawings larger than this (in canvas pixels, either way) are shown shrunk to it.
MAX_SIDE = 1600.0
PADDING = 20.0
# Coordinates beyond this are not a drawing anyone made; such an element is left out.
MAX_COORDINATE = 1e6

DEFAULT_STROKE = "#1e1e1e"
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_NAMED_COLOURS = frozenset(
    {"black", "white", "red", "green", "blue", "orange", "yellow", "purple", "gray", "grey"}
)
# Characters XML 1.0 does not allow (a document with one is not an image at all).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Excalidraw's font families by number, as generic families: an <img> loads no web fonts.
_FONT_FAMILIES = {1: "cursive", 5: "cursive", 3: "monospace", 8: "monospace"}
_DASHES = {"dashed": "8 6", "dotted": "1.5 6"}
_TEXT_ANCHORS = {"left": "start", "center": "middle", "right": "end"}
_ARROWHEAD_ANGLE = math.radians(25)


def board_elements(document: bytes) -> list[dict]:
    """The live elements of a board document (a whole Yjs update), in drawing order.

    Drawing order is y-excalidraw's: by "pos", ties in the array's order. Entries that are
    not shaped like an element, and deleted elements, are left out. Bytes that are not a Yjs
    update raise ValueError.
    """
    if not isinstance(document, bytes | bytearray | memoryview):
        raise TypeError(f"a board document is bytes, not {type(document).__name__}")
    doc = pycrdt.Doc()
    try:
        doc.apply_update(bytes(document))
        entries = list(doc.get("elements", type=pycrdt.Array))
    except Exception as error:  # pycrdt raises ValueError, and others on a wrong root type
        raise ValueError(f"not a board document: {error}") from error

    live = []
    for entry in entries:
        if not isinstance(entry, pycrdt.Map):
            continue
        pos, element = entry.get("pos"), entry.get("el")
        if not isinstance(pos, str) or not isinstance(element, dict):
            continue
        if not isinstance(element.get("id"), str) or not isinstance(element.get("type"), str):
            continue
        if element.get("isDeleted") is True:
            continue
        live.append((pos, element))
    live.sort(key=lambda item: item[0])  # stable: equal positions keep the array's order
    return [element for _, element in live]


def board_svg(elements: list[dict]) -> str:
    """A self-contained SVG of the elements; a small "empty" picture when none can be drawn."""
    shapes = []
    bounds: list[tuple[float, float]] = []
    for element in elements:
        drawn = _draw(element) if isinstance(element, dict) else None
        if drawn is not None:
            markup, corners = drawn
            shapes.append(markup)
            bounds.extend(corners)
    if not shapes:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 60" width="240" height="60">'
            '<rect width="240" height="60" fill="#ffffff"/>'
            '<text x="120" y="35" font-family="sans-serif" font-size="14" fill="#868e96" '
            'text-anchor="middle">The board is empty.</text></svg>'
        )

    left = min(x for x, _ in bounds) - PADDING
    top = min(y for _, y in bounds) - PADDING
    width = max(x for x, _ in bounds) + PADDING - left
    height = max(y for _, y in bounds) + PADDING - top
    scale = min(1.0, MAX_SIDE / max(width, height))
    box = " ".join(_num(v) for v in (left, top, width, height))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" '
        f'width="{_num(width * scale)}" height="{_num(height * scale)}">'
        f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(width)}" height="{_num(height)}" '
        'fill="#ffffff"/>' + "".join(shapes) + "</svg>"
    )


def _draw(element: dict) -> tuple[str, list[tuple[float, float]]] | None:
    """One element's markup and the corners it covers, or None when it cannot be drawn."""
    kind = element.get("type")
    x, y = _coordinate(element.get("x")), _coordinate(element.get("y"))
    width, height = _coordinate(element.get("width")), _coordinate(element.get("height"))
    if None in (x, y, width, height) or width < 0 or height < 0:
        return None
    stroke = _colour(element.get("strokeColor")) or DEFAULT_STROKE
    fill = _colour(element.get("backgroundColor"))
    stroke_width = _number(element.get("strokeWidth"), low=0.1, high=50.0, default=2.0)
    paint = f'stroke="{stroke}" stroke-width="{_num(stroke_width)}" stroke-linejoin="round"'
    paint += f' stroke-linecap="round"{_dash(element.get("strokeStyle"))}'

    if kind in ("rectangle", "ellipse", "diamond"):
        area = _fill(fill, element.get("fillStyle"))
        if kind == "rectangle":
            radius = min(32.0, min(width, height) * 0.25) if element.get("roundness") else 0.0
            markup = (
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" height="{_num(height)}" '
                f'rx="{_num(radius)}" {area} {paint}/>'
            )
        elif kind == "ellipse":
            markup = (
                f'<ellipse cx="{_num(x + width / 2)}" cy="{_num(y + height / 2)}" '
                f'rx="{_num(width / 2)}" ry="{_num(height / 2)}" {area} {paint}/>'
            )
        else:
            corners = [
                (x + width / 2, y),
                (x + width, y + height / 2),
                (x + width / 2, y + height),
                (x, y + height / 2),
            ]
            markup = f'<polygon points="{_points(corners)}" {area} {paint}/>'
        outline = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    elif kind in ("line", "arrow", "freedraw"):
        points = _path(element.get("points"), x, y)
        if not points:
            return None
        parts = [f'<polyline points="{_points(points)}" fill="none" {paint}/>']
        if kind == "arrow":
            size = 10.0 + 2.0 * stroke_width
            if element.get("endArrowhead"):
                parts.append(_arrowhead(points, size, paint))
            if element.get("startArrowhead"):
                parts.append(_arrowhead(points[::-1], size, paint))
        markup = "".join(parts)
        outline = points
    elif kind == "text":
        text = element.get("text")
        if not isinstance(text, str):
            return None
        size = _number(element.get("fontSize"), low=1.0, high=500.0, default=20.0)
        line_height = _number(element.get("lineHeight"), low=0.5, high=5.0, default=1.25) * size
        align = element.get("textAlign") if element.get("textAlign") in _TEXT_ANCHORS else "left"
        anchor_x = {"left": x, "center": x + width / 2, "right": x + width}[align]
        family = _FONT_FAMILIES.get(element.get("fontFamily"), "sans-serif")
        lines = "".join(
            f'<tspan x="{_num(anchor_x)}" y="{_num(y + size + index * line_height)}">'
            f"{escape(_NOT_XML.sub('', line))}</tspan>"
            for index, line in enumerate(text.split("\n"))
        )
        markup = (
            f'<text font-family="{family}" font-size="{_num(size)}" fill="{stroke}" '
            f'text-anchor="{_TEXT_ANCHORS[align]}" xml:space="preserve">{lines}</text>'
        )
        outline = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    else:  # images, frames, embeds: not part of a system-design sketch here
        return None

    opacity = _number(element.get("opacity"), low=0.0, high=100.0, default=100.0)
    angle = _number(element.get("angle"), low=-10.0, high=10.0, default=0.0)
    attributes = ""
    if opacity < 100:
        attributes += f' opacity="{_num(opacity / 100)}"'
    if angle:
        centre_x, centre_y = x + width / 2, y + height / 2
        attributes += f' transform="rotate({_num(math.degrees(angle))} {_num(centre_x)} {_num(centre_y)})"'
        outline = [_rotate(point, angle, centre_x, centre_y) for point in outline]
    if attributes:
        markup = f"<g{attributes}>{markup}</g>"
    return markup, outline


def _arrowhead(points: list[tuple[float, float]], size: float, paint: str) -> str:
    """Two barbs at the last point, along the last segment of non-zero length."""
    tip = points[-1]
    base = next((point for point in reversed(points[:-1]) if point != tip), None)
    if base is None:
        return ""
    direction = math.atan2(tip[1] - base[1], tip[0] - base[0])
    barbs = [
        (tip[0] - size * math.cos(direction + turn), tip[1] - size * math.sin(direction + turn))
        for turn in (_ARROWHEAD_ANGLE, -_ARROWHEAD_ANGLE)
    ]
    return f'<polyline points="{_points([barbs[0], tip, barbs[1]])}" fill="none" {paint}/>'


def _path(points: object, x: float, y: float) -> list[tuple[float, float]]:
    if not isinstance(points, list):
        return []
    path = []
    for point in points:
        if not isinstance(point, list | tuple) or len(point) != 2:
            return []
        dx, dy = _coordinate(point[0]), _coordinate(point[1])
        if dx is None or dy is None:
            return []
        path.append((x + dx, y + dy))
    return path


def _rotate(point: tuple[float, float], angle: float, cx: float, cy: float) -> tuple[float, float]:
    dx, dy = point[0] - cx, point[1] - cy
    cos, sin = math.cos(angle), math.sin(angle)
    return (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)


def _fill(colour: str | None, style: object) -> str:
    if colour is None:
        return 'fill="none"'
    # Hachure and cross-hatch are drawn as a light wash of their colour.
    return f'fill="{colour}"' if style == "solid" else f'fill="{colour}" fill-opacity="0.35"'


def _dash(style: object) -> str:
    dashes = _DASHES.get(style) if isinstance(style, str) else None
    return f' stroke-dasharray="{dashes}"' if dashes else ""


def _colour(value: object) -> str | None:
    """A colour safe to write into an attribute, or None ("transparent" and anything else)."""
    if not isinstance(value, str):
        return None
    if _HEX_COLOUR.fullmatch(value):
        return value.lower()
    return value.lower() if value.lower() in _NAMED_COLOURS else None


def _coordinate(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and abs(number) <= MAX_COORDINATE else None


def _number(value: object, *, low: float, high: float, default: float) -> float:
    number = _coordinate(value)
    return default if number is None else min(high, max(low, number))


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_num(px)},{_num(py)}" for px, py in points)


def _num(value: float) -> str:
    """A finite number as SVG reads it, to two decimals."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
