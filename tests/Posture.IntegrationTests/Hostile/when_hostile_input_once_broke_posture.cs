using System.Text.Json;
using Alba;
using Posture.IntegrationTests.Infrastructure;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Hostile;

/// <summary>
/// What the fuzzers (<see cref="when_writes_receive_hostile_input"/>, <see cref="when_reads_receive_hostile_queries"/>)
/// found, each held by a focused test: every one was a 500 or a silently wrong write before it was fixed.
/// </summary>
public sealed class when_hostile_input_once_broke_posture(PostureHost host) : PostureScenario(host)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.PostAsync("/api/contractors", SallyportBody(), 201);
    }

    [Fact]
    public async Task a_new_record_cannot_take_the_id_of_another_kind_of_record()
    {
        // Was a 201 that appended base_registered to Sallyport's contractor stream.
        var body = JsonSerializer.Serialize(Requests.BaladBody(Sallyport));
        await Host.ShouldRefuseAsync("/api/bases", body, 409, "already taken by another kind of record");
        var body2 = JsonSerializer.Serialize(new { id = Requests.Balad, company = "Sallyport", programme = "F-16" });
        await Host.ShouldRefuseAsync("/api/contractors", body2, 409, "already taken by another kind of record");
        (await Host.StreamAsync(Sallyport)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task a_command_on_an_id_of_another_kind_of_record_is_a_404()
    {
        await Host.ShouldRefuseAsync($"/api/contractors/{Requests.Balad}/deployments",
            $$"""{"baseId": "{{Requests.Balad}}", "count": 5, "at": "2020-01-01T00:00:00Z"}""", 404, "no contractor");
    }

    [Fact]
    public async Task a_json_null_body_is_a_400_problem()
    {
        // Was a 500: the endpoint was handed a null request.
        await Host.ShouldRefuseAsync("/api/bases", "null", 400, "body");
        await Host.ShouldRefuseAsync(ContractorUrl(Sallyport, "deployments"), "null", 400, "body");
    }

    [Fact]
    public async Task an_infinite_coordinate_is_a_400_naming_it()
    {
        // Was a 500: the command's idempotency fingerprint could not serialize an infinite double.
        await Host.ShouldRefuseAsync("/api/bases",
            """{"name": "Camp", "country": "Iraq", "region": "Anbar", "latitude": 1e400, "longitude": "-Infinity"}""", 400, "latitude,longitude");
    }

    [Fact]
    public async Task text_with_control_characters_is_a_400_naming_the_field()
    {
        // Was a 500: PostgreSQL cannot hold U+0000 in JSON. An escape sequence would also rewrite an auditor's terminal.
        await Host.ShouldRefuseAsync($"/api/bases/{Requests.Balad}/fpcon", """{"condition": "delta", "reason": "nul \u0000 here"}""", 400, "reason");
        await Host.ShouldRefuseAsync("/api/bases",
            """{"name": "\u001b[2J\u001b[31mCamp", "country": "Iraq", "region": "Anbar", "latitude": 33.4, "longitude": 43.3}""", 400, "name");
    }

    [Fact]
    public async Task tabs_and_line_breaks_are_still_text()
    {
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "delta", reason = "rockets\r\n\tat dusk" }, 200);
    }

    [Fact]
    public async Task a_list_of_words_is_not_a_word()
    {
        // Was a 200 setting FPCON Charlie: System.Text.Json read "alpha,bravo" as the bitwise union of Alpha and Bravo.
        var refused = await Host.Alba.Scenario(s =>
        {
            s.Post.Text("""{"condition": "alpha,bravo", "reason": "drill"}""").ToUrl($"/api/bases/{Requests.Balad}/fpcon");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });
        (await refused.ReadAsTextAsync()).ShouldContain("'alpha,bravo' is not a ForceProtectionCondition");
        (await Host.StreamAsync(Requests.Balad)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task known_at_before_year_one_knew_of_nothing()
    {
        // Was a 500: NodaTime goes back to year -9998, a DateTimeOffset (Marten's recorded-at) only to year 1.
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/sites/{Requests.Balad}?knownAt=-9998-01-01T00:00:00Z");
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await result.ReadAsTextAsync()).ShouldContain(Requests.Balad.ToString());
    }

    [Theory]
    [InlineData("to=-9998-01-01T00:00:00Z")]
    [InlineData("from=9999-12-31T23:59:59.999999999Z&to=9999-12-31T23:59:59.999999999Z")]
    public async Task a_timeline_at_the_ends_of_time_is_answered(string query)
    {
        // Were 500s: thirty days before the first instant, and a step past the last, overflowed.
        await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/sites/{Requests.Balad}/timeline?{query}");
            s.StatusCodeShouldBe(200);
        });
    }
}
