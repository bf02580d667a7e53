using System.Text;
using ActorMta.Delivery;
using ActorMta.Queue;

using ActorMta.Configuration;

namespace ActorMta;

/// <summary>
/// The queue's delivery lease must outlast the longest a live delivery may take: its wait in the
/// domain's backlog, then one SMTP transaction at the outbound timeouts. With a shorter lease a
/// slow but live delivery is dispatched again, and the recipient may get the message twice.
/// The timeouts are node-wide (a domain entry cannot override them), so there is one sum.
/// </summary>
public static class DeliveryLeaseCheck
{
    public const string LeasePath = "actormta.queue.delivery-lease";

    public static void Check(SettingsReader settings, QueueSettings queue, DeliverySettings delivery)
    {
        var t = delivery.Timeouts;
        var transaction = t.Connect + t.Greeting + t.Command + t.DataInitiation + t.DataBlock + t.DataTermination;
        var longest = transaction + delivery.MaxBacklogWait;
        if (queue.DeliveryLease > longest) return;
        throw SettingException.Conflict(LeasePath, settings.Raw(LeasePath),
            $"must be longer than the outbound SMTP timeouts (actormta.delivery.timeouts, {Format(transaction)} in all) plus " +
            $"actormta.delivery.max-backlog-wait ({Format(delivery.MaxBacklogWait)}), that is {Format(longest)}: " +
            "a delivery still running when its lease ends is dispatched again");
    }

    /// <summary>A duration as the conf file writes it: 25m30s, 1h, 500ms.</summary>
    public static string Format(TimeSpan duration)
    {
        var text = new StringBuilder();
        void Part(int value, string unit)
        {
            if (value != 0) text.Append(value).Append(unit);
        }
        Part((int)duration.TotalHours, "h");
        Part(duration.Minutes, "m");
        Part(duration.Seconds, "s");
        Part(duration.Milliseconds, "ms");
        return text.Length == 0 ? "0s" : text.ToString();
    }
}
