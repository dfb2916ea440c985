using CrmCloud.Contacts.Features.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrmCloud.Contacts.Features.Search;

/// <summary>
/// Search needs the <c>pg_trgm</c> extension (trigram similarity and its GIN operator class). It is declared on the
/// model, so migrations create it; the trigram indexes themselves are expression indexes over complex-type columns,
/// which EF Core cannot declare, and live in the Search migration only.
/// </summary>
internal sealed class SearchConfiguration : IEntityTypeConfiguration<Person>
{
    public const string Extension = "pg_trgm";

    public void Configure(EntityTypeBuilder<Person> person) =>
        person.Metadata.Model.GetOrAddPostgresExtension(schema: null, name: Extension, version: null);
}
