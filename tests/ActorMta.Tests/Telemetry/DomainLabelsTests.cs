using ActorMta.Telemetry;

namespace ActorMta.Tests.Telemetry;

public sealed class DomainLabelsTests
{
    [Fact]
    public void The_top_domains_by_volume_get_their_own_label_and_the_rest_are_other()
    {
        var labels = new DomainLabels(2);
        Observe(labels, "gmail.com", 50);
        Observe(labels, "outlook.com", 30);
        Observe(labels, "example.org", 5);

        var label = labels.Snapshot();

        Assert.Equal("gmail.com", label("gmail.com"));
        Assert.Equal("outlook.com", label("Outlook.COM"));
        Assert.Equal(DomainLabels.Other, label("example.org"));
        Assert.Equal(DomainLabels.Other, label("never-seen.example"));
    }

    [Fact]
    public void A_flood_of_distinct_domains_costs_a_bounded_number_of_slots_and_does_not_push_out_a_busy_domain()
    {
        var labels = new DomainLabels(3);
        for (var i = 0; i < 100_000; i++)
        {
            labels.Observe($"one-off-{i}.example");
            if (i % 10 == 0) labels.Observe("busy.example");
        }

        Assert.True(labels.Tracked <= 12, $"{labels.Tracked} domains tracked");
        Assert.Equal("busy.example", labels.For("busy.example"));
        // However many one-off domains there were, at most three labels besides "other".
        var distinct = Enumerable.Range(0, 100_000).Select(i => labels.For($"one-off-{i}.example")).Append(labels.For("busy.example")).Distinct().ToList();
        Assert.True(distinct.Count <= 4, string.Join(", ", distinct));
        Assert.Contains(DomainLabels.Other, distinct);
    }

    [Fact]
    public void With_no_labelled_domains_everything_is_other()
    {
        var labels = new DomainLabels(0);
        Observe(labels, "gmail.com", 10);

        Assert.Equal(DomainLabels.Other, labels.For("gmail.com"));
        Assert.Equal(0, labels.Tracked);
    }

    private static void Observe(DomainLabels labels, string domain, int times)
    {
        for (var i = 0; i < times; i++) labels.Observe(domain);
    }
}
