"""xlsxsheet: round-trip the Excel evaluation sheets of Japanese city halls."""

__version__ = "0.1.0"
