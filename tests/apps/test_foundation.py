"""Places, roles and the audit chain, on SQLite and (with DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from huanjie.apps.accounts.selectors import can_change, can_see, visible_areas
from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.audit.services import audit_record, verify_chain
from huanjie.apps.places.models import Area
from huanjie.apps.places.services import AreaError, area_create
from tests.apps.conftest import PASSWORD


def test_tree_levels_and_paths(tree: dict[str, Area]) -> None:
    assert tree["group"].level == Area.Level.GROUP
    assert tree["group"].is_within(tree["county"])
    assert not tree["hongxing"].is_within(tree["qingshan"])
    with pytest.raises(AreaError, match="已有"):
        area_create(acting_user=None, name="青山村", parent=tree["town"])
    with pytest.raises(AreaError, match="不能再设下级"):
        area_create(acting_user=None, name="某组", parent=tree["group"])


def test_roles_see_and_change_only_their_own_area(
    tree: dict[str, Area], users: dict[str, Any]
) -> None:
    q, h = tree["qingshan"], tree["hongxing"]
    assert can_change(users["qingshan"], q)
    assert not can_see(users["qingshan"], h)
    assert set(visible_areas(users["qingshan"])) == {q, tree["group"]}
    assert can_change(users["town"], h)
    assert not can_see(users["town"], tree["other_town"])
    assert can_see(users["county"], tree["other_town"])
    assert not can_change(users["county"], q)  # organisers look; the township office acts
    assert can_see(users["observer"], h)
    assert not can_change(users["observer"], h)


def test_passwords_are_argon2(users: dict[str, Any]) -> None:
    assert users["town"].password.startswith("argon2$argon2id$")


def test_login_needs_csrf_and_home_shows_only_own_areas(users: dict[str, Any]) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "qingshan", "password": PASSWORD})
    assert response.status_code == 403  # no CSRF token
    client = Client()
    assert client.get("/").status_code == 302
    assert client.login(username="qingshan", password=PASSWORD)
    page = client.get("/").content.decode()
    assert "青山村" in page
    assert "红星村" not in page


def test_every_change_is_audited_and_the_chain_verifies(
    tree: dict[str, Area], users: dict[str, Any]
) -> None:
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.action for e in entries[:6]] == ["area.create"] * 6
    assert entries[-1].action == "user.create"
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert list(verify_chain()) == []
    call_command("verify_audit")


def test_audit_is_append_only_in_the_database(tree: dict[str, Area]) -> None:
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=entry.seq).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=entry.seq).delete()


def test_tampering_is_detected(tree: dict[str, Area]) -> None:
    """Someone with raw database access disables the guard and edits a row."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_no_update")
        else:
            cur.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_no_update_delete")
        cur.execute("UPDATE audit_auditentry SET after = %s WHERE seq = 3", ['{"name": "假村"}'])
    problems = list(verify_chain())
    assert [p.seq for p in problems] == [3]
    assert "被修改" in problems[0].problem
    with pytest.raises(Exception, match="审计日志校验失败"):
        call_command("verify_audit")


def test_audit_record_refuses_to_run_outside_a_transaction(transactional_db: Any) -> None:
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        audit_record(acting_user=None, action="x.y", object_type="t", object_id="1")


def test_a_failed_change_leaves_no_audit_row(tree: dict[str, Area]) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(AreaError):
        area_create(acting_user=None, name="  ", parent=tree["town"])
    assert AuditEntry.objects.count() == before
