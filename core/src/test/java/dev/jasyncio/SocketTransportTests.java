package dev.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Transports and protocols over real sockets on loopback. */
class SocketTransportTests {
    /** Echoes what it receives. */
    static final class Echo implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    /** Records every event, and the bytes received. */
    static final class Recorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        Future<Void> lost;

        Recorder(EventLoop loop) {
            lost = loop.createFuture();
        }

        @Override
        public void connectionMade(Transport t) {
            events.add("made");
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (!events.getLast().equals("data")) events.add("data");
            byte[] b = new byte[data.remaining()];
            data.get(b);
            received.writeBytes(b);
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add("lost " + exc);
            lost.setResult(null);
        }
    }

    @Test
    void echoRoundTrip() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0);
            int port = ((InetSocketAddress) server.sockets().getFirst()).getPort();
            Recorder rec = new Recorder(loop);
            TransportAndProtocol tp = loop.createConnection(() -> rec, "127.0.0.1", port);
            tp.transport().write("hello".getBytes());
            tp.transport().writeEof();
            rec.lost.await();
            assertEquals("hello", rec.received.toString());
            assertEquals(List.of("made", "data", "eof", "lost null"), rec.events);
            server.close();
            server.waitClosed();
        });
    }
}
