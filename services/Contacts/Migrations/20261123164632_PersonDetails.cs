using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Contacts.Migrations
{
    /// <inheritdoc />
    public partial class PersonDetails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "address",
                table: "people",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "demographics",
                table: "people",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "emails",
                table: "people",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "language",
                table: "people",
                type: "character varying(35)",
                maxLength: 35,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "lifecycle_stage",
                table: "people",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "owner_id",
                table: "people",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "phones",
                table: "people",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "preferred_channel",
                table: "people",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "relationship",
                table: "people",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source",
                table: "people",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "tags",
                table: "people",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            // People stored before the lists existed: their one email and phone become the primary entries.
            migrationBuilder.Sql("""
                UPDATE people SET
                    emails = CASE WHEN email IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('address', email, 'primary', true)) END,
                    phones = CASE WHEN phone IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('number', phone, 'primary', true)) END;
                """);

            // The list filters; EF Core cannot index a complex type's columns.
            migrationBuilder.Sql("CREATE INDEX ix_people_tenant_id_lifecycle_stage ON people (tenant_id, lifecycle_stage, id);");
            migrationBuilder.Sql("CREATE INDEX ix_people_tenant_id_owner_id ON people (tenant_id, owner_id, id);");
            migrationBuilder.Sql("CREATE INDEX ix_people_tags ON people USING gin (tags);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_people_tags;");
            migrationBuilder.Sql("DROP INDEX ix_people_tenant_id_owner_id;");
            migrationBuilder.Sql("DROP INDEX ix_people_tenant_id_lifecycle_stage;");

            migrationBuilder.DropColumn(
                name: "address",
                table: "people");

            migrationBuilder.DropColumn(
                name: "demographics",
                table: "people");

            migrationBuilder.DropColumn(
                name: "emails",
                table: "people");

            migrationBuilder.DropColumn(
                name: "language",
                table: "people");

            migrationBuilder.DropColumn(
                name: "lifecycle_stage",
                table: "people");

            migrationBuilder.DropColumn(
                name: "owner_id",
                table: "people");

            migrationBuilder.DropColumn(
                name: "phones",
                table: "people");

            migrationBuilder.DropColumn(
                name: "preferred_channel",
                table: "people");

            migrationBuilder.DropColumn(
                name: "relationship",
                table: "people");

            migrationBuilder.DropColumn(
                name: "source",
                table: "people");

            migrationBuilder.DropColumn(
                name: "tags",
                table: "people");
        }
    }
}
