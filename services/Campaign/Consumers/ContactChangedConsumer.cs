using CrmCloud.Campaign.Features.Audience;
using CrmCloud.Platform.Contacts;

namespace CrmCloud.Campaign.Consumers;

/// <summary>Keeps each AudienceMember in step with the person in contacts.</summary>
public sealed class ContactChangedConsumer(ContactCopyWriter<CampaignDb, AudienceMember> writer) : ContactCopyConsumer<CampaignDb, AudienceMember>(writer);

public sealed class ContactChangedConsumerDefinition : ContactCopyConsumerDefinition<ContactChangedConsumer>;
