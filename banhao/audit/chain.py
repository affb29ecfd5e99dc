"""The SM3 hash chain of the audit log: one pure function, shared by the service that appends,
the command that verifies and the migration that chained the rows written before the chain.

Each entry's ``hash`` is the lower-case hex SM3 (GB/T 32905-2016) digest of the UTF-8 bytes of
one JSON array::

    [seq, at, actor_id, actor_label, roles, action, object_type, object_id, address, result,
     details, prev_hash]

serialised with ``sort_keys=True, ensure_ascii=False, separators=(",", ":"),
allow_nan=False``, where

* ``seq`` is the entry's position in the chain (1, 2, 3, …) and ``prev_hash`` the previous
  entry's ``hash`` (``GENESIS_HASH``, 64 zeros, for seq 1; after a prune, the anchor's hash);
* ``at`` is the time in UTC as ISO 8601 with microseconds, ``2026-11-28T05:16:00.123456+00:00``;
* ``actor_id`` is the user's primary key or ``null`` for the system;
* ``address`` is ``null`` or the IP address in its canonical text (``ipaddress``; an
  IPv4-mapped IPv6 address as ``::ffff:a.b.c.d``), so that the database's own spelling of an
  address (PostgreSQL ``inet``) does not matter;
* ``details`` is the JSON object as stored, with keys sorted at every level and every float
  that is a whole number written as an integer (PostgreSQL ``jsonb`` spells ``1e16`` as
  ``10000000000000000``).

Anyone holding a copy of the table can recompute the chain with these rules alone.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from typing import Any

from cryptography.hazmat.primitives import hashes

GENESIS_HASH = "0" * 64
HASH_LENGTH = 64


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical_time(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("审计时间必须带时区")
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_address(address: str | None) -> str | None:
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return f"::ffff:{parsed.ipv4_mapped}"
    return str(parsed)


def canonical_json_value(value: Any) -> Any:
    """``value`` as JSON would store it, with whole-number floats as integers."""
    if isinstance(value, dict):
        return {str(key): canonical_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_json_value(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_bytes(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    roles: str,
    action: str,
    object_type: str,
    object_id: str,
    address: str | None,
    result: str,
    details: Any,
    prev_hash: str,
) -> bytes:
    record = [
        int(seq),
        canonical_time(at),
        None if actor_id is None else int(actor_id),
        str(actor_label),
        str(roles),
        str(action),
        str(object_type),
        str(object_id),
        canonical_address(address),
        str(result),
        canonical_json_value(details if details is not None else {}),
        str(prev_hash),
    ]
    text = json.dumps(
        record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


def entry_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    roles: str,
    action: str,
    object_type: str,
    object_id: str,
    address: str | None,
    result: str,
    details: Any,
    prev_hash: str,
) -> str:
    """The hex SM3 hash of one audit entry (see the module docstring for the exact bytes)."""
    return sm3_hex(
        canonical_bytes(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            roles=roles,
            action=action,
            object_type=object_type,
            object_id=object_id,
            address=address,
            result=result,
            details=details,
            prev_hash=prev_hash,
        )
    )
