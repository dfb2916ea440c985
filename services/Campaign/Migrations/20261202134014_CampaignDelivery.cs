using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Campaign.Migrations
{
    /// <inheritdoc />
    public partial class CampaignDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "message_id",
                table: "campaign_recipients",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_sending",
                table: "campaign_recipients",
                column: "claimed_at",
                filter: "status = 'sending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_campaign_recipients_sending",
                table: "campaign_recipients");

            migrationBuilder.DropColumn(
                name: "message_id",
                table: "campaign_recipients");
        }
    }
}
