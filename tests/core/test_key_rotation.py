"""Personal-data key rotation (docs/security.md "Personal data"): several keys, the token's
prefix choosing the key, `rotate_personal_data_key` re-encrypting everything under the
current key in batches, idempotently, after which the old key can be removed; and
`--reindex` after a change of the blind-index key."""

import base64
import io
import os

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from jiebang.core import crypto
from jiebang.core.management.commands.rotate_personal_data_key import encrypted_fields
from jiebang.demands.models import Demand
from jiebang.orgs.models import Organization, Person, User
from jiebang.orgs.services import set_contact_phone
from tests.demands.builders import valid_tb_demand
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_id_number

pytestmark = pytest.mark.integration

KEY1 = base64.urlsafe_b64encode(os.urandom(32)).decode()
KEY2 = base64.urlsafe_b64encode(os.urandom(32)).decode()


def _tokens() -> dict[tuple[str, int], str]:
    """(model.field, pk) → the stored token, for every non-empty encrypted value."""
    found = {}
    with connection.cursor() as cursor:
        for model, field in encrypted_fields():
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(field.column)
            cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
            for pk, token in cursor.fetchall():
                found[(f"{model._meta.label}.{field.name}", pk)] = token
    return found


def _rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_personal_data_key", *args, stdout=out)
    return out.getvalue()


def _world() -> dict:
    """Personal data in every kind of row that holds it, with the values to read back."""
    people = [
        PersonFactory(id_plain=make_id_number(700 + i), phone=f"1380000000{i}") for i in range(5)
    ]
    org = OrganizationFactory()
    set_contact_phone(org, "0991-2824158")
    org.save()
    user = UserFactory(mobile_number="13899100001")
    demand, _applicant = valid_tb_demand()
    return {
        "people": {p.pk: (p.id_number, p.phone) for p in people},
        "org": (org.pk, "0991-2824158"),
        "user": (user.pk, "13899100001"),
        "demand": (demand.pk, Demand.objects.get(pk=demand.pk).contact_phone),
    }


def _assert_readable(world):
    for pk, (id_number, phone) in world["people"].items():
        person = Person.objects.get(pk=pk)
        assert (person.id_number, person.phone) == (id_number, phone)
    assert Organization.objects.get(pk=world["org"][0]).contact_phone == world["org"][1]
    assert User.objects.get(pk=world["user"][0]).mobile == world["user"][1]
    assert Demand.objects.get(pk=world["demand"][0]).contact_phone == world["demand"][1]


def test_every_encrypted_field_is_found():
    labels = {f"{m._meta.label}.{f.name}" for m, f in encrypted_fields()}
    assert labels >= {
        "orgs.Organization.contact_phone",
        "orgs.User.mobile",
        "orgs.Person.id_number",
        "orgs.Person.phone",
        "demands.Demand.contact_phone",
        "notices.Objection.id_number",
        "notices.Objection.phone",
        "core.ImportJob.secrets",
    }


@pytest.mark.django_db
def test_rotate_from_v1_to_v2_then_remove_v1(settings):
    # Written under the old single-key setting: key id v1.
    settings.PERSONAL_DATA_KEYS = []
    settings.PERSONAL_DATA_KEY = KEY1
    world = _world()
    before = _tokens()
    assert len(before) >= 14
    assert {crypto.key_id_of(t) for t in before.values()} == {"v1"}

    # A new key goes first; the old one still decrypts.
    settings.PERSONAL_DATA_KEYS = [f"v2:{KEY2}", f"v1:{KEY1}"]
    settings.PERSONAL_DATA_KEY = ""
    assert crypto.current_key_id() == "v2"
    _assert_readable(world)  # v1 tokens read through their prefix
    with pytest.raises(CommandError, match="仍有"):
        _rotate("--check")

    output = _rotate("--batch-size", "2")
    assert "当前密钥：v2" in output
    people = sum(1 for label, _pk in before if label == "orgs.Person.id_number")
    assert people >= 5
    assert f"orgs.Person.id_number：重新加密 {people} 条，已是 v2 的 0 条" in output
    assert f"共重新加密 {len(before)} 条。" in output
    after = _tokens()
    assert after.keys() == before.keys()
    assert {crypto.key_id_of(t) for t in after.values()} == {"v2"}  # none left under v1
    assert all(after[k] != before[k] for k in before)
    _assert_readable(world)

    # Idempotent: nothing left to do, nothing rewritten.
    again = _rotate("--batch-size", "2")
    assert "共重新加密 0 条。" in again
    assert f"orgs.Person.id_number：重新加密 0 条，已是 v2 的 {people} 条" in again
    assert _tokens() == after
    assert "全部个人信息均已用当前密钥 v2 加密。" in _rotate("--check")

    # The old key can go: everything still reads; a v1 token no longer can.
    settings.PERSONAL_DATA_KEYS = [f"v2:{KEY2}"]
    _assert_readable(world)
    old_token = next(iter(before.values()))
    with pytest.raises(crypto.UnknownKeyError):
        crypto.decrypt(old_token)


