using Npgsql;

namespace Posture.IntegrationTests.Infrastructure;

/// <summary>What PostgreSQL plans to do with a statement, to show that it reads an index.</summary>
public static class QueryPlans
{
    /// <summary>The plan of <paramref name="statement"/> (with its parameters) on <paramref name="connection"/>, one line per node.</summary>
    public static async Task<string> ExplainAsync(NpgsqlConnection connection, NpgsqlCommand statement)
    {
        await using var explain = new NpgsqlCommand("explain " + statement.CommandText, connection);
        foreach (NpgsqlParameter parameter in statement.Parameters)
        {
            explain.Parameters.Add(parameter.Clone());
        }

        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join('\n', plan);
    }
}
