-- The CHECKs of the two tables every save writes, with the same meaning, written as comparisons joined
-- by OR. SQLite checks "x IN (a, b, c)" (three or more values) by building a temporary index on every
-- insert; with SQLCipher's memory security each of its allocations is locked into memory and wiped, which
-- made those indexes about a third of the allocations of a save (see bench/vault.py and docs/decisions.md).
-- Tables are rebuilt the way SQLite documents (new table, copy, drop, rename); ``migrate`` runs this with
-- foreign keys off and checks them all before it commits.

CREATE TABLE patients_new (
    id               INTEGER PRIMARY KEY,
    identifier_kind  TEXT NOT NULL CHECK (
        identifier_kind = 'nhs_number' OR identifier_kind = 'local_number' OR identifier_kind = 'anonymous'
    ),
    identifier_value TEXT,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    CHECK ((identifier_kind = 'anonymous') = (identifier_value IS NULL))
);
INSERT INTO patients_new (id, identifier_kind, identifier_value, created_at, created_by)
    SELECT id, identifier_kind, identifier_value, created_at, created_by FROM patients;
DROP TABLE patients;
ALTER TABLE patients_new RENAME TO patients;
CREATE UNIQUE INDEX patients_identifier ON patients (identifier_kind, identifier_value)
    WHERE identifier_value IS NOT NULL;

CREATE TABLE screening_versions_new (
    id                           INTEGER PRIMARY KEY,
    screening_id                 INTEGER NOT NULL REFERENCES screenings (id),
    version                      INTEGER NOT NULL CHECK (version >= 1),
    patient_id                   INTEGER NOT NULL REFERENCES patients (id),
    date_of_birth                TEXT,
    instrument_id                TEXT NOT NULL,
    instrument_version           TEXT NOT NULL,
    answers_json                 TEXT NOT NULL,
    scores_json                  TEXT NOT NULL,
    setting                      TEXT CHECK (
        setting = 'ed' OR setting = 'ambulance' OR setting = 'ward' OR setting = 'other'
    ),
    under_mental_health_services INTEGER CHECK (under_mental_health_services IN (0, 1)),
    risk_to_self                 INTEGER NOT NULL CHECK (risk_to_self IN (0, 1)),
    service_ids_json             TEXT NOT NULL DEFAULT '[]',
    saved_by                     TEXT NOT NULL,
    saved_at                     TEXT NOT NULL,
    amendment_reason             TEXT,
    UNIQUE (screening_id, version)
);
INSERT INTO screening_versions_new (
    id, screening_id, version, patient_id, date_of_birth, instrument_id, instrument_version, answers_json,
    scores_json, setting, under_mental_health_services, risk_to_self, service_ids_json, saved_by, saved_at,
    amendment_reason
)
    SELECT id, screening_id, version, patient_id, date_of_birth, instrument_id, instrument_version, answers_json,
        scores_json, setting, under_mental_health_services, risk_to_self, service_ids_json, saved_by, saved_at,
        amendment_reason
    FROM screening_versions;
DROP TABLE screening_versions;
ALTER TABLE screening_versions_new RENAME TO screening_versions;
CREATE INDEX screening_versions_patient ON screening_versions (patient_id);

CREATE TRIGGER screening_versions_no_update BEFORE UPDATE ON screening_versions
BEGIN
    SELECT RAISE(ABORT, 'screenings are amended by adding a version, never changed in place');
END;

CREATE TRIGGER screening_versions_no_delete BEFORE DELETE ON screening_versions
BEGIN
    SELECT RAISE(ABORT, 'screenings are never deleted by staff');
END;
