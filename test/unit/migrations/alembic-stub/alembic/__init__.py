"""A stand-in for the `alembic` package, for tests only.

Alembic and SQLAlchemy cannot be installed on the test machines (no PyPI), so
QueryLens's tests cannot run `alembic upgrade`. This stub runs a generated
revision's upgrade()/downgrade() and records the SQL that Alembic would send,
compiled the way SQLAlchemy's PostgreSQL dialect compiles CREATE/DROP INDEX,
and whether it ran inside `autocommit_block()`. Unknown arguments raise, so a
misspelt keyword in generated code fails the test as it would fail Alembic.
"""
import contextlib
import re

statements = []  # [sql, autocommit]
_autocommit = [False]

_DIALECT_KW = {'postgresql_concurrently', 'postgresql_using', 'postgresql_ops'}


def _q(name):
    return name if re.fullmatch(r'[a-z_][a-z0-9_]*', name) else '"' + name.replace('"', '""') + '"'


def _qualified(name, schema):
    return (_q(schema) + '.' if schema else '') + _q(name)


class _MigrationContext:
    @contextlib.contextmanager
    def autocommit_block(self):
        if _autocommit[0]:
            raise RuntimeError('autocommit_block() is not re-entrant')
        _autocommit[0] = True
        try:
            yield
        finally:
            _autocommit[0] = False


class _Operations:
    def get_context(self):
        return _MigrationContext()

    def execute(self, sql):
        statements.append([sql, _autocommit[0]])

    def create_index(self, index_name, table_name, columns, *, schema=None, unique=False, **kw):
        unknown = set(kw) - _DIALECT_KW
        if unknown:
            raise TypeError('unexpected keyword arguments: %s' % sorted(unknown))
        ops = kw.get('postgresql_ops') or {}
        using = kw.get('postgresql_using')
        keys = ', '.join(_q(c) + (' ' + ops[c] if c in ops else '') for c in columns)
        sql = 'CREATE %sINDEX %s%s ON %s%s (%s)' % (
            'UNIQUE ' if unique else '',
            'CONCURRENTLY ' if kw.get('postgresql_concurrently') else '',
            _q(index_name),
            _qualified(table_name, schema),
            ' USING ' + using if using else '',
            keys,
        )
        statements.append([sql, _autocommit[0]])

    def drop_index(self, index_name, table_name=None, *, schema=None, **kw):
        unknown = set(kw) - {'postgresql_concurrently'}
        if unknown:
            raise TypeError('unexpected keyword arguments: %s' % sorted(unknown))
        concurrently = 'CONCURRENTLY ' if kw.get('postgresql_concurrently') else ''
        statements.append(['DROP INDEX %s%s' % (concurrently, _qualified(index_name, schema)), _autocommit[0]])


op = _Operations()
