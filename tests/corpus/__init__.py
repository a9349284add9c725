"""A corpus of damaged and unusual workbooks, each built by a test from a real template."""