@pytest.mark.django_db
def test_rotation_stops_on_a_value_whose_key_is_gone(settings):
    settings.PERSONAL_DATA_KEYS = [f"v1:{KEY1}"]
    PersonFactory(phone="13800000000")
    settings.PERSONAL_DATA_KEYS = [f"v3:{KEY2}"]  # v1 dropped too early
    with pytest.raises(CommandError, match="is its key still in PERSONAL_DATA_KEYS"):
        _rotate()


@pytest.mark.django_db
def test_new_values_are_written_under_the_current_key(settings):
    settings.PERSONAL_DATA_KEYS = [f"v2:{KEY2}", f"v1:{KEY1}"]
    person = PersonFactory(phone="13800000000")
    token = _tokens()[("orgs.Person.phone", person.pk)]
    assert token.startswith("v2:")
    # The key id is authenticated: relabelling a token to another key fails.
    with pytest.raises(crypto.InvalidTag):
        crypto.decrypt("v1:" + token.partition(":")[2])


def test_key_selection_by_prefix_and_the_legacy_setting(settings):
    settings.PERSONAL_DATA_KEYS = []
    settings.PERSONAL_DATA_KEY = KEY1
    legacy = crypto.encrypt("650102198001011234")
    assert legacy.startswith("v1:")
    # The same key listed as v1 reads it; so does the legacy setting beside a new key.
    settings.PERSONAL_DATA_KEY = ""
    settings.PERSONAL_DATA_KEYS = [f"v1:{KEY1}"]
    assert crypto.decrypt(legacy) == "650102198001011234"
    settings.PERSONAL_DATA_KEYS = [f"v2:{KEY2}"]
    settings.PERSONAL_DATA_KEY = KEY1
    assert crypto.decrypt(legacy) == "650102198001011234"
    assert crypto.encrypt("x").startswith("v2:")
    assert list(crypto.data_keys()) == ["v2", "v1"]


@pytest.mark.parametrize(
    ("keys", "legacy", "message"),
    [
        (["v2"], "", "id:base64key"),
        (["v2:not base64!"], "", "valid base64"),
        ([f"v2:{base64.urlsafe_b64encode(b'short').decode()}"], "", "32 bytes"),
        ([f"v2:{KEY1}", f"v2:{KEY2}"], "", "twice"),
        (["bad id:" + KEY1], "", "id:base64key"),
        ([f"v1:{KEY1}"], KEY2, "differ"),
    ],
)
def test_a_bad_key_configuration_is_refused(settings, keys, legacy, message):
    settings.PERSONAL_DATA_KEYS = keys
    settings.PERSONAL_DATA_KEY = legacy
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.data_keys()
    assert [e.id for e in run_checks() if e.id.startswith("jiebang.E002")] == ["jiebang.E002"]


@pytest.mark.django_db
def test_reindex_after_changing_the_blind_index_key(settings, client):
    settings.BLIND_INDEX_KEY = KEY1
    id_number = make_id_number(801)
    person = PersonFactory(id_plain=id_number)
    user = UserFactory(mobile_number="13899100009")
    assert Person.objects.filter(id_index=crypto.blind_index(id_number)).get() == person

    settings.BLIND_INDEX_KEY = KEY2
    # Until re-indexed, equality search finds nothing (hence: re-index at once).
    assert not Person.objects.filter(id_index=crypto.blind_index(id_number)).exists()
    output = _rotate("--reindex", "--batch-size", "1")
    assert "orgs.Person.id_index：重新计算盲索引" in output
    assert Person.objects.filter(id_index=crypto.blind_index(id_number)).get() == person
    assert User.objects.filter(mobile_index=crypto.blind_index("13899100009")).get() == user
    # Users without a mobile keep a NULL index (the column is unique).
    nobody = UserFactory()
    _rotate("--reindex")
    assert User.objects.get(pk=nobody.pk).mobile_index is None
