"""PDF from HTML by WeasyPrint (the annual report, lesson handouts): vector, tagged for screen readers."""

from __future__ import annotations


def html_to_pdf(page: str) -> bytes:
    """A4 (or what the page's @page says), tagged as PDF/UA where WeasyPrint can. Needs Pango from the system."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # Pango is missing: a system package, see the README
        raise RuntimeError(f"WeasyPrint cannot start ({exc}); install libpango-1.0-0 and fonts-dejavu-core") from exc
    return bytes(HTML(string=page).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=False))
