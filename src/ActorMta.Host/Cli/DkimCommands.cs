using ActorMta.Dkim;

namespace ActorMta.Host.Cli;

/// <summary>`actormta dkim keygen DOMAIN SELECTOR`: a new key file and the DNS record to publish for it. Local: no node needed.</summary>
public static class DkimCommands
{
    public const string Usage = "usage: dkim keygen DOMAIN SELECTOR [--algorithm rsa-sha256|ed25519-sha256] [--bits 2048] [--out DIR]";

    public static int Run(CliArguments args, CliIo io)
    {
        if (args.Words is not [_, "keygen", ..]) throw new CliFailure(CliExitCodes.Usage, Usage);
        args.Allow(4, "--algorithm", "--bits", "--out");
        var domain = args.Word(2, "DOMAIN").Trim().TrimEnd('.').ToLowerInvariant();
        var selector = args.Word(3, "SELECTOR").Trim();
        if (Uri.CheckHostName(domain) != UriHostNameType.Dns || !domain.Contains('.'))
            throw new CliFailure(CliExitCodes.Usage, $"'{domain}' is not a domain name");
        if (selector.Length == 0 || selector.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new CliFailure(CliExitCodes.Usage, $"'{selector}' is not a selector (letters, digits, - _ .)");
        var algorithm = (args.Option("--algorithm") ?? "rsa-sha256").ToLowerInvariant() switch
        {
            "rsa-sha256" => DkimAlgorithm.RsaSha256,
            "ed25519-sha256" => DkimAlgorithm.Ed25519Sha256,
            var other => throw new CliFailure(CliExitCodes.Usage, $"--algorithm {other}: expected rsa-sha256 | ed25519-sha256"),
        };
        var bits = 2048;
        if (args.Option("--bits") is { } text && (!int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out bits) || !DkimKeyPair.RsaSizes.Contains(bits)))
            throw new CliFailure(CliExitCodes.Usage, $"--bits {text}: expected one of {string.Join(", ", DkimKeyPair.RsaSizes)}");
        if (algorithm == DkimAlgorithm.Ed25519Sha256 && args.Option("--bits") is not null)
            throw new CliFailure(CliExitCodes.Usage, "--bits is for rsa-sha256 keys only");

        var directory = args.Option("--out") ?? ".";
        var path = Path.GetFullPath(Path.Combine(directory, $"{domain}.{selector}.pem"));
        var pair = DkimKeyPair.Generate(algorithm, bits);
        try
        {
            Directory.CreateDirectory(directory);
            pair.WritePrivateKey(path);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new CliFailure(CliExitCodes.Usage, $"{path} exists; it is not overwritten (choose another selector or remove it)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure(CliExitCodes.Usage, $"cannot write {path}: {e.Message}");
        }
        io.Error.WriteLine($"private key written to {path} (mode 0600); publish this record, then configure actormta.dkim.domains.\"{domain}\".selectors.{selector}:");
        io.Out.WriteLine(pair.TxtRecord(domain, selector));
        return CliExitCodes.Ok;
    }
}
