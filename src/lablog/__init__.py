"""lablog: a command-line tracker for Scrum-run laboratories."""

__version__ = "0.1.0"
