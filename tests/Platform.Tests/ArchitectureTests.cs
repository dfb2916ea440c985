using System.Reflection;
using Xunit;

namespace CrmCloud.Platform.Tests;

/// <summary>Services share only the contracts and the platform libraries, never each other's code.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly[] ServiceAssemblies =
    [
        typeof(global::CrmCloud.Contacts.ContactsDb).Assembly,
        typeof(global::CrmCloud.Sales.SalesDb).Assembly,
        typeof(global::CrmCloud.Campaign.CampaignDb).Assembly,
        typeof(global::CrmCloud.Support.SupportDb).Assembly,
        typeof(global::CrmCloud.Billing.BillingDb).Assembly,
        typeof(global::CrmCloud.Integrations.IntegrationsDb).Assembly,
    ];

    private static readonly Assembly GatewayAssembly = Assembly.Load("Gateway");

    public static TheoryData<string> Services => [.. ServiceAssemblies.Select(assembly => assembly.GetName().Name!)];

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_references_no_other_service(string service)
    {
        var assembly = ServiceAssemblies.Single(candidate => candidate.GetName().Name == service);
        var others = ServiceAssemblies.Append(GatewayAssembly).Select(other => other.GetName().Name).Where(name => name != service).ToHashSet();

        var referenced = assembly.GetReferencedAssemblies().Select(reference => reference.Name).Where(others.Contains).ToList();

        Assert.Empty(referenced);
    }

    [Fact]
    public void The_gateway_references_no_service()
    {
        var services = ServiceAssemblies.Select(assembly => assembly.GetName().Name).ToHashSet();

        Assert.DoesNotContain(GatewayAssembly.GetReferencedAssemblies(), reference => services.Contains(reference.Name));
    }

    [Fact]
    public void Contracts_hold_messages_only_and_depend_on_nothing_but_the_runtime()
    {
        var contracts = typeof(Contracts.IIntegrationEvent).Assembly;

        Assert.All(contracts.GetReferencedAssemblies(), reference => Assert.StartsWith("System", reference.Name, StringComparison.Ordinal));
        Assert.All(
            contracts.GetExportedTypes().Where(type => type is { IsInterface: false }),
            type => Assert.True(type.IsSealed && type.GetMethod("<Clone>$") is not null, $"{type.Name} should be a sealed record."));
    }

    [Fact]
    public void Every_event_names_its_tenant_and_when_it_happened()
    {
        var events = typeof(Contracts.IIntegrationEvent).Assembly.GetExportedTypes()
            .Where(type => type.IsClass && type.Name is not ("ContactSnapshot" or "CompanySnapshot" or "AddressSnapshot" or "MergedContact" or "OrderLine" or "OfferCode"));

        Assert.All(events, type => Assert.True(typeof(Contracts.IIntegrationEvent).IsAssignableFrom(type), $"{type.Name} should implement IIntegrationEvent."));
    }
}
