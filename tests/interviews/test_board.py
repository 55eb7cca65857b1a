"""The whiteboard read on the server: the live elements of a board document, and its SVG.

tests/fixtures/board_y_excalidraw.bin is a real document: two Chromium pages on the built
bundle (static/room/board.js) drew a rectangle, an ellipse, a diamond, a line, an arrow, a
freehand stroke and a text through a pycrdt-websocket server; then the rectangle was
coloured and the ellipse deleted, and the server's document was saved.
"""

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pycrdt
import pytest

from interviews.room.board import board_elements, board_svg

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "board_y_excalidraw.bin"
SVG = "{http://www.w3.org/2000/svg}"
DRAWING_TAGS = {"svg", "rect", "ellipse", "polygon", "polyline", "text", "tspan", "g"}


def element(id_, type_="rectangle", **fields):
    return {
        "id": id_,
        "type": type_,
        "x": 10,
        "y": 20,
        "width": 100,
        "height": 50,
        "angle": 0,
        "strokeColor": "#1e1e1e",
        "backgroundColor": "transparent",
        "fillStyle": "solid",
        "strokeWidth": 2,
        "strokeStyle": "solid",
        "opacity": 100,
        "isDeleted": False,
        **fields,
    }


def document(*entries) -> bytes:
    """A document laid out as y-excalidraw writes it: maps of {pos, el} in the root array."""
    doc = pycrdt.Doc()
    elements = doc.get("elements", type=pycrdt.Array)
    for pos, el in entries:
        elements.append(pycrdt.Map({"pos": pos, "el": el}))
    return doc.get_update()


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_document_drawn_in_two_browsers_reads_as_its_live_elements_in_drawing_order():
    elements = board_elements(FIXTURE.read_bytes())

    assert [e["type"] for e in elements] == ["rectangle", "diamond", "line", "arrow", "freedraw", "text"]
    rectangle, text = elements[0], elements[-1]
    assert (rectangle["strokeColor"], rectangle["backgroundColor"]) == ("#e03131", "#ffc9c9")
    assert text["text"] == "Ranker <script>alert(1)</script> & co"
    assert all(e["isDeleted"] is False for e in elements)


def test_elements_come_in_position_order_and_equal_positions_keep_the_array_order():
    update = document(
        ("a2", element("third")),
        ("a0", element("first")),
        ("a1", element("second-a")),
        ("a1", element("second-b")),
    )

    assert [e["id"] for e in board_elements(update)] == ["first", "second-a", "second-b", "third"]


def test_deleted_elements_and_entries_not_shaped_like_elements_are_left_out():
    update = document(
        ("a0", element("kept")),
        ("a1", element("deleted", isDeleted=True)),
        ("a2", {"type": "rectangle"}),  # no id
        ("a3", "not an element"),
    )
    doc = pycrdt.Doc()
    doc.apply_update(update)
    doc.get("elements", type=pycrdt.Array).append("a stray value")

    assert [e["id"] for e in board_elements(doc.get_update())] == ["kept"]


def test_an_element_removed_from_the_array_is_gone_from_the_board():
    doc = pycrdt.Doc()
    doc.apply_update(document(("a0", element("one")), ("a1", element("two"))))
    del doc.get("elements", type=pycrdt.Array)[0]

    assert [e["id"] for e in board_elements(doc.get_update())] == ["two"]


def test_a_new_document_has_no_elements():
    assert board_elements(pycrdt.Doc().get_update()) == []


@pytest.mark.parametrize(
    "garbage", [b"", b"garbage", b"\x01\x01\xff\xff\xff\xff\x0f", bytes(range(200, 256))]
)
def test_bytes_that_are_not_a_yjs_update_raise_value_error(garbage):
    with pytest.raises(ValueError, match="not a board document"):
        board_elements(garbage)


def test_the_svg_of_the_captured_board_draws_every_element_with_its_colours():
    svg = board_svg(board_elements(FIXTURE.read_bytes()))
    root = parse(svg)

    tags = [node.tag.removeprefix(SVG) for node in root.iter()]
    assert set(tags) <= DRAWING_TAGS
    assert tags.count("polyline") == 4  # line, arrow, its head, freehand
    shape = root.find(f"{SVG}rect[@stroke='#e03131']")
    assert shape is not None and shape.get("fill") == "#ffc9c9"
    assert root.find(f"{SVG}polygon") is not None  # the diamond
    assert "".join(root.find(f"{SVG}text").itertext()) == "Ranker <script>alert(1)</script> & co"


