using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using NodaTime;
using NodaTime.Text;
using Posture.Domain.Bases;
using Posture.Domain.Contractors;
using Posture.Domain.Incidents;
using Posture.Domain.Threats;
using Posture.Infrastructure;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Json;
using Posture.Infrastructure.Marten;

namespace Posture.IntegrationTests.Reliability;

/// <summary>
/// One write a client sends, under its own Idempotency-Key, and the one event it must produce: an attack on the
/// client's base (known by its incident id) or a deployment of one of the client's contractors (known by its instant,
/// unique per command).
/// </summary>
public sealed record PlannedCommand(string Caller, string Key, string Url, object Body, Guid StreamId, Guid? IncidentId, Instant? DeployedAt)
{
    public override string ToString() => $"{Caller} {Key} POST {Url}";
}

/// <summary>What happened to one planned command, as its client saw it.</summary>
public sealed class CommandRecord(PlannedCommand command)
{
    public PlannedCommand Command { get; } = command;

    /// <summary>True once an attempt was answered 2xx.</summary>
    public bool Acknowledged { get; set; }

    /// <summary>True when a 2xx answer said it repeated an earlier outcome (Idempotent-Replayed).</summary>
    public bool Replayed { get; set; }

    public int Attempts { get; set; }
}

/// <summary>How each answer the clients got was classified, with the slowest 503, for the figures.</summary>
public sealed class AnswerTally
{
    private readonly Lock _gate = new();
    private readonly List<string> _unexpected = [];

    public int Acknowledged { get; private set; }

    public int Unavailable { get; private set; }

    public int ConnectionFailures { get; private set; }

    public TimeSpan SlowestUnavailable { get; private set; }

    public IReadOnlyList<string> Unexpected
    {
        get
        {
            lock (_gate)
            {
                return [.. _unexpected];
            }
        }
    }

    public void Add(Answer answer, PlannedCommand command)
    {
        lock (_gate)
        {
            switch (answer.Kind)
            {
                case AnswerKind.Acknowledged:
                    Acknowledged++;
                    break;
                case AnswerKind.Unavailable:
                    Unavailable++;
                    SlowestUnavailable = answer.Took > SlowestUnavailable ? answer.Took : SlowestUnavailable;
                    break;
                case AnswerKind.NoAnswer:
                    ConnectionFailures++;
                    break;
                default:
                    _unexpected.Add($"{command}: {answer.Detail}");
                    break;
            }
        }
    }
}

public enum AnswerKind
{
    Acknowledged,
    Unavailable,
    NoAnswer,
    Other,
}

public sealed record Answer(AnswerKind Kind, TimeSpan Took, bool Replayed, string Detail);

/// <summary>
/// Several clients, each with a base and a contractor of its own, writing attacks and deployments with
/// Idempotency-Keys, and the checks that read back what the database holds for each command.
/// </summary>
public sealed class CommandLoad
{
    private static readonly JsonSerializerOptions Json = PostureJson.Create();

    private CommandLoad(IReadOnlyList<IReadOnlyList<CommandRecord>> plans, IReadOnlyList<Guid> bases)
    {
        Plans = plans;
        Bases = bases;
    }

    /// <summary>Every client's commands, in the order it sends them.</summary>
    public IReadOnlyList<IReadOnlyList<CommandRecord>> Plans { get; }

    public IReadOnlyList<Guid> Bases { get; }

    public IEnumerable<CommandRecord> All => Plans.SelectMany(p => p);

