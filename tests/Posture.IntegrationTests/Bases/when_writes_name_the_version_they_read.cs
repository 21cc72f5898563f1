using Alba;
using Posture.IntegrationTests.Infrastructure;
using static Posture.IntegrationTests.Infrastructure.PeopleRequests;

namespace Posture.IntegrationTests.Bases;

/// <summary>Optimistic concurrency over HTTP: a read answers an ETag, a write may send it back as If-Match.</summary>
public sealed class when_writes_name_the_version_they_read(PostureHost host) : PostureScenario(host)
{
    private async Task<string> ETagAsync(string url) =>
        (await Host.Alba.Scenario(s => s.Get.Url(url))).Context.Response.Headers.ETag.ToString();

    private async Task PostAsync(string url, object body, string ifMatch, int status) =>
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithRequestHeader("If-Match", ifMatch);
            s.StatusCodeShouldBe(status);
        });

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
    }

    [Fact]
    public async Task a_write_with_the_current_version_is_accepted()
    {
        var etag = await ETagAsync($"/api/sites/{Requests.Balad}");
        await PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "bravo", reason = "Rockets nearby" }, etag, 200);
        (await ETagAsync($"/api/sites/{Requests.Balad}")).ShouldBe("\"2\"");
    }

    [Fact]
    public async Task a_write_with_a_stale_version_is_a_409_and_writes_nothing()
    {
        var etag = await ETagAsync($"/api/sites/{Requests.Balad}");
        await PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "bravo", reason = "first officer" }, etag, 200);

        await PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "normal", reason = "second officer, on old information" }, etag, 409);

        (await Host.EventCountAsync()).ShouldBe(2);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("\"three\"")]
    [InlineData("\"1\", \"2\"")]
    public async Task a_malformed_if_match_is_a_400(string ifMatch)
    {
        await PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "bravo", reason = "x" }, ifMatch, 400);
        (await Host.EventCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task a_weak_tag_or_a_star_is_understood()
    {
        await PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "bravo", reason = "x" }, "W/\"1\"", 200);
        await PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "charlie", reason = "y" }, "*", 200);
    }

    [Fact]
    public async Task a_contractor_read_gives_the_version_an_evacuation_must_name()
    {
        await Host.Alba.SallyportAtBaladAsync(46);
        var etag = await ETagAsync($"/api/contractors/{Sallyport}");
        etag.ShouldBe("\"2\"");
        var evacuation = new { baseId = Requests.Balad, count = 10, at = "2021-02-21T08:00:00Z", reason = "Rockets" };

        await PostAsync(ContractorUrl(Sallyport, "evacuations"), evacuation, etag, 200);
        await PostAsync(ContractorUrl(Sallyport, "evacuations"), evacuation, etag, 409);
    }

    [Fact]
    public async Task the_site_view_answers_a_sites_reassessment_on_request()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl($"/api/sites/{Requests.Balad}/reassessments");
            s.StatusCodeShouldBe(200);
        });
        (await result.ReadAsJsonAsync<System.Text.Json.JsonElement>()).GetProperty("level").GetString().ShouldBe("low");
        await Host.Alba.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl($"/api/sites/{Guid.NewGuid()}/reassessments");
            s.StatusCodeShouldBe(404);
        });
    }
}
