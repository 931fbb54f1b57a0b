"""The SQLite triggers that make the audit table append-only (used by migration 0002)."""

SQLITE_NO_UPDATE = """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"""
SQLITE_NO_DELETE = """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"""
