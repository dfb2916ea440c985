using CrmCloud.Support.Features.Requesters;
using CrmCloud.Platform.Contacts;

namespace CrmCloud.Support.Consumers;

/// <summary>Keeps each Requester in step with the person in contacts.</summary>
public sealed class ContactChangedConsumer(SupportDb db, TimeProvider time) : ContactCopyConsumer<SupportDb, Requester>(db, time);
