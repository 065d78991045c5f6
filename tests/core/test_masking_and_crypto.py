"""Personal data shown masked, sealed at rest (AES-256-GCM) and matched by a blind index."""

import hashlib
import re

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from jiebang.core import crypto
from jiebang.core.masking import mask_id_number, mask_phone
from jiebang.orgs.models import Person
from tests.factories import PersonFactory, make_id_number

ID_NUMBER = "650102198001011234"


# --- masking -----------------------------------------------------------------------------


@pytest.mark.unit
def test_mask_id_number_keeps_first_four_and_last_four():
    masked = mask_id_number(ID_NUMBER)
    assert masked == "6501**********1234"
    assert len(masked) == len(ID_NUMBER)
    assert re.fullmatch(r"\d{4}\*{10}\d{4}", masked)


@pytest.mark.unit
def test_mask_id_number_with_x_and_short_values():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_id_number("12345678") == "********"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""


@pytest.mark.unit
def test_mask_phone_for_mobiles_and_landlines():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0991-2824158") == "0991-****4158"
    assert mask_phone("1234") == "****"
    assert mask_phone("") == ""
    for plain in ("13812345678", "0991-2824158"):
        # The middle digits are gone from what is shown.
        assert plain[-8:-4] not in mask_phone(plain)


# --- encryption ---------------------------------------------------------------------------


@pytest.mark.unit
@given(st.text(min_size=1))
def test_encrypt_decrypt_round_trip(plaintext):
    token = crypto.encrypt(plaintext)
    assert token.startswith(f"{crypto.KEY_ID}:")
    assert token != plaintext
    assert crypto.decrypt(token) == plaintext


@pytest.mark.unit
def test_empty_values_stay_empty():
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""


@pytest.mark.unit
def test_two_encryptions_of_the_same_value_differ_and_hide_the_digits():
    long_number = "6501021980010112345678901234567890"
    first, second = crypto.encrypt(long_number), crypto.encrypt(long_number)
    assert first != second  # a fresh nonce each time
    assert crypto.decrypt(first) == crypto.decrypt(second) == long_number
    for token in (first, second):
        assert long_number not in token
        # No run of 6 consecutive plaintext digits survives into the ciphertext.
        for start in range(len(long_number) - 5):
            assert long_number[start : start + 6] not in token


@pytest.mark.unit
def test_tampered_ciphertext_is_rejected():
    token = crypto.encrypt(ID_NUMBER)
    key_id, _, body = token.partition(":")
    # Flip one character inside the sealed body (not the padding).
    index = len(body) // 2
    flipped = body[:index] + ("A" if body[index] != "A" else "B") + body[index + 1 :]
    with pytest.raises(InvalidTag):
        crypto.decrypt(f"{key_id}:{flipped}")
    with pytest.raises(InvalidTag):
        crypto.decrypt(f"v9:{body}")  # the key id is authenticated too


# --- blind index and SM3 ------------------------------------------------------------------


@pytest.mark.unit
def test_blind_index_is_deterministic_and_normalises_case_and_spaces():
    value = "11010519491231002X"
    digest = crypto.blind_index(value)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert crypto.blind_index(value) == digest
    assert crypto.blind_index("11010519491231002x") == digest
    assert crypto.blind_index("  11010519491231002x\n") == digest
    assert crypto.blind_index("110105194912310021") != digest
    assert crypto.blind_index("") == ""


@pytest.mark.unit
def test_blind_index_is_keyed_not_a_plain_hash():
    value = "13812345678"
    digest = crypto.blind_index(value)
    assert digest != crypto.sm3_hex(value.encode())
    assert digest != hashlib.sha256(value.encode()).hexdigest()


@pytest.mark.unit
def test_sm3_matches_the_gbt_32905_vector():
    assert (
        crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    # The second example of GB/T 32905-2016: "abcd" repeated 16 times.
    assert (
        crypto.sm3_hex(b"abcd" * 16)
        == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


# --- EncryptedCharField -------------------------------------------------------------------


def _raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)} "  # noqa: S608
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()[0]


@pytest.mark.integration
@pytest.mark.django_db
def test_encrypted_field_stores_ciphertext_and_loads_plaintext():
    id_plain = make_id_number(7)
    person = PersonFactory(id_plain=id_plain, phone="13812345678")

    raw_id = _raw_column(Person._meta.db_table, "id_number", person.pk)
    raw_phone = _raw_column(Person._meta.db_table, "phone", person.pk)
    for raw, plain in ((raw_id, id_plain), (raw_phone, "13812345678")):
        assert raw.startswith("v1:")
        assert plain not in raw
        assert plain[6:14] not in raw  # not even the birth date / the middle digits
        assert crypto.decrypt(raw) == plain

    loaded = Person.objects.get(pk=person.pk)
    assert loaded.id_number == id_plain
    assert loaded.phone == "13812345678"
    assert loaded.id_index == crypto.blind_index(id_plain)
    assert loaded.id_masked == mask_id_number(id_plain)
    # Matching goes through the blind index, never through the ciphertext.
    assert Person.objects.get(id_index=crypto.blind_index(id_plain.lower())) == loaded


@pytest.mark.integration
@pytest.mark.django_db
def test_encrypted_field_blank_value_is_stored_empty():
    person = PersonFactory(phone="")
    assert _raw_column(Person._meta.db_table, "phone", person.pk) == ""
    assert Person.objects.get(pk=person.pk).phone == ""
