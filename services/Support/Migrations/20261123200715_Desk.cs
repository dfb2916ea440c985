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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
