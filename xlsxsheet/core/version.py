"""The version of xlsxsheet (written into every template's metadata)."""

__version__ = "0.1.0"
