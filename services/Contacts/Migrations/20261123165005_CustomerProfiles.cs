using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Contacts.Migrations
{
    /// <inheritdoc />
    public partial class CustomerProfiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customer_facts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    company_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    @event = table.Column<string>(name: "event", type: "character varying(32)", maxLength: 32, nullable: false),
                    source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    summary = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(19,4)", nullable: true),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: true),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: true),
                    campaign_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_facts", x => x.id);
                    table.ForeignKey(
                        name: "fk_customer_facts_companies_company_id",
                        column: x => x.company_id,
                        principalTable: "companies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_customer_facts_people_person_id",
                        column: x => x.person_id,
                        principalTable: "people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "customer_profiles",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    order_count = table.Column<int>(type: "integer", nullable: false),
                    first_order_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_order_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    open_tickets = table.Column<int>(type: "integer", nullable: false),
                    last_response = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    last_response_campaign_id = table.Column<Guid>(type: "uuid", nullable: true),
                    last_response_campaign_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    last_response_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_profiles", x => x.person_id);
                    table.ForeignKey(
                        name: "fk_customer_profiles_people_person_id",
                        column: x => x.person_id,
                        principalTable: "people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "customer_revenues",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(19,4)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_revenues", x => new { x.person_id, x.currency });
                    table.ForeignKey(
                        name: "fk_customer_revenues_customer_profiles_person_id",
                        column: x => x.person_id,
                        principalTable: "customer_profiles",
                        principalColumn: "person_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_customer_facts_company_id",
                table: "customer_facts",
                column: "company_id");

            migrationBuilder.CreateIndex(
                name: "ix_customer_facts_person_id",
                table: "customer_facts",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_customer_facts_tenant_id_company_id",
                table: "customer_facts",
                columns: new[] { "tenant_id", "company_id" });

            migrationBuilder.CreateIndex(
                name: "ix_customer_facts_tenant_id_kind_source_id_event",
                table: "customer_facts",
                columns: new[] { "tenant_id", "kind", "source_id", "event" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_customer_facts_tenant_id_person_id_occurred_at_id",
                table: "customer_facts",
                columns: new[] { "tenant_id", "person_id", "occurred_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_customer_profiles_tenant_id_order_count",
                table: "customer_profiles",
                columns: new[] { "tenant_id", "order_count" });

            migrationBuilder.CreateIndex(
                name: "ix_customer_revenues_tenant_id_currency_amount_person_id",
                table: "customer_revenues",
                columns: new[] { "tenant_id", "currency", "amount", "person_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customer_facts");

            migrationBuilder.DropTable(
                name: "customer_revenues");

            migrationBuilder.DropTable(
                name: "customer_profiles");
        }
    }
}
