using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Posture.Infrastructure.Storage;
using Wolverine;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// Every <c>Posture:Threat:ReassessEveryMinutes</c> (default 15; 0 switches it off) asks for every site's level to be
/// evaluated again, so a level that decays across a band with no new event is still recorded, and alerted. A sweep that
/// cannot be sent because the database is down is skipped (the next one catches up): it must not stop the host.
/// </summary>
public sealed partial class ThreatSweep(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ThreatSweep> logger) : BackgroundService
{
    public const int DefaultMinutes = 15;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = configuration.GetValue("Posture:Threat:ReassessEveryMinutes", DefaultMinutes);
        if (minutes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IMessageBus>()
                    .PublishAsync(ReassessThreat.Everywhere("scheduled re-evaluation")).ConfigureAwait(false);
            }
            catch (Exception e) when (DatabaseOutages.IsOutage(e))
            {
                LogSkipped(logger, e.GetBaseException().Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduled threat re-evaluation was skipped: the database is unavailable ({Reason})")]
    private static partial void LogSkipped(ILogger logger, string reason);
}
