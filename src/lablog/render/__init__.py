"""Turning Read models into tables, JSON and Markdown."""
