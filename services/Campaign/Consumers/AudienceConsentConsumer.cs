using CrmCloud.Campaign.Features.Audience;
using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Campaign.Consumers;

/// <summary>
/// Keeps each person's consent per channel from contacts: the newest <c>ChangedAt</c> wins whatever order the facts
/// arrive in. A deleted or erased person's consents go with the person.
/// </summary>
public sealed class AudienceConsentConsumer(CampaignDb db) :
    IConsumer<ConsentChanged>,
    IConsumer<ContactDeleted>,
    IConsumer<ContactErased>
{
    public Task Consume(ConsumeContext<ConsentChanged> context) =>
        db.HandleOnceAsync(context, nameof(AudienceConsentConsumer), async (message, cancellationToken) =>
        {
            var channel = message.Channel.ToLowerInvariant();
            var optedIn = message.Status == "opted-in";
            var consent = await db.AudienceConsents.FirstOrDefaultAsync(c => c.PersonId == message.PersonId && c.Channel == channel, cancellationToken);
            if (consent is null)
            {
                db.AudienceConsents.Add(AudienceConsent.For(db.Tenant.TenantId, message.PersonId, channel, optedIn, message.ChangedAt));
                return;
            }

            consent.Apply(optedIn, message.ChangedAt);
        });

    public Task Consume(ConsumeContext<ContactDeleted> context) =>
        db.HandleOnceAsync(context, nameof(AudienceConsentConsumer), (message, cancellationToken) => ForgetAsync(message.PersonId, cancellationToken));

    public Task Consume(ConsumeContext<ContactErased> context) =>
        db.HandleOnceAsync(context, nameof(AudienceConsentConsumer), (message, cancellationToken) => ForgetAsync(message.PersonId, cancellationToken));

    private Task<int> ForgetAsync(Guid personId, CancellationToken cancellationToken) =>
        db.AudienceConsents.Where(c => c.PersonId == personId).ExecuteDeleteAsync(cancellationToken);
}
