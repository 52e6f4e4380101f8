"""Signpost: ASSIST-Lite screening, encrypted records and signposting leaflets (domain core, no Qt)."""

__version__ = "0.1.0"
