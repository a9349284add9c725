"""Layout files: what a sheet looks like and what is computed from what, read from templates/."""

from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.model import Layout
from xlsxsheet.layout.registry import LayoutRegistry, default_registry

__all__ = ["Layout", "LayoutRegistry", "default_registry", "load_layout"]
