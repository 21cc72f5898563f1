using System.Data.Common;
using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;

namespace Posture.Infrastructure.Marten;

/// <summary>
/// An index on Marten's <c>mt_events</c> by stream and the payload's <c>incidentId</c>, on the rows that have one: a
/// command about an incident reads that incident's few events by it (<c>IncidentRecords</c>) instead of scanning its
/// base's whole stream. Installed with Marten's own schema management, after its event tables; Marten is told to leave
/// it alone (it would otherwise drop an index it did not declare on a table it manages).
/// </summary>
public static class IncidentIndex
{
    public const string Name = "posture_mt_events_incident";

    /// <summary>The filter a query uses to be answered by the index; its one parameter is the incident ids as text.</summary>
    public const string Matches = "data ->> 'incidentId' = any(?)";

    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.IgnoreIndex(Name);
        options.Storage.Add(new IncidentIndexSchema(options));
    }

    private sealed class IncidentIndexSchema(StoreOptions options) : FeatureSchemaBase("posture_incident_index", options.Advanced.Migrator)
    {
        protected override IEnumerable<ISchemaObject> schemaObjects()
        {
            yield return new EventsIndex(options.Events.DatabaseSchemaName);
        }
    }

    /// <summary>The index as a schema object: created when missing, left as it is when present.</summary>
    private sealed class EventsIndex(string schema) : ISchemaObject
    {
        public DbObjectName Identifier { get; } = new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.General);

        public void WriteCreateStatement(Migrator migrator, TextWriter writer)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteLine(
                $"CREATE INDEX IF NOT EXISTS {Name} ON {schema}.mt_events (stream_id, (data ->> 'incidentId')) WHERE (data ->> 'incidentId') IS NOT NULL;");
        }

        public void WriteDropStatement(Migrator rules, TextWriter writer)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteLine($"DROP INDEX IF EXISTS {schema}.{Name};");
        }

        public void ConfigureQueryCommand(Weasel.Core.DbCommandBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            var schemaName = builder.AddParameter(schema).ParameterName;
            var indexName = builder.AddParameter(Name).ParameterName;
            // Ends with a semicolon: Npgsql runs every object's query as one command text, one after the other.
            builder.Append($"select count(*) from pg_indexes where schemaname = :{schemaName} and indexname = :{indexName};");
        }

        public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
        {
            ArgumentNullException.ThrowIfNull(reader);
            var present = await reader.ReadAsync(ct).ConfigureAwait(false) && await reader.GetFieldValueAsync<long>(0, ct).ConfigureAwait(false) > 0;
            return new SchemaObjectDelta(this, present ? SchemaPatchDifference.None : SchemaPatchDifference.Create);
        }

        public IEnumerable<DbObjectName> AllNames()
        {
            yield return Identifier;
        }
    }
}
