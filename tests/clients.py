"""The real clients our users have, driven from the tests: LibreOffice, poppler and Chromium.

One home for how each is started, so every test opens files the way a person's machine does:
- `soffice_convert` converts with LibreOffice headless (Debian's `libreoffice-calc` /
  `libreoffice-writer`), each call in its own throwaway user profile so parallel conversions
  never share a lock; `soffice_convert_many` converts several files in one start;
- `pdf_pages` and `pdf_text` read a PDF with poppler (`pdfinfo`, `pdftotext`), `pdf_to_png`
  renders its pages for a person to look at;
- `chromium_page` opens a page in Debian's Chromium through Playwright (never `playwright install`).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _require(tool: str, make_target: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run `make {make_target}`")
    return path


def soffice_convert(src: Path, to: str, out_dir: Path, timeout: float = 180) -> Path:
    """Convert `src` with LibreOffice headless (`to`: pdf, xlsx, xls, ods, docx, ...); return the new file."""
    return soffice_convert_many([src], to, out_dir, timeout)[0]


def soffice_convert_many(srcs: list[Path], to: str, out_dir: Path, timeout: float = 240) -> list[Path]:
    """Convert several files in one LibreOffice start (it costs seconds each); the new files in order.
    `out_dir` must not be the folder of a source of the same format, or the copy would overwrite it."""
    soffice = _require("soffice", "office")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        proc = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                to,
                "--outdir",
                str(out_dir),
                *map(str, srcs),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    produced = [out_dir / f"{src.stem}.{to.split(':', 1)[0]}" for src in srcs]
    missing = [p.name for p in produced if not p.exists()]
    if proc.returncode != 0 or missing:
        raise AssertionError(f"LibreOffice did not convert {missing or srcs} to {to}: {proc.stdout}\n{proc.stderr}")
    return produced


@dataclass(frozen=True)
class PdfPage:
    number: int
    width_pt: float
    height_pt: float

    @property
    def landscape(self) -> bool:
        return self.width_pt > self.height_pt


def pdf_pages(pdf: Path) -> list[PdfPage]:
    """Every page of `pdf` with its size in points (pdfinfo)."""
    pdfinfo = _require("pdfinfo", "office")
    out = subprocess.run(
        [pdfinfo, "-f", "1", "-l", "100000", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for m in re.finditer(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", out, re.MULTILINE):
        pages.append(PdfPage(int(m.group(1)), float(m.group(2)), float(m.group(3))))
    return pages


def pdf_text(pdf: Path, layout: bool = True) -> str:
    """The text of `pdf` (pdftotext; `layout` keeps columns apart). Pages are separated by form feeds."""
    pdftotext = _require("pdftotext", "office")
    args = [pdftotext, "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_to_png(pdf: Path, out_prefix: Path, dpi: int = 60, first: int = 1, last: int = 1) -> list[Path]:
    """Render pages `first`..`last` of `pdf` to PNG files beside `out_prefix`; return them."""
    pdftoppm = _require("pdftoppm", "office")
    subprocess.run(
        [pdftoppm, "-png", "-r", str(dpi), "-f", str(first), "-l", str(last), str(pdf), str(out_prefix)], check=True
    )
    return sorted(out_prefix.parent.glob(f"{out_prefix.name}*.png"))


@contextlib.contextmanager
def chromium_page(width: int = 1366, height: int = 900, device_scale_factor: float = 1, is_mobile: bool = False):
    """A Playwright page in Debian's Chromium at the given viewport (a phone: width=390, is_mobile=True)."""
    _require("chromium", "browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=device_scale_factor,
                is_mobile=is_mobile,
                has_touch=is_mobile,
            )
            yield context.new_page()
        finally:
            browser.close()
