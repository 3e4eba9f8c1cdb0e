"""Shared helpers of the browser tests."""

from axe_playwright_python.sync_playwright import Axe


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG violations on the current page."""
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
