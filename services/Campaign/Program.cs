using CrmCloud.Campaign;
using CrmCloud.Campaign.Features.Attribution;
using CrmCloud.Campaign.Features.Audience;
using CrmCloud.Campaign.Features.Campaigns;
using CrmCloud.Campaign.Features.Delivery;
using CrmCloud.Campaign.Features.Responses;
using CrmCloud.Campaign.Features.Results;
using CrmCloud.Campaign.Features.Segments;
using CrmCloud.Campaign.Features.Tracking;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<CampaignDb>("campaigndb");
builder.AddContactCopies<CampaignDb, AudienceMember>();
builder.AddMessaging<CampaignDb>("campaign");
builder.Services.AddScoped<OrderAttribution>();
builder.AddCampaignDelivery();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapContactCopies<CampaignDb, AudienceMember, AudienceMemberResponse>("/api/v1/audience-members", "campaign", "Audience members", AudienceMemberResponse.From);
app.MapSegments();
app.MapCampaigns();
app.MapCampaignResponses();
app.MapPersonResponses();
app.MapCampaignResults();
app.MapRecipientExport();
app.MapTracking();

return await app.RunServiceAsync(args);
