"""Patient leaflets: what to say (``content``, plain data) and how it is printed (``render``, ReportLab).

Nothing here imports ReportLab at module level; fonts are registered on first render, once per process.
"""

LEAFLET_VERSION = "1.0"
