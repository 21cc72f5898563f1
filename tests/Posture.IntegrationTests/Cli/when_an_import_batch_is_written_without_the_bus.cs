using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Threats;
using Posture.Infrastructure.Bases;
using Posture.Infrastructure.Sites;
using Posture.IntegrationTests.Infrastructure;
using Wolverine.Tracking;

namespace Posture.IntegrationTests.Cli;

/// <summary>
/// <c>posture import</c> writes its batches itself (<see cref="IncidentImport"/>), not through the bus (ADR 0012): what
/// the bus gave a batch must still hold. Its events name the importer, the run and the batch, and the threat
/// reassessment it asks for is stored with it and delivered.
/// </summary>
public sealed class when_an_import_batch_is_written_without_the_bus(PostureHost host) : PostureScenario(host)
{
    /// <summary>Rockets inside Balad an hour before "now", one killed, nine injured: enough to raise its level to high.</summary>
    private static RecordIncident SevereAttack() => new(
        Requests.Balad, Guid.NewGuid(), IncidentKind.Rocket,
        new IncidentReport(PostureHost.Now - Duration.FromHours(1), TimePrecision.Hour, 3, Impact.Inside, 1, 9, null, Attribution.Unknown, null,
            "ACLED", Confidence.Probable, null));

    private Task<ImportOutcome> WriteAsync(params RecordIncident[] incidents) =>
        IncidentImport.WriteAsync(Host.Alba.Services, new ImportIncidents([new RecordIncidents(Requests.Balad, incidents)]), "acled-importer", "run-1",
            CancellationToken.None);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task its_events_name_the_importer_the_run_and_each_batch()
    {
        (await WriteAsync(SevereAttack(), SevereAttack())).Sites.Single().Rows.ShouldAllBe(r => r.Recorded);
        (await WriteAsync(SevereAttack())).Sites.Single().Rows.ShouldAllBe(r => r.Recorded);

        await using var session = Host.Store.QuerySession();
        var imported = (await session.Events.FetchStreamAsync(Requests.Balad)).Where(e => e.Data is IIncidentOccurred).ToList();
        imported.Count.ShouldBe(3);
        imported.ShouldAllBe(e => e.UserName == "acled-importer" && e.CorrelationId == "run-1");
        imported[0].CausationId.ShouldNotBeNullOrEmpty();
        imported[1].CausationId.ShouldBe(imported[0].CausationId, "one batch, one causation");
        imported[2].CausationId.ShouldNotBe(imported[0].CausationId, "each batch its own");
    }

    [Fact]
    public async Task the_reassessment_it_asks_for_is_delivered()
    {
        await Host.Alba.ExecuteAndWaitAsync(async () => await WriteAsync(SevereAttack()));

        await using var session = Host.Store.QuerySession();
        var change = (await session.Events.FetchStreamAsync(ThreatRecord.StreamOf(Requests.Balad))).Select(e => e.Data).OfType<ThreatLevelChanged>()
            .ShouldHaveSingleItem();
        change.To.ShouldBe(ThreatLevel.High);
        change.Cause.ShouldBe("incidents imported");
    }
}
