"""Fixtures of the research tests."""

from jaga.core.tests.test_browser import browser, page  # noqa: F401  (the browser test's fixtures)
