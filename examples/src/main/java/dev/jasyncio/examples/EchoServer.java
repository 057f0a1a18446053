package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.startServer;

import java.nio.charset.StandardCharsets;

import dev.jasyncio.StreamReader;
import dev.jasyncio.StreamWriter;

/**
 * Seed 000, "Working with TCP streams": an echo server on 127.0.0.1:8888 that echoes what one
 * read returns and closes. An optional argument picks another port (0: any free port).
 */
public final class EchoServer {
    static void handleClient(StreamReader reader, StreamWriter writer) throws Exception {
        byte[] data = reader.read(100);
        String message = new String(data, StandardCharsets.UTF_8);
        var addr = writer.getExtraInfo("peername");   // an InetSocketAddress: prints as /127.0.0.1:port
        System.out.println("Received " + message + " from " + addr);
        writer.write(data);
        writer.drain();
        writer.close();
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8888;
        run(() -> {
            var server = startServer(EchoServer::handleClient, "127.0.0.1", port);
            var addr = server.sockets().get(0);
            System.out.println("Serving on " + addr);
            try (server) {   // async with server: (when cancelled, serveForever also waits for the clients)
                server.serveForever();
            }
        });
    }
}
