using ActorMta.IntegrationTests.Delivery;
using ActorMta.TestSupport;
using ActorMta.TestSupport.Smtp;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ActorMta.IntegrationTests.Management;

/// <summary>
/// The dashboard in headless Chromium (Debian's chromium package, driven by Playwright over its own
/// executable path; no browser is downloaded): the numbers move under a workload, and the Suspend
/// button suspends the domain as the admin API sees it.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardNode fixture, ITestOutputHelper output)
{
    public const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly LocatorAssertionsToHaveTextOptions Within = new() { Timeout = (float)Deadline.TotalMilliseconds };

    [Fact]
    public async Task The_dashboard_shows_a_workload_moving_and_its_Suspend_button_suspends_the_domain()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (apt-get install -y chromium; .ci/run does)");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var problems = new List<string>();
        // The browser's own favicon request (the page names none) is the only 404 allowed.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal)) problems.Add($"{message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => problems.Add(error);
        var node = fixture.Node;
        try
        {
            await page.GotoAsync(node.Node.ManagementUri.ToString());
            await page.FillAsync("#token", TestTokens.Admin);
            await page.ClickAsync("#token-form button[type=submit]");
            await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live", Within);
            await Assertions.Expect(page.Locator("#members tbody tr td").Nth(1)).ToHaveTextAsync("Up", Within);

            // The counters are the process's (other tests' nodes count too): wait for at least this workload on top.
            var accepted = await NumberAsync(page, "#total-accepted");
            var delivered = await NumberAsync(page, "#total-delivered");
            const int messages = 20;
            await RelayClient.SendInParallelAsync(node.RelayPort, Enumerable.Range(0, messages).Select(i => TestMessages.Message($"dashboard {i}", "Hello.")).ToList(), 2, "sender@origin.test", "someone@example.test");
            await WaitForAtLeastAsync(page, "#total-accepted", accepted + messages);
            await WaitForAtLeastAsync(page, "#total-delivered", delivered + messages);
            // The rates: the peak over the chart's window (the rate now may be back to 0 once the workload is through).
            await WaitForAtLeastAsync(page, "#peak-accepted", 0.1);
            await WaitForAtLeastAsync(page, "#peak-delivered", 0.1);
            var row = page.Locator("#domains tr[data-domain='example.test']");
            await Assertions.Expect(row.Locator("td").Nth(8)).Not.ToHaveTextAsync("0", Within);

            await row.Locator("button.suspend").ClickAsync();
            await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("example.test suspended", new() { Timeout = (float)Deadline.TotalMilliseconds });
            var listed = Assert.Single((await node.GetJsonAsync("/api/admin/suspend/v1")).EnumerateArray());
            Assert.Equal(("example.test", "suspended from the dashboard"), (listed.GetProperty("domain").GetString(), listed.GetProperty("reason").GetString()));
            await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("suspended", Within);
            await SaveScreenshotAsync(page);

            await row.Locator("button.resume").ClickAsync();
            await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("example.test resumed", new() { Timeout = (float)Deadline.TotalMilliseconds });
            Assert.Equal(0, (await node.GetJsonAsync("/api/admin/suspend/v1")).GetArrayLength());
            Assert.Empty(problems); // a script error or a Content-Security-Policy violation would be here
        }
        catch
        {
            await SaveScreenshotAsync(page);
            throw;
        }
    }

    private static async Task<long> NumberAsync(IPage page, string selector)
    {
        await page.WaitForFunctionAsync($"() => /^[0-9,]+$/.test(document.querySelector('{selector}').textContent)", null,
            new() { Timeout = (float)Deadline.TotalMilliseconds });
        return long.Parse((await page.TextContentAsync(selector))!.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task WaitForAtLeastAsync(IPage page, string selector, double minimum) =>
        page.WaitForFunctionAsync("([selector, minimum]) => Number(document.querySelector(selector).textContent.replaceAll(',', '')) >= minimum",
            new object[] { selector, minimum }, new() { Timeout = (float)Deadline.TotalMilliseconds });

    /// <summary>The test's artifact: tests/ActorMta.IntegrationTests/TestResults/dashboard.png.</summary>
    private async Task SaveScreenshotAsync(IPage page)
    {
        var path = Path.Combine(Repository.Root, "tests", "ActorMta.IntegrationTests", "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"dashboard screenshot: {path}");
    }
}
