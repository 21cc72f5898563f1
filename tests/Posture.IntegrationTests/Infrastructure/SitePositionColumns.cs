using Npgsql;
using Posture.Infrastructure.Marten;

namespace Posture.IntegrationTests.Infrastructure;

/// <summary>
/// The position columns Marten duplicates out of each site's document (read by SiteReader.PlacesAsync): a writer that
/// bypasses Marten (the bulk import, the one-pass rebuild) must fill them as Marten's upsert does.
/// </summary>
public static class SitePositionColumns
{
    /// <summary>How many site rows there are, and how many of them have position columns that differ from their JSON.</summary>
    public static async Task<(long Sites, long Wrong)> CheckAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand($"""
            select count(*),
                   count(*) filter (where latitude is distinct from (data ->> 'latitude')::double precision
                                       or longitude is distinct from (data ->> 'longitude')::double precision)
            from {PostureStore.Schema}.mt_doc_siteposture
            """, connection);
        await using var reader = await select.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public static async Task ShouldBeFilledAsync(string connectionString)
    {
        var (sites, wrong) = await CheckAsync(connectionString);
        sites.ShouldBeGreaterThan(0);
        wrong.ShouldBe(0, "every site's position columns hold what its document says");
    }
}
