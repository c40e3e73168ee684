using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Academy.Learning.Localization;

namespace Academy.BotHost.Cli;

/// <summary>
/// An address the host cannot listen on — usually another Academy (or anything else) already there —
/// is said in one line, with exit code 1, before the store is migrated, the sample loaded or the
/// scheduler started: a second host on the same data would otherwise run its scheduler beside the first.
/// Kestrel's own bind failure is still caught afterwards (an address the check cannot read ahead, such
/// as a Unix socket, or a port taken in between) and said the same way.
/// </summary>
public static partial class ListenCheck
{
    /// <summary>Tries each address the host will listen on; prints the first it cannot have and returns false.</summary>
    public static bool AddressesAvailable(WebApplication app, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(stderr);
        // Only Kestrel binds sockets (the tests' in-memory server does not).
        if (app.Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.GetType().Namespace?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) != true)
            return true;
        foreach (var url in Hosting.Exposure.ListenAddresses(app.Configuration))
        {
            var problem = Probe(url);
            if (problem is null) continue;
            stderr.WriteLine(Catalog.Default.For(null).Get(problem, ("address", url)));
            return false;
        }
        return true;
    }

    /// <summary>Runs the app; a bind failure becomes one line and exit code 1 instead of an unhandled exception.</summary>
    public static async Task<int> RunOrExplainAsync(this WebApplication app, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException ex) when (ProblemOf(ex) is { } problem)
        {
            var address = FailedAddress().Match(ex.Message) is { Success: true } m ? m.Groups[1].Value : string.Join(", ", Hosting.Exposure.ListenAddresses(app.Configuration));
            await stderr.WriteLineAsync(Catalog.Default.For(null).Get(problem, ("address", address)));
            return 1;
        }
    }

    private static string? Probe(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return null; // Kestrel says what is wrong with it
        }
        if (address.IsUnixPipe || address.IsNamedPipe || address.Port == 0) return null;
        IPAddress ip;
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase)) ip = IPAddress.Loopback;
        else if (!IPAddress.TryParse(address.Host.Trim('[', ']'), out ip!))
            ip = Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any; // "*", "+", a host name: every interface, as Kestrel does
        using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            // As Kestrel binds on Linux: a port left in TIME_WAIT by an earlier run is free to use.
            if (!OperatingSystem.IsWindows()) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(ip, address.Port));
            return null;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "cli.address_in_use",
                SocketError.AddressNotAvailable => "cli.address_not_available",
                SocketError.AccessDenied => "cli.address_denied",
                _ => null,
            };
        }
    }

    private static string? ProblemOf(Exception ex)
    {
        for (var e = (Exception?)ex; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException) return "cli.address_in_use";
            if (e is SocketException s)
                return s.SocketErrorCode switch
                {
                    SocketError.AddressAlreadyInUse => "cli.address_in_use",
                    SocketError.AddressNotAvailable => "cli.address_not_available",
                    SocketError.AccessDenied => "cli.address_denied",
                    _ => null,
                };
        }
        return null;
    }

    [GeneratedRegex(@"Failed to bind to address (\S+?): ")]
    private static partial Regex FailedAddress();
}
