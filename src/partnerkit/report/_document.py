"""What every document of the report shares: HTML, Markdown, files, PDF, notebook display.

The monthly report (:class:`~partnerkit.report.MonthlyReport`) and the review documents
(:class:`~partnerkit.report.ReviewDocument`: the quarterly review, the trial verdict,
the source map) are typed sections under a title; :class:`Document` renders them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from partnerkit.report._render import DEFAULT_CSS, DEFAULT_TEMPLATE, render_html, render_markdown
from partnerkit.report._scope import scope_css, scope_styles
from partnerkit.report.sections import Section

__all__ = ["Document"]


@dataclass(kw_only=True)
class Document:
    """Typed sections under a title, rendered to HTML, Markdown and PDF.

    A subclass (a dataclass) adds what it renders (its ``results``) and names its
    files (:meth:`file_stem`). Every field is a keyword of the constructor.

    Attributes:
        workspace_name: The workspace's name.
        locale: The locale it is written in (``he-IL``, ``en-US``).
        rtl: Whether it reads right to left.
        title: Its title.
        subtitle: The workspace (and the period).
        note: What was counted, when, the time zone and the currency.
        sections: The sections, in order.
        css: The stylesheet of the HTML page.
        template: The page template (:class:`string.Template`).
    """

    workspace_name: str
    locale: str
    rtl: bool
    title: str
    subtitle: str
    note: str
    sections: tuple[Section, ...]
    css: str = DEFAULT_CSS
    template: str = DEFAULT_TEMPLATE
    _lang: str = field(default="en", repr=False)
    _written: tuple[Path, ...] = field(default=(), repr=False, compare=False)

    def file_stem(self) -> str:
        """The files' name without extension (``report-2026-10``)."""
        raise NotImplementedError

    def section(self, section_id: str) -> Section:
        """The section with this id.

        Raises:
            KeyError: The document does not include it.
        """
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(f"the document has no {section_id!r} section")

    def to_html(self) -> str:
        """The document as one self-contained HTML page."""
        return render_html(self, lang=self._lang)

    def to_markdown(self) -> str:
        """The document as Markdown (each chart as the table of its numbers)."""
        return render_markdown(
            title=self.title, subtitle=self.subtitle, note=self.note, sections=self.sections
        )

    def write(self, directory: str | Path, *, stem: str | None = None) -> tuple[Path, Path]:
        """Write ``<stem>.html`` and ``<stem>.md`` into a directory (created if needed).

        Args:
            directory: Where to write.
            stem: The file name without extension (default :meth:`file_stem`).

        Returns:
            The HTML file's path and the Markdown file's path.
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        name = stem or self.file_stem()
        html_path = folder / f"{name}.html"
        md_path = folder / f"{name}.md"
        html_path.write_text(self.to_html(), encoding="utf-8")
        md_path.write_text(self.to_markdown(), encoding="utf-8")
        self._written = (html_path, md_path)
        return html_path, md_path

    def write_pdf(
        self,
        path: str | Path,
        *,
        browser: str | Path | None = None,
        timeout: float = 120.0,
    ) -> Path:
        """Print the document to a PDF file (A4) with headless Chromium.

        The browser installed on the machine prints the HTML page with the report's
        print stylesheet; nothing is fetched from the network.

        Args:
            path: The PDF file (its folder is created if needed).
            browser: Chromium or Chrome, a path or a command (default: the
                ``PARTNERKIT_BROWSER`` variable, else ``chromium``, ``google-chrome``
                and the like on ``PATH``).
            timeout: Seconds the browser may take.

        Returns:
            The PDF's path.

        Raises:
            BrowserNotFoundError: No Chromium or Chrome is installed; the message says
                how to install one.
            BrowserError: The browser ran but wrote no PDF.
        """
        from partnerkit.report._pdf import print_pdf

        return print_pdf(self.to_html(), path, browser=browser, timeout=timeout)

    def _repr_html_(self) -> str:
        """The document in a notebook: its body in a wrapper, every style scoped to it.

        The wrapper has the class ``partnerkit-report`` and one of its own
        (``partnerkit-report-<hex>``, new for each display); every selector of the
        report's stylesheet, and of any ``<style>`` inside the body, is prefixed with
        it: nothing restyles the notebook or other outputs
        (:mod:`partnerkit.report._scope`).
        """
        body = self.to_html()
        start = body.find("<body>")
        end = body.rfind("</body>")
        inner = body[start + len("<body>") : end] if start >= 0 and end > start else body
        direction = "rtl" if self.rtl else "ltr"
        name = f"partnerkit-report-{uuid.uuid4().hex[:12]}"
        css = scope_css(self.css, "." + name)
        return (
            f'<div class="partnerkit-report {name}" lang="{self._lang}" dir="{direction}">'
            f"<style>{css}</style>{scope_styles(inner, '.' + name)}</div>"
        )
