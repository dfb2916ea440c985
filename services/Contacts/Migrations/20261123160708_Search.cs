using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmCloud.Contacts.Migrations
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            // EF Core cannot declare expression indexes over a complex type's columns, so these trigram indexes for
            // ?q= live here only; each expression is exactly the one PeopleSearch and CompanySearch match against.
            migrationBuilder.Sql(
                "CREATE INDEX ix_people_search_text ON people USING gin "
                + "(lower(first_name || ' ' || last_name || ' ' || coalesce(email, '')) gin_trgm_ops);");
            migrationBuilder.Sql(
                "CREATE INDEX ix_people_search_phone ON people USING gin "
                + "(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') gin_trgm_ops);");
            migrationBuilder.Sql(
                "CREATE INDEX ix_companies_search_text ON companies USING gin "
                + "(lower(name || ' ' || coalesce(domain, '')) gin_trgm_ops);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_companies_search_text;");
            migrationBuilder.Sql("DROP INDEX ix_people_search_phone;");
            migrationBuilder.Sql("DROP INDEX ix_people_search_text;");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
