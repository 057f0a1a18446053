package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.startServer;

import java.util.List;
import java.util.stream.Stream;

import dev.jasyncio.StreamReader;
import dev.jasyncio.StreamWriter;

/**
 * Seed 002, "TCP server": answers one read with its upper-cased bytes, on 0.0.0.0:1234.
 *
 * <p>Like the seed's {@code asyncio.run(asyncio.start_server(...))}, it serves nobody: run
 * returns as soon as startServer has bound the socket, and closing the loop closes the listener
 * (CPython leaves it open, unserved, until the process exits). {@code --serve} does what the
 * seed meant: serve until stopped. An optional PORT argument replaces 1234 (0: any free port).
 */
public final class UpperServer {
    static void handle(StreamReader reader, StreamWriter writer) throws Exception {
        byte[] data = reader.read(100);
        writer.write(upper(data));
        writer.drain();
        writer.close();
    }

    /** Python's bytes.upper(): ASCII letters only. */
    static byte[] upper(byte[] data) {
        byte[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= 'a' && out[i] <= 'z') out[i] -= 'a' - 'A';
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        boolean serve = List.of(args).contains("--serve");
        int port = Stream.of(args).filter(a -> !a.equals("--serve")).mapToInt(Integer::parseInt).findFirst().orElse(1234);
        if (!serve) {
            run(() -> startServer(UpperServer::handle, "0.0.0.0", port));   // returns at once: nobody is served
            return;
        }
        run(() -> {
            var server = startServer(UpperServer::handle, "0.0.0.0", port);
            System.out.println("Serving on " + server.sockets().get(0));
            try (server) {
                server.serveForever();
            }
        });
    }
}
