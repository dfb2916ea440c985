using CrmCloud.Billing.Features.BillingAccounts;
using CrmCloud.Platform.Contacts;

namespace CrmCloud.Billing.Consumers;

/// <summary>Keeps each BillingAccount in step with the person in contacts.</summary>
public sealed class ContactChangedConsumer(ContactCopyWriter<BillingDb, BillingAccount> writer) : ContactCopyConsumer<BillingDb, BillingAccount>(writer);

public sealed class ContactChangedConsumerDefinition : ContactCopyConsumerDefinition<ContactChangedConsumer>;
