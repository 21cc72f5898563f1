using System.Buffers;

namespace Posture.Infrastructure.Storage;

/// <summary>
/// Bytes written one piece after another into one array from the shared pool, which grows by doubling: for a bulk writer
/// that holds many short texts at once (each payload's jsonb text), so they are not each an array the collector must
/// carry through the batch (docs/adr/0033). A piece is read back by where it starts and its length, never as memory
/// taken before the last write, which may have moved it.
/// </summary>
public sealed class PooledBytes(int capacity) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));

    /// <summary>How many bytes are written so far: where the next piece starts.</summary>
    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span(int start, int length) => _buffer.AsSpan(start, length);

    public ReadOnlyMemory<byte> Memory(int start, int length) => _buffer.AsMemory(start, length);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Length + count, _buffer.Length);
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(Length);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Length = 0;
    }

    private void Reserve(int sizeHint)
    {
        var needed = Length + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
