using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;
using CrmCloud.Support;
using CrmCloud.Support.Features.Assets;
using CrmCloud.Support.Features.Calendars;
using CrmCloud.Support.Features.CannedResponses;
using CrmCloud.Support.Features.Knowledge;
using CrmCloud.Support.Features.Inbound;
using CrmCloud.Support.Features.Requesters;
using CrmCloud.Support.Features.Resources;
using CrmCloud.Support.Features.Satisfaction;
using CrmCloud.Support.Features.ServiceContracts;
using CrmCloud.Support.Features.Sla;
using CrmCloud.Support.Features.Tickets;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<SupportDb>("supportdb");
builder.AddMessaging<SupportDb>("support");
builder.AddSlaTimers();
builder.AddMaintenanceSchedule();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapContactCopies<SupportDb, Requester, RequesterResponse>("/api/v1/requesters", "support", "Requesters", RequesterResponse.From);
app.MapTickets();
app.MapInbound();
app.MapSatisfaction();
app.MapResource(CalendarRequests.Shape);
app.MapResource(SlaPolicyRequests.Shape);
app.MapResource(ServiceContractRequests.Shape);
app.MapResource(KbArticleRequests.Shape);
app.MapKnowledgeSearch();
app.MapCannedResponses();
app.MapResource(AssetRequests.Shape);

return await app.RunServiceAsync(args);
