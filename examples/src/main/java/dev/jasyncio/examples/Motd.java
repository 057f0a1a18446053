package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.openConnection;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.startServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import dev.jasyncio.StreamReader;
import dev.jasyncio.StreamWriter;

/**
 * Seed 002, "Streams (TCP)": fetch one line from a quote-of-the-day server. The seed's server
 * (10.0.2.2:17) exists only in its author's VM, so with no HOST PORT arguments the program
 * starts a tiny qotd server of its own on a free local port and fetches from that.
 */
public final class Motd {
    static void fetchMotd(String host, int port) throws Exception {
        var conn = openConnection(host, port);
        var r = conn.reader();
        var w = conn.writer();
        byte[] line = r.readline();
        // Python prints the bytes' repr (b'...\r\n'); we print the text without its line end
        System.out.println("motd: " + new String(line, StandardCharsets.UTF_8).stripTrailing());
        w.close();
        w.waitClosed();
    }

    /** A qotd server (RFC 865): one line to each client, then close. */
    static void quote(StreamReader reader, StreamWriter writer) throws Exception {
        writer.write("Simple is better than complex.\r\n");
        writer.drain();
        writer.close();
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            run(() -> fetchMotd(args[0], Integer.parseInt(args[1])));
            return;
        }
        if (args.length != 0) throw new IllegalArgumentException("usage: motd [HOST PORT]");
        run(() -> {
            var server = startServer(Motd::quote, "127.0.0.1", 0);
            var addr = (InetSocketAddress) server.sockets().get(0);
            System.out.println("qotd server on " + addr);
            fetchMotd(addr.getHostString(), addr.getPort());
            server.close();
            server.waitClosed();
        });
    }
}
