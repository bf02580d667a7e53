using ActorMta.Queue.Partition;
using ActorMta.Smtp;
using ActorMta.Contracts;

namespace ActorMta.Bounces;

/// <summary>
/// The Action and Status (RFC 3464 2.3.3, 2.3.4) a DSN reports for one recipient.
///
/// Status is the remote reply's RFC 3463 enhanced code when it agrees with the action's class,
/// else the class's generic code (5.0.0, 4.0.0, 2.0.0). Expiry is reported as Action: failed with
/// Status 4.4.7 ("delivery time expired"): the last problem was temporary, the mail system gave up;
/// the last reply, if any, stays in Diagnostic-Code. Success is "relayed", never "delivered": this
/// MTA hands mail to the recipient's server, it does not put it in a mailbox.
/// </summary>
public static class DsnOutcome
{
    public const string ExpiredStatus = "4.4.7";

    public static string Action(DsnKind kind) => kind switch
    {
        DsnKind.Failure => "failed",
        DsnKind.Delay => "delayed",
        _ => "relayed",
    };

    public static string Status(DsnKind kind, DsnRecipient recipient)
    {
        if (kind == DsnKind.Failure && recipient.Status == RecipientStatus.Expired) return ExpiredStatus;
        var statusClass = kind switch
        {
            DsnKind.Failure => '5',
            DsnKind.Delay => '4',
            _ => '2',
        };
        var enhanced = recipient.LastReply?.EnhancedCode;
        return enhanced is not null && enhanced[0] == statusClass && IsEnhancedCode(enhanced) ? enhanced : $"{statusClass}.0.0";
    }

    /// <summary>class "." subject "." detail (RFC 3463 2) and nothing else: the wire library's parser decides.</summary>
    private static bool IsEnhancedCode(string code) =>
        EnhancedStatusCode.TryParse(System.Text.Encoding.ASCII.GetBytes(code), out _, out var length) && length == code.Length;
}