    /// <summary>
    /// Registers each client's base and engages its contractor (through <paramref name="client"/>), and plans
    /// <paramref name="commandsPerClient"/> commands per client: attacks and deployments in turn.
    /// </summary>
    public static async Task<CommandLoad> PrepareAsync(HttpClient client, int clients, int commandsPerClient, CancellationToken cancellation)
    {
        var now = SystemClocks.System.GetCurrentInstant();
        var run = Guid.NewGuid().ToString("N")[..8];
        var engagedAt = now - Duration.FromDays(30);
        var plans = new List<IReadOnlyList<CommandRecord>>();
        var bases = new List<Guid>();
        for (var n = 0; n < clients; n++)
        {
            var caller = $"load-client-{n}";
            var baseId = Guid.NewGuid();
            var contractorId = Guid.NewGuid();
            bases.Add(baseId);
            // Sites about 11 km apart, neighbours of one another: each attack's threat re-evaluation assesses every site,
            // so the cascades are real work that can still be waiting in the outbox when the host dies.
            await RequireAcceptedAsync(client, caller, $"setup-{run}-base", "api/bases", new
            {
                id = baseId, name = $"Load base {n}", country = "Iraq", region = "Load", latitude = 33.0 + 0.1 * n, longitude = 44.0,
            }, cancellation);
            await RequireAcceptedAsync(client, caller, $"setup-{run}-contractor", "api/contractors", new Dictionary<string, object?>
            {
                ["id"] = contractorId, ["company"] = $"Load contractor {n}", ["programme"] = "Reliability", ["engagedAt"] = Iso(engagedAt),
            }, cancellation);

            var plan = new List<CommandRecord>();
            for (var i = 0; i < commandsPerClient; i++)
            {
                var key = $"{run}-{n}-{i}";
                if (i % 2 == 0)
                {
                    var incidentId = Guid.NewGuid();
                    plan.Add(new CommandRecord(new PlannedCommand(caller, key, $"api/bases/{baseId}/attacks", new Dictionary<string, object?>
                    {
                        ["kind"] = "small-arms",
                        ["incidentId"] = incidentId,
                        ["occurredAt"] = Iso(now - Duration.FromHours(2) + Duration.FromSeconds(i)),
                        ["rounds"] = 1,
                        ["impact"] = "open-area",
                        ["source"] = "reliability test",
                        ["confidence"] = "unconfirmed",
                    }, baseId, incidentId, null)));
                }
                else
                {
                    var at = engagedAt + Duration.FromDays(1) + Duration.FromMinutes(i);
                    plan.Add(new CommandRecord(new PlannedCommand(
                        caller, key, $"api/contractors/{contractorId}/deployments", new { baseId, count = 1, at = Iso(at) }, contractorId, null, at)));
                }
            }

            plans.Add(plan);
        }

        return new CommandLoad(plans, bases);
    }

    /// <summary>Sends one attempt of <paramref name="command"/> and classifies the answer; never throws for a failed connection.</summary>
    public static async Task<Answer> SendAsync(HttpClient client, PlannedCommand command, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(command);
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = Request(command.Caller, command.Key, command.Url, command.Body);
            using var response = await client.SendAsync(request, cancellation);
            var took = clock.Elapsed;
            if (response.IsSuccessStatusCode)
            {
                return new Answer(AnswerKind.Acknowledged, took, response.Headers.Contains("Idempotent-Replayed"), "");
            }

            var body = await response.Content.ReadAsStringAsync(cancellation);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable
                && response.Headers.RetryAfter is not null
                && response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                return new Answer(AnswerKind.Unavailable, took, false, body);
            }

