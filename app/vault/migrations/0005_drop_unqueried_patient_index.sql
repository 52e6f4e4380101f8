-- No query looks up screening_versions by patient_id: every query reaches the patient from a version
-- (p.id = v.patient_id, the patients rowid), and a patient row is never deleted or re-keyed, so the
-- foreign key never searches the child side either. The index only cost every save one more page to
-- write (and, with SQLCipher, to encrypt and sign): about one page in eleven (see docs/decisions.md).
DROP INDEX screening_versions_patient;
