"""PostgreSQL plans a page's large SELECTs once per connection, not at every request (issue #22).

The policy's queries are long (the case page's is about 20 kB, the deadlines' condition ORs five
kinds of record) and PostgreSQL spent longer planning them than running them: 4.8 ms of planning
for 1.2 ms of execution on the case page, 7.8 ms of planning in its ten queries, 2.1 ms for
0.4 ms on the deadlines page (`bench/bench_pages.py --queries`). psycopg2 sends every statement
as text, so each request paid the planning again.

`PreparingCursor` (the connection's `cursor_factory`, set in settings) sends a SELECT of at
least `MIN_LENGTH` characters as it is the first time its text is seen on the connection, then
`PREPARE`s it the second time and from then on sends `EXECUTE name (values)`: the values are
still passed apart and quoted by psycopg2, as before. PostgreSQL plans the first five executions
with their values and then keeps a generic plan when it costs no more (`plan_cache_mode`, auto),
so a value that needs its own plan still gets one. A text is a query's shape (Django's SQL with
its placeholders); at most `MAX_PER_CONNECTION` are kept on a connection, the least recently
used deallocated. Statements last as long as the connection (`CONN_MAX_AGE`), survive a rolled
back transaction, and are planned again by PostgreSQL after a migration changes a table.

Not prepared: other statements (writes, short lookups), a server-side cursor's query, a query
whose values come as a mapping, a text PostgreSQL refuses to prepare (a value whose type it
cannot tell), and one where PostgreSQL would give a value another meaning than psycopg2's
literal has: a value selected as a column is typed as text, so a boolean false came back as
the string 'false' (truthy); each parameter's type (`pg_prepared_statements`) is checked against
its value's when the statement is prepared (`_typed_alike`). Those texts are sent as they
are. Behind a pooler that does not keep a session's prepared statements (PgBouncer in
transaction mode before 1.21), set DATABASE_PREPARE=false.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import re
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg2.extensions

MIN_LENGTH = 1000
MAX_PER_CONNECTION = 200
# Texts seen once and not yet prepared, per connection: forgotten in bulk past this many.
_MAX_SEEN = 2000
_PLACEHOLDER = re.compile(r"%(%|s)")
_IDLE_OR_IN_TRANSACTION = (
    psycopg2.extensions.TRANSACTION_STATUS_IDLE,
    psycopg2.extensions.TRANSACTION_STATUS_INTRANS,
)


def _numbered(sql: str, count: int) -> str | None:
    """`sql` with psycopg2's placeholders as PostgreSQL's $1, $2…; None if they are not
    `count` plain `%s`."""
    numbers = iter(range(1, count + 1))
    found = 0

    def number(match: re.Match) -> str:
        nonlocal found
        if match.group(1) == "%":
            return "%"
        found += 1
        return f"${next(numbers, 0)}"

    numbered = _PLACEHOLDER.sub(number, sql)
    return numbered if found == count else None


_INTEGERS = frozenset({"smallint", "integer", "bigint"})
_NUMBERS = _INTEGERS | {"numeric", "real", "double precision"}
_TIMES = frozenset({"timestamp with time zone", "timestamp without time zone"})
# The parameter types a value of each Python type keeps its meaning in, as psycopg2's literal
# has it when the statement is sent as text. Anything else is refused: sent as text.
_ALIKE: dict[type, frozenset[str]] = {
    bool: frozenset({"boolean"}),
    int: _NUMBERS,
    float: frozenset({"real", "double precision", "numeric"}),
    decimal.Decimal: frozenset({"numeric", "real", "double precision"}),
    dt.datetime: _TIMES,
    dt.date: _TIMES | {"date"},
    dt.time: frozenset({"time without time zone", "time with time zone"}),
    dt.timedelta: frozenset({"interval"}),
    uuid.UUID: frozenset({"uuid"}),
    bytes: frozenset({"bytea"}),
    memoryview: frozenset({"bytea"}),
}


def _unread(sql: str) -> set[int]:
    """Positions of the values no result reads: Django's `EXISTS(SELECT %s AS "a" …)`, whose
    selected 1 PostgreSQL types as text and nobody reads."""
    unread, position = set(), 0
    for match in _PLACEHOLDER.finditer(sql):
        if match.group(1) == "%":
            continue
        if sql.endswith("EXISTS(SELECT ", 0, match.start()) and sql.startswith(
            ' AS "a" ', match.end()
        ):
            unread.add(position)
        position += 1
    return unread


def _typed_alike(values, types: list[str], unread: set[int] = frozenset()) -> bool:
    """Whether each value keeps its meaning as a parameter of these PostgreSQL types: a string
    may go anywhere (PostgreSQL reads it as the type, as it reads the literal of a statement
    sent as text, or refuses it); anything else only where its own type goes: not text (a
    value selected as a column, which PostgreSQL cannot type, is taken for text and a boolean
    comes back as the string 'false'), not an integer for a fraction, not a day for a time."""
    for position, (value, kind) in enumerate(zip(values, types, strict=True)):
        if value is None or isinstance(value, str) or position in unread:
            continue
        if isinstance(value, (list, tuple)):
            if not kind.endswith("[]"):
                return False
            continue
        if kind not in _ALIKE.get(type(value), frozenset()):
            return False
    return True


class _Statements:
    """The statements prepared on one connection, by their text."""

    def __init__(self) -> None:
        self.prepared: OrderedDict[str, str] = OrderedDict()
        self.seen: set[str] = set()
        self.refused: set[str] = set()

    def name_for(self, cursor: psycopg2.extensions.cursor, sql: str, values) -> str | None:
        name = self.prepared.get(sql)
        if name is not None:
            self.prepared.move_to_end(sql)
            return name
        if sql in self.refused:
            return None
        if sql not in self.seen:
            if len(self.seen) >= _MAX_SEEN:
                self.seen.clear()
            self.seen.add(sql)
            return None
        self.seen.discard(sql)
        return self._prepare(cursor, sql, values)

    def _prepare(self, cursor, sql: str, values) -> str | None:
        connection = cursor.connection
        numbered = _numbered(sql, len(values))
        if numbered is None or connection.get_transaction_status() not in _IDLE_OR_IN_TRANSACTION:
            return None
        name = "tf_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
        # In a transaction, a refused PREPARE must not abort it: a savepoint holds it.
        in_transaction = (
            connection.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INTRANS
        )
        raw = super(PreparingCursor, cursor).execute  # the driver's own, never prepared
        try:
            if in_transaction:
                raw("SAVEPOINT tf_prepare")
            # Django's own compiled SQL; no values in it (they come at EXECUTE).
            raw(f"PREPARE {name} AS {numbered}")
            if in_transaction:
                raw("RELEASE SAVEPOINT tf_prepare")
        except psycopg2.Error:
            if in_transaction:
                raw("ROLLBACK TO SAVEPOINT tf_prepare")
                raw("RELEASE SAVEPOINT tf_prepare")
            if len(self.refused) >= _MAX_SEEN:
                self.refused.clear()
            self.refused.add(sql)
            return None
        # PostgreSQL types each parameter from where it stands; one that stands alone (a value
        # selected as a column, `%s AS "may_change"`) it takes for text, and would hand a
        # boolean back as the string 'false'. Sent as text, psycopg2's literal keeps its type.
        raw("SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = %s", [name])
        types = cursor.fetchone()[0]
        if not _typed_alike(values, types, _unread(sql)):
            raw(f"DEALLOCATE {name}")
            self.refused.add(sql)
            return None
        self.prepared[sql] = name
        while len(self.prepared) > MAX_PER_CONNECTION:
            _, oldest = self.prepared.popitem(last=False)
            raw(f"DEALLOCATE {oldest}")
        return name


_BY_CONNECTION: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Inside `as_text()`, statements go as text: for a bench that prints their plans.
_as_text: ContextVar[bool] = ContextVar("prepared_as_text", default=False)


@contextmanager
def as_text() -> Iterator[None]:
    """Send every statement as its text (a bench reading the SQL it captured), not EXECUTE."""
    token = _as_text.set(True)
    try:
        yield
    finally:
        _as_text.reset(token)


def statements_of(connection) -> _Statements:
    """The prepared statements of a psycopg2 connection (gone with it)."""
    statements = _BY_CONNECTION.get(connection)
    if statements is None:
        statements = _BY_CONNECTION[connection] = _Statements()
    return statements


# What django-pghistory puts before each statement it does not take for a read (the history
# context of the request, for the triggers of the writes). It takes a UNION for a write, as the
# statement does not start with SELECT: the context, set for the transaction, is of no use to a
# read, and the two statements could not be prepared.
_HISTORY_CONTEXT = (
    "SELECT set_config('pghistory.context_id', %s, true), "
    "set_config('pghistory.context_metadata', %s, true); "
)


class PreparingCursor(psycopg2.extensions.cursor):
    """A psycopg2 cursor that runs a long SELECT seen before as a prepared statement."""

    def execute(self, query, vars=None):
        if (
            isinstance(query, str)
            and query.startswith(_HISTORY_CONTEXT)
            and query.startswith("(SELECT ", len(_HISTORY_CONTEXT))
            and isinstance(vars, (list, tuple))
            and len(vars) >= 2
        ):
            query, vars = query[len(_HISTORY_CONTEXT) :], vars[2:]
        if (
            self.name is None
            and not _as_text.get()
            and isinstance(vars, (list, tuple))
            and isinstance(query, str)
            and len(query) >= MIN_LENGTH
            and query.startswith(("SELECT", "(SELECT"))
            and ";" not in query  # one statement (a history context's set_config comes first)
        ):
            name = statements_of(self.connection).name_for(self, query, vars)
            if name is not None:
                arguments = f" ({', '.join(['%s'] * len(vars))})" if vars else ""
                return super().execute(f"EXECUTE {name}{arguments}", vars)
        return super().execute(query, vars)
