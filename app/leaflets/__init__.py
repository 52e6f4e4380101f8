"""Patient leaflets: what to say (``content``, plain data) and how it is printed (``render``, ReportLab).

Nothing here imports ReportLab at module level; fonts are registered on first render, once per process.
"""

LEAFLET_VERSION = "1.0"

# Crisis lines: the national services printed in every leaflet's crisis section (see ``build.crisis_services``).
CRISIS_SERVICE_IDS = ("nhs-111-mental-health", "samaritans")
