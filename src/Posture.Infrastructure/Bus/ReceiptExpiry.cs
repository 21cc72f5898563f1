using Marten;
using Marten.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Posture.Infrastructure.Storage;

namespace Posture.Infrastructure.Bus;

/// <summary>
/// An idempotency key is honoured for <c>Posture:Idempotency:KeepDays</c> days (default 30; 0 keeps receipts for
/// ever): a minute after the host starts and every hour after, the <see cref="CommandReceipt"/>s recorded longer ago
/// are deleted, so the receipts do not grow with every keyed command the store has ever taken (docs/adr/0036). A
/// retry under a key older than that is a new command. A pass that cannot run because the database is down is skipped.
/// </summary>
public sealed partial class ReceiptExpiry(IDocumentStore store, IClock clock, IConfiguration configuration, ILogger<ReceiptExpiry> logger)
    : BackgroundService
{
    public const int DefaultKeepDays = 30;

    private static readonly TimeSpan FirstPass = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var days = configuration.GetValue("Posture:Idempotency:KeepDays", DefaultKeepDays);
        if (days <= 0)
        {
            return;
        }

        // Not at once: a command-line run is over before a minute, and has nothing to keep tidy.
        await Task.Delay(FirstPass, stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                var deleted = await ExpireAsync(store, clock.GetCurrentInstant() - Duration.FromDays(days), stoppingToken).ConfigureAwait(false);
                LogExpired(logger, deleted, days);
            }
            catch (Exception e) when (DatabaseOutages.IsOutage(e))
            {
                LogSkipped(logger, e.GetBaseException().Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Deletes the receipts recorded before <paramref name="before"/>; answers how many.</summary>
    public static async Task<int> ExpireAsync(IDocumentStore store, Instant before, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        // RecordedAt is stored as NodaTime writes an Instant (ISO-8601 in UTC), which PostgreSQL reads as a timestamptz.
        await using var delete = new NpgsqlCommand(
            $"delete from {store.Options.Schema.For<CommandReceipt>()} where CAST(data ->> 'recordedAt' as timestamptz) < @before", connection);
        delete.Parameters.AddWithValue("before", NpgsqlDbType.TimestampTz, before.ToDateTimeOffset());
        return await delete.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} idempotency receipts older than {Days} days")]
    private static partial void LogExpired(ILogger logger, int count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency receipts were not expired: the database is unavailable ({Reason})")]
    private static partial void LogSkipped(ILogger logger, string reason);
}
