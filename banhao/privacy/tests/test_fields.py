"""Encrypted columns and blind indexes on the real models (accounts.User, cases.Case)."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from banhao.accounts.models import User
from banhao.accounts.services import applicant_register, user_contact_set
from banhao.cases.models import Case
from banhao.privacy import crypto
from banhao.privacy.fields import blind_lookup
from banhao.privacy.tests.conftest import ADDRESS, MOBILE, PERSON_ID, PHONE, raw_row
from banhao.shared.errors import Conflict

pytestmark = pytest.mark.django_db

CASE_COLUMNS = (
    "applicant_name",
    "applicant_id_number",
    "contact_name",
    "contact_phone",
    "address",
    "applicant_id_index",
)


def test_case_personal_data_is_ciphertext_in_the_database(case: Case) -> None:
    raw = raw_row("cases_case", case.pk, *CASE_COLUMNS)
    stored = " ".join(str(value) for value in raw.values())
    for plaintext in (PERSON_ID, PERSON_ID[:6], PHONE, "张晓明", "黛溪"):
        assert plaintext not in stored
    for column in CASE_COLUMNS[:-1]:
        assert raw[column].startswith(f"sm4gcm:v1:{crypto.keyring().active_id}:")
    assert raw["applicant_id_index"] == crypto.blind_index(PERSON_ID, "id_number")

    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.applicant_id_number, fresh.contact_phone, fresh.address) == (
        PERSON_ID,
        PHONE,
        ADDRESS,
    )
    assert (fresh.applicant_name, fresh.contact_name) == ("张晓明", "张晓明")


def test_user_id_number_and_mobile_are_ciphertext_in_the_database(case: Case) -> None:
    user = User.objects.get(username="zhangxm")
    raw = raw_row("accounts_user", user.pk, "id_number", "mobile", "id_index", "mobile_index")
    assert PERSON_ID not in raw["id_number"] and raw["id_number"].startswith("sm4gcm:v1:")
    assert MOBILE not in raw["mobile"] and raw["mobile"].startswith("sm4gcm:v1:")
    assert raw["mobile_index"] == crypto.blind_index(MOBILE, "mobile")
    assert (user.id_number, user.mobile) == (PERSON_ID, MOBILE)
    # The same purpose on both tables: a person's cases can be found by their 证件散列码.
    assert raw["id_index"] == Case.objects.get(pk=case.pk).applicant_id_index


def test_values_and_values_list_decrypt(case: Case) -> None:
    assert list(Case.objects.values_list("applicant_id_number", "contact_phone")) == [
        (PERSON_ID, PHONE)
    ]
    assert User.objects.values("mobile").get(username="zhangxm") == {"mobile": MOBILE}


def test_registering_the_same_id_number_twice_is_a_conflict(person: User) -> None:
    with pytest.raises(Conflict) as info:
        applicant_register(
            kind=User.Kind.PERSON,
            username="zhangxm2",
            password="Qing-he-2026!",
            display_name="张晓明",
            mobile="13700000000",
            id_number=PERSON_ID,  # upper-case X this time
        )
    assert info.value.field == "id_number"


def test_the_database_refuses_a_second_account_for_an_id_number(person: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="other", kind=User.Kind.PERSON, id_number=PERSON_ID)
    # Accounts without an ID number do not collide on the empty index.
    User.objects.create(username="staff1", kind=User.Kind.STAFF)
    User.objects.create(username="staff2", kind=User.Kind.STAFF)


def test_blind_lookup_finds_by_value_in_any_case(person: User) -> None:
    assert User.objects.get(blind_lookup(User, "id_number", PERSON_ID.lower())) == person
    assert User.objects.filter(blind_lookup(User, "mobile", MOBILE)).count() == 1
    with pytest.raises(FieldError, match="has no blind index"):
        blind_lookup(Case, "contact_phone", PHONE)


@pytest.mark.parametrize(
    "condition",
    [
        {"id_number": PERSON_ID},
        {"mobile__icontains": "138"},
        {"mobile__startswith": "138"},
        {"id_number__in": [PERSON_ID]},
        {"mobile__lower": "x"},
        {"mobile__lower__exact": "x"},
        {"mobile": F("username")},
    ],
)
def test_an_encrypted_column_cannot_be_searched(person: User, condition: dict[str, object]) -> None:
    with pytest.raises(FieldError, match=r"(?i)encrypted"):
        User.objects.filter(**condition).exists()


def test_an_encrypted_case_column_cannot_be_searched(case: Case) -> None:
    with pytest.raises(FieldError, match=r"cases\.Case\.applicant_name is encrypted"):
        Case.objects.filter(applicant_name__contains="张").exists()


def test_empty_and_null_checks_are_allowed(person: User) -> None:
    assert not User.objects.filter(id_number="").filter(pk=person.pk).exists()
    assert User.objects.exclude(id_number="").filter(pk=person.pk).exists()
    assert not User.objects.filter(mobile__isnull=True).exists()


def test_the_index_follows_every_way_of_writing_the_value(person: User) -> None:
    other_mobile = "13700000000"

    def stored_index(field: str) -> str:
        return str(raw_row("accounts_user", person.pk, field)[field])

    # save(update_fields=[source]) (user_contact_set does this)
    user_contact_set(user=person, actor=person, mobile=other_mobile)
    assert stored_index("mobile_index") == crypto.blind_index(other_mobile, "mobile")
    # QuerySet.update
    User.objects.filter(pk=person.pk).update(mobile=MOBILE)
    assert stored_index("mobile_index") == crypto.blind_index(MOBILE, "mobile")
    with pytest.raises(FieldError, match="not an expression"):
        User.objects.filter(pk=person.pk).update(mobile=F("username"))
    # bulk_update
    person.mobile = other_mobile
    User.objects.bulk_update([person], ["mobile"])
    assert stored_index("mobile_index") == crypto.blind_index(other_mobile, "mobile")
    # clearing the value clears the index
    user_contact_set(user=person, actor=person, id_number="")
    assert stored_index("id_index") == ""
    assert raw_row("accounts_user", person.pk, "id_number")["id_number"] == ""


def test_a_ciphertext_moved_to_another_column_does_not_decrypt(case: Case) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE cases_case SET {quote('contact_name')} = {quote('applicant_name')} "
            "WHERE id = %s",
            [case.pk],
        )
    with pytest.raises(crypto.DecryptionFailed):
        Case.objects.get(pk=case.pk)


def test_validation_limits_the_plaintext_length() -> None:
    user = User(username="x", kind=User.Kind.PERSON, id_number="1" * 19)
    with pytest.raises(ValidationError) as info:
        user.clean_fields(exclude=["password"])
    assert "id_number" in info.value.message_dict


def test_a_form_field_is_a_one_line_input_limited_to_max_length() -> None:
    formfield = User._meta.get_field("id_number").formfield()
    assert formfield.max_length == 18
    assert formfield.widget.input_type == "text"
