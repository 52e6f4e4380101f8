-- Patients and screenings. A screening is never changed in place: an amendment adds a version.

CREATE TABLE patients (
    id               INTEGER PRIMARY KEY,
    identifier_kind  TEXT NOT NULL CHECK (identifier_kind IN ('nhs_number', 'local_number', 'anonymous')),
    identifier_value TEXT,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    CHECK ((identifier_kind = 'anonymous') = (identifier_value IS NULL))
);

CREATE UNIQUE INDEX patients_identifier ON patients (identifier_kind, identifier_value)
    WHERE identifier_value IS NOT NULL;

-- ref is the reference shown to staff (e.g. SP-K7QM-3XRP); current_version points at the latest version.
CREATE TABLE screenings (
    id              INTEGER PRIMARY KEY,
    ref             TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);

-- answers_json: item id -> answer as entered; scores_json: scores, bands and actions computed at save
-- (re-derivable from instrument_id/instrument_version + answers_json); service_ids_json: chosen services.
-- A rowid table (not WITHOUT ROWID): its rows (about 1 KB) then fit on their leaf page instead of
-- spilling into overflow pages, which matters with SQLCipher's memory security (see bench/vault.py).
CREATE TABLE screening_versions (
    id                           INTEGER PRIMARY KEY,
    screening_id                 INTEGER NOT NULL REFERENCES screenings (id),
    version                      INTEGER NOT NULL CHECK (version >= 1),
    patient_id                   INTEGER NOT NULL REFERENCES patients (id),
    date_of_birth                TEXT,
    instrument_id                TEXT NOT NULL,
    instrument_version           TEXT NOT NULL,
    answers_json                 TEXT NOT NULL,
    scores_json                  TEXT NOT NULL,
    setting                      TEXT CHECK (setting IN ('ed', 'ambulance', 'ward', 'other')),
    under_mental_health_services INTEGER CHECK (under_mental_health_services IN (0, 1)),
    risk_to_self                 INTEGER NOT NULL CHECK (risk_to_self IN (0, 1)),
    service_ids_json             TEXT NOT NULL DEFAULT '[]',
    saved_by                     TEXT NOT NULL,
    saved_at                     TEXT NOT NULL,
    amendment_reason             TEXT,
    UNIQUE (screening_id, version)
);

CREATE INDEX screening_versions_patient ON screening_versions (patient_id);

CREATE TRIGGER screening_versions_no_update BEFORE UPDATE ON screening_versions
BEGIN
    SELECT RAISE(ABORT, 'screenings are amended by adding a version, never changed in place');
END;

CREATE TRIGGER screening_versions_no_delete BEFORE DELETE ON screening_versions
BEGIN
    SELECT RAISE(ABORT, 'screenings are never deleted by staff');
END;
