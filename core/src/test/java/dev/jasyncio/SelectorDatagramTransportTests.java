package dev.jasyncio;

import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.SelectorSocketTransportTests.settle;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * UDP endpoints from createDatagramEndpoint over loopback: test_events.py's datagram tests and
 * what test_selector_events.py's SelectorDatagramTransportTests check with a mocked socket.
 */
// a separate thread: a hung loop does not answer the interrupt of the default timeout mode
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectorDatagramTransportTests {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);

    record Datagram(byte[] data, SocketAddress from) {
        String text() {
            return new String(data);
        }
    }

    /** Records its events, and queues what it receives and the errors it is told about. */
    static class Endpoint implements DatagramProtocol {
        final List<String> events = new ArrayList<>();
        final Queue<Datagram> received = new Queue<>();
        final Queue<Exception> errors = new Queue<>();
        final Future<Throwable> lost;
        DatagramTransport transport;
        /** Sends back "resp:" and what it got, as test_events.py's server protocol does. */
        boolean echo;

        Endpoint() {
            lost = getRunningLoop().createFuture();
        }

        Endpoint echo() {
            echo = true;
            return this;
        }

        @Override
        public void connectionMade(DatagramTransport t) {
            transport = t;
            events.add("made");
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress addr) {
            if (events.isEmpty() || !events.getLast().equals("datagram")) events.add("datagram");
            byte[] b = new byte[data.remaining()];
            data.get(b);
            received.putNowait(new Datagram(b, addr));
            if (echo) {
                ByteBuffer resp = ByteBuffer.allocate(5 + b.length).put("resp:".getBytes()).put(b).flip();
                transport.sendto(resp, addr);
            }
        }

        @Override
        public void errorReceived(Exception exc) {
            events.add("error");
            errors.putNowait(exc);
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add(exc == null ? "lost" : "lost " + exc.getClass().getSimpleName());
            lost.setResult(exc);
        }

        SocketAddress sockname() {
            return (SocketAddress) transport.getExtraInfo("sockname");
        }
    }

    static DatagramEndpoint endpoint(Endpoint p, SocketAddress local, SocketAddress remote) throws IOException {
        return getRunningLoop().createDatagramEndpoint(() -> p, local, remote);
    }

    /** A UDP port on loopback where nothing listens (bound, then closed). */
    static InetSocketAddress closedPort() throws IOException {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(ANY_LOCAL);
            return (InetSocketAddress) ch.getLocalAddress();
        }
    }

    @Test
    void createDatagramEndpoint() throws Exception {
        Asyncio.run(() -> {
            Endpoint server = new Endpoint().echo();
            DatagramEndpoint s = endpoint(server, ANY_LOCAL, null);
            assertSame(server, s.protocol());
            assertSame(server.transport, s.transport(), "connectionMade ran before createDatagramEndpoint returned");
            InetSocketAddress serverAddr = (InetSocketAddress) server.sockname();
            assertTrue(serverAddr.getPort() > 0);
            assertNull(s.transport().getExtraInfo("peername"), "an unconnected endpoint has no peer");
            assertInstanceOf(DatagramChannel.class, s.transport().getExtraInfo("socket"));

            Endpoint client = new Endpoint();
            DatagramEndpoint c = endpoint(client, null, serverAddr);
            assertEquals(serverAddr, c.transport().getExtraInfo("peername"));
            c.transport().sendto("xxx".getBytes());
            Datagram got = server.received.get();
            assertEquals("xxx", got.text());
            assertEquals(client.sockname(), got.from(), "datagramReceived reports the sender's address");
            Datagram resp = client.received.get();
            assertEquals("resp:xxx", resp.text());
            assertEquals(serverAddr, resp.from());

            byte[] big = RecordingProtocol.pattern(0, 60_000);
            c.transport().sendto(big);
            assertArrayEquals(big, server.received.get().data(), "a large datagram arrives whole");
            assertEquals(5 + big.length, client.received.get().data().length);
            assertEquals(0, server.errors.qsize() + client.errors.qsize());

            c.transport().close();
            assertTrue(c.transport().isClosing());
            assertNull(client.lost.await());
            s.transport().close();
            assertNull(server.lost.await());
            settle();
            assertEquals(List.of("made", "datagram", "lost"), client.events);
            assertEquals(List.of("made", "datagram", "lost"), server.events);
        });
    }

    @Test
    void datagramReceivedReportsEachSender() throws Exception {
        Asyncio.run(() -> {
            Endpoint server = new Endpoint();
            DatagramEndpoint s = endpoint(server, ANY_LOCAL, null);
            SocketAddress to = server.sockname();
            Endpoint a = new Endpoint(), b = new Endpoint();
            endpoint(a, ANY_LOCAL, null).transport().sendto("from a".getBytes(), to);
            endpoint(b, ANY_LOCAL, null).transport().sendto("from b".getBytes(), to);
            for (int i = 0; i < 2; i++) {
                Datagram d = server.received.get();
                assertEquals(d.text().equals("from a") ? a.sockname() : b.sockname(), d.from(), d.text());
            }
            assertNotNull(a.sockname());
            s.transport().abort();
            assertNull(server.lost.await());
        });
    }

    @Test
    void sendtoNoData() throws Exception {
        Asyncio.run(() -> {
            Endpoint server = new Endpoint();
            endpoint(server, ANY_LOCAL, null);
            Endpoint client = new Endpoint();
            endpoint(client, ANY_LOCAL, null).transport().sendto(new byte[0], server.sockname());
            Datagram d = server.received.get();
            assertEquals(0, d.data().length, "as asyncio 3.13, an empty datagram is sent");
            assertEquals(client.sockname(), d.from());
        });
    }

    @Test
    void sendtoConnectedAddr() throws Exception {
        Asyncio.run(() -> {
            Endpoint server = new Endpoint();
            endpoint(server, ANY_LOCAL, null);
            InetSocketAddress serverAddr = (InetSocketAddress) server.sockname();
            Endpoint client = new Endpoint();
            DatagramTransport t = endpoint(client, null, serverAddr).transport();
            InetSocketAddress other = new InetSocketAddress("127.0.0.1", serverAddr.getPort() == 9 ? 10 : 9);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.sendto("x".getBytes(), other));
            assertTrue(e.getMessage().contains("Invalid address"), e.getMessage());
            t.sendto("to the peer".getBytes(), serverAddr); // the remote address itself is allowed
            assertEquals("to the peer", server.received.get().text());
            assertFalse(t.isClosing(), "a bad argument does not close the endpoint");
            t.close();
        });
    }

    @Test
    void sendtoWithoutAddressUnconnected() throws Exception {
        Asyncio.run(() -> {
            Endpoint client = new Endpoint();
            DatagramTransport t = endpoint(client, ANY_LOCAL, null).transport();
            assertThrows(IllegalArgumentException.class, () -> t.sendto("nowhere".getBytes()));
            assertFalse(t.isClosing());
            t.close();
            assertNull(client.lost.await());
        });
    }

    @Test
    void sendtoBadAddressFailsTheCallNotTheEndpoint() throws Exception {
        Asyncio.run(() -> {
            Endpoint server = new Endpoint(), client = new Endpoint();
            endpoint(server, ANY_LOCAL, null);
            DatagramTransport t = endpoint(client, ANY_LOCAL, null).transport();
            int port = ((InetSocketAddress) server.sockname()).getPort();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.sendto("x".getBytes(), InetSocketAddress.createUnresolved("localhost", port)));
            assertTrue(e.getMessage().contains("unresolved"), e.getMessage());
            // an IPv6 address on an IPv4 socket: the JDK refuses the family
            assertThrows(IllegalArgumentException.class,
                    () -> t.sendto("x".getBytes(), new InetSocketAddress(InetAddress.getByName("::1"), port)));
            assertFalse(t.isClosing(), "a bad address fails the call and leaves the endpoint open");
            t.sendto("fine".getBytes(), server.sockname());
            assertEquals("fine", server.received.get().text());
            t.close();
            assertNull(client.lost.await());
        });
    }

    @Test
    void datagramReceivedErrorIsReportedAndTheEndpointStaysOpen() throws Exception {
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            Endpoint server = new Endpoint() {
                boolean failed;

                @Override
                public void datagramReceived(ByteBuffer data, SocketAddress addr) {
                    if (!failed) {
                        failed = true;
                        throw new IllegalStateException("boom");
                    }
                    super.datagramReceived(data, addr);
                }
            };
            DatagramTransport st = endpoint(server, ANY_LOCAL, null).transport();
            DatagramTransport t = endpoint(new Endpoint(), null, server.sockname()).transport();
            t.sendto("first".getBytes());
            t.sendto("second".getBytes());
            assertEquals("second", server.received.get().text());
            assertEquals(1, errors.size());
            assertEquals("boom", errors.getFirst().exception().getMessage());
            assertFalse(st.isClosing(), "as in asyncio, the loop reports it and the endpoint stays open");
            st.close();
            t.close();
        });
    }

    @Test
    void sendtoErrorReceivedConnected() throws Exception {
        Asyncio.run(() -> {
            Endpoint client = new Endpoint();
            DatagramTransport t = endpoint(client, null, closedPort()).transport();
            t.sendto("anyone?".getBytes());
            // the ICMP port unreachable comes back as an error on the connected socket
            assertInstanceOf(PortUnreachableException.class, client.errors.get());
            assertFalse(t.isClosing(), "errorReceived leaves the endpoint open");
            assertFalse(client.lost.done());
            t.sendto("again?".getBytes());
            assertInstanceOf(PortUnreachableException.class, client.errors.get());
            t.close();
            assertNull(client.lost.await());
            assertEquals(List.of("made", "error", "error", "lost"), client.events);
        });
    }

    @Test
    void sendToNonListeningAddress() throws Exception {
        Asyncio.run(() -> {
            Endpoint one = new Endpoint(), two = new Endpoint();
            DatagramTransport t1 = endpoint(one, ANY_LOCAL, null).transport();
            DatagramTransport t2 = endpoint(two, ANY_LOCAL, null).transport();
            t1.sendto("a".getBytes(), two.sockname());
            assertEquals("a", two.received.get().text());
            t2.sendto("b".getBytes(), one.sockname());
            assertEquals("b", one.received.get().text());
            t1.sendto("c".getBytes(), closedPort()); // an unconnected socket is not told
            t2.sendto("d".getBytes(), one.sockname());
            assertEquals("d", one.received.get().text(), "still receiving after sending into the void");
            t1.close();
            t2.close();
            assertNull(one.lost.await());
            assertEquals(List.of("made", "datagram", "lost"), one.events);
        });
    }

    @Test
    void sendtoClosing() throws Exception {
        Asyncio.run(() -> {
            Endpoint server = new Endpoint();
            endpoint(server, ANY_LOCAL, null);
            Endpoint client = new Endpoint();
            DatagramTransport t = endpoint(client, null, server.sockname()).transport();
            t.close();
            t.close();
            try (LogCapture log = new LogCapture()) {
                for (int i = 0; i < 4; i++) t.sendto("late".getBytes());
                assertEquals(List.of(), log.messages(Level.WARNING));
                t.sendto("late".getBytes()); // as the stream transport: the fifth ignored send is logged
                assertEquals(1, log.messages(Level.WARNING).size(), log.messages(Level.WARNING).toString());
            }
            assertNull(client.lost.await());
            t.abort();
            settle();
            assertEquals(0, server.received.qsize(), "nothing was sent after close()");
            assertEquals(List.of("made", "lost"), client.events, "connectionLost exactly once");
        });
    }

    @Test
    void createDatagramEndpointResolvesNames() throws Exception {
        Asyncio.run(() -> {
            Endpoint server = new Endpoint();
            DatagramEndpoint s = endpoint(server, InetSocketAddress.createUnresolved("localhost", 0), null);
            InetSocketAddress serverAddr = (InetSocketAddress) server.sockname();
            assertFalse(serverAddr.isUnresolved());
            assertTrue(serverAddr.getAddress().isLoopbackAddress(), serverAddr.toString());
            Endpoint client = new Endpoint();
            DatagramTransport t = endpoint(client, null, InetSocketAddress.createUnresolved("localhost", serverAddr.getPort())).transport();
            InetSocketAddress peer = (InetSocketAddress) t.getExtraInfo("peername");
            assertFalse(peer.isUnresolved(), "the remote name was resolved: " + peer);
            t.sendto("by name".getBytes());
            assertEquals("by name", server.received.get().text());
            t.close();
            s.transport().close();
        });
    }

    @Test
    void createDatagramEndpointNoAddress() throws Exception {
        Asyncio.run(() -> {
            List<String> made = new ArrayList<>();
            assertThrows(IllegalArgumentException.class, () -> getRunningLoop().createDatagramEndpoint(() -> {
                made.add("factory");
                return new Endpoint();
            }, null, null));
            assertEquals(List.of(), made);
        });
    }

    @Test
    void setProtocol() throws Exception {
        Asyncio.run(() -> {
            Endpoint server = new Endpoint(), second = new Endpoint();
            DatagramTransport s = endpoint(server, ANY_LOCAL, null).transport();
            Endpoint client = new Endpoint();
            DatagramTransport c = endpoint(client, null, server.sockname()).transport();
            c.sendto("one".getBytes());
            assertEquals("one", server.received.get().text());
            s.setProtocol(second);
            assertSame(second, s.getProtocol());
            c.sendto("two".getBytes());
            assertEquals("two", second.received.get().text());
            s.close();
            assertNull(second.lost.await());
            assertEquals(List.of("made", "datagram"), server.events, "the first protocol hears nothing more");
            assertEquals(List.of("datagram", "lost"), second.events);
            c.close();
        });
    }

    @Test
    void getExtraInfoIpv4Loopback() throws Exception {
        Asyncio.run(() -> {
            Endpoint a = new Endpoint(), b = new Endpoint();
            DatagramTransport ta = endpoint(a, ANY_LOCAL, null).transport();
            DatagramTransport tb = endpoint(b, ANY_LOCAL, a.sockname()).transport();
            assertEquals(InetAddress.getByName("127.0.0.1"), ((InetSocketAddress) b.sockname()).getAddress());
            assertEquals(a.sockname(), tb.getExtraInfo("peername"));
            DatagramChannel ch = assertInstanceOf(DatagramChannel.class, tb.getExtraInfo("socket"));
            assertEquals(b.sockname(), ch.getLocalAddress());
            assertTrue(ch.isConnected());
            assertFalse(((DatagramChannel) ta.getExtraInfo("socket")).isConnected());
            assertNull(tb.getExtraInfo("no such thing"));
            ta.close();
            tb.close();
            assertNull(b.lost.await());
            assertFalse(ch.isOpen(), "the socket is closed with the transport");
        });
    }
}
