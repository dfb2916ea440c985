using CrmCloud.Sales.Features.Customers;
using CrmCloud.Platform.Contacts;

namespace CrmCloud.Sales.Consumers;

/// <summary>Keeps each Customer in step with the person in contacts.</summary>
public sealed class ContactChangedConsumer(ContactCopyWriter<SalesDb, Customer> writer) : ContactCopyConsumer<SalesDb, Customer>(writer);

public sealed class ContactChangedConsumerDefinition : ContactCopyConsumerDefinition<ContactChangedConsumer>;
