"""The words of every public project, ranked, on PostgreSQL only.

Searching one word (most searches) ranked every project that has it: a common word such
as "fred" matches over a thousand projects, and reading and ranking each of their stored
documents twice (to count them and to pick the best twenty) cost PostgreSQL about 2 ms of
the search page's 7. This table holds, for each public project, language and lexeme of
its stored document (0004), the project's rank for that word alone (ts_rank() of its
document against the one-word query, the value the search itself would compute) and its
start date (the search's tie-break). A one-word search then reads the best twenty from
the front of one index and counts the rest in the same index (palmecentret.search,
ranked_by_terms()); a search of several words, or with operators, still ranks the
documents.

Triggers keep the table in step with projects_project in the same transaction as any
change, bulk ones included: a project's rows are rewritten when its documents, its
visibility or its start date change, removed when it is deleted, unpublished or made
internal, and all go when the projects table is truncated. The visibility rule is
ProjectQuerySet.public()'s, written out here; a test holds the two together.
"""

from django.db import migrations

TABLE = "projects_project_search_term"
FUNCTION = "projects_project_search_terms"
ROWS = "projects_project_search_term_rows"

# One row per public project, language and lexeme (of the stored search_document_<lang>).
# The index serves a one-word search whole: its best rows from the front, and their count,
# without reading the table (once vacuumed).
CREATE = [
    f"""
    CREATE TABLE {TABLE} (
        project_id bigint NOT NULL,
        language varchar(2) NOT NULL,
        lexeme text NOT NULL,
        rank real NOT NULL,
        start_date date NOT NULL,
        PRIMARY KEY (project_id, language, lexeme)
    )""",
    f"""
    CREATE INDEX {TABLE}_ranked ON {TABLE}
        (language, lexeme, rank DESC, start_date DESC, project_id)""",
    # The rows of one project, none unless it is public; a lexeme's rank is that of the
    # one-word query made of it (tsvector and tsquery write a quoted lexeme the same way).
    f"""
    CREATE FUNCTION {ROWS}(p projects_project)
    RETURNS TABLE (project_id bigint, language varchar, lexeme text, rank real,
                   start_date date)
    LANGUAGE sql STABLE AS $$
        SELECT p.id, d.language, t.lexeme,
               ts_rank(d.document, array_to_tsvector(ARRAY[t.lexeme])::text::tsquery),
               p.start_date
        FROM (VALUES ('sv', p.search_document_sv),
                     ('en', p.search_document_en)) AS d (language, document)
        CROSS JOIN LATERAL unnest(d.document) AS t
        WHERE p.published AND p.visibility <> 'internal'
    $$""",
    f"""
    CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE {TABLE};
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM {TABLE} WHERE project_id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO {TABLE} SELECT * FROM {ROWS}(NEW);
        END IF;
        RETURN NULL;
    END
    $$""",
    f"""
    CREATE TRIGGER {FUNCTION}_rows AFTER INSERT OR DELETE ON projects_project
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
    # Most saves change none of these (a date of publication, a partner, a budget line).
    f"""
    CREATE TRIGGER {FUNCTION}_changes AFTER UPDATE ON projects_project
        FOR EACH ROW
        WHEN ((OLD.search_document_sv, OLD.search_document_en, OLD.published,
                OLD.visibility, OLD.start_date)
              IS DISTINCT FROM (NEW.search_document_sv, NEW.search_document_en,
                                NEW.published, NEW.visibility, NEW.start_date))
        EXECUTE FUNCTION {FUNCTION}()""",
    f"""
    CREATE TRIGGER {FUNCTION}_truncate AFTER TRUNCATE ON projects_project
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""",
    # The projects there already, as their insertion would have written them.
    f"INSERT INTO {TABLE} SELECT r.* FROM projects_project p CROSS JOIN LATERAL {ROWS}(p) r",
    # Planner statistics at once: without them a one-word search's plan reads the table.
    f"ANALYZE {TABLE}",
]

DROP = [
    f"DROP TRIGGER {FUNCTION}_truncate ON projects_project",
    f"DROP TRIGGER {FUNCTION}_changes ON projects_project",
    f"DROP TRIGGER {FUNCTION}_rows ON projects_project",
    f"DROP FUNCTION {FUNCTION}()",
    f"DROP FUNCTION {ROWS}(projects_project)",
    f"DROP TABLE {TABLE}",
]


def _run(statements):
    def run(apps, schema_editor):
        # SQLite's search is a plain fallback that ranks nothing.
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_project_search_documents"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
