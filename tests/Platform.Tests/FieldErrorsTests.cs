using System.Text.Json;
using CrmCloud.Platform.Api;
using Xunit;

namespace CrmCloud.Platform.Tests;

public sealed class FieldErrorsTests
{
    [Theory]
    [InlineData("ada@example.com", true)]
    [InlineData("ada.lovelace+crm@mail.example.co.uk", true)]
    [InlineData("ada@localhost", false)]
    [InlineData("ada", false)]
    [InlineData("Ada <ada@example.com>", false)]
    public void Email_addresses_are_checked(string email, bool valid)
    {
        var errors = new FieldErrors();

        errors.Email("email", email);

        Assert.Equal(valid, errors.IsEmpty);
    }

    [Fact]
    public void Required_text_is_trimmed_and_blank_is_an_error()
    {
        var errors = new FieldErrors();

        Assert.Equal("Lovelace", errors.Required("lastName", "  Lovelace ", 100));
        Assert.True(errors.IsEmpty);
        Assert.Null(errors.Required("lastName", "   ", 100));
        Assert.Contains("lastName", errors.ToDictionary().Keys);
    }

    [Fact]
    public void A_merge_patch_keeps_absent_fields_clears_nulls_and_names_strangers()
    {
        var errors = new FieldErrors();
        using var body = JsonDocument.Parse("""{ "email": null, "phone": "+44", "shoeSize": 9 }""");

        var patch = MergePatch.Read(body.RootElement, new HashSet<string> { "email", "phone", "jobTitle" }, errors)!;

        Assert.Null(patch.Text("email", "old@example.com", errors));
        Assert.Equal("+44", patch.Text("phone", null, errors));
        Assert.Equal("Engineer", patch.Text("jobTitle", "Engineer", errors));
        Assert.Equal(["shoeSize"], errors.ToDictionary().Keys);
    }

    [Fact]
    public void A_merge_patch_must_be_an_object()
    {
        var errors = new FieldErrors();
        using var body = JsonDocument.Parse("[1, 2]");

        Assert.Null(MergePatch.Read(body.RootElement, new HashSet<string>(), errors));
        Assert.False(errors.IsEmpty);
    }
}
