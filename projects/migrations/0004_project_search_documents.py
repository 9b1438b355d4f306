"""Stored search documents for projects, on PostgreSQL only.

Ranking the hits of a common word (thousands of projects) parsed every hit's title,
summary and body again with to_tsvector (some 20 ms for 1,300 hits). Each language's
weighted document is now a stored generated column that PostgreSQL keeps up to date on
every insert and update, bulk ones included; the GIN indexes move from the expression
onto these columns under the same names. The columns are not model fields: only the
search reads them (palmecentret.search.StoredDocument), so no other query carries them.
"""

from django.db import migrations


def _document_sql(schema_editor, model, language):
    """The generated column's expression: the search module's own project vector,
    compiled without table names (as Django compiles a GeneratedField's)."""
    from django.db.models.sql import Query

    from palmecentret.search import project_search_vector

    query = Query(model, alias_cols=False)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = compiler.compile(project_search_vector(language).resolve_expression(query))
    return sql % tuple(schema_editor.quote_value(param) for param in params)


def _names():
    from palmecentret.search import DOCUMENT_COLUMNS, PROJECT_SEARCH_INDEXES

    return [(language, DOCUMENT_COLUMNS[language], index)
            for language, index in PROJECT_SEARCH_INDEXES.items()]


def store_documents(apps, schema_editor):
    # SQLite's search is a plain fallback over the fields themselves: nothing to store.
    if schema_editor.connection.vendor != "postgresql":
        return
    project = apps.get_model("projects", "Project")
    table = schema_editor.quote_name(project._meta.db_table)
    for language, column, index in _names():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {schema_editor.quote_name(column)} tsvector "
            f"GENERATED ALWAYS AS ({_document_sql(schema_editor, project, language)}) STORED")
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")
        # fastupdate off, as before: saved now and then, searched all the time.
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(index)} ON {table} USING gin "
            f"({schema_editor.quote_name(column)}) WITH (fastupdate = off)")


def drop_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.indexes import GinIndex

    from palmecentret.search import project_search_vector

    project = apps.get_model("projects", "Project")
    table = schema_editor.quote_name(project._meta.db_table)
    for language, column, index in _names():
        # Dropping the column drops its index; the expression index comes back.
        schema_editor.execute(
            f"ALTER TABLE {table} DROP COLUMN {schema_editor.quote_name(column)}")
        schema_editor.add_index(project, GinIndex(project_search_vector(language), name=index,
                                                  fastupdate=False))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_public_list_indexes"),
    ]

    operations = [
        migrations.RunPython(store_documents, drop_documents),
    ]
