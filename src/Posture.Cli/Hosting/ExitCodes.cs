namespace Posture.Cli.Hosting;

/// <summary>What <c>posture</c> exits with; documented in <c>posture --help</c> and docs/cli.md.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Posture refused a command (a business rule or invalid data); nothing of that command was written.</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong, or Posture cannot start (no PostgreSQL, a bad data folder).</summary>
    public const int Usage = 2;

    /// <summary>Something unexpected failed; the message says what.</summary>
    public const int Failure = 3;
}
