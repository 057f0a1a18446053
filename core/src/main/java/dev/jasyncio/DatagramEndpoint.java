package dev.jasyncio;

/** What {@link EventLoop#createDatagramEndpoint} returns: asyncio's {@code (transport, protocol)} pair. */
public record DatagramEndpoint(DatagramTransport transport, DatagramProtocol protocol) {}