def test_text_is_escaped_and_nothing_active_gets_into_the_svg():
    svg = board_svg(
        [
            element(
                "t",
                "text",
                text='<script>alert(1)</script>\n<a href="javascript:x">&',
                fontSize=20,
                strokeColor='#000" onload="alert(1)',
            ),
            element("r", backgroundColor="url(javascript:alert(1))", strokeColor="red;x:expression(1)"),
        ]
    )
    root = parse(svg)

    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert "<a " not in svg and "&lt;a href=" in svg
    for node in root.iter():
        assert node.tag.removeprefix(SVG) in DRAWING_TAGS
        assert not [name for name in node.attrib if name.startswith("on") or name.endswith("href")]
        assert not [v for v in node.attrib.values() if "javascript" in v or "expression" in v or '"' in v]
    assert [t.get("fill") for t in root.iter(f"{SVG}text")] == ["#1e1e1e"]  # the default, not the bad one
    rectangle = root.findall(f"{SVG}rect")[-1]
    assert (rectangle.get("stroke"), rectangle.get("fill")) == ("#1e1e1e", "none")


@pytest.mark.parametrize(
    ("colour", "written"),
    [("#e03131", "#e03131"), ("#ABC", "#abc"), ("#1971c280", "#1971c280"), ("White", "white")],
)
def test_hex_colours_and_a_few_names_are_kept(colour, written):
    rectangle = parse(board_svg([element("r", strokeColor=colour)])).findall(f"{SVG}rect")[-1]

    assert rectangle.get("stroke") == written


@pytest.mark.parametrize(
    "colour", ["#12", "#gggggg", "rgb(0,0,0)", "currentColor", "#fff;", " #fff", 7, None]
)
def test_other_colours_fall_back_to_the_default_stroke(colour):
    rectangle = parse(board_svg([element("r", strokeColor=colour)])).findall(f"{SVG}rect")[-1]

    assert rectangle.get("stroke") == "#1e1e1e"


def test_the_view_box_holds_every_element_with_padding():
    svg = parse(
        board_svg(
            [
                element("r", x=0, y=0, width=100, height=50),
                element("l", "line", x=200, y=300, width=50, height=40, points=[[0, 0], [50, 40]]),
            ]
        )
    )

    assert [float(v) for v in svg.get("viewBox").split()] == [-20, -20, 290, 380]
    assert (svg.get("width"), svg.get("height")) == ("290", "380")


def test_an_arrow_gets_a_head_at_its_end():
    svg = parse(
        board_svg(
            [element("a", "arrow", width=100, height=0, points=[[0, 0], [100, 0]], endArrowhead="arrow")]
        )
    )

    shaft, head = svg.findall(f"{SVG}polyline")
    assert shaft.get("points") == "10,20 110,20"
    barbs = [tuple(map(float, p.split(","))) for p in head.get("points").split()]
    assert barbs[1] == (110, 20)
    assert all(x < 110 for x, _ in (barbs[0], barbs[2])) and barbs[0][1] - 20 == pytest.approx(
        20 - barbs[2][1]
    )


def test_elements_with_numbers_that_are_not_numbers_are_left_out():
    svg = board_svg(
        [
            element("nan", x=math.nan),
            element("inf", width=math.inf),
            element("text-x", x="10"),
            element("bool", y=True),
            element("far", x=1e12),
            element("points", "line", points=[[0, 0], ["1", 2]]),
        ]
    )

    assert "empty" in svg


def test_an_empty_board_is_a_small_picture_saying_so():
    svg = board_svg([])

    assert "The board is empty." in svg
    assert parse(svg).get("width") == "240"


def test_a_large_board_is_shown_shrunk_to_a_bounded_size():
    svg = parse(board_svg([element("r", x=0, y=0, width=10_000, height=1_000)]))

    assert float(svg.get("width")) == 1600
    assert svg.get("viewBox") == "-20 -20 10040 1040"
