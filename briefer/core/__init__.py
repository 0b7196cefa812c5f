"""Briefer's domain, project store, import and services. Never imports Qt."""
