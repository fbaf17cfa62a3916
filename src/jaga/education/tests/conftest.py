"""Fixtures of the education tests."""

from jaga.core.tests.test_browser import browser, page  # noqa: F401  (the browser test's fixtures)
