"""Nothing identifiable touches disk in clear: every file in the data directory is searched for patient strings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from vault_support import ADMIN, ADMIN_PASSWORD, answers, cost, draft, new_vault

from app.records.screenings import list_screenings, save_screening
from app.vault.backup import write_backup
from app.vault.session import sign_in

LOCAL_NUMBERS = ["ZQX-PATIENT-7731", "MRN-QUOKKA-0042"]
NHS_NUMBER = "4010232137"
OTHER_SUBSTANCE = "Xanthoria kombucha vapour"


def _distinctive_strings() -> list[bytes]:
    texts = [*LOCAL_NUMBERS, NHS_NUMBER, OTHER_SUBSTANCE, "1931-07-14"]
    found: list[bytes] = []
    for text in texts:
        found += [text.encode("utf-8"), text.encode("utf-16-le"), text.lower().encode("utf-8")]
    return found


def test_no_patient_string_in_any_file_of_the_data_dir(data_dir: Path, tmp_path: Path) -> None:
    session, _ = new_vault(data_dir)
    save_screening(session, draft(identifier_kind="nhs_number", identifier=NHS_NUMBER,
                                  date_of_birth=dt.date(1931, 7, 14)))
    for number in LOCAL_NUMBERS:
        save_screening(session, draft(identifier_kind="local_number", identifier=number,
                                      answers=answers(**{"other.use": "yes", "other.what": OTHER_SUBSTANCE})))
    session.close()
    # A second sign-in makes the daily backup; keep this session open so the WAL still holds data.
    open_session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    save_screening(open_session, draft(identifier_kind="local_number", identifier="MRN-QUOKKA-0042"))
    write_backup(open_session, data_dir / "backups" / "manual.spbackup")
    assert len(list_screenings(open_session)) == 4
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"signpost.db", "signpost.db-wal", "keyslots.json", "manual.spbackup"} <= names
    assert any(p.parent.name == "backups" and p.name.startswith("signpost-") for p in files)
    for path in files:
        content = path.read_bytes()
        leaks = [s for s in _distinctive_strings() if s in content]
        assert leaks == [], f"{path.name} holds {leaks}"
    open_session.close()
    for path in (p for p in data_dir.rglob("*") if p.is_file()):
        content = path.read_bytes()
        assert [s for s in _distinctive_strings() if s in content] == [], path.name
