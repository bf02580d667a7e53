using ActorMta.Configuration;
using ActorMta.Ingress.Auth;

namespace ActorMta.Host;

/// <summary>
/// `adduser USER`: reads the password from stdin (the first line; typed without echo on a terminal)
/// and writes USER's PBKDF2 hash into the credentials file the configuration names. A running node
/// picks the change up at the next AUTH.
/// </summary>
public static class AddUser
{
    public static int Run(string user, ActorMtaSettings settings)
    {
        if (!CredentialStore.IsValidUserName(user))
            throw new SettingException("adduser", user, "a user name of 1 to 256 characters without ':', spaces or control characters");
        var password = ReadPassword();
        if (string.IsNullOrEmpty(password))
            throw new SettingException("adduser", user, "a password on stdin (one line, not empty)");
        var path = settings.Ingress.Auth.CredentialsFile;
        CredentialStore.AddUser(path, user, password);
        Console.Error.WriteLine($"actormta: user {user} written to {path}");
        return 0;
    }

    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine();
        Console.Error.Write("Password: ");
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (password.Length > 0) password.Length--; }
            else if (!char.IsControl(key.KeyChar)) password.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return password.ToString();
    }
}
