using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wolverine;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// Every <c>Posture:Threat:ReassessEveryMinutes</c> (default 15; 0 switches it off) asks for every site's level to be
/// evaluated again, so a level that decays across a band with no new event is still recorded, and alerted.
/// </summary>
public sealed class ThreatSweep(IServiceScopeFactory scopes, IConfiguration configuration) : BackgroundService
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
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IMessageBus>()
                .PublishAsync(ReassessThreat.Everywhere("scheduled re-evaluation")).ConfigureAwait(false);
        }
    }
}
