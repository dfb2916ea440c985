using CrmCloud.Contracts.Campaign;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CrmCloud.Contacts.Features.Consent;

/// <summary>
/// A person unsubscribed through a campaign's link: their consent on the channel is withdrawn (source <c>campaign</c>),
/// kept in the history and published as <c>ConsentChanged</c> like any other change, unless a change dated after the
/// unsubscribe is already recorded (the person opted in again since) or the person is gone.
/// </summary>
public sealed class UnsubscribeConsumer(ContactsDb db, TimeProvider time) : IConsumer<UnsubscribeRequested>
{
    public const string Source = "campaign";

    public Task Consume(ConsumeContext<UnsubscribeRequested> context) =>
        db.HandleOnceAsync(context, nameof(UnsubscribeConsumer), async (message, cancellationToken) =>
        {
            // An unknown channel is the publisher's defect: throwing parks the message for a person to look at.
            var channel = ConsentRequests.Channel(message.Channel) ?? throw new InvalidOperationException($"'{message.Channel}' is not a consent channel.");
            var personId = await PersonMerge.SurvivorOfAsync(db, message.PersonId, cancellationToken);
            if (!await db.People.AnyAsync(p => p.Id == personId, cancellationToken))
            {
                return;
            }

            var now = Timestamps.Stored(time.GetUtcNow());
            var changedAt = Timestamps.Stored(message.OccurredAt < now ? message.OccurredAt : now);
            var terms = new ConsentTerms(ConsentStatus.OptedOut, Source, null);
            var consent = await db.Consents.FirstOrDefaultAsync(c => c.PersonId == personId && c.Channel == channel, cancellationToken);
            if (consent is null)
            {
                consent = PersonConsent.Create(db.Tenant.TenantId, personId, channel, terms, changedAt, $"campaign/{message.CampaignId}", now);
                db.Consents.Add(consent);
            }
            else if (consent.ChangedAt > changedAt || consent.Details.Status == ConsentStatus.OptedOut || !consent.Record(terms, changedAt, $"campaign/{message.CampaignId}", now))
            {
                return;
            }

            db.ConsentChanges.Add(consent.History());
            db.Publish(consent.Changed());
        });
}
