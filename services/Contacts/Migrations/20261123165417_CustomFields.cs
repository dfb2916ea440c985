using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Contacts.Migrations
{
    /// <inheritdoc />
    public partial class CustomFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "custom_fields",
                table: "people",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "custom_fields",
                table: "companies",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            // Existing rows start with no values ('{}' rather than EF Core's empty string, which is no JSON). EF Core cannot
            // index a complex type's columns, so the GIN indexes the custom field filters (@>) and a field's deletion (?)
            // use live here, as do the two functions CustomFieldColumns maps for range filters. They read a value only
            // when it has the expected JSON type and form, so that a stray value never fails a query; they are plain SQL,
            // so the planner inlines them.
            migrationBuilder.Sql("CREATE INDEX ix_people_custom_fields ON people USING gin (custom_fields);");
            migrationBuilder.Sql("CREATE INDEX ix_companies_custom_fields ON companies USING gin (custom_fields);");
            migrationBuilder.Sql(
                """
                CREATE FUNCTION custom_field_number_within(custom_fields jsonb, key text, low numeric, high numeric) RETURNS boolean
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT coalesce(CASE WHEN jsonb_typeof(custom_fields -> key) = 'number'
                                           THEN (low IS NULL OR (custom_fields ->> key)::numeric >= low)
                                            AND (high IS NULL OR (custom_fields ->> key)::numeric <= high) END, false) $$;
                """);
            migrationBuilder.Sql(
                """
                CREATE FUNCTION custom_field_date_within(custom_fields jsonb, key text, low text, high text) RETURNS boolean
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT coalesce(CASE WHEN jsonb_typeof(custom_fields -> key) = 'string' AND (custom_fields ->> key) ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$'
                                           THEN (low IS NULL OR (custom_fields ->> key) COLLATE "C" >= low)
                                            AND (high IS NULL OR (custom_fields ->> key) COLLATE "C" <= high) END, false) $$;
                """);

            migrationBuilder.CreateTable(
                name: "custom_fields",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    entity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    key = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    label = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    options = table.Column<string[]>(type: "text[]", nullable: false),
                    required = table.Column<bool>(type: "boolean", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_custom_fields", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_custom_fields_tenant_id_entity_key",
                table: "custom_fields",
                columns: new[] { "tenant_id", "entity", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_custom_fields_tenant_id_id",
                table: "custom_fields",
                columns: new[] { "tenant_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "custom_fields");

            migrationBuilder.Sql("DROP FUNCTION custom_field_date_within(jsonb, text, text, text);");
            migrationBuilder.Sql("DROP FUNCTION custom_field_number_within(jsonb, text, numeric, numeric);");
            migrationBuilder.Sql("DROP INDEX ix_companies_custom_fields;");
            migrationBuilder.Sql("DROP INDEX ix_people_custom_fields;");

            migrationBuilder.DropColumn(
                name: "custom_fields",
                table: "people");

            migrationBuilder.DropColumn(
                name: "custom_fields",
                table: "companies");
        }
    }
}
