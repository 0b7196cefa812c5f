"""The project file's schema as numbered migrations (part of the store).

``PRAGMA user_version`` records how many migrations a file has had. A file whose
version is higher than ``len(MIGRATIONS)`` was written by a newer Briefer and
is refused rather than guessed at.
"""

from __future__ import annotations

# 'BRIF': marks an SQLite file as a Briefer project.
APPLICATION_ID = 0x42524946

MIGRATIONS: tuple[str, ...] = (
    # 1: the whole first schema.
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE documents (
        id          INTEGER PRIMARY KEY,
        title       TEXT NOT NULL DEFAULT '',
        publisher   TEXT NOT NULL DEFAULT '',
        author      TEXT NOT NULL DEFAULT '',
        date        TEXT NOT NULL DEFAULT '',
        url         TEXT NOT NULL DEFAULT '',
        language    TEXT NOT NULL DEFAULT 'und',
        source_file TEXT NOT NULL DEFAULT '',
        sha256      TEXT NOT NULL UNIQUE,
        text        TEXT NOT NULL,
        length      INTEGER NOT NULL,
        imported_at TEXT NOT NULL
    );
    CREATE TABLE tags (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        color       TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        parent      INTEGER REFERENCES tags(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL DEFAULT 0,
        is_stance   INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE passages (
        id          INTEGER PRIMARY KEY,
        document    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start       INTEGER NOT NULL,
        end         INTEGER NOT NULL,
        quote       TEXT NOT NULL,
        prefix      TEXT NOT NULL DEFAULT '',
        suffix      TEXT NOT NULL DEFAULT '',
        note        TEXT NOT NULL DEFAULT '',
        translation TEXT NOT NULL DEFAULT '',
        created     TEXT NOT NULL,
        modified    TEXT NOT NULL,
        CHECK (start >= 0 AND end > start)
    );
    CREATE INDEX passages_by_document ON passages(document, start);
    CREATE TABLE passage_tags (
        passage INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
        tag     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (passage, tag)
    );
    CREATE INDEX passage_tags_by_tag ON passage_tags(tag);
    CREATE TABLE sections (
        id       INTEGER PRIMARY KEY,
        title    TEXT NOT NULL,
        parent   INTEGER REFERENCES sections(id) ON DELETE CASCADE,
        position INTEGER NOT NULL DEFAULT 0,
        notes    TEXT NOT NULL DEFAULT '',
        stance   INTEGER REFERENCES tags(id) ON DELETE SET NULL
    );
    CREATE TABLE placements (
        id       INTEGER PRIMARY KEY,
        section  INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
        passage  INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
        position INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX placements_by_section ON placements(section, position);
    CREATE INDEX placements_by_passage ON placements(passage);
    """,
    # 2: covering indexes for the listings a large project reads at start-up.
    # Document rows hold the whole text, and SQLite walks a row's overflow pages
    # to reach the columns after it, so listing 1,000 documents read 30 MB; the
    # index answers the listing alone. Passages in document order likewise come
    # from an index instead of a sort over rows that carry their quotes.
    """
    CREATE INDEX documents_listing ON documents(id, title, publisher, author, date, url, language,
                                                source_file, sha256, length);
    DROP INDEX passages_by_document;
    CREATE INDEX passages_in_order ON passages(document, start, end);
    """,
    # 3: what a citation needs beyond the first fields: the CSL item type, DOI,
    # container (newspaper, journal, website) apart from the publisher, and a
    # paged document's page starts (JSON: [[offset, "label"], ...]). New columns
    # go after the text, so the listing index is rebuilt to cover the small ones.
    """
    ALTER TABLE documents ADD COLUMN type TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN doi TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN container TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN pages TEXT NOT NULL DEFAULT '[]';
    DROP INDEX documents_listing;
    CREATE INDEX documents_listing ON documents(id, title, publisher, author, date, url, language,
                                                source_file, sha256, length, type, doi, container);
    """,
    # 4: versions and re-anchoring (`briefer update`). A document's earlier texts
    # are kept in document_versions; `version` counts from 1. A passage's anchor
    # says how its quote was found in the current text; a fuzzy one keeps its old
    # quote and offsets (into the previous text) and carries a candidate span in
    # the current text; the partial index finds the passages to review.
    """
    CREATE TABLE document_versions (
        id          INTEGER PRIMARY KEY,
        document    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        version     INTEGER NOT NULL,
        sha256      TEXT NOT NULL,
        text        TEXT NOT NULL,
        pages       TEXT NOT NULL DEFAULT '[]',
        source_file TEXT NOT NULL DEFAULT '',
        replaced_at TEXT NOT NULL,
        UNIQUE (document, version)
    );
    ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    DROP INDEX documents_listing;
    CREATE INDEX documents_listing ON documents(id, title, publisher, author, date, url, language,
                                                source_file, sha256, length, type, doi, container, version);
    ALTER TABLE passages ADD COLUMN anchor TEXT NOT NULL DEFAULT 'exact'
        CHECK (anchor IN ('exact', 'moved', 'fuzzy', 'orphaned'));
    ALTER TABLE passages ADD COLUMN candidate_start INTEGER;
    ALTER TABLE passages ADD COLUMN candidate_end INTEGER;
    ALTER TABLE passages ADD COLUMN candidate_quote TEXT;
    ALTER TABLE passages ADD COLUMN candidate_score REAL;
    CREATE INDEX passages_to_review ON passages(document) WHERE anchor IN ('fuzzy', 'orphaned');
    """,
    # 5: passage counts kept by triggers, so the corpus and codebook read a number
    # per row instead of counting 200,000 passages at every start and edit. A
    # document's count lives in a small table of its own: updating a column of a
    # documents row would rewrite its text (megabytes) on every tagging.
    """
    CREATE TABLE passage_counts (
        document INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        passages INTEGER NOT NULL
    );
    INSERT INTO passage_counts(document, passages) SELECT document, COUNT(*) FROM passages GROUP BY document;
    ALTER TABLE tags ADD COLUMN uses INTEGER NOT NULL DEFAULT 0;
    UPDATE tags SET uses = (SELECT COUNT(*) FROM passage_tags WHERE passage_tags.tag = tags.id);
    CREATE TRIGGER passage_counted AFTER INSERT ON passages BEGIN
        INSERT INTO passage_counts(document, passages) VALUES (NEW.document, 1)
            ON CONFLICT(document) DO UPDATE SET passages = passages + 1;
    END;
    CREATE TRIGGER passage_uncounted AFTER DELETE ON passages BEGIN
        UPDATE passage_counts SET passages = passages - 1 WHERE document = OLD.document;
    END;
    CREATE TRIGGER passage_recounted AFTER UPDATE OF document ON passages
        WHEN NEW.document IS NOT OLD.document BEGIN
        UPDATE passage_counts SET passages = passages - 1 WHERE document = OLD.document;
        INSERT INTO passage_counts(document, passages) VALUES (NEW.document, 1)
            ON CONFLICT(document) DO UPDATE SET passages = passages + 1;
    END;
    CREATE TRIGGER tag_use_counted AFTER INSERT ON passage_tags BEGIN
        UPDATE tags SET uses = uses + 1 WHERE id = NEW.tag;
    END;
    CREATE TRIGGER tag_use_uncounted AFTER DELETE ON passage_tags BEGIN
        UPDATE tags SET uses = uses - 1 WHERE id = OLD.tag;
    END;
    CREATE TRIGGER tag_use_moved AFTER UPDATE OF tag ON passage_tags
        WHEN NEW.tag IS NOT OLD.tag BEGIN
        UPDATE tags SET uses = uses - 1 WHERE id = OLD.tag;
        UPDATE tags SET uses = uses + 1 WHERE id = NEW.tag;
    END;
    """,
    # 6: the project's totals in one row, kept by triggers: the status bar shows them
    # after every edit, and counting 10,000 documents and summing their passage
    # counts took a millisecond of each tagging on a 10,000-document project.
    """
    CREATE TABLE project_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        documents INTEGER NOT NULL,
        passages INTEGER NOT NULL
    );
    INSERT INTO project_totals(id, documents, passages)
        VALUES (1, (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM passages));
    CREATE TRIGGER document_totalled AFTER INSERT ON documents BEGIN
        UPDATE project_totals SET documents = documents + 1 WHERE id = 1;
    END;
    CREATE TRIGGER document_untotalled AFTER DELETE ON documents BEGIN
        UPDATE project_totals SET documents = documents - 1 WHERE id = 1;
    END;
    CREATE TRIGGER passage_totalled AFTER INSERT ON passages BEGIN
        UPDATE project_totals SET passages = passages + 1 WHERE id = 1;
    END;
    CREATE TRIGGER passage_untotalled AFTER DELETE ON passages BEGIN
        UPDATE project_totals SET passages = passages - 1 WHERE id = 1;
    END;
    """,
    # 7: the documents' ids alone, in order: the Corpus list reads them when a project
    # opens. The smallest index that held them was the listing's (every column but the
    # text, ~3 MB on 10,000 documents: 23 ms to read from disk); this one is ~100 KB.
    """
    CREATE INDEX documents_ids ON documents(id);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
