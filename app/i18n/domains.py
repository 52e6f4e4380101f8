"""The two gettext domains: ``ui`` (staff-facing) and ``leaflet`` (patient-facing)."""

from __future__ import annotations

UI_DOMAIN = "ui"
LEAFLET_DOMAIN = "leaflet"
DOMAINS: tuple[str, ...] = (UI_DOMAIN, LEAFLET_DOMAIN)
