using CrmCloud.Support.Features.Requesters;
using CrmCloud.Platform.Contacts;

namespace CrmCloud.Support.Consumers;

/// <summary>Keeps each Requester in step with the person in contacts.</summary>
public sealed class ContactChangedConsumer(ContactCopyWriter<SupportDb, Requester> writer) : ContactCopyConsumer<SupportDb, Requester>(writer);

public sealed class ContactChangedConsumerDefinition : ContactCopyConsumerDefinition<ContactChangedConsumer>;
