"""Bulk inserts for feeds: PostgreSQL ``COPY`` where it is available,
``bulk_create`` elsewhere.

``bulk_create`` spends most of its time in Python, building model instances
and compiling one large ``INSERT`` per batch; ``COPY FROM STDIN`` streams
value tuples in PostgreSQL's text format and is several times faster for
tens of thousands of rows. Primary keys, when wanted, are taken from the
table's sequence first. No signals are sent, as with ``bulk_create``.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import uuid

from django.db import connection, models

from .generation import written_by_copy

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(field: models.Field, value) -> str:
    if value is None:
        return "\\N"
    if isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder, ensure_ascii=False).translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def bulk_insert_values(model: type[models.Model], columns: list[str], values: list[tuple], *, with_ids: bool = False) -> list[int]:
    """Insert plain value tuples into ``columns`` (attribute names) of
    ``model`` without building model instances: for many rows whose
    values are already in database form (ids, booleans, strings, datetimes,
    JSON-able data). Returns the new primary keys if ``with_ids``."""
    if not values:
        return []
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**dict(zip(columns, row))) for row in values], batch_size=1000)
        return [row.pk for row in created] if with_ids else []
    ids: list[int] = []
    if with_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, len(values)]
            )
            ids = [value for (value,) in cursor.fetchall()]
        fields = [meta.pk, *fields]
        values = [(pk, *row) for pk, row in zip(ids, values)]
    buffer = io.StringIO()
    for row in values:
        buffer.write("\t".join(_text(field, value) for field, value in zip(fields, row)))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN", buffer)
    written_by_copy(connection)  # COPY goes round the connection's statement wrappers
    return ids
