using System.Collections.Concurrent;
using System.Diagnostics;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Infrastructure.Bus;
using Posture.IntegrationTests.Infrastructure;
using Wolverine;

namespace Posture.IntegrationTests.Bases;

/// <summary>
/// What a command costs in round trips to PostgreSQL (docs/adr/0023): every statement Npgsql runs while the command's
/// own handler runs (the cascaded reassessment, a handler of its own, is not counted), seen through Npgsql's tracing.
/// </summary>
public sealed class when_a_command_counts_its_round_trips(PostureHost host) : PostureScenario(host)
{
    private static readonly Guid Balad = Guid.Parse("ba1ad000-0000-4000-8000-0000000000a1");

    private IMessageBus Bus => Host.Alba.Services.GetRequiredService<IMessageBus>();

    private static RecordIncident Attack(int hour) => new(
        Balad, Guid.NewGuid(), IncidentKind.Rocket,
        new IncidentReport(Instant.FromUtc(2021, 2, 20, hour, 0), TimePrecision.Hour, 2, Impact.Inside, 0, 0, null, Attribution.Unknown, null,
            "AP", Confidence.Confirmed, "Rockets on the base."));

    [Fact]
    public async Task recording_an_incident_reads_the_state_once_the_read_models_once_and_commits_once()
    {
        (await Bus.InvokeAsync<CommandOutcome>(new RegisterBase(Balad, "Balad Air Base", "Iraq", "Salah ad Din", 33.94, 44.36))).Accepted.ShouldBeTrue();
        // The first command on a base also warms the connections up; the one measured is the next.
        (await Bus.InvokeAsync<CommandOutcome>(Attack(1))).Accepted.ShouldBeTrue();

        var statements = await StatementsOfAsync(() => Bus.InvokeAsync<CommandOutcome>(Attack(2)));

        // The base's state with what it knows of the incident; the site, the incident's row and the running sum; the
        // append with the read models and the outbox. (Marten's own projections read each read model in a round trip
        // of its own, on a connection of its own: five.)
        statements.Count.ShouldBe(3, string.Join(Environment.NewLine, statements));
        statements[1].ShouldContain("mt_doc_siteposture");
        statements[1].ShouldContain("mt_doc_incidentlogentry");
        statements[1].ShouldContain("mt_doc_sitethreatsum");
    }

    /// <summary>The statements Npgsql ran, in order, under the handler of the command <paramref name="send"/> sends.</summary>
    private static async Task<IReadOnlyList<string>> StatementsOfAsync(Func<Task<CommandOutcome>> send)
    {
        var statements = new ConcurrentQueue<(DateTime Start, string Text)>();
        using var test = new ActivitySource("Posture.IntegrationTests");
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Wolverine" or "Posture.IntegrationTests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using (var root = test.StartActivity("command").ShouldNotBeNull())
        {
            listener.ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TraceId == root.TraceId && UnderTheCommand(activity))
                {
                    statements.Enqueue((activity.StartTimeUtc, activity.GetTagItem("db.statement") as string ?? activity.GetTagItem("db.query.text") as string ?? ""));
                }
            };
            (await send()).Accepted.ShouldBeTrue();
        }

        return [.. statements.OrderBy(s => s.Start).Select(s => s.Text)];
    }

    /// <summary>Whether the nearest handler the statement ran under is the command's (not the cascaded reassessment's).</summary>
    private static bool UnderTheCommand(Activity activity)
    {
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.Source.Name == "Wolverine" && parent.DisplayName.EndsWith(nameof(RecordIncident), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
