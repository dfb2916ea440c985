using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Contacts.Migrations
{
    /// <summary>
    /// The words people are searched by. <c>search_words</c> is each tenant's vocabulary, whose trigram index finds the
    /// words similar to a query term among a few thousand; <c>person_words</c> says who bears each word, so a common
    /// name's bearers are an index range rather than a million texts compared one by one. Triggers on <c>people</c>
    /// keep both in the same transaction as the change, whichever way it is made (the API, an import, a merge, an
    /// erasure, a bulk COPY). A word that nobody bears any more is queued in <c>search_word_checks</c>, and the
    /// vocabulary sweep removes it (<c>SearchWordSweep</c>); creating never deletes, so creates never wait for each other.
    /// </summary>
    public partial class SearchWords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE TABLE search_words (
                    tenant_id character varying(64) NOT NULL,
                    word text NOT NULL,
                    CONSTRAINT pk_search_words PRIMARY KEY (tenant_id, word));
                CREATE INDEX ix_search_words_word ON search_words USING gin (word gin_trgm_ops);

                CREATE TABLE person_words (
                    tenant_id character varying(64) NOT NULL,
                    word text NOT NULL,
                    person_id uuid NOT NULL,
                    CONSTRAINT pk_person_words PRIMARY KEY (tenant_id, word, person_id));
                CREATE INDEX ix_person_words_person_id ON person_words (person_id);

                CREATE TABLE search_word_checks (
                    tenant_id character varying(64) NOT NULL,
                    word text NOT NULL,
                    queued_at timestamp with time zone NOT NULL,
                    CONSTRAINT pk_search_word_checks PRIMARY KEY (tenant_id, word));

                -- The words of a person as pg_trgm splits text into words: runs of letters and digits, lower case.
                CREATE FUNCTION search_words_of(first_name text, last_name text, email text) RETURNS text[]
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT coalesce(array_agg(DISTINCT word ORDER BY word), '{}')
                    FROM regexp_split_to_table(lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '')), '[^[:alnum:]]+') AS word
                    WHERE word <> ''
                $$;

                CREATE FUNCTION people_words_added() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO person_words (tenant_id, word, person_id)
                    SELECT added.tenant_id, word, added.id
                    FROM added, unnest(search_words_of(added.first_name, added.last_name, added.email)) AS word
                    ON CONFLICT DO NOTHING;
                    -- In one order, so that two transactions adding the same new words cannot deadlock.
                    INSERT INTO search_words (tenant_id, word)
                    SELECT DISTINCT added.tenant_id, word
                    FROM added, unnest(search_words_of(added.first_name, added.last_name, added.email)) AS word
                    ORDER BY 1, 2
                    ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION people_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    person record;
                    gone text[];
                    came text[];
                BEGIN
                    FOR person IN
                        SELECT after.tenant_id, after.id,
                               search_words_of(before.first_name, before.last_name, before.email) AS old_words,
                               search_words_of(after.first_name, after.last_name, after.email) AS new_words
                        FROM before JOIN after ON after.id = before.id
                        WHERE (before.first_name, before.last_name, before.email) IS DISTINCT FROM (after.first_name, after.last_name, after.email)
                    LOOP
                        gone := ARRAY(SELECT unnest(person.old_words) EXCEPT SELECT unnest(person.new_words) ORDER BY 1);
                        came := ARRAY(SELECT unnest(person.new_words) EXCEPT SELECT unnest(person.old_words) ORDER BY 1);
                        DELETE FROM person_words WHERE tenant_id = person.tenant_id AND word = ANY (gone) AND person_id = person.id;
                        INSERT INTO person_words (tenant_id, word, person_id)
                        SELECT person.tenant_id, word, person.id FROM unnest(came) AS word
                        ON CONFLICT DO NOTHING;
                        INSERT INTO search_words (tenant_id, word)
                        SELECT person.tenant_id, word FROM unnest(came) AS word
                        ON CONFLICT DO NOTHING;
                        INSERT INTO search_word_checks (tenant_id, word, queued_at)
                        SELECT person.tenant_id, word, clock_timestamp() FROM unnest(gone) AS word
                        ON CONFLICT (tenant_id, word) DO UPDATE SET queued_at = excluded.queued_at;
                    END LOOP;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION people_words_removed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO search_word_checks (tenant_id, word, queued_at)
                    SELECT DISTINCT w.tenant_id, w.word, clock_timestamp()
                    FROM person_words AS w JOIN removed ON removed.id = w.person_id
                    ORDER BY 1, 2
                    ON CONFLICT (tenant_id, word) DO UPDATE SET queued_at = excluded.queued_at;
                    DELETE FROM person_words AS w USING removed WHERE w.person_id = removed.id;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER people_words_added AFTER INSERT ON people
                    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION people_words_added();
                CREATE TRIGGER people_words_changed AFTER UPDATE ON people
                    REFERENCING OLD TABLE AS before NEW TABLE AS after FOR EACH STATEMENT EXECUTE FUNCTION people_words_changed();
                CREATE TRIGGER people_words_removed AFTER DELETE ON people
                    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION people_words_removed();

                INSERT INTO person_words (tenant_id, word, person_id)
                SELECT p.tenant_id, word, p.id FROM people AS p, unnest(search_words_of(p.first_name, p.last_name, p.email)) AS word;
                INSERT INTO search_words (tenant_id, word) SELECT DISTINCT tenant_id, word FROM person_words;
                ANALYZE person_words;
                ANALYZE search_words;

                -- People are no longer searched by their whole text, and each insert no longer pays for its trigrams.
                DROP INDEX ix_people_search_text;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE INDEX ix_people_search_text ON people USING gin
                    (lower(first_name || ' ' || last_name || ' ' || coalesce(email, '')) gin_trgm_ops);
                DROP TRIGGER people_words_removed ON people;
                DROP TRIGGER people_words_changed ON people;
                DROP TRIGGER people_words_added ON people;
                DROP FUNCTION people_words_removed();
                DROP FUNCTION people_words_changed();
                DROP FUNCTION people_words_added();
                DROP FUNCTION search_words_of(text, text, text);
                DROP TABLE search_word_checks;
                DROP TABLE person_words;
                DROP TABLE search_words;
                """);
        }
    }
}
