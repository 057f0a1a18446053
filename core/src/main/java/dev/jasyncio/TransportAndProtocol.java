package dev.jasyncio;

/** What {@link EventLoop#createConnection} returns: asyncio's {@code (transport, protocol)} pair. */
public record TransportAndProtocol(Transport transport, Protocol protocol) {}
