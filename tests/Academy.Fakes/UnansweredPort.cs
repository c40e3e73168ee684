using System.Net;
using System.Net.Sockets;

namespace Academy.Fakes;

/// <summary>
/// A loopback port whose connects time out, as when a server's host is unreachable: a listener with a
/// queue of 0 that never accepts, filled by one connection of its own, so Linux drops every later SYN.
/// (A port nobody listens on refuses at once instead; this is the slow failure.)
/// </summary>
public sealed class UnansweredPort : IDisposable
{
    private readonly Socket _listener;
    private readonly Socket _filler;

    private UnansweredPort(Socket listener, Socket filler)
    {
        _listener = listener;
        _filler = filler;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <param name="port">A port to take (one just closed, to stand in for a server); 0 for any free one.</param>
    public static async Task<UnansweredPort> OpenAsync(int port = 0)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(0);
        var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(listener.LocalEndPoint!);
        return new UnansweredPort(listener, filler);
    }

    public void Dispose()
    {
        _filler.Dispose();
        _listener.Dispose();
    }
}
