"""Dashboard and report reads go to the read replica inside `reading_from_replica()` only."""

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from bpjs_tracker.db_router import ReplicaRouter, reading_from_replica
from regencies.models import Regency

router = ReplicaRouter()
has_replica = pytest.mark.skipif(
    "replica" not in settings.DATABASES, reason="needs DATABASE_REPLICA_URL (.ci/run sets it)"
)


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_reads_go_to_default_outside_the_block_and_without_a_replica(settings):
    settings.DATABASES = {**settings.DATABASES}
    settings.DATABASES.pop("replica", None)
    assert router.db_for_read(Regency) == "default"
    with reading_from_replica():
        assert router.db_for_read(Regency) == "default"  # no replica: nothing changes


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_reads_in_the_block_go_to_the_replica_and_writes_never(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": {"ENGINE": "x"}}
    with reading_from_replica():
        assert router.db_for_read(Regency) == "replica"
        assert router.db_for_write(Regency) == "default"
    assert router.db_for_read(Regency) == "default"  # the block ends, so does the replica
    assert router.allow_migrate("replica", "regencies") is False
    assert router.allow_migrate("default", "regencies") is True


@pytest.mark.replica
@has_replica
@pytest.mark.django_db(databases=["default", "replica"])
def test_a_second_alias_on_the_same_server_serves_the_reads():
    expected = Regency.objects.filter(code__startswith="74.").count()
    assert expected > 0  # the session's reference data
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        with reading_from_replica():
            regencies = Regency.objects.filter(code__startswith="74.")
            assert regencies.db == "replica"
            assert regencies.count() == expected
    assert len(on_replica.captured_queries) == 1
    replica, default = connections["replica"], connections["default"]
    assert replica.settings_dict["NAME"] == default.settings_dict["NAME"]  # the test mirror
    replica.close()  # or the test database cannot be dropped at the end
