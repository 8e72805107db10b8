"""Reads written as SQL text, run by a lablog.reader.Reader.

These modules import neither SQLAlchemy nor the table classes, so a command
that only reads them starts fast. Services reuse them inside their own
sessions through reader.SessionReader, so each query exists once.
"""
