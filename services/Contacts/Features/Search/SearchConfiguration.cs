using CrmCloud.Contacts.Features.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Contacts.Features.Search;

/// <summary>
/// Search needs the <c>pg_trgm</c> extension (trigram similarity and its GIN operator class), and <c>btree_gin</c> for
/// the tenant beside the trigrams in one GIN index. They are declared on the model, so migrations create them; the
/// trigram indexes themselves are expression indexes over complex-type columns, which EF Core cannot declare, and live
/// in the migrations only (Search, SearchWords, CompanySearchByTenant).
/// </summary>
internal sealed class SearchConfiguration : IEntityTypeConfiguration<Person>
{
    public const string Extension = "pg_trgm";

    public const string TenantInGinExtension = "btree_gin";

    public void Configure(EntityTypeBuilder<Person> person)
    {
        person.Metadata.Model.GetOrAddPostgresExtension(schema: null, name: Extension, version: null);
        person.Metadata.Model.GetOrAddPostgresExtension(schema: null, name: TenantInGinExtension, version: null);
    }
}
