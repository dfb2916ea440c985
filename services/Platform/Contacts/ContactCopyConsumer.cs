using CrmCloud.Contracts.Contacts;
using CrmCloud.Platform.Data;
using MassTransit;

namespace CrmCloud.Platform.Contacts;

/// <summary>
/// Keeps a service's <typeparamref name="TCopy"/> in step with contacts: exactly once per message
/// through the inbox, and in contacts' version order whatever order the events arrive in. A deleted or
/// erased person leaves a tombstone without personal data, and so does each person merged into another.
/// The <see cref="ContactCopyWriter{TDb,TCopy}"/> commits the events that arrive together in one transaction.
/// </summary>
public abstract class ContactCopyConsumer<TDb, TCopy>(ContactCopyWriter<TDb, TCopy> writer) :
    IConsumer<ContactCreated>,
    IConsumer<ContactUpdated>,
    IConsumer<ContactDeleted>,
    IConsumer<ContactErased>,
    IConsumer<ContactsMerged>
    where TDb : ServiceDb
    where TCopy : ContactCopy, new()
{
    private string Name => GetType().Name;

    public Task Consume(ConsumeContext<ContactCreated> context) =>
        writer.WriteAsync(context, Name, [new(context.Message.PersonId, context.Message.Version, context.Message.Contact)]);

    public Task Consume(ConsumeContext<ContactUpdated> context) =>
        writer.WriteAsync(context, Name, [new(context.Message.PersonId, context.Message.Version, context.Message.Contact)]);

    public Task Consume(ConsumeContext<ContactDeleted> context) =>
        writer.WriteAsync(context, Name, [new(context.Message.PersonId, context.Message.Version, null)]);

    public Task Consume(ConsumeContext<ContactErased> context) =>
        writer.WriteAsync(context, Name, [new(context.Message.PersonId, context.Message.Version, null)]);

    public Task Consume(ConsumeContext<ContactsMerged> context) =>
        writer.WriteAsync(
            context,
            Name,
            [
                new(context.Message.PersonId, context.Message.Version, context.Message.Contact),
                .. context.Message.Merged.Select(merged => new ContactChange(merged.PersonId, merged.Version, null)),
            ]);
}

/// <summary>
/// Gives a contact copy consumer's endpoint a batch's worth of messages at once, so that the writer has them to
/// commit together (RabbitMQ's default here is two per core).
/// </summary>
public abstract class ContactCopyConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected ContactCopyConsumerDefinition() => Endpoint(endpoint => endpoint.PrefetchCount = ContactCopies.BatchSize);
}
