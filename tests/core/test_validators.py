"""Chinese identifiers: resident ID (GB 11643), USCC (GB 32100-2015), mobiles and landlines."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from jiebang.core import clock
from jiebang.core.validators import (
    ID_CHECK,
    USCC_CHARSET,
    id_check_digit,
    is_valid_id_number,
    is_valid_mobile,
    is_valid_uscc,
    uscc_check_character,
    validate_id_number,
    validate_mobile,
    validate_phone,
    validate_uscc,
)

pytestmark = pytest.mark.unit

# The worked example of GB 11643-1999 (Beijing, Chaoyang; born 1949-12-31; check character X).
KNOWN_ID = "11010519491231002X"
# A USCC of a real registered enterprise (Fuzhou), printed on its public business licence.
KNOWN_USCC = "91350100M000100Y43"


def _error(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value


# --- resident ID number -------------------------------------------------------------------


def test_known_id_vector_is_valid():
    assert id_check_digit(KNOWN_ID[:17]) == "X"
    assert is_valid_id_number(KNOWN_ID)
    validate_id_number(KNOWN_ID)  # does not raise


@pytest.mark.parametrize("position", range(17))
def test_changing_any_single_digit_of_the_id_invalidates_it(position):
    for replacement in "0123456789":
        if replacement == KNOWN_ID[position]:
            continue
        changed = KNOWN_ID[:position] + replacement + KNOWN_ID[position + 1 :]
        assert not is_valid_id_number(changed), changed
        with pytest.raises(ValidationError):
            validate_id_number(changed)


def test_changing_the_id_check_character_invalidates_it():
    for replacement in "0123456789":
        changed = KNOWN_ID[:17] + replacement
        assert not is_valid_id_number(changed)
        assert _error(validate_id_number, changed).code == "id_check"


@pytest.mark.parametrize(
    "birth",
    [
        "19491331",  # month 13
        "19490001",  # month 0
        "19490230",  # 30 February
        "19490229",  # 29 February of a common year
        "19490132",  # day 32
        "19490100",  # day 0
        "18991231",  # before 1900
    ],
)
def test_impossible_birth_dates_are_refused(birth):
    first17 = "110105" + birth + "002"
    value = first17 + id_check_digit(first17)  # the check digit itself is right
    assert not is_valid_id_number(value)
    error = _error(validate_id_number, value)
    assert error.code == "id_birth"
    assert "出生日期" in error.messages[0]


def test_leap_day_of_a_leap_year_is_accepted():
    first17 = "110105" + "20000229" + "002"
    value = first17 + id_check_digit(first17)
    assert is_valid_id_number(value)
    validate_id_number(value)


def test_birth_date_is_compared_with_beijing_today(time_machine):
    # 2024-08-30 16:30 UTC is already 31 August in Beijing.
    time_machine.move_to(dt.datetime(2024, 8, 30, 16, 30, tzinfo=dt.UTC), tick=False)
    assert clock.today() == dt.date(2024, 8, 31)
    born_today = "110105" + "20240831" + "002"
    born_tomorrow = "110105" + "20240901" + "002"
    assert is_valid_id_number(born_today + id_check_digit(born_today))
    assert not is_valid_id_number(born_tomorrow + id_check_digit(born_tomorrow))
    assert _error(validate_id_number, born_tomorrow + id_check_digit(born_tomorrow)).code == (
        "id_birth"
    )


def test_lowercase_x_is_refused_by_the_predicate_but_accepted_by_the_form_validator():
    lower = KNOWN_ID[:17] + "x"
    # The pure predicate wants the canonical stored form (upper-case X) ...
    assert not is_valid_id_number(lower)
    # ... while the validator normalises what a person typed (case and surrounding spaces).
    validate_id_number(lower)
    validate_id_number(f"  {lower}  ")


@pytest.mark.parametrize(
    "value",
    ["", "11010519491231002", "11010519491231002XX", "1101051949123100AX", "X10105194912310021"],
)
def test_malformed_id_numbers_are_refused_with_the_format_message(value):
    assert not is_valid_id_number(value)
    error = _error(validate_id_number, value)
    assert error.code == "id_format"
    assert "18位" in error.messages[0]


def test_non_strings_are_not_valid_ids():
    assert not is_valid_id_number(None)
    assert not is_valid_id_number(11010519491231002)


id_prefixes = st.builds(
    lambda region, birth, seq: f"{region:06d}{birth:%Y%m%d}{seq:03d}",
    st.integers(min_value=110000, max_value=829999),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@given(id_prefixes)
def test_any_prefix_with_a_valid_birth_date_and_its_check_digit_is_valid(first17):
    value = first17 + id_check_digit(first17)
    assert is_valid_id_number(value)
    validate_id_number(value)


@given(id_prefixes, st.sampled_from(ID_CHECK))
def test_any_other_check_character_is_invalid(first17, check):
    assume(check != id_check_digit(first17))
    value = first17 + check
    assert not is_valid_id_number(value)
    assert _error(validate_id_number, value).code == "id_check"


# --- unified social credit code (USCC) -----------------------------------------------------


def test_known_uscc_is_valid():
    assert uscc_check_character(KNOWN_USCC[:17]) == KNOWN_USCC[17]
    assert is_valid_uscc(KNOWN_USCC)
    validate_uscc(KNOWN_USCC)


def test_validate_uscc_normalises_case_and_spaces():
    validate_uscc(f" {KNOWN_USCC.lower()} ")
    assert not is_valid_uscc(KNOWN_USCC.lower())  # the predicate wants the stored form


def test_wrong_uscc_check_character_is_refused_in_chinese():
    for check in USCC_CHARSET:
        if check == KNOWN_USCC[17]:
            continue
        value = KNOWN_USCC[:17] + check
        assert not is_valid_uscc(value)
        error = _error(validate_uscc, value)
        assert error.code == "uscc_check"
        assert "校验位" in error.messages[0]


@pytest.mark.parametrize("letter", list("IOZSV"))
@pytest.mark.parametrize("position", [0, 8, 17])
def test_uscc_letters_outside_the_charset_are_refused(letter, position):
    value = KNOWN_USCC[:position] + letter + KNOWN_USCC[position + 1 :]
    assert len(value) == 18
    assert not is_valid_uscc(value)
    error = _error(validate_uscc, value)
    assert error.code == "uscc_charset"
    assert "不含I、O、Z、S、V" in error.messages[0]


@pytest.mark.parametrize("value", ["", KNOWN_USCC[:17], KNOWN_USCC + "0", "91350100M00010"])
def test_uscc_of_wrong_length_is_refused(value):
    assert not is_valid_uscc(value)
    error = _error(validate_uscc, value)
    assert error.code == "uscc_length"
    assert f"当前为{len(value)}位" in error.messages[0]


uscc_prefixes = st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17)


@given(uscc_prefixes)
def test_any_charset_prefix_with_its_check_character_is_valid(first17):
    value = first17 + uscc_check_character(first17)
    assert is_valid_uscc(value)
    validate_uscc(value)


@given(uscc_prefixes, st.sampled_from(USCC_CHARSET))
def test_any_other_uscc_check_character_is_invalid(first17, check):
    assume(check != uscc_check_character(first17))
    value = first17 + check
    assert not is_valid_uscc(value)
    assert _error(validate_uscc, value).code == "uscc_check"


# --- phones -------------------------------------------------------------------------------


def test_valid_mobile():
    assert is_valid_mobile("13812345678")
    validate_mobile("13812345678")
    validate_mobile(" 19912345678 ")


@pytest.mark.parametrize(
    "value", ["12812345678", "1381234567", "138123456789", "23812345678", "1381234567a", ""]
)
def test_invalid_mobiles_are_refused(value):
    assert not is_valid_mobile(value)
    error = _error(validate_mobile, value)
    assert error.code == "mobile"
    assert "手机号码" in error.messages[0]


@pytest.mark.parametrize("value", ["0991-2824158", "09912824158", "010-12345678", "13812345678"])
def test_validate_phone_accepts_landlines_and_mobiles(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["2824158", "991-2824158", "12812345678", "0991-28241", ""])
def test_validate_phone_refuses_numbers_without_area_code_or_malformed(value):
    error = _error(validate_phone, value)
    assert error.code == "phone"
    assert "区号" in error.messages[0]
