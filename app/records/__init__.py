"""Patients, screenings and the audit chain."""
