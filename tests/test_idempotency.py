"""The API's idempotency records (``salesplan.core.services.idempotency``), on both databases:
kept per member and key, a reused key with another request refused, old ones forgotten."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from salesplan.core.context import AppContext
from salesplan.core.errors import DataError
from salesplan.core.services import idempotency


def test_records_are_per_member_and_key(app: AppContext) -> None:
    request = idempotency.fingerprint({"type": "call", "lead": "L1"})
    assert request == idempotency.fingerprint({"lead": "L1", "type": "call"})
    with app.write_session() as session:
        idempotency.remember(session, member="alice", key="k", request_fingerprint=request,
                             status=201, body='{"ok": true}')
        idempotency.remember(session, member="bob", key="k", request_fingerprint=request,
                             status=201, body='{"ok": false}')
        session.commit()
    with app.session() as session:
        found = idempotency.find_record(session, "alice", "k")
        assert found is not None and (found.status, found.body) == (201, '{"ok": true}')
        idempotency.check_same_request(found, request)
        with pytest.raises(DataError, match="was used for another request"):
            idempotency.check_same_request(found, idempotency.fingerprint({"type": "email"}))
        assert idempotency.find_record(session, "carol", "k") is None
    with app.write_session() as session, pytest.raises(IntegrityError):
        idempotency.remember(session, member="alice", key="k", request_fingerprint=request,
                             status=201, body="{}")
    assert idempotency.forget_old(app) == 0
    assert idempotency.forget_old(app, keep=timedelta(seconds=-1)) == 2
    with app.session() as session:
        assert idempotency.find_record(session, "alice", "k") is None


@pytest.mark.parametrize("key", ["", "   ", "x" * 201, "tab\tinside"])
def test_bad_keys_are_refused(key: str) -> None:
    with pytest.raises(DataError) as error:
        idempotency.check_key(key)
    assert error.value.field == "Idempotency-Key"
