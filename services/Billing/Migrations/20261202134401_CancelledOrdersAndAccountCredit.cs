using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Billing.Migrations
{
    /// <inheritdoc />
    public partial class CancelledOrdersAndAccountCredit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "allocations",
                table: "credit_notes",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            // Credit notes issued so far could credit no more than their invoice still owed: each went to its invoice in full.
            migrationBuilder.Sql(
                "UPDATE credit_notes SET allocations = jsonb_build_array(jsonb_build_object('invoiceId', invoice_id, 'invoiceNumber', invoice_number, 'amount', total))");

            migrationBuilder.AddColumn<decimal>(
                name: "unapplied",
                table: "credit_notes",
                type: "numeric(20,4)",
                precision: 20,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.CreateTable(
                name: "cancelled_orders",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cancelled_orders", x => new { x.tenant_id, x.order_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_credit_notes_tenant_id_billing_account_id",
                table: "credit_notes",
                columns: new[] { "tenant_id", "billing_account_id" },
                filter: "unapplied > 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cancelled_orders");

            migrationBuilder.DropIndex(
                name: "ix_credit_notes_tenant_id_billing_account_id",
                table: "credit_notes");

            migrationBuilder.DropColumn(
                name: "allocations",
                table: "credit_notes");

            migrationBuilder.DropColumn(
                name: "unapplied",
                table: "credit_notes");
        }
    }
}
