package dev.jasyncio.bench;

import dev.jasyncio.Asyncio;
import dev.jasyncio.Server;

/**
 * Echo server on the streams API, the twin of shared/bench/pyechosrv.py: read up to 64 KiB, write
 * it back, drain. usage: EchoStreams PORT
 */
public final class EchoStreams {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Asyncio.run(() -> {
            Server server = Asyncio.startServer((reader, writer) -> {
                while (true) {
                    byte[] data = reader.read(65536);
                    if (data.length == 0) break;
                    writer.write(data);
                    writer.drain();
                }
                writer.close();
            }, "127.0.0.1", port);
            server.serveForever();
        });
    }
}
