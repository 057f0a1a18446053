package dev.jasyncio;

/**
 * How {@link EventLoop#createServer} and {@link Asyncio#startServer} listen: asyncio's keyword
 * arguments of {@code create_server}/{@code start_server}. Immutable; each {@code with} method
 * returns a copy.
 *
 * @param backlog      the listen queue, and how many connections one readiness event accepts at most
 * @param reuseAddress SO_REUSEADDR (default true: a restarted server can bind at once)
 * @param reusePort    SO_REUSEPORT (default false): several servers share the port
 * @param startServing accept at once (default true), or only after {@link Server#startServing()}
 * @param limit        the stream reader's buffer limit, for the streams API
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing, int limit) {
    public ServerOptions {
        if (backlog <= 0) throw new IllegalArgumentException("backlog must be > 0: " + backlog);
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0");
    }

    public static ServerOptions defaults() {
        return new ServerOptions(100, true, false, true, 64 * 1024);
    }

    public ServerOptions withBacklog(int backlog) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, limit);
    }

    public ServerOptions withReuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, startServing, limit);
    }

    public ServerOptions withReusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, startServing, limit);
    }

    public ServerOptions withStartServing(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, on, limit);
    }

    public ServerOptions withLimit(int limit) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, limit);
    }
}
