package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Asyncio.openConnection;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.startServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The seed-000 echo server on a free port, three clients talking to it at once on the same loop,
 * then the server closed: streams end to end with no outside peer.
 */
public final class EchoDemo {
    static void client(InetSocketAddress addr, String message) throws Exception {
        var conn = openConnection(addr.getHostString(), addr.getPort());
        conn.writer().write(message);
        conn.writer().drain();
        byte[] reply = conn.reader().read(-1);   // the server echoes, then closes: read to EOF
        System.out.println(message + " -> " + new String(reply, StandardCharsets.UTF_8));
        conn.writer().close();
        conn.writer().waitClosed();
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            var server = startServer(EchoServer::handleClient, "127.0.0.1", 0);
            var addr = (InetSocketAddress) server.sockets().get(0);
            System.out.println("Serving on " + addr);
            gather(() -> client(addr, "hello"), () -> client(addr, "bonjour"), () -> client(addr, "hola")).await();
            server.close();
            server.waitClosed();
            System.out.println("server closed");
        });
    }
}
