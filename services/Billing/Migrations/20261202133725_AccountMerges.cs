using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Billing.Migrations
{
    /// <inheritdoc />
    public partial class AccountMerges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "person_merges",
                columns: table => new
                {
                    merged_person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    survivor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    merged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_merges", x => new { x.tenant_id, x.merged_person_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_person_merges_tenant_id_survivor_id",
                table: "person_merges",
                columns: new[] { "tenant_id", "survivor_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "person_merges");
        }
    }
}