            return new Answer(AnswerKind.Other, took, false, $"{(int)response.StatusCode} after {took.TotalMilliseconds:0} ms: {body}");
        }
        catch (HttpRequestException e)
        {
            return new Answer(AnswerKind.NoAnswer, clock.Elapsed, false, e.Message);
        }
        catch (TaskCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            // HttpClient's own timeout: the server did not answer in time. Counted apart: a hang is a failure.
            return new Answer(AnswerKind.Other, clock.Elapsed, false, $"no answer within the client's timeout: {e.Message}");
        }
    }

    /// <summary>What the database holds for each command: its events, its idempotency receipt and its incident log entry.</summary>
    public async Task<IReadOnlyDictionary<CommandRecord, Stored>> ReadStoredAsync(IDocumentStore store, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents().ToListAsync(cancellation);
        var incidents = events.Select(e => e.Data).OfType<IIncidentOccurred>().GroupBy(e => e.IncidentId).ToDictionary(g => g.Key, g => g.Count());
        var deployments = events.Select(e => e.Data).OfType<ContractorsDeployed>()
            .GroupBy(e => (e.ContractorId, e.At)).ToDictionary(g => g.Key, g => g.Count());
        var logged = (await session.Query<IncidentLogEntry>().ToListAsync(cancellation)).Select(e => e.Id).ToHashSet();
        var receipts = (await session.Query<CommandReceipt>().ToListAsync(cancellation)).Select(r => r.Id).ToHashSet();
        return All.ToDictionary(record => record, record =>
        {
            var command = record.Command;
            var count = command.IncidentId is { } incident
                ? incidents.GetValueOrDefault(incident)
                : deployments.GetValueOrDefault((command.StreamId, command.DeployedAt!.Value));
            return new Stored(
                count,
                receipts.Contains(CommandReceipt.IdFor(command.Caller, command.Key)),
                command.IncidentId is { } id ? logged.Contains(id) : count > 0);
        });
    }

    /// <summary>Wolverine's durable inbox and outbox: messages stored but not yet handled (cascaded threat re-evaluations).</summary>
    public static async Task<long> PendingMessagesAsync(IDocumentStore store, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.QuerySession();
        var pending = await session.QueryAsync<long>(
            $"select (select count(*) from {PostureStore.Schema}.wolverine_incoming_envelopes where status <> 'Handled') " +
            $"+ (select count(*) from {PostureStore.Schema}.wolverine_outgoing_envelopes)",
            cancellation);
        return pending.Single();
    }

    /// <summary>Messages Wolverine gave up on (its dead-letter table), by type and error: a cascade that landed there was never applied.</summary>
    public static async Task<IReadOnlyList<string>> DeadLettersAsync(IDocumentStore store, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.QuerySession();
        return await session.QueryAsync<string>(
            $"select message_type || ': ' || coalesce(exception_type, '') || ' ' || coalesce(exception_message, '') from {PostureStore.Schema}.wolverine_dead_letters",
            cancellation);
    }

    /// <summary>Waits (bounded) until no stored message is left unhandled; answers how long it took.</summary>
    public static async Task<TimeSpan> WaitForDeliveryAsync(IDocumentStore store, TimeSpan limit, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (await PendingMessagesAsync(store, cancellation) > 0)
        {
            clock.Elapsed.ShouldBeLessThan(limit, "the cascaded messages stored in the outbox should all be delivered");
            await Task.Delay(100, cancellation);
        }

        return clock.Elapsed;
    }

    /// <summary>
    /// For each client's site, the level its threat stream last recorded and the level computed now from every recorded
    /// incident (<c>GET /api/sites</c>). They agree when every cascaded re-evaluation was delivered.
    /// </summary>
    public async Task<IReadOnlyList<(Guid Site, string Recorded, string Computed)>> ThreatLevelsAsync(
        IDocumentStore store, HttpClient client, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/sites");
        request.Headers.Add("X-Posture-User", "load-reader");
        using var response = await client.SendAsync(request, cancellation);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var sites = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation));
        var computed = sites.RootElement.EnumerateArray()
            .ToDictionary(s => s.GetProperty("id").GetGuid(), s => s.GetProperty("threat").GetProperty("level").GetString()!);

        await using var session = store.QuerySession();
        var levels = new List<(Guid, string, string)>();
        foreach (var site in Bases)
        {
            var stream = await session.Events.FetchStreamAsync(ThreatRecord.StreamOf(site), token: cancellation);
            var recorded = stream.Select(e => e.Data).OfType<ThreatLevelChanged>().LastOrDefault()?.To ?? ThreatLevel.Low;
            levels.Add((site, JsonSerializer.Serialize(recorded, Json).Trim('"'), computed[site]));
        }

        return levels;
    }

    /// <summary>Asks the restarted host to compare its read models with a fold of the whole history.</summary>
    public static async Task<(bool Identical, string Report)> VerifyProjectionsAsync(HttpClient client, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/projections/verify");
        request.Headers.Add("X-Posture-User", "load-admin");
        using var response = await client.SendAsync(request, cancellation);
        var body = await response.Content.ReadAsStringAsync(cancellation);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var report = JsonDocument.Parse(body);
        return (report.RootElement.GetProperty("identical").GetBoolean(), body);
    }

    private static async Task RequireAcceptedAsync(HttpClient client, string caller, string key, string url, object body, CancellationToken cancellation)
    {
        using var request = Request(caller, key, url, body);
        using var response = await client.SendAsync(request, cancellation);
        response.IsSuccessStatusCode.ShouldBeTrue($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
    }

    private static HttpRequestMessage Request(string caller, string key, string url, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, body.GetType(), options: Json) };
        request.Headers.Add("X-Posture-User", caller);
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static string Iso(Instant instant) => InstantPattern.ExtendedIso.Format(instant);
}

/// <summary>What the database holds for one command: how many copies of its event, whether its receipt and read model are there.</summary>
public sealed record Stored(int Events, bool Receipt, bool ReadModel)
{
    /// <summary>All of the command's writes or none of them: one event with its receipt and read model, or nothing at all.</summary>
    public bool Whole => (Events == 1 && Receipt && ReadModel) || (Events == 0 && !Receipt && !ReadModel);
}
