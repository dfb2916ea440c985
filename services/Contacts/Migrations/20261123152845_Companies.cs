using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Contacts.Migrations
{
    /// <inheritdoc />
    public partial class Companies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "company_id",
                table: "people",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "companies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    address = table.Column<string>(type: "jsonb", nullable: true),
                    domain = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: true),
                    industry = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    owner_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    parent_company_id = table.Column<Guid>(type: "uuid", nullable: true),
                    phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    relationship = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    size = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    tags = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_companies", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_companies_tenant_id_id",
                table: "companies",
                columns: new[] { "tenant_id", "id" });

            // EF Core cannot index a complex type's columns, so these are declared here only: they serve a
            // company's people list and the "still linked to?" check before a company is deleted.
            migrationBuilder.CreateIndex(
                name: "ix_people_tenant_id_company_id_id",
                table: "people",
                columns: new[] { "tenant_id", "company_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_companies_tenant_id_parent_company_id",
                table: "companies",
                columns: new[] { "tenant_id", "parent_company_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_people_tenant_id_company_id_id",
                table: "people");

            migrationBuilder.DropTable(
                name: "companies");

            migrationBuilder.DropColumn(
                name: "company_id",
                table: "people");
        }
    }
}
