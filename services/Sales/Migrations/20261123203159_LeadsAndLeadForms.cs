using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Sales.Migrations
{
    /// <inheritdoc />
    public partial class LeadsAndLeadForms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "lead_id",
                table: "opportunities",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source",
                table: "opportunities",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "manual");

            migrationBuilder.CreateTable(
                name: "lead_capture_windows",
                columns: table => new
                {
                    form_id = table.Column<Guid>(type: "uuid", nullable: false),
                    window_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lead_capture_windows", x => new { x.form_id, x.window_start });
                });

            migrationBuilder.CreateTable(
                name: "lead_forms",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    key_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    key_hint = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    key_issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    allowed_fields = table.Column<string[]>(type: "text[]", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: true),
                    default_owner_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    rate_limit_per_minute = table.Column<int>(type: "integer", nullable: false),
                    redirect_url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lead_forms", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "leads",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    form_id = table.Column<Guid>(type: "uuid", nullable: true),
                    conversion = table.Column<string>(type: "jsonb", nullable: true),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: true),
                    company_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    disqualified_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    first_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    job_title = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    last_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    message = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    owner_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    score = table.Column<int>(type: "integer", nullable: false),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_leads", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_lead_forms_key_hash",
                table: "lead_forms",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_lead_forms_tenant_id_id",
                table: "lead_forms",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_leads_tenant_id_id",
                table: "leads",
                columns: new[] { "tenant_id", "id" });

            // Indexes EF Core cannot express (on a complex type's columns, or on an expression).
            migrationBuilder.Sql("CREATE INDEX ix_leads_tenant_id_lower_email ON leads (tenant_id, lower(email), form_id, created_at);");
            migrationBuilder.Sql("CREATE INDEX ix_leads_tenant_id_status ON leads (tenant_id, status);");
            migrationBuilder.Sql("CREATE INDEX ix_opportunities_tenant_id_source ON opportunities (tenant_id, source);");
            migrationBuilder.Sql("CREATE INDEX ix_opportunities_tenant_id_lead_id ON opportunities (tenant_id, lead_id) WHERE lead_id IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lead_capture_windows");

            migrationBuilder.DropTable(
                name: "lead_forms");

            migrationBuilder.DropTable(
                name: "leads");

            migrationBuilder.DropColumn(
                name: "lead_id",
                table: "opportunities");

            migrationBuilder.DropColumn(
                name: "source",
                table: "opportunities");
        }
    }
}
