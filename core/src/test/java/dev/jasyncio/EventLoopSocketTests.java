package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.RecordingProtocol.port;
import static dev.jasyncio.SelectorSocketTransportTests.settle;
import static dev.jasyncio.StreamServerTests.openDescriptors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's socket API with real sockets: test_events.py's EventLoopTestsMixin for
 * create_connection, create_server and add_reader/add_writer, and test_selector_events.py's
 * reader/writer bookkeeping.
 */
// a separate thread: a hung loop does not answer the interrupt of the default timeout mode
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopSocketTests {
    @TempDir
    Path tmp;

    static RecordingProtocol proto() {
        return new RecordingProtocol(getRunningLoop());
    }

    /** A protocol factory that keeps the protocols it made, in order, and queues them for {@link #next()}. */
    static final class Factory implements Supplier<Protocol> {
        final List<RecordingProtocol> made = new ArrayList<>();
        /** Calls (1-based) at which the factory throws instead, or returns null for {@link #nullAt}. */
        final Set<Integer> failAt = new HashSet<>(), nullAt = new HashSet<>();
        private final Queue<RecordingProtocol> queue;
        int calls;

        Factory() {
            this(new Queue<>());
        }

        /** A factory that queues what it makes on {@code queue}, which other factories may share. */
        Factory(Queue<RecordingProtocol> queue) {
            this.queue = queue;
        }

        @Override
        public Protocol get() {
            calls++;
            if (failAt.contains(calls)) throw new IllegalStateException("factory failed at call " + calls);
            if (nullAt.contains(calls)) return null;
            RecordingProtocol p = proto();
            made.add(p);
            queue.putNowait(p);
            return p;
        }

        /** Waits for the next protocol made (by this factory or one sharing its queue). */
        RecordingProtocol next() {
            return queue.get();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ---- create_connection --------------------------------------------------------------------------

    @Test
    void createConnection() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            Server server = loop.createServer(accepted, "127.0.0.1", 0);
            RecordingProtocol client = proto();
            TransportAndProtocol tp = loop.createConnection(() -> client, "127.0.0.1", port(server));
            assertSame(client, tp.protocol());
            assertSame(client.transport, tp.transport(), "connectionMade ran before createConnection returned");
            assertEquals(List.of("made"), client.events);
            tp.transport().write("GET / HTTP/1.0\r\n\r\n".getBytes());
            tp.transport().writeEof();
            assertNull(client.lost.await());
            RecordingProtocol serverSide = accepted.made.getFirst();
            assertEquals("GET / HTTP/1.0\r\n\r\n", serverSide.text());
            assertEquals(List.of("made", "data", "eof", "lost"), serverSide.events);
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void createUnixConnection() throws Exception {
        Path path = tmp.resolve("conn.sock");
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            Server server = loop.createUnixServer(accepted, path, ServerOptions.defaults());
            RecordingProtocol client = proto();
            TransportAndProtocol tp = loop.createUnixConnection(() -> client, path);
            assertSame(client.transport, tp.transport());
            tp.transport().write("over unix".getBytes());
            tp.transport().writeEof();
            assertNull(client.lost.await());
            assertEquals("over unix", accepted.made.getFirst().text());
            server.close();
            server.waitClosed();
            Factory never = new Factory();
            assertThrows(IOException.class, () -> loop.createUnixConnection(never, path));
            assertEquals(0, never.calls);
        });
    }

    @Test
    void createConnectionLocalAddr() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            Server server = loop.createServer(accepted, "127.0.0.1", 0);
            InetSocketAddress local = new InetSocketAddress("127.0.0.1", freePort());
            RecordingProtocol client = proto();
            loop.createConnection(() -> client, "127.0.0.1", port(server), ConnectOptions.defaults().withLocalAddr(local));
            assertEquals(local, client.transport.getExtraInfo("sockname"));
            accepted.made.getFirst().made.await();
            assertEquals(local, accepted.made.getFirst().transport.getExtraInfo("peername"));
            client.transport.close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void createConnectionLocalAddrInUse() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(new Factory(), "127.0.0.1", 0);
            Factory client = new Factory();
            IOException e = assertThrows(IOException.class, () -> loop.createConnection(client, "127.0.0.1", port(server),
                    ConnectOptions.defaults().withLocalAddr(server.sockets().getFirst())));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertEquals(0, client.calls);
            server.close();
        });
    }

    @Test
    void createConnectionRefused() throws Exception {
        int closed = freePort();
        Asyncio.run(() -> {
            Factory client = new Factory();
            ConnectException e = assertThrows(ConnectException.class,
                    () -> getRunningLoop().createConnection(client, "127.0.0.1", closed));
            assertTrue(e.getMessage().contains("127.0.0.1") && e.getMessage().contains(":" + closed), e.getMessage());
            assertEquals(0, client.calls, "no protocol for a connection that failed");
        });
    }

    @Test
    void createConnectionToName() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            Server server = loop.createServer(accepted, "127.0.0.1", 0);
            RecordingProtocol client = proto();
            loop.createConnection(() -> client, "localhost", port(server));
            InetSocketAddress peer = (InetSocketAddress) client.transport.getExtraInfo("peername");
            assertEquals(server.sockets().getFirst(), peer, "resolved to the address that listens");
            client.transport.close();
            server.close();
            server.waitClosed();
        });
    }

    /**
     * Fills the accept queue of a listener that never accepts, so that Linux drops further SYNs
     * and a new connect to it stays pending. The fillers are added to {@code fillers}.
     */
    static ServerSocketChannel saturatedListener(List<SocketChannel> fillers) throws Exception {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 1);
        for (int i = 0; i < 32; i++) {
            SocketChannel c = SocketChannel.open();
            fillers.add(c);
            c.configureBlocking(false);
            if (c.connect(listener.getLocalAddress())) continue;
            boolean connected = false;
            for (int tries = 0; tries < 20 && !connected; tries++) {
                connected = c.finishConnect();
                if (!connected) Thread.sleep(10);
            }
            if (!connected) return listener; // this one hangs: the queue is full
        }
        throw new AssertionError("the accept queue of a backlog-1 listener never filled");
    }

    @Test
    void createConnectionCancelledWhileConnectingLeaksNoSocket() throws Exception {
        List<SocketChannel> fillers = new ArrayList<>();
        try (ServerSocketChannel listener = saturatedListener(fillers)) {
            int port = port(listener.getLocalAddress());
            Asyncio.run(() -> {
                Factory client = new Factory();
                long before = openDescriptors();
                Task<TransportAndProtocol> connecting = createTask(() -> getRunningLoop().createConnection(client, "127.0.0.1", port));
                sleep(0.2);
                assertFalse(connecting.done(), "the connect is pending");
                assertTrue(openDescriptors() > before, "a socket is open while connecting");
                connecting.cancel();
                assertThrows(CancelledError.class, connecting::await);
                settle();
                assertEquals(before, openDescriptors(), "the cancelled connect's socket is closed");
                assertEquals(0, client.calls);
            });
        } finally {
            for (SocketChannel c : fillers) c.close();
        }
    }

    @Test
    void createConnectionFactoryFailsClosesTheSocket() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            Server server = loop.createServer(accepted, "127.0.0.1", 0);
            // one connection first, so that what the loop and the JDK create lazily exists before counting
            loop.createConnection(new Factory(), "127.0.0.1", port(server)).transport().close();
            accepted.made.getFirst().lost.await();
            long before = openDescriptors();

            Factory failing = new Factory();
            failing.failAt.add(1);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loop.createConnection(failing, "127.0.0.1", port(server)));
            assertEquals("factory failed at call 1", e.getMessage());
            Factory nulls = new Factory();
            nulls.nullAt.add(1);
            assertThrows(NullPointerException.class, () -> loop.createConnection(nulls, "127.0.0.1", port(server)));

            for (int i = 1; i <= 2; i++) {
                RecordingProtocol serverSide = accepted.made.get(i);
                assertNull(serverSide.lost.await(), "the server sees the client's socket closed");
                assertEquals(List.of("made", "eof", "lost"), serverSide.events);
            }
            settle();
            assertEquals(before, openDescriptors(), "neither socket leaked");
            server.close();
            server.waitClosed();
        });
    }

    // ---- create_server ------------------------------------------------------------------------------

    @Test
    void createServer() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            Server server = loop.createServer(accepted, "127.0.0.1", 0);
            assertTrue(server.isServing());
            InetSocketAddress address = (InetSocketAddress) server.sockets().getFirst();
            assertEquals(InetAddress.getByName("127.0.0.1"), address.getAddress());
            assertTrue(address.getPort() > 0, "port 0 picks a free port");
            List<RecordingProtocol> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RecordingProtocol c = proto();
                loop.createConnection(() -> c, "127.0.0.1", address.getPort());
                c.transport.write(("client " + i).getBytes());
                c.transport.writeEof();
                clients.add(c);
            }
            for (RecordingProtocol c : clients) assertNull(c.lost.await());
            assertEquals(3, accepted.made.size(), "one protocol per connection");
            Set<String> got = new HashSet<>();
            for (RecordingProtocol p : accepted.made) {
                p.lost.await();
                got.add(p.text());
            }
            assertEquals(Set.of("client 0", "client 1", "client 2"), got);
            server.close();
            assertFalse(server.isServing());
            assertEquals(List.of(), server.sockets());
            server.waitClosed();
            assertThrows(ConnectException.class, () -> loop.createConnection(new Factory(), "127.0.0.1", address.getPort()));
        });
    }

    /** The loopback address, and the first IPv4 address of another interface that is up, if any. */
    static List<InetAddress> ipv4Interfaces() throws IOException {
        List<InetAddress> all = new ArrayList<>(List.of(InetAddress.getByName("127.0.0.1")));
        NetworkInterface.networkInterfaces()
                .filter(EventLoopSocketTests::upAndNotLoopback)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address)
                .findFirst()
                .ifPresent(all::add);
        return all;
    }

    static boolean upAndNotLoopback(NetworkInterface i) {
        try {
            return i.isUp() && !i.isLoopback();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void createServerAllInterfaces() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            Server server = loop.createServer(accepted, null, 0);
            InetSocketAddress address = (InetSocketAddress) server.sockets().getFirst();
            assertTrue(address.getAddress().isAnyLocalAddress(), "host null listens on every interface: " + address);
            List<InetAddress> hosts = new java.util.ArrayList<>(ipv4Interfaces());
            java.nio.file.Path inet6 = java.nio.file.Path.of("/proc/net/if_inet6");
            if (java.nio.file.Files.exists(inet6) && java.nio.file.Files.readString(inet6).contains(" lo")) {
                hosts.add(InetAddress.getByName("::1")); // and IPv6, on the same (dual-stack) socket, as asyncio
            }
            for (InetAddress host : hosts) {
                RecordingProtocol c = proto();
                loop.createConnection(() -> c, host.getHostAddress(), address.getPort());
                assertEquals(host, ((InetSocketAddress) c.transport.getExtraInfo("peername")).getAddress());
                c.transport.close();
            }
            server.close();
            server.waitClosed();
            assertEquals(hosts.size(), accepted.made.size());
        });
    }

    @Test
    void createServerStartServingFalse() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            Server server = loop.createServer(accepted, "127.0.0.1", 0, ServerOptions.defaults().withStartServing(false));
            assertFalse(server.isServing());
            // Unlike asyncio, whose socket listens only once serving starts, the JDK listens at
            // bind: the kernel completes the handshake, and the server accepts after startServing.
            RecordingProtocol client = proto();
            loop.createConnection(() -> client, "127.0.0.1", port(server));
            client.transport.write("waiting".getBytes());
            settle();
            assertEquals(0, accepted.calls, "not accepted before startServing()");
            server.startServing();
            assertTrue(server.isServing());
            server.startServing();
            client.transport.writeEof();
            assertNull(client.lost.await());
            assertEquals(1, accepted.calls);
            assertEquals("waiting", accepted.made.getFirst().text());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void createServerBacklog() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withBacklog(0));
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            // a backlog of 1 also accepts one connection per readiness event: all still get in
            Server server = loop.createServer(accepted, "127.0.0.1", 0, ServerOptions.defaults().withBacklog(1));
            List<Task<TransportAndProtocol>> connects = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                connects.add(createTask(() -> loop.createConnection(new Factory(), "127.0.0.1", port(server))));
            }
            for (Task<TransportAndProtocol> c : connects) c.await().transport().close();
            for (int i = 0; i < 8; i++) assertNull(accepted.next().lost.await());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void createServerReuseAddress() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Factory accepted = new Factory();
            Server server = loop.createServer(accepted, "127.0.0.1", 0);
            int port = port(server);
            RecordingProtocol client = proto();
            loop.createConnection(() -> client, "127.0.0.1", port);
            RecordingProtocol serverSide = accepted.next();
            serverSide.made.await();
            serverSide.transport.close(); // the server's end closes first: its port is left in TIME_WAIT
            assertNull(client.lost.await());
            assertNull(serverSide.lost.await());
            server.close();
            server.waitClosed();
            BindException e = assertThrows(BindException.class, () -> loop.createServer(new Factory(), "127.0.0.1", port,
                    ServerOptions.defaults().withReuseAddress(false)));
            assertTrue(e.getMessage().contains("error while attempting to bind"), e.getMessage());
            Server again = loop.createServer(new Factory(), "127.0.0.1", port, ServerOptions.defaults().withReuseAddress(true));
            assertEquals(port, port(again));
            again.close();
        });
    }

    @Test
    void createServerReusePort() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            ServerOptions reuse = ServerOptions.defaults().withReusePort(true);
            Queue<RecordingProtocol> accepted = new Queue<>();
            Factory first = new Factory(accepted), second = new Factory(accepted);
            Server a = loop.createServer(first, "127.0.0.1", 0, reuse);
            int port = port(a);
            Server b = loop.createServer(second, "127.0.0.1", port, reuse);
            // the kernel spreads connections over both listeners (by a hash of the client's port)
            int connections = 0;
            while (first.calls == 0 || second.calls == 0) {
                assertTrue(connections < 200, "200 connections all went to one server: " + first.calls + "/" + second.calls);
                loop.createConnection(new Factory(), "127.0.0.1", port).transport().close();
                connections++;
                accepted.get();
            }
            a.close();
            int before = second.calls;
            for (int i = 0; i < 5; i++) {
                loop.createConnection(new Factory(), "127.0.0.1", port).transport().close();
                accepted.get();
            }
            assertEquals(before + 5, second.calls, "once one closes, the other takes every connection");
            b.close();
            a.waitClosed();
            b.waitClosed();
        });
    }

    @Test
    void createServerFactoryRaises() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            Factory accepted = new Factory();
            accepted.failAt.add(2);
            Server server = loop.createServer(accepted, "127.0.0.1", 0);
            List<RecordingProtocol> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RecordingProtocol c = proto();
                loop.createConnection(() -> c, "127.0.0.1", port(server));
                clients.add(c);
            }
            assertNull(clients.get(1).lost.await(), "the connection without a protocol is closed");
            assertEquals(List.of("made", "eof", "lost"), clients.get(1).events);
            assertEquals(1, errors.size());
            assertEquals("Error on transport creation for incoming connection", errors.getFirst().message());
            assertEquals("factory failed at call 2", errors.getFirst().exception().getMessage());
            assertTrue(server.isServing(), "the server lives on");
            for (int i : new int[] {0, 2}) {
                clients.get(i).transport.write(("hi " + i).getBytes());
                clients.get(i).transport.writeEof();
                assertNull(clients.get(i).lost.await());
            }
            assertEquals(2, accepted.made.size());
            for (RecordingProtocol p : accepted.made) p.lost.await();
            assertEquals("hi 0", accepted.made.get(0).text());
            assertEquals("hi 2", accepted.made.get(1).text());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void createServerFactoryReturnsNull() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            Factory accepted = new Factory();
            accepted.nullAt.add(1);
            Server server = loop.createServer(accepted, "127.0.0.1", 0);
            RecordingProtocol client = proto();
            loop.createConnection(() -> client, "127.0.0.1", port(server));
            assertNull(client.lost.await());
            assertEquals(1, errors.size());
            assertEquals("Error on transport creation for incoming connection", errors.getFirst().message());
            assertInstanceOf(NullPointerException.class, errors.getFirst().exception());
            server.close();
            Asyncio.waitFor(() -> {
                server.waitClosed();
                return null;
            }, 5); // no connection is left open, so nothing to wait for
        });
    }

    // ---- add_reader / add_writer --------------------------------------------------------------------

    static Pipe nonBlockingPipe() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
        return pipe;
    }

    @Test
    void readerCallback() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = nonBlockingPipe();
            Queue<String> chunks = new Queue<>();
            Future<Boolean> eof = loop.createFuture();
            ByteBuffer buf = ByteBuffer.allocate(1024);
            loop.addReader(pipe.source(), () -> {
                try {
                    int n = pipe.source().read(buf.clear());
                    if (n > 0) chunks.putNowait(new String(buf.array(), 0, n));
                    if (n < 0) {
                        eof.setResult(loop.removeReader(pipe.source()));
                        pipe.source().close();
                    }
                } catch (IOException e) {
                    eof.setException(e);
                }
            });
            StringBuilder read = new StringBuilder();
            loop.callSoon(() -> write(pipe, "abc"));
            while (read.length() < 3) read.append(chunks.get());
            loop.callSoon(() -> write(pipe, "def"));
            while (read.length() < 6) read.append(chunks.get());
            pipe.sink().close();
            assertTrue(eof.await(), "removeReader returns true when a reader was set");
            assertEquals("abcdef", read.toString());
        });
    }

    static void write(Pipe pipe, String s) {
        try {
            pipe.sink().write(ByteBuffer.wrap(s.getBytes()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void close(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void writerCallback() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = nonBlockingPipe();
            Future<Void> written = loop.createFuture();
            loop.addWriter(pipe.sink(), () -> {
                if (written.done()) return;
                write(pipe, "x".repeat(1024));
                written.setResult(null);
            });
            written.await();
            assertTrue(loop.removeWriter(pipe.sink()));
            assertFalse(loop.removeWriter(pipe.sink()));
            pipe.sink().close(); // takes effect at the loop's next poll: the sink is registered with it
            pipe.source().configureBlocking(true); // a blocking read parks only this task
            try (var in = java.nio.channels.Channels.newInputStream(pipe.source())) {
                assertEquals("x".repeat(1024), new String(in.readAllBytes()));
            }
        });
    }

    @Test
    void addReaderExisting() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = nonBlockingPipe();
            List<String> calls = new ArrayList<>();
            Future<Void> second = loop.createFuture();
            Handle first = loop.addReader(pipe.source(), () -> calls.add("first"));
            loop.addReader(pipe.source(), () -> {
                calls.add("second");
                loop.removeReader(pipe.source());
                second.setResult(null);
            });
            assertTrue(first.cancelled(), "as asyncio, a replaced reader's handle is cancelled");
            write(pipe, "x");
            second.await();
            assertEquals(List.of("second"), calls);
            pipe.source().close();
            pipe.sink().close();
        });
    }

    @Test
    void removeReaderReadWrite() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                 SocketChannel a = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel b = listener.accept()) {
                a.configureBlocking(false);
                List<String> calls = new ArrayList<>();
                Future<Void> writable = loop.createFuture();
                loop.addReader(a, () -> calls.add("read"));
                loop.addWriter(a, () -> {
                    if (!writable.done()) writable.setResult(null);
                });
                assertTrue(loop.removeReader(a));
                assertFalse(loop.removeReader(a));
                b.write(ByteBuffer.wrap("data".getBytes()));
                writable.await(); // the writer survives the reader's removal
                settle();
                assertEquals(List.of(), calls, "the removed reader does not run though data waits");
                assertTrue(loop.removeWriter(a));
            }
        });
    }

    @Test
    void removeReaderCancelsAQueuedCallback() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = nonBlockingPipe();
            write(pipe, "ready");
            List<String> calls = new ArrayList<>();
            Future<Void> removed = loop.createFuture();
            // the reader is set, and the poll of the next iteration queues it behind the callback
            // that removes it: like asyncio's remove_reader, that must keep it from running
            loop.callSoon(() -> {
                loop.addReader(pipe.source(), () -> calls.add("read"));
                loop.callSoon(() -> {
                    loop.removeReader(pipe.source());
                    close(pipe.source()); // what a reader's owner may well do next
                    removed.setResult(null);
                });
            });
            removed.await();
            settle();
            assertEquals(List.of(), calls);
            pipe.sink().close();
        });
    }

    @Test
    void removeWriterCancelsAQueuedCallback() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = nonBlockingPipe(); // an empty pipe's sink is writable at once
            List<String> calls = new ArrayList<>();
            Future<Void> removed = loop.createFuture();
            loop.callSoon(() -> {
                loop.addWriter(pipe.sink(), () -> calls.add("write"));
                loop.callSoon(() -> {
                    loop.removeWriter(pipe.sink());
                    removed.setResult(null);
                });
            });
            removed.await();
            settle();
            assertEquals(List.of(), calls);
            pipe.source().close();
            pipe.sink().close();
        });
    }

    @Test
    void removeUnknown() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = nonBlockingPipe();
            assertFalse(loop.removeReader(pipe.source()));
            assertFalse(loop.removeWriter(pipe.sink()));
            pipe.source().close();
            pipe.sink().close();
        });
    }

    @Test
    void addReaderBlockingOrClosedChannel() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = Pipe.open();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.addReader(pipe.source(), () -> {}));
            assertTrue(e.getMessage().contains("non-blocking"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.addWriter(pipe.sink(), () -> {}));
            pipe.source().configureBlocking(false);
            pipe.source().close();
            assertThrows(IllegalArgumentException.class, () -> loop.addReader(pipe.source(), () -> {}));
            pipe.sink().close();
        });
    }

    @Test
    void addFdsAfterClosing() throws Exception {
        EventLoop loop = Asyncio.newEventLoop();
        Pipe pipe = nonBlockingPipe();
        loop.close();
        assertThrows(IllegalStateException.class, () -> loop.addReader(pipe.source(), () -> {}));
        assertThrows(IllegalStateException.class, () -> loop.addWriter(pipe.sink(), () -> {}));
        assertFalse(loop.removeReader(pipe.source()));
        assertFalse(loop.removeWriter(pipe.sink()));
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    void removedChannelClosesAtOnce() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = nonBlockingPipe();
            loop.addReader(pipe.source(), () -> {});
            assertTrue(loop.removeReader(pipe.source()));
            pipe.source().close();
            // with nothing left to watch the channel left the selector, so the close was real:
            // the other end sees a broken pipe now, not at the loop's next poll
            assertThrows(IOException.class, () -> pipe.sink().write(ByteBuffer.wrap(new byte[1])));
            pipe.sink().close();
            // and a channel can be watched again after it was released
            Pipe again = nonBlockingPipe();
            loop.addReader(again.source(), () -> {});
            loop.removeReader(again.source());
            Future<Void> readable = loop.createFuture();
            loop.addReader(again.source(), () -> {
                if (!readable.done()) readable.setResult(null);
            });
            again.sink().write(ByteBuffer.wrap(new byte[] {1}));
            readable.await();
            loop.removeReader(again.source());
            again.source().close();
            again.sink().close();
        });
    }

    @Test
    void loopCloseLeavesCallersChannelsOpen() throws Exception {
        Pipe pipe = nonBlockingPipe();
        Asyncio.run(() -> {
            getRunningLoop().addReader(pipe.source(), () -> {});
        });
        assertTrue(pipe.source().isOpen(), "a channel given to addReader is its owner's to close, as in asyncio");
        pipe.source().close();
        pipe.sink().close();
    }
}
