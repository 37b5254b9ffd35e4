"""The report as PDF, printed by headless Chromium: the browser's own print engine.

No Python dependency: partnerkit runs the Chromium (or Chrome) installed on the machine,
``chromium --headless --print-to-pdf``, on the report's HTML written to a temporary
folder. The page has no script and may load nothing (its Content-Security-Policy), and
the browser runs with a throwaway profile and its background network features off, so
printing reaches no network. The report's print stylesheet (``@media print``) lays it
out on A4.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from partnerkit.errors import BrowserError, BrowserNotFoundError

__all__ = ["BROWSERS", "BROWSER_VARIABLE", "find_browser", "print_pdf"]

#: The commands looked for on ``PATH``, in order.
BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
#: An environment variable naming the browser (a path or a command), looked at first.
BROWSER_VARIABLE = "PARTNERKIT_BROWSER"
_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
)


def find_browser(browser: str | os.PathLike[str] | None = None) -> str:
    """The browser to print with: ``browser``, else ``$PARTNERKIT_BROWSER``, else on ``PATH``.

    Args:
        browser: A path or command name; when given, only it is looked for.

    Returns:
        The browser's executable path.

    Raises:
        BrowserNotFoundError: None of them is there.
    """
    named = os.fspath(browser) if browser is not None else os.environ.get(BROWSER_VARIABLE)
    tried = (named,) if named else BROWSERS
    for candidate in tried:
        found = shutil.which(candidate)
        if found is not None:
            return found
    raise BrowserNotFoundError(tried)


def print_pdf(
    html: str,
    path: str | os.PathLike[str],
    *,
    browser: str | os.PathLike[str] | None = None,
    timeout: float = 120.0,
) -> Path:
    """Print a self-contained HTML page to a PDF file with headless Chromium.

    Args:
        html: The page.
        path: The PDF file to write (its folder is created if needed).
        browser: The browser (see :func:`find_browser`).
        timeout: Seconds the browser may take.

    Returns:
        The PDF's path.

    Raises:
        BrowserNotFoundError: No browser is installed (or the one named is not there).
        BrowserError: The browser ran but wrote no PDF.
    """
    executable = find_browser(browser)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="partnerkit-pdf-") as tmp:
        folder = Path(tmp)
        page = folder / "report.html"
        page.write_text(html, encoding="utf-8")
        printed = folder / "report.pdf"
        command = [executable, *_FLAGS, f"--user-data-dir={folder / 'profile'}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--no-sandbox")  # Chromium refuses to run as root with it
        command += [f"--print-to-pdf={printed}", page.as_uri()]
        try:
            done = subprocess.run(  # the browser found above, our own flags
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(executable, f"took longer than {timeout:g} s") from exc
        except OSError as exc:
            raise BrowserError(executable, f"could not be started ({exc})") from exc
        if not printed.is_file() or printed.stat().st_size == 0:
            raise BrowserError(
                executable,
                f"exited with status {done.returncode} without writing it",
                returncode=done.returncode,
                output=done.stderr[-2000:],
            )
        shutil.move(printed, target)
    return target
