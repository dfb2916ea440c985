using CrmCloud.Campaign;
using CrmCloud.Campaign.Features.Audience;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<CampaignDb>("campaigndb");
builder.AddMessaging<CampaignDb>("campaign");

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapContactCopies<CampaignDb, AudienceMember, AudienceMemberResponse>("/api/v1/audience-members", "campaign", "Audience members", AudienceMemberResponse.From);

return await app.RunServiceAsync(args);
