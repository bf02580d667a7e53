namespace ActorMta.Host;

/// <summary>`--probe URL`: exit 0 when the URL answers 200 within 5 s, else 1 with the reason.</summary>
public static class HealthProbe
{
    public static async Task<int> RunAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url);
            if (response.IsSuccessStatusCode) return 0;
            Console.Error.WriteLine($"actormta: probe {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"actormta: probe {url}: {e.Message}");
        }
        return 1;
    }
}
