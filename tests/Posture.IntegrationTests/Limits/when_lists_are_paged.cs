using System.Text.Json;
using Alba;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Limits;

/// <summary>
/// No list answers more than 500 items in one call (OWASP API4): lists given as a JSON array are paged by
/// <c>page</c> and <c>pageSize</c>, tell the whole count in X-Total-Count and link the next page; a page size out of
/// range is a 400 naming it, never silently clamped.
/// </summary>
public sealed class when_lists_are_paged(PostureHost host) : PostureScenario(host)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.Alba.RegisterBaladAsync();
        await Host.Alba.RegisterBaghdadHqAsync();
        await Host.Alba.PostAsync("/api/bases", new { name = "Al Asad Air Base", country = "Iraq", region = "Anbar", latitude = 33.7856, longitude = 42.4412 }, 201);
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "bravo", reason = "rockets on Erbil" }, 200);
        await Host.Alba.PostAsync($"/api/bases/{Requests.Balad}/fpcon", new { condition = "charlie", reason = "rockets on Balad" }, 200);
    }

    private async Task<(List<string> Names, IScenarioResult Result)> SitesAsync(string query)
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/sites{query}");
            s.StatusCodeShouldBe(200);
        });
        var sites = await result.ReadAsJsonAsync<JsonElement>();
        return (sites.EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToList(), result);
    }

    [Fact]
    public async Task the_sites_come_a_page_at_a_time_with_the_count_and_a_link_to_the_next_page()
    {
        var (first, firstResult) = await SitesAsync("?pageSize=2");
        first.ShouldBe(["Al Asad Air Base", "Balad Air Base"]);
        firstResult.Context.Response.Headers["X-Total-Count"].ToString().ShouldBe("3");
        firstResult.Context.Response.Headers.Link.ToString().ShouldBe("</api/sites?pageSize=2&page=2>; rel=\"next\"");

        var (second, secondResult) = await SitesAsync("?pageSize=2&page=2");
        second.ShouldBe(["NATO Mission Iraq HQ"]);
        secondResult.Context.Response.Headers.Link.ToString().ShouldBeEmpty();

        var (all, allResult) = await SitesAsync("");
        all.Count.ShouldBe(3, "the default page (500) holds them all");
        allResult.Context.Response.Headers.Link.ToString().ShouldBeEmpty();
    }

    [Fact]
    public async Task the_audit_trail_comes_a_page_at_a_time()
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url($"/api/audit/{Requests.Balad}?pageSize=2&page=2");
            s.StatusCodeShouldBe(200);
        });
        var entries = (await result.ReadAsJsonAsync<JsonElement>()).EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("version").GetInt64()).ShouldBe([3L]);
        result.Context.Response.Headers["X-Total-Count"].ToString().ShouldBe("3");
    }

    [Theory]
    [InlineData("/api/sites?pageSize=501", "pageSize")]
    [InlineData("/api/sites?pageSize=0", "pageSize")]
    [InlineData("/api/sites?page=0", "page")]
    [InlineData("/api/sites?page=two", "page")]
    [InlineData("/api/sites?page=99999999999", "page")]
    [InlineData("/api/audit/0b1ad000-0000-4000-8000-000000000001?pageSize=1000", "pageSize")]
    [InlineData("/api/incidents?pageSize=501", "pageSize")]
    [InlineData("/api/incidents?page=-1", "page")]
    [InlineData("/api/alerts?limit=501", "limit")]
    public async Task a_page_out_of_range_is_a_400_naming_it(string url, string field)
    {
        var result = await Host.Alba.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBe(400);
            s.ContentTypeShouldBe("application/problem+json");
        });
        await result.ShouldNameFieldsAsync(field);
    }
}
