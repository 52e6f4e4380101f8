-- Services directory (issue 5). List-valued fields are JSON arrays of text; dates are ISO 8601.
CREATE TABLE directory_service (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    summary        TEXT NOT NULL,
    categories     TEXT NOT NULL,
    phone          TEXT NOT NULL DEFAULT '',
    phone_note     TEXT NOT NULL DEFAULT '',
    text_number    TEXT NOT NULL DEFAULT '',
    text_note      TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    website        TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    hours          TEXT NOT NULL DEFAULT '',
    self_referral  INTEGER CHECK (self_referral IN (0, 1)),
    languages      TEXT NOT NULL DEFAULT '[]',
    area           TEXT NOT NULL DEFAULT '',
    national       INTEGER NOT NULL DEFAULT 0 CHECK (national IN (0, 1)),
    last_verified  TEXT,
    verified_by    TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sources        TEXT NOT NULL DEFAULT '[]',
    do_not_print   TEXT NOT NULL DEFAULT '[]',
    confidence     TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Every import (seed, admin file, IT-managed file): what was read and what it changed.
-- The start-up import of the IT-managed file compares its mtime and hash with the last row here.
CREATE TABLE directory_import (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('seed', 'file', 'managed')),
    sha256       TEXT NOT NULL,
    mtime_ns     INTEGER,
    added        INTEGER NOT NULL,
    changed      INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    imported_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX directory_import_source ON directory_import (source, id);
