"""Scope a stylesheet to one element, for the report shown inside a notebook page.

A notebook shows many outputs on one page: a report's ``<style>`` must not restyle
the notebook or the other outputs. Every selector is prefixed with the report's own
wrapper class, and the page-level selectors (``:root``, ``html``, ``body``) become the
wrapper itself, so the report's variables and fonts apply inside it and nowhere else.
No shadow DOM is used (notebook front ends differ in what they allow); ``@media``,
``@supports`` and ``@container`` blocks are scoped inside, other at-rules
(``@font-face``, ``@keyframes``) kept as they are.
"""

from __future__ import annotations

import re

__all__ = ["scope_css", "scope_styles"]

_PAGE = re.compile(r"^(?::root|html|body)(?=$|[\s>+~:.\[#])")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _selector(selector: str, scope: str) -> str:
    selector = selector.strip()
    if not selector:
        return selector
    attached = False  # ``body.dark`` → ``.scope.dark``; ``body .dark`` → ``.scope .dark``
    while True:  # ``html body h1`` → ``.scope h1``
        match = _PAGE.match(selector)
        if match is None:
            break
        rest = selector[match.end() :]
        attached = bool(rest) and not rest[0].isspace()
        selector = rest.lstrip()
    if not selector:
        return scope
    if attached and not selector.startswith(("::", ">", "+", "~")):
        return f"{scope}{selector}"
    return f"{scope} {selector}"


def scope_css(css: str, scope: str) -> str:
    """Prefix every selector of ``css`` with ``scope`` (e.g. ``.partnerkit-report-1a2b``).

    Args:
        css: A stylesheet.
        scope: The selector of the element the styles are for.

    Returns:
        The stylesheet with every rule applying only inside ``scope``.
    """
    css = _COMMENT.sub("", css)
    out: list[str] = []
    i = 0
    while i < len(css):
        brace = css.find("{", i)
        if brace < 0:
            if css[i:].strip():
                out.append(css[i:].strip())
            break
        head = css[i:brace].strip()
        end = _matching(css, brace)
        inner = css[brace + 1 : end]
        if head.startswith(("@media", "@supports", "@container")):
            out.append(f"{head} {{{scope_css(inner, scope)}}}")
        elif head.startswith("@"):
            out.append(f"{head} {{{inner}}}")
        else:
            heads = ", ".join(_selector(s, scope) for s in head.split(","))
            out.append(f"{heads} {{{inner}}}")
        i = end + 1
    return "\n".join(out)


def _matching(css: str, start: int) -> int:
    depth = 0
    for j in range(start, len(css)):
        if css[j] == "{":
            depth += 1
        elif css[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(css)


def scope_styles(html: str, scope: str) -> str:
    """Scope every ``<style>`` element inside an HTML fragment (charts may carry their own)."""
    return re.sub(
        r"(<style[^>]*>)(.*?)(</style>)",
        lambda m: m[1] + scope_css(m[2], scope) + m[3],
        html,
        flags=re.S | re.I,
    )
