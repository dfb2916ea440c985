using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Campaign.Migrations
{
    /// <inheritdoc />
    public partial class CampaignManagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "birth_date",
                table: "audience_members",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "company_id",
                table: "audience_members",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "country",
                table: "audience_members",
                type: "character varying(2)",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "custom_fields",
                table: "audience_members",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "language",
                table: "audience_members",
                type: "character varying(35)",
                maxLength: 35,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_name",
                table: "audience_members",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "lifecycle_stage",
                table: "audience_members",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "tags",
                table: "audience_members",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.CreateTable(
                name: "audience_consents",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    opted_in = table.Column<bool>(type: "boolean", nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audience_consents", x => new { x.tenant_id, x.person_id, x.channel });
                });

            migrationBuilder.CreateTable(
                name: "audience_orders",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    net_total = table.Column<decimal>(type: "numeric(19,4)", precision: 19, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    placed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audience_orders", x => new { x.tenant_id, x.order_id });
                });

            migrationBuilder.CreateTable(
                name: "audience_tickets",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ticket_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    opened_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    solved = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audience_tickets", x => new { x.tenant_id, x.ticket_id });
                });

            migrationBuilder.CreateTable(
                name: "campaign_conversions",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    revenue = table.Column<decimal>(type: "numeric(19,4)", precision: 19, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    via = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ordered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cancelled = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaign_conversions", x => new { x.tenant_id, x.order_id });
                });

            migrationBuilder.CreateTable(
                name: "campaign_recipients",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    first_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    last_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    offer_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaign_recipients", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "campaign_responses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    recipient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaign_responses", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    segment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    launched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    audience_count = table.Column<int>(type: "integer", nullable: false),
                    excluded_without_consent = table.Column<int>(type: "integer", nullable: false),
                    excluded_without_address = table.Column<int>(type: "integer", nullable: false),
                    offer_version = table.Column<long>(type: "bigint", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    details = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaigns", x => x.id);
                });

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

            migrationBuilder.CreateTable(
                name: "segments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    criteria = table.Column<string>(type: "jsonb", nullable: true),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_segments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "segment_list_members",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    segment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    added_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_segment_list_members", x => new { x.tenant_id, x.segment_id, x.person_id });
                    table.ForeignKey(
                        name: "fk_segment_list_members_segments_segment_id",
                        column: x => x.segment_id,
                        principalTable: "segments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audience_orders_tenant_id_person_id",
                table: "audience_orders",
                columns: new[] { "tenant_id", "person_id" });

            migrationBuilder.CreateIndex(
                name: "ix_audience_tickets_tenant_id_person_id",
                table: "audience_tickets",
                columns: new[] { "tenant_id", "person_id" });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_conversions_tenant_id_campaign_id",
                table: "campaign_conversions",
                columns: new[] { "tenant_id", "campaign_id" });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_campaign_id_offer_code",
                table: "campaign_recipients",
                columns: new[] { "campaign_id", "offer_code" });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_campaign_id_person_id",
                table: "campaign_recipients",
                columns: new[] { "campaign_id", "person_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_pending",
                table: "campaign_recipients",
                columns: new[] { "campaign_id", "id" },
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_tenant_id_person_id",
                table: "campaign_recipients",
                columns: new[] { "tenant_id", "person_id" });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_token",
                table: "campaign_recipients",
                column: "token",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_campaign_responses_campaign_id_kind",
                table: "campaign_responses",
                columns: new[] { "campaign_id", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_responses_recipient_id_kind",
                table: "campaign_responses",
                columns: new[] { "recipient_id", "kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_campaign_responses_tenant_id_person_id_campaign_id",
                table: "campaign_responses",
                columns: new[] { "tenant_id", "person_id", "campaign_id" });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_tenant_id_id",
                table: "campaigns",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_tenant_id_segment_id",
                table: "campaigns",
                columns: new[] { "tenant_id", "segment_id" });

            migrationBuilder.CreateIndex(
                name: "ix_person_merges_tenant_id_survivor_id",
                table: "person_merges",
                columns: new[] { "tenant_id", "survivor_id" });

            migrationBuilder.CreateIndex(
                name: "ix_segment_list_members_segment_id",
                table: "segment_list_members",
                column: "segment_id");

            migrationBuilder.CreateIndex(
                name: "ix_segments_tenant_id_id",
                table: "segments",
                columns: new[] { "tenant_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audience_consents");

            migrationBuilder.DropTable(
                name: "audience_orders");

            migrationBuilder.DropTable(
                name: "audience_tickets");

            migrationBuilder.DropTable(
                name: "campaign_conversions");

            migrationBuilder.DropTable(
                name: "campaign_recipients");

            migrationBuilder.DropTable(
                name: "campaign_responses");

            migrationBuilder.DropTable(
                name: "campaigns");

            migrationBuilder.DropTable(
                name: "person_merges");

            migrationBuilder.DropTable(
                name: "segment_list_members");

            migrationBuilder.DropTable(
                name: "segments");

            migrationBuilder.DropColumn(
                name: "birth_date",
                table: "audience_members");

            migrationBuilder.DropColumn(
                name: "company_id",
                table: "audience_members");

            migrationBuilder.DropColumn(
                name: "country",
                table: "audience_members");

            migrationBuilder.DropColumn(
                name: "custom_fields",
                table: "audience_members");

            migrationBuilder.DropColumn(
                name: "language",
                table: "audience_members");

            migrationBuilder.DropColumn(
                name: "last_name",
                table: "audience_members");

            migrationBuilder.DropColumn(
                name: "lifecycle_stage",
                table: "audience_members");

            migrationBuilder.DropColumn(
                name: "tags",
                table: "audience_members");
        }
    }
}
