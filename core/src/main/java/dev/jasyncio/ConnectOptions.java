package dev.jasyncio;

import java.net.SocketAddress;

/**
 * How {@link EventLoop#createConnection} and {@link Asyncio#openConnection} connect: asyncio's
 * keyword arguments. Immutable; each {@code with} method returns a copy.
 *
 * @param localAddr the local address to bind before connecting, or null
 * @param limit     the stream reader's buffer limit, for the streams API
 */
public record ConnectOptions(SocketAddress localAddr, int limit) {
    public ConnectOptions {
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0");
    }

    public static ConnectOptions defaults() {
        return new ConnectOptions(null, 64 * 1024);
    }

    public ConnectOptions withLocalAddr(SocketAddress addr) {
        return new ConnectOptions(addr, limit);
    }

    public ConnectOptions withLimit(int limit) {
        return new ConnectOptions(localAddr, limit);
    }
}
