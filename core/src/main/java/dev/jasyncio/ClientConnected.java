package dev.jasyncio;

/**
 * What a streams server runs for each connection it accepts, each in a task of its own: asyncio's
 * {@code client_connected_cb}. When it returns or fails, the connection is closed (buffered data
 * is still sent); an exception it throws is reported to the loop's exception handler.
 */
@FunctionalInterface
public interface ClientConnected {
    void handle(StreamReader reader, StreamWriter writer) throws Exception;
}
