using System.ComponentModel;
using System.Globalization;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Posture.Cli.Hosting;
using Posture.Infrastructure.Audit;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Posture.Cli.Audit;

public sealed class AuditVerifySettings : PostureSettings
{
    [CommandOption("--anchor <SEQUENCE:DIGEST>")]
    [Description("An anchor printed by an earlier run: also check that the chain heads at that sequence still hash to that digest")]
    public string? Anchor { get; init; }

    [CommandOption("--heads")]
    [Description("Also print every stream's chain head (stream, version, sequence, hash)")]
    public bool Heads { get; init; }

    public override ValidationResult Validate() =>
        Anchor is null || ChainAnchor.TryParse(Anchor, out _)
            ? ValidationResult.Success()
            : ValidationResult.Error($"--anchor '{Anchor}' is not SEQUENCE:DIGEST as posture audit verify prints it (a number, a colon, 64 hex digits)");
}

/// <summary>
/// <c>posture audit verify</c>: walks every stream and recomputes each event's hash from the one before it
/// (docs/audit.md). Prints what it found and an anchor to record outside the database; exits 1 when any event was
/// altered, deleted or lost its hash, or the anchor given does not match. Writes nothing.
/// </summary>
public sealed class AuditVerifyCommand(CliEnvironment environment) : AsyncCommand<AuditVerifySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AuditVerifySettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ChainAnchor? expected = ChainAnchor.TryParse(settings.Anchor, out var anchor) ? anchor : null;
        await using var runtime = await CliHost.StartAsync(environment, settings, cancellationToken);
        var store = runtime.Services.GetRequiredService<IDocumentStore>();
        var console = environment.Console;

        ChainVerification verification;
        if (console.Profile.Capabilities.Interactive)
        {
            verification = await console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("Verifying the event chain", maxValue: 1);
                var result = await ChainVerifier.VerifyAsync(store, expected?.Sequence, settings.Heads, (done, total) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = done;
                }, cancellationToken);
                task.Value = task.MaxValue;
                return result;
            });
        }
        else
        {
            // Plain lines for a log: the start, then every tenth of the way.
            var reported = -1L;
            verification = await ChainVerifier.VerifyAsync(store, expected?.Sequence, settings.Heads, (done, total) =>
            {
                var tenth = total == 0 ? 10 : done * 10 / total;
                if (tenth > reported || done == 0)
                {
                    console.MarkupLine(done == 0 ? $"Verifying the event chain: {Count(total)} events..." : $"checked {Count(done)} of {Count(total)} events");
                    reported = tenth;
                }
            }, cancellationToken);
        }

        return Print(console, verification, expected, settings.Heads);
    }

    private static int Print(IAnsiConsole console, ChainVerification verification, ChainAnchor? expected, bool heads)
    {
        var summary = $"{Count(verification.Events)} events in {Count(verification.Streams)} streams: {Count(verification.Chained)} chained and intact, " +
                      $"{Count(verification.Unchained)} unchained (written before hashing began)";
        var exitCode = ExitCodes.Ok;
        if (verification.Intact)
        {
            console.MarkupLine($"{summary}; no tampering found.");
        }
        else
        {
            console.MarkupLine($"{summary}; [red]{Count(verification.ProblemCount)} tampered[/]" +
                               (verification.ProblemCount > verification.Problems.Count ? $" (the first {Count(verification.Problems.Count)} listed)" : "") + ":");
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Stream").AddColumn("Version").AddColumn("Sequence").AddColumn("What");
            foreach (var problem in verification.Problems)
            {
                table.AddRow(problem.StreamId.ToString(), Count(problem.Version), problem.Sequence is { } s ? Count(s) : "-", Markup.Escape(problem.What));
            }

            console.Write(table);
            exitCode = ExitCodes.Refused;
        }

        if (heads)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Stream").AddColumn("Version").AddColumn("Sequence").AddColumn("Head hash");
            foreach (var head in verification.Heads)
            {
                table.AddRow(head.StreamId.ToString(), Count(head.Version), Count(head.Sequence), head.Hash);
            }

            console.Write(table);
        }

        if (expected is not null)
        {
            if (verification.Anchor.Digest == expected.Digest)
            {
                console.MarkupLine($"anchor {expected}: matches; the chain heads at sequence {Count(expected.Sequence)} are as recorded.");
            }
            else
            {
                console.MarkupLine($"anchor {expected}: [red]does not match[/] (the heads at that sequence now hash to {verification.Anchor.Digest}): " +
                                   "history up to that sequence was rewritten, or events were removed.");
                exitCode = ExitCodes.Refused;
            }
        }
        else
        {
            console.MarkupLine($"anchor {verification.Anchor}");
            console.MarkupLine($"  record it outside the database; [bold]posture audit verify --anchor {verification.Anchor}[/] checks it later.");
        }

        return exitCode;
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
