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


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


@pytest.mark.replica
@has_replica
@pytest.mark.django_db(databases=["default", "replica"])
@pytest.mark.parametrize("role", ["province_admin", "branch_staff"])
def test_the_dashboard_reads_coverage_from_the_replica_and_scope_and_queues_from_the_primary(
    client, request, role
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        with CaptureQueriesContext(connections["default"]) as on_default:
            response = client.get("/admin/")
    assert response.status_code == 200
    replica_sql, default_sql = _tables(on_replica), _tables(on_default)
    assert "enrollment_coveragesummary" in replica_sql
    assert "enrollment_unitmonthsummary" in replica_sql
    assert "enrollment_coveragesummary" not in default_sql  # no coverage figure from the primary
    assert "enrollment_roster" not in replica_sql  # work queues: a roster just sent shows at once
    if role == "branch_staff":
        assert "enrollment_roster" in default_sql
        assert "regencies_branchassignment" in default_sql  # the scope, from the primary
        assert "regencies_branchassignment" not in replica_sql
    connections["replica"].close()


@pytest.mark.replica
@has_replica
@pytest.mark.django_db(databases=["default", "replica"])
def test_the_budget_forecast_reads_from_the_replica(client, province_admin):
    client.force_login(province_admin)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        with CaptureQueriesContext(connections["default"]) as on_default:
            response = client.get("/admin/enrollment/bill/forecast/")
    assert response.status_code == 200
    assert "enrollment_roster" in _tables(on_replica)
    assert "enrollment_roster" not in _tables(on_default)
    connections["replica"].close()
