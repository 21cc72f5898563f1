using System.Buffers;
using System.Text;
using Posture.Infrastructure.Storage;

namespace Posture.IntegrationTests.Storage;

/// <summary>
/// <see cref="PooledBytes"/> holds a bulk write's payload texts one after another (docs/adr/0033); read back by where
/// each starts, every piece must be what was written, however often the buffer grew (and moved) in between.
/// </summary>
public sealed class writing_pieces_into_pooled_bytes
{
    [Fact]
    public void every_piece_reads_back_as_written_after_the_buffer_grew()
    {
        using var bytes = new PooledBytes(16);
        var pieces = new List<(int Start, int Length, string Text)>();
        for (var i = 0; i < 2_000; i++)
        {
            var text = $"{{\"n\": {i}, \"notes\": \"{new string('é', i % 50)}\"}}";
            var start = bytes.Length;
            bytes.Write(Encoding.UTF8.GetBytes(text));
            pieces.Add((start, bytes.Length - start, text));
        }

        foreach (var (start, length, text) in pieces)
        {
            Encoding.UTF8.GetString(bytes.Span(start, length)).ShouldBe(text);
            Encoding.UTF8.GetString(bytes.Memory(start, length).Span).ShouldBe(text);
        }
    }

    [Fact]
    public void it_refuses_to_advance_past_what_it_handed_out()
    {
        using var bytes = new PooledBytes(16);
        var handedOut = bytes.GetSpan(4).Length;

        Should.Throw<ArgumentOutOfRangeException>(() => bytes.Advance(handedOut + 1));
        bytes.Length.ShouldBe(0);
    }
}
