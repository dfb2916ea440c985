using CrmCloud.Support;
using CrmCloud.Support.Features.Requesters;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<SupportDb>("supportdb");
builder.AddMessaging<SupportDb>("support");

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapContactCopies<SupportDb, Requester, RequesterResponse>("/api/v1/requesters", "support", "Requesters", RequesterResponse.From);

return await app.RunServiceAsync(args);
