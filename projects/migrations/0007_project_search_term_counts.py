"""How many public projects have each word, on PostgreSQL only.

A one-word search counted its projects in the terms table's index (0005): a common word
such as "fred" has over a thousand entries there, and counting them cost PostgreSQL about
0.2 ms of the search page's 3.5, more for a word that more projects have. This table
holds the number for each language and lexeme, so a one-word search reads one row.

Statement-level triggers on the projects table keep it, with the rows a statement
inserted, deleted or changed (transition tables): each statement adds, per lexeme, the
difference between the public projects' lexemes after it and before it, in one upsert in
the order of the primary key. A bulk insert (load_demo's thousands of projects) updates
each lexeme's row once, not once per project; lexemes a save leaves as they were (most
of them) are not touched, so two staff saving two projects lock only the words each of
them changed, and always in the same order. A lexeme no public project has any more
keeps its row, with 0. The lexemes are those of the terms table's rows (0005), whose
visibility rule (ProjectQuerySet.public()) is written out here too; a test holds the
two tables together.
"""

from django.db import migrations

TABLE = "projects_project_search_term_count"
FUNCTION = "projects_project_search_term_counts"

LEXEMES = "projects_project_search_lexemes"

# One statement's change to the counts: the rows of `changes`, (language, lexeme, change).
UPSERT = f"""
    INSERT INTO {TABLE} AS c (language, lexeme, projects)
        SELECT language, lexeme, sum(change) FROM ({{changes}}) d
        GROUP BY language, lexeme
        HAVING sum(change) <> 0
        ORDER BY language, lexeme
    ON CONFLICT (language, lexeme) DO UPDATE SET projects = c.projects + EXCLUDED.projects"""
ADDED = f"SELECT l.*, 1 AS change FROM new_rows p CROSS JOIN LATERAL {LEXEMES}(p) l"
REMOVED = f"SELECT l.*, -1 AS change FROM old_rows p CROSS JOIN LATERAL {LEXEMES}(p) l"

CREATE = [
    f"""
    CREATE TABLE {TABLE} (
        language varchar(2) NOT NULL,
        lexeme text NOT NULL,
        projects integer NOT NULL,
        PRIMARY KEY (language, lexeme)
    )""",
    # The lexemes of a project's documents, none unless it is public (as its terms rows).
    f"""
    CREATE FUNCTION {LEXEMES}(p projects_project)
    RETURNS TABLE (language varchar, lexeme text)
    LANGUAGE sql STABLE AS $$
        SELECT d.language, t.lexeme
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
        ELSIF TG_OP = 'INSERT' THEN
            {UPSERT.format(changes=ADDED)};
        ELSIF TG_OP = 'DELETE' THEN
            {UPSERT.format(changes=REMOVED)};
        ELSE
            {UPSERT.format(changes=f"{ADDED} UNION ALL {REMOVED}")};
        END IF;
        RETURN NULL;
    END
    $$""",
    f"""
    CREATE TRIGGER {FUNCTION}_inserted AFTER INSERT ON projects_project
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""",
    f"""
    CREATE TRIGGER {FUNCTION}_updated AFTER UPDATE ON projects_project
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""",
    f"""
    CREATE TRIGGER {FUNCTION}_deleted AFTER DELETE ON projects_project
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""",
    f"""
    CREATE TRIGGER {FUNCTION}_truncated AFTER TRUNCATE ON projects_project
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""",
    # The projects there already.
    f"""
    INSERT INTO {TABLE} (language, lexeme, projects)
        SELECT l.language, l.lexeme, count(*)
        FROM projects_project p CROSS JOIN LATERAL {LEXEMES}(p) l
        GROUP BY l.language, l.lexeme""",
    f"ANALYZE {TABLE}",
]

DROP = [
    f"DROP TRIGGER {FUNCTION}_truncated ON projects_project",
    f"DROP TRIGGER {FUNCTION}_deleted ON projects_project",
    f"DROP TRIGGER {FUNCTION}_updated ON projects_project",
    f"DROP TRIGGER {FUNCTION}_inserted ON projects_project",
    f"DROP FUNCTION {FUNCTION}()",
    f"DROP FUNCTION {LEXEMES}(projects_project)",
    f"DROP TABLE {TABLE}",
]


def _run(statements):
    def run(apps, schema_editor):
        # SQLite's search is a plain fallback that counts with the query.
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_country_programme_search_documents"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
