using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorMta.Queue.Bodies;

/// <summary>The body writer's round: inserts (in memory or streamed from spool files) and deletes in one transaction.</summary>
public sealed partial class MessageBodyStore
{
    private const int CopyBlock = 64 * 1024;

    /// <summary>One round of the body writer: inserts and deletes in one transaction.</summary>
    internal async Task WriteRoundAsync(DbConnection writer, IEnumerable<(IReadOnlyList<StoredBody> Bodies, DateTimeOffset StoredAt)> stores, IEnumerable<string> deletes)
    {
        await using var transaction = await writer.BeginTransactionAsync();
        if (writer is NpgsqlConnection postgres) await WritePostgresAsync(postgres, (NpgsqlTransaction)transaction, stores, deletes);
        else await WriteSqliteAsync((SqliteConnection)writer, (SqliteTransaction)transaction, stores, deletes);
        await transaction.CommitAsync();
    }

    private static async Task WritePostgresAsync(NpgsqlConnection postgres, NpgsqlTransaction transaction,
        IEnumerable<(IReadOnlyList<StoredBody> Bodies, DateTimeOffset StoredAt)> stores, IEnumerable<string> deletes)
    {
        var spooled = new List<(StoredBody Body, DateTimeOffset StoredAt)>();
        await using (var batch = new NpgsqlBatch(postgres, transaction))
        {
            // SET LOCAL ends with this transaction: a session-level SET stays on the server connection,
            // which a transaction-mode pooler (PgBouncer) then hands to a journal write.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"));
            foreach (var (bodies, storedAt) in stores)
                foreach (var body in bodies)
                {
                    if (body.Spooled is not null)
                    {
                        spooled.Add((body, storedAt));
                        continue;
                    }
                    var insert = new NpgsqlBatchCommand($"INSERT INTO {Table} (queue_id, partition_number, stored_at, body) VALUES ($1, $2, $3, $4)");
                    insert.Parameters.Add(new NpgsqlParameter { Value = body.QueueId });
                    insert.Parameters.Add(new NpgsqlParameter { Value = body.Partition });
                    insert.Parameters.Add(new NpgsqlParameter { Value = storedAt.ToUnixTimeMilliseconds() });
                    insert.Parameters.Add(new NpgsqlParameter { Value = body.Body });
                    batch.BatchCommands.Add(insert);
                }
            var ids = deletes.ToArray();
            if (ids.Length > 0)
            {
                var delete = new NpgsqlBatchCommand($"DELETE FROM {Table} WHERE queue_id = ANY($1)");
                delete.Parameters.Add(new NpgsqlParameter { Value = ids });
                batch.BatchCommands.Add(delete);
            }
            await batch.ExecuteNonQueryAsync();
        }
        if (spooled.Count > 0) await CopySpooledAsync(postgres, spooled);
    }

