namespace ActorMta.Host.Cli;

/// <summary>Exit codes of the management commands (the probe's are in Probe/ProbeStep.cs); listed in `--help`.</summary>
public static class CliExitCodes
{
    public const int Ok = 0;
    public const int Usage = 2;
    public const int Unreachable = 10;
    public const int Unauthorized = 11;
    public const int Forbidden = 12;
    public const int NotFound = 13;
    public const int Refused = 14;
    public const int NodeError = 15;
}
