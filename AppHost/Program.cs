using CrmCloud.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var messaging = builder.AddRabbitMQ("messaging").WithManagementPlugin();
var cache = builder.AddRedis("cache");
var mail = builder.AddSmtpSink("mail");

// A business service: its own database, the broker for events, migrations before it starts.
IResourceBuilder<ProjectResource> AddService(string name, string projectPath) =>
    builder.AddProject(name, projectPath)
        .WithReference(postgres.AddDatabase($"{name}db", name)).WaitFor(postgres)
        .WithReference(messaging).WaitFor(messaging)
        .WithMigrations();

var contacts = AddService("contacts", "../services/Contacts/Contacts.csproj");
var sales = AddService("sales", "../services/Sales/Sales.csproj");
var campaign = AddService("campaign", "../services/Campaign/Campaign.csproj").WithReference(mail).WaitFor(mail);
var support = AddService("support", "../services/Support/Support.csproj");
var billing = AddService("billing", "../services/Billing/Billing.csproj");
// Partner credentials and webhooks: writes the API keys' grants to the Redis the gateway reads them from, and
// delivers webhooks; here to receivers on this machine too, which production refuses.
var integrations = AddService("integrations", "../services/Integrations/Integrations.csproj")
    .WithReference(cache).WaitFor(cache)
    .WithEnvironment("Webhooks__AllowPrivateAddresses", "true");

builder.AddProject("gateway", "../gateway/Gateway.csproj")
    .WithReference(contacts).WaitFor(contacts)
    .WithReference(sales).WaitFor(sales)
    .WithReference(campaign).WaitFor(campaign)
    .WithReference(support).WaitFor(support)
    .WithReference(billing).WaitFor(billing)
    .WithReference(integrations).WaitFor(integrations)
    .WithReference(cache).WaitFor(cache)
    // The person's events empty the customer 360 cache.
    .WithReference(messaging).WaitFor(messaging)
    .WithHttpEndpoint(port: 8080)
    .WithExternalHttpEndpoints()
    .WithUrl("/docs", "API reference");

await builder.Build().RunAsync();
