"""提出窓口: the departments and the central office use xlsxsheet from a browser.

A thin Flask layer over the library (`create_app`); served by waitress (`xlsxsheet serve`).
"""

from __future__ import annotations

from xlsxsheet.web.app import create_app

__all__ = ["create_app"]
