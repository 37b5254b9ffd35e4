"""Scoping a stylesheet to the report's wrapper, for the notebook display."""

from partnerkit.report._scope import scope_css, scope_styles


def test_every_selector_is_prefixed_and_the_page_becomes_the_wrapper() -> None:
    css = """
    /* a comment { with braces } */
    :root { --ink: #111; }
    html, body { margin: 0; }
    html body h1 { font-size: 2em; }
    * { box-sizing: border-box; }
    li.good::marker, p.bad { color: red; }
    body.dark table > td:first-child { color: #eee; }
    @media print { body { max-width: none; } .chart { display: none; } }
    @font-face { font-family: X; src: local(X); }
    """
    got = scope_css(css, ".r")
    assert ".r { --ink: #111; }" in got
    assert ".r, .r { margin: 0; }" in got
    assert ".r h1 { font-size: 2em; }" in got
    assert ".r * { box-sizing: border-box; }" in got
    assert ".r li.good::marker, .r p.bad { color: red; }" in got
    assert ".r.dark table > td:first-child { color: #eee; }" in got
    assert "@media print {.r { max-width: none; }\n.r .chart { display: none; }}" in got
    assert "@font-face { font-family: X; src: local(X); }" in got
    assert "comment" not in got


def test_style_elements_inside_a_fragment_are_scoped() -> None:
    html = '<p>x</p><svg><style>text { fill: red; }</style></svg><STYLE media="all">a{}</STYLE>'
    assert scope_styles(html, ".r") == (
        '<p>x</p><svg><style>.r text { fill: red; }</style></svg><STYLE media="all">.r a {}</STYLE>'
    )
