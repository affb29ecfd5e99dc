"""SM4-GCM encryption and the SM3-HMAC blind index (no database)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from banhao.privacy import crypto

ROOT = Path(__file__).resolve().parents[3]
KEY_A = base64.b64encode(b"A" * 16).decode()
KEY_B = base64.b64encode(b"B" * 16).decode()
INDEX_KEY = base64.b64encode(b"I" * 32).decode()
CONTEXT = "cases.Case.applicant_id_number"
PERSON_ID = "371681198503121237"


def ring(keys: str = f"a:{KEY_A},b:{KEY_B}", active: str = "a") -> crypto.KeyRing:
    return crypto.build_keyring(keys, active, INDEX_KEY)


# -- the primitives of the installed `cryptography` are the national standards -----------------


def test_sm4_gcm_matches_the_rfc_8998_test_vector() -> None:
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    assert ciphertext.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert encryptor.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


def test_sm3_matches_the_standard_test_vector() -> None:
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


# -- encryption ----------------------------------------------------------------------------------


def test_round_trip_in_the_versioned_self_describing_format() -> None:
    token = crypto.encrypt(PERSON_ID, context=CONTEXT, ring=ring())
    assert token.startswith("sm4gcm:v1:a:")
    blob = base64.b64decode(token.split(":", 3)[3])
    assert len(blob) == 12 + len(PERSON_ID) + 16  # nonce ‖ ciphertext ‖ tag
    assert PERSON_ID not in token
    assert crypto.decrypt(token, context=CONTEXT, ring=ring()) == PERSON_ID
    assert crypto.key_id_of(token) == "a"


def test_chinese_text_round_trips() -> None:
    address = "山东省邹平市黛溪街道"
    token = crypto.encrypt(address, context="cases.Case.address", ring=ring())
    assert crypto.decrypt(token, context="cases.Case.address", ring=ring()) == address


def test_every_encryption_uses_a_fresh_nonce() -> None:
    tokens = {crypto.encrypt(PERSON_ID, context=CONTEXT, ring=ring()) for _ in range(20)}
    assert len(tokens) == 20


def test_a_value_of_an_old_key_still_decrypts_after_the_active_key_changed() -> None:
    old = crypto.encrypt(PERSON_ID, context=CONTEXT, ring=ring(active="a"))
    assert crypto.decrypt(old, context=CONTEXT, ring=ring(active="b")) == PERSON_ID
    assert crypto.key_id_of(crypto.encrypt("x", context=CONTEXT, ring=ring(active="b"))) == "b"


def _flip(token: str, position: int) -> str:
    head, body = token.rsplit(":", 1)
    blob = bytearray(base64.b64decode(body))
    blob[position] ^= 0x01
    return f"{head}:{base64.b64encode(bytes(blob)).decode()}"


@pytest.mark.parametrize("position", [0, 13, -1], ids=["nonce", "ciphertext", "tag"])
def test_a_tampered_ciphertext_is_refused(position: int) -> None:
    token = crypto.encrypt(PERSON_ID, context=CONTEXT, ring=ring())
    with pytest.raises(crypto.DecryptionFailed, match="failed authentication"):
        crypto.decrypt(_flip(token, position), context=CONTEXT, ring=ring())


def test_a_value_moved_to_another_column_is_refused() -> None:
    token = crypto.encrypt("13805431234", context="cases.Case.contact_phone", ring=ring())
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(token, context="accounts.User.mobile", ring=ring())


def test_a_relabelled_key_id_is_refused() -> None:
    """Both keys configured: claiming key b for a value of key a fails authentication."""
    token = crypto.encrypt(PERSON_ID, context=CONTEXT, ring=ring())
    relabelled = token.replace("sm4gcm:v1:a:", "sm4gcm:v1:b:")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(relabelled, context=CONTEXT, ring=ring())


def test_an_unknown_key_id_is_named_in_the_error() -> None:
    token = crypto.encrypt(PERSON_ID, context=CONTEXT, ring=ring())
    with pytest.raises(crypto.UnknownKey, match="'a' is not configured"):
        crypto.decrypt(token, context=CONTEXT, ring=ring(keys=f"b:{KEY_B}", active="b"))


@pytest.mark.parametrize(
    "token",
    [
        PERSON_ID,  # plaintext
        "sm4gcm:v2:a:AAAA",  # unknown format version
        "sm4gcm:v1:a",  # no body
        "sm4gcm:v1:a b:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # bad key id
        "sm4gcm:v1:a:not base64!",
        "sm4gcm:v1:a:" + base64.b64encode(b"short").decode(),
    ],
)
def test_malformed_ciphertext_is_refused(token: str) -> None:
    with pytest.raises(crypto.MalformedCiphertext):
        crypto.decrypt(token, context=CONTEXT, ring=ring())


def test_errors_never_contain_the_plaintext() -> None:
    token = crypto.encrypt(PERSON_ID, context=CONTEXT, ring=ring())
    with pytest.raises(crypto.CryptoError) as info:
        crypto.decrypt(token, context="accounts.User.id_number", ring=ring())
    assert PERSON_ID not in str(info.value)


# -- blind index ---------------------------------------------------------------------------------


def test_blind_index_ignores_case_spaces_and_full_width_forms() -> None:
    expected = crypto.blind_index("11010519491231002X", "id_number", ring=ring())
    assert len(expected) == 64
    assert int(expected, 16) >= 0  # hex digits
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    for variant in ("11010519491231002x", " 11010519491231002X ", full_width):
        assert crypto.blind_index(variant, "id_number", ring=ring()) == expected


def test_blind_index_separates_purposes_and_values_and_is_keyed() -> None:
    value = "13805431234"
    mobile = crypto.blind_index(value, "mobile", ring=ring())
    assert mobile != crypto.blind_index(value, "id_number", ring=ring())
    assert mobile != crypto.blind_index("13805431235", "mobile", ring=ring())
    other_key = crypto.build_keyring(f"a:{KEY_A}", "a", base64.b64encode(b"J" * 32).decode())
    assert mobile != crypto.blind_index(value, "mobile", ring=other_key)


def test_blind_index_of_an_empty_value_is_empty() -> None:
    assert crypto.blind_index("", "id_number", ring=ring()) == ""
    assert crypto.blind_index("  ", "id_number", ring=ring()) == ""


# -- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "active", "index", "message"),
    [
        ("", "", INDEX_KEY, "names no key"),
        (KEY_A, "", INDEX_KEY, "must be 'id:base64key"),
        (f"a:{KEY_A},a:{KEY_B}", "a", INDEX_KEY, "twice"),
        ("a:!!!", "a", INDEX_KEY, "not valid base64"),
        (f"a:{base64.b64encode(b'x' * 32).decode()}", "a", INDEX_KEY, "must be 16 bytes"),
        (f"a:{KEY_A},b:{KEY_B}", "", INDEX_KEY, "must name the active key"),
        (f"a:{KEY_A}", "c", INDEX_KEY, "'c' is not one of the keys"),
        (f"a:{KEY_A}", "a", base64.b64encode(b"short").decode(), "at least 16 bytes"),
        (f"a:{KEY_A}", "a", KEY_A, "must differ"),
    ],
)
def test_unusable_key_configuration_is_refused(
    keys: str, active: str, index: str, message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.build_keyring(keys, active, index)


def test_the_only_key_is_active_by_default() -> None:
    assert crypto.build_keyring(f"k1:{KEY_A}", "", INDEX_KEY).active_id == "k1"


def test_keys_come_from_settings() -> None:
    keys = f"a:{KEY_A},b:{KEY_B}"
    with override_settings(
        BANHAO_DATA_KEYS=keys, BANHAO_DATA_KEY_ACTIVE="b", BANHAO_INDEX_KEY=INDEX_KEY
    ):
        assert crypto.keyring().active_id == "b"
        assert crypto.key_id_of(crypto.encrypt("x", context=CONTEXT)) == "b"


def test_the_key_ring_repr_shows_no_key() -> None:
    assert KEY_A not in repr(ring()) and "AAAA" not in repr(ring())


#: Runs the settings module once per environment (in one fresh interpreter, so that this
#: process's settings stay untouched) and prints the error of each run, or "ok".
SETTINGS_PROBE = """
import json, os, runpy, sys
base = {k: v for k, v in os.environ.items() if not k.startswith("BANHAO_")}
base.update(BANHAO_ENV="production", BANHAO_SECRET_KEY="x" * 50)
results = []
for extra in json.loads(sys.argv[1]):
    os.environ.clear()
    os.environ.update(base, **extra)
    try:
        runpy.run_path("banhao/config/settings.py")
        results.append("ok")
    except Exception as exc:
        results.append(f"{type(exc).__name__}: {exc}")
print(json.dumps(results))
"""


def test_production_refuses_to_start_without_keys_or_with_the_development_keys() -> None:
    environments = [
        {},
        {"BANHAO_DATA_KEYS": "dev1:REVWLU9OTFktc200LWtleQ==", "BANHAO_INDEX_KEY": INDEX_KEY},
        {"BANHAO_DATA_KEYS": f"a:{KEY_A}", "BANHAO_INDEX_KEY": INDEX_KEY},
    ]
    probe = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE, json.dumps(environments)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    missing, dev, configured = json.loads(probe.stdout)
    assert missing.startswith("ImproperlyConfigured: BANHAO_DATA_KEYS and BANHAO_INDEX_KEY")
    assert dev == "ImproperlyConfigured: The development data keys must not be used in production."
    # (Other production checks may still object, but not to the keys.)
    assert "BANHAO_DATA_KEYS" not in configured and "development data keys" not in configured
