"""What the seed directory puts on patient leaflets is patient text, never a researcher's note."""

from __future__ import annotations

import re

from app.directory.seed import load_seed_services

NOTE_WORDS = re.compile(r"re-check|recheck|funding|confidence|source|unconfirmed|TODO", re.IGNORECASE)


def test_printed_fields_of_seed_services_hold_no_research_notes() -> None:
    for service in load_seed_services():
        for field in ("name", "summary", "hours", "phone_note", "text_note", "address"):
            value = getattr(service, field)
            assert not NOTE_WORDS.search(value), f"{service.id}.{field}: {value!r}"


def test_every_seed_service_keeps_a_source_for_what_it_prints() -> None:
    for service in load_seed_services():
        assert service.sources, service.id
        assert all(source.url.startswith(("https://", "http://")) for source in service.sources), service.id
