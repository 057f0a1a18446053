package dev.jasyncio;

/** The two ends of a stream connection: asyncio's {@code (reader, writer)} pair. */
public record Connection(StreamReader reader, StreamWriter writer) {}
