"""The store and use-case tests that matter most, run again on PostgreSQL: the same test
functions, gathered here, where `db` and `run` are a PostgreSQL database (tests/pg/conftest.py).
KITHKIN_TEST_ENGINE=postgresql runs any other test module on PostgreSQL the same way."""

from __future__ import annotations

from tests.services.test_circle import *  # noqa: F403
from tests.services.test_people_services import *  # noqa: F403
from tests.services.test_service import *  # noqa: F403
from tests.store.test_agenda import *  # noqa: F403
from tests.store.test_hygiene_store import *  # noqa: F403
from tests.store.test_mail_store import *  # noqa: F403
from tests.store.test_people import *  # noqa: F403
from tests.store.test_trash import *  # noqa: F403
