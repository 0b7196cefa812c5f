"""Briefer: turn a corpus of sources into a cited briefing."""

__version__ = "0.1.0"
