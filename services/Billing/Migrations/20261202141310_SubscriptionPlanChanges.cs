using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Billing.Migrations
{
    /// <inheritdoc />
    public partial class SubscriptionPlanChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "adjustments",
                table: "subscriptions",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<DateOnly>(
                name: "anchor_on",
                table: "subscriptions",
                type: "date",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            migrationBuilder.AddColumn<int>(
                name: "anchor_period",
                table: "subscriptions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "pending_plan",
                table: "subscriptions",
                type: "jsonb",
                nullable: true);

            // Every subscription so far counted its periods from its start.
            migrationBuilder.Sql("UPDATE subscriptions SET anchor_on = starts_on");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "adjustments",
                table: "subscriptions");

            migrationBuilder.DropColumn(
                name: "anchor_on",
                table: "subscriptions");

            migrationBuilder.DropColumn(
                name: "anchor_period",
                table: "subscriptions");

            migrationBuilder.DropColumn(
                name: "pending_plan",
                table: "subscriptions");
        }
    }
}