    /// <summary>
    /// Spooled bodies go in through COPY in PostgreSQL's binary format, the file copied to the socket
    /// block by block (a Stream parameter measured three times the body in allocations: Npgsql buffers it).
    /// </summary>
    private static async Task CopySpooledAsync(NpgsqlConnection postgres, IReadOnlyList<(StoredBody Body, DateTimeOffset StoredAt)> spooled)
    {
        await using var copy = await postgres.BeginRawBinaryCopyAsync($"COPY {Table} (queue_id, partition_number, stored_at, body) FROM STDIN (FORMAT BINARY)");
        var block = new byte[CopyBlock];
        await copy.WriteAsync(new byte[] { (byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0 });
        await copy.WriteAsync(new byte[8]); // flags, header extension length
        foreach (var (body, storedAt) in spooled)
        {
            var id = System.Text.Encoding.UTF8.GetBytes(body.QueueId);
            var fields = new byte[2 + 4 + id.Length + 4 + 4 + 4 + 8 + 4];
            var at = 0;
            BinaryPrimitives.WriteInt16BigEndian(fields.AsSpan(at), 4); at += 2;
            BinaryPrimitives.WriteInt32BigEndian(fields.AsSpan(at), id.Length); at += 4;
            id.CopyTo(fields, at); at += id.Length;
            BinaryPrimitives.WriteInt32BigEndian(fields.AsSpan(at), 4); at += 4;
            BinaryPrimitives.WriteInt32BigEndian(fields.AsSpan(at), body.Partition); at += 4;
            BinaryPrimitives.WriteInt32BigEndian(fields.AsSpan(at), 8); at += 4;
            BinaryPrimitives.WriteInt64BigEndian(fields.AsSpan(at), storedAt.ToUnixTimeMilliseconds()); at += 8;
            BinaryPrimitives.WriteInt32BigEndian(fields.AsSpan(at), checked((int)body.Spooled!.Length));
            await copy.WriteAsync(fields);
            await using var file = OpenSpooled(body.Spooled);
            int read;
            while ((read = await file.ReadAsync(block)) > 0) await copy.WriteAsync(block.AsMemory(0, read));
        }
        await copy.WriteAsync(new byte[] { 0xff, 0xff }); // the trailer: a field count of -1
    }

    private static async Task WriteSqliteAsync(SqliteConnection writer, SqliteTransaction transaction,
        IEnumerable<(IReadOnlyList<StoredBody> Bodies, DateTimeOffset StoredAt)> stores, IEnumerable<string> deletes)
    {
        await using var insert = writer.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO {Table} (queue_id, partition_number, stored_at, body) VALUES ($id, $partition, $at, $body)";
        var id = AddParameter(insert, "$id", DbType.String);
        var partition = AddParameter(insert, "$partition", DbType.Int32);
        var at = AddParameter(insert, "$at", DbType.Int64);
        var blob = AddParameter(insert, "$body", DbType.Binary);
        // A spooled body: a row with a zero-filled blob of its length, then the file copied into it block by block (incremental blob I/O).
        await using var reserve = writer.CreateCommand();
        reserve.Transaction = transaction;
        reserve.CommandText = $"INSERT INTO {Table} (queue_id, partition_number, stored_at, body) VALUES ($id, $partition, $at, zeroblob($length)) RETURNING rowid";
        var reservedId = AddParameter(reserve, "$id", DbType.String);
        var reservedPartition = AddParameter(reserve, "$partition", DbType.Int32);
        var reservedAt = AddParameter(reserve, "$at", DbType.Int64);
        var length = AddParameter(reserve, "$length", DbType.Int64);
        foreach (var (bodies, storedAt) in stores)
            foreach (var body in bodies)
            {
                if (body.Spooled is { } spooled)
                {
                    reservedId.Value = body.QueueId;
                    reservedPartition.Value = body.Partition;
                    reservedAt.Value = storedAt.ToUnixTimeMilliseconds();
                    length.Value = spooled.Length;
                    var rowid = Convert.ToInt64(await reserve.ExecuteScalarAsync());
                    await using var file = OpenSpooled(spooled);
                    await using var target = new SqliteBlob(writer, Table, "body", rowid);
                    await file.CopyToAsync(target, CopyBlock);
                    continue;
                }
                id.Value = body.QueueId;
                partition.Value = body.Partition;
                at.Value = storedAt.ToUnixTimeMilliseconds();
                blob.Value = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body.Body, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
                    ? whole.Array
                    : body.Body.ToArray();
                await insert.ExecuteNonQueryAsync();
            }
        await using var delete = writer.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = $"DELETE FROM {Table} WHERE queue_id = $id";
        var deleted = AddParameter(delete, "$id", DbType.String);
        foreach (var queueId in deletes)
        {
            deleted.Value = queueId;
            await delete.ExecuteNonQueryAsync();
        }
    }

    /// <summary>A spool file, checked to hold exactly the octets the session counted (a short file must not become a short message).</summary>
    private static FileStream OpenSpooled(SpooledBody spooled)
    {
        var file = new FileStream(spooled.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        var length = file.Length;
        if (length != spooled.Length)
        {
            file.Dispose();
            throw new IOException($"spool file {spooled.Path} holds {length} octets, not {spooled.Length}");
        }
        return file;
    }
}
