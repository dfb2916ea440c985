using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Support.Migrations
{
    /// <inheritdoc />
    public partial class Desk : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "assets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    next_maintenance_on = table.Column<DateOnly>(type: "date", nullable: true),
                    company_id = table.Column<Guid>(type: "uuid", nullable: true),
                    first_maintenance_on = table.Column<DateOnly>(type: "date", nullable: true),
                    installed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    maintenance_every_days = table.Column<int>(type: "integer", nullable: true),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    product = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    serial_number = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    warranty_ends_on = table.Column<DateOnly>(type: "date", nullable: true),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "canned_responses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_canned_responses", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "kb_articles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kb_articles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "satisfaction_surveys",
                columns: table => new
                {
                    token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ticket_id = table.Column<Guid>(type: "uuid", nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    rating = table.Column<int>(type: "integer", nullable: true),
                    comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    rated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_satisfaction_surveys", x => x.token);
                });

            migrationBuilder.CreateTable(
                name: "sla_alarms",
                columns: table => new
                {
                    ticket_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    target = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_alarms", x => new { x.ticket_id, x.kind, x.target });
                });

            migrationBuilder.CreateIndex(
                name: "ix_tickets_first_response_due_at",
                table: "tickets",
                column: "first_response_due_at",
                filter: "first_responded_at IS NULL AND first_response_due_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_resolution_due_at",
                table: "tickets",
                column: "resolution_due_at",
                filter: "solved_at IS NULL AND resolution_due_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_assets_next_maintenance_on",
                table: "assets",
                column: "next_maintenance_on",
                filter: "next_maintenance_on IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_assets_tenant_id_id",
                table: "assets",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_canned_responses_tenant_id_id",
                table: "canned_responses",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_kb_articles_tenant_id_id",
                table: "kb_articles",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_satisfaction_surveys_tenant_id_ticket_id",
                table: "satisfaction_surveys",
                columns: new[] { "tenant_id", "ticket_id" },
                unique: true);

            // Ranked full-text search: the title weighs more than the body. Kept by PostgreSQL itself, indexed with GIN.
            migrationBuilder.Sql(
                """
                ALTER TABLE kb_articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                    setweight(to_tsvector('english', coalesce(category, '')), 'B') ||
                    setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED;
                CREATE INDEX ix_kb_articles_search_vector ON kb_articles USING gin (search_vector);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assets");

            migrationBuilder.DropTable(
                name: "canned_responses");

            migrationBuilder.DropTable(
                name: "kb_articles");

            migrationBuilder.DropTable(
                name: "satisfaction_surveys");

            migrationBuilder.DropTable(
                name: "sla_alarms");

            migrationBuilder.DropIndex(
                name: "ix_tickets_first_response_due_at",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "ix_tickets_resolution_due_at",
                table: "tickets");
        }
    }
}
