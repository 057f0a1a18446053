package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ports of test_streams.py's socket tests (StreamTests with a server), and the faults a server
 * meets: resets, half-closes, silent clients, cancelled readers and writers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamServerTests {
    @TempDir
    Path tmp;

    static int port(Server s) {
        return ((InetSocketAddress) s.sockets().getFirst()).getPort();
    }

    /** A handler that echoes lines until EOF. */
    static void echoLines(StreamReader r, StreamWriter w) throws IOException {
        while (true) {
            byte[] line = r.readline();
            if (line.length == 0) break;
            w.write(line);
            w.drain();
        }
    }

    // ---- test_streams.py ------------------------------------------------------------------------

    @Test
    void openConnection() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            c.writer().write("GET / HTTP/1.0\r\n\r\n");
            assertArrayEquals("GET / HTTP/1.0\r\n".getBytes(), c.reader().readline());
            assertArrayEquals("\r\n".getBytes(), c.reader().readline());
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void openUnixConnection() throws Exception {
        Path path = tmp.resolve("echo.sock");
        Asyncio.run(() -> {
            Server server = Asyncio.startUnixServer(StreamServerTests::echoLines, path);
            assertEquals(List.of(UnixDomainSocketAddress.of(path)), server.sockets());
            Connection c = Asyncio.openUnixConnection(path);
            c.writer().write("hello unix\n");
            assertArrayEquals("hello unix\n".getBytes(), c.reader().readline());
            assertInstanceOf(UnixDomainSocketAddress.class, c.writer().getExtraInfo("peername"));
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
        assertFalse(Files.exists(path), "closing a Unix server removes its socket file");
    }

    @Test
    void startUnixServerReplacesStaleSocketButNotAFile() throws Exception {
        Path path = tmp.resolve("stale.sock");
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(path)); // left behind, as by a crashed server
        }
        assertTrue(Files.exists(path));
        Path regular = Files.writeString(tmp.resolve("data.txt"), "keep me");
        Asyncio.run(() -> {
            Server server = Asyncio.startUnixServer(StreamServerTests::echoLines, path);
            Connection c = Asyncio.openUnixConnection(path);
            c.writer().write("x\n");
            assertArrayEquals("x\n".getBytes(), c.reader().readline());
            c.writer().close();
            server.close();
            assertThrows(java.net.BindException.class, () -> Asyncio.startUnixServer(StreamServerTests::echoLines, regular));
        });
        assertEquals("keep me", Files.readString(regular));
    }

    @Test
    void openConnectionError() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ConnectException e = assertThrows(ConnectException.class,
                () -> Asyncio.run(() -> Asyncio.openConnection("127.0.0.1", closedPort)));
        assertTrue(e.getMessage().contains("127.0.0.1") && e.getMessage().contains(String.valueOf(closedPort)), e.getMessage());
    }

    @Test
    void openConnectionResolvesNamesOffTheLoop() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            List<InetSocketAddress> addrs = getRunningLoop().getaddrinfo("localhost", port(server));
            assertFalse(addrs.isEmpty());
            Connection c = Asyncio.openConnection("localhost", port(server));
            c.writer().write("by name\n");
            assertArrayEquals("by name\n".getBytes(), c.reader().readline());
            c.writer().close();
            server.close();
        });
    }

    @Test
    void startServer() throws Exception {
        Asyncio.run(() -> {
            List<String> seen = new ArrayList<>();
            Server server = Asyncio.startServer((r, w) -> {
                seen.add(new String(r.readline()).strip());
                w.write("bye\n");
                w.close();
            }, "127.0.0.1", 0);
            assertTrue(server.isServing());
            for (String name : List.of("a", "b", "c")) {
                Connection c = Asyncio.openConnection("127.0.0.1", port(server));
                c.writer().write(name + "\n");
                assertArrayEquals("bye\n".getBytes(), c.reader().readline());
                assertArrayEquals(new byte[0], c.reader().read(-1));
                c.writer().close();
            }
            server.close();
            assertFalse(server.isServing());
            assertEquals(List.of(), server.sockets());
            server.waitClosed();
            assertEquals(List.of("a", "b", "c"), seen);
        });
    }

    @Test
    void waitClosedOnClose() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            c.writer().write("foo\n");
            assertArrayEquals("foo\n".getBytes(), c.reader().readline());
            assertFalse(c.writer().isClosing());
            c.writer().close();
            assertTrue(c.writer().isClosing());
            c.writer().waitClosed();
            assertTrue(c.reader().atEof() || c.reader().read(-1).length == 0);
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void waitClosedOnCloseWithUnreadData() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            c.writer().write("foo\nbar\n");
            assertArrayEquals("foo\n".getBytes(), c.reader().readline());
            c.writer().close();
            c.writer().waitClosed(); // "bar\n" may sit unread in the reader: closing still completes
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void eofFeedWhenClosingWriter() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            c.writer().close();
            c.writer().waitClosed();
            assertTrue(c.reader().atEof());
            server.close();
        });
    }

    @Test
    void writeAndDrainAfterCloseRaisesConnectionReset() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            c.writer().close();
            c.writer().write("too late\n"); // ignored, as asyncio does
            SocketException e = assertThrows(SocketException.class, c.writer()::drain);
            assertEquals("Connection lost", e.getMessage());
            server.close();
        });
    }

    @Test
    void drainRaises() throws Exception {
        // the peer closes at once; a writer that goes on writing must get an error, not hang
        Asyncio.run(() -> {
            Server server = Asyncio.startServer((r, w) -> w.close(), "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            IOException e = assertThrows(IOException.class, () -> {
                while (true) {
                    c.writer().write(new byte[64 * 1024]);
                    c.writer().drain();
                }
            });
            assertTrue(e instanceof SocketException || e.getMessage() != null, String.valueOf(e));
            server.close();
        });
    }

    @Test
    void multipleDrain() throws Exception {
        // ten tasks wait in drain() while writing is paused; resumeWriting() releases them all
        Loops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            StreamProtocol protocol = new StreamProtocol(loop, new StreamReader(), null);
            protocol.pauseWriting();
            List<Task<Void>> drainers = new ArrayList<>();
            for (int i = 0; i < 10; i++) drainers.add(createTask(protocol::drainHelper));
            sleep(0);
            for (Task<Void> t : drainers) assertFalse(t.done());
            protocol.resumeWriting();
            Asyncio.gather(drainers).await();
            for (Task<Void> t : drainers) assertNull(t.result());
        });
    }

    @Test
    void unhandledExceptionsInHandler() throws Exception {
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            IllegalStateException boom = new IllegalStateException("boom");
            Server server = Asyncio.startServer((r, w) -> {
                throw boom;
            }, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            assertArrayEquals(new byte[0], c.reader().read(-1), "the connection is closed after the handler fails");
            assertEquals(1, errors.size());
            assertEquals("Unhandled exception in client_connected_cb", errors.getFirst().message());
            assertSame(boom, errors.getFirst().exception());
            assertTrue(errors.getFirst().transport() instanceof Transport);
            // the server survives its handler's failure
            assertTrue(server.isServing());
            Connection again = Asyncio.openConnection("127.0.0.1", port(server));
            assertArrayEquals(new byte[0], again.reader().read(-1));
            assertEquals(2, errors.size());
            c.writer().close();
            again.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void handlerSelfCancelIsNotReported() throws Exception {
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            Server server = Asyncio.startServer((r, w) -> {
                Asyncio.currentTask().cancel();
                sleep(0);
            }, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            assertArrayEquals(new byte[0], c.reader().read(-1));
            assertEquals(List.of(), errors);
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void streamWriterExtraInfo() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            SocketAddress peer = (SocketAddress) c.writer().getExtraInfo("peername");
            SocketAddress local = (SocketAddress) c.writer().getExtraInfo("sockname");
            assertEquals(server.sockets().getFirst(), peer);
            assertEquals(((InetSocketAddress) local).getAddress().getHostAddress(), "127.0.0.1");
            assertInstanceOf(SocketChannel.class, c.writer().getExtraInfo("socket"));
            assertNull(c.writer().getExtraInfo("no such thing"));
            assertTrue(c.writer().canWriteEof());
            c.writer().close();
            server.close();
        });
    }

    // ---- servers --------------------------------------------------------------------------------

    @Test
    void serveForeverCancelClosesAndWaits() throws Exception {
        Asyncio.run(() -> {
            Future<StreamWriter> connected = getRunningLoop().createFuture();
            Server server = Asyncio.startServer((r, w) -> {
                connected.setResult(w);
                r.read(-1);
            }, "127.0.0.1", 0, ServerOptions.defaults().withStartServing(false));
            assertFalse(server.isServing());
            Task<Void> forever = createTask(server::serveForever);
            sleep(0);
            assertTrue(server.isServing());
            IllegalStateException twice = assertThrows(IllegalStateException.class, server::serveForever);
            assertTrue(twice.getMessage().contains("already being awaited"), twice.getMessage());
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            connected.await();
            forever.cancel();
            sleep(0.05);
            assertFalse(forever.done(), "serveForever waits for the open connection after closing");
            assertFalse(server.isServing());
            c.writer().close(); // the handler sees EOF and returns; the server's last connection goes
            assertThrows(CancelledError.class, forever::await);
            assertEquals(List.of(), server.sockets());
            assertThrows(IllegalStateException.class, server::serveForever);
        });
    }

    @Test
    void closeClientsAndAbortClients() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            Connection a = Asyncio.openConnection("127.0.0.1", port(server));
            Connection b = Asyncio.openConnection("127.0.0.1", port(server));
            a.writer().write("x\n");
            b.writer().write("y\n");
            assertArrayEquals("x\n".getBytes(), a.reader().readline());
            assertArrayEquals("y\n".getBytes(), b.reader().readline());
            server.close();
            Task<Void> waiting = createTask(server::waitClosed);
            sleep(0.05);
            assertFalse(waiting.done(), "waitClosed waits for the connections");
            server.closeClients();
            waiting.await();
            assertArrayEquals(new byte[0], a.reader().read(-1));
            assertArrayEquals(new byte[0], b.reader().read(-1));
        });
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            Connection a = Asyncio.openConnection("127.0.0.1", port(server));
            a.writer().write("x\n");
            a.reader().readline();
            server.close();
            server.abortClients();
            server.waitClosed();
            assertArrayEquals(new byte[0], a.reader().read(-1));
        });
    }

    @Test
    void reusePortLetsTwoServersShareAPort() throws Exception {
        Asyncio.run(() -> {
            ServerOptions opts = ServerOptions.defaults().withReusePort(true);
            Server first = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0, opts);
            Server second = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", port(first), opts);
            assertEquals(port(first), port(second));
            java.net.BindException e = assertThrows(java.net.BindException.class,
                    () -> Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", port(first)));
            assertTrue(e.getMessage().contains("error while attempting to bind"), e.getMessage());
            first.close();
            second.close();
        });
    }

    @Test
    void serverIsAutoCloseable() throws Exception {
        Asyncio.run(() -> {
            int port;
            try (Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0)) {
                port = port(server);
            }
            assertThrows(ConnectException.class, () -> Asyncio.openConnection("127.0.0.1", port));
        });
    }

    // ---- faults ---------------------------------------------------------------------------------

    /** Connects a plain socket that resets the connection when closed. */
    static SocketChannel resettingClient(int port) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        return ch;
    }

    @Test
    void peerResetMidRead() throws Exception {
        Asyncio.run(() -> {
            Future<Throwable> outcome = getRunningLoop().createFuture();
            Server server = Asyncio.startServer((r, w) -> {
                try {
                    r.readexactly(100);
                    outcome.setResult(null);
                } catch (IOException e) {
                    outcome.setResult(e);
                }
            }, "127.0.0.1", 0);
            SocketChannel client = Asyncio.toThread(() -> resettingClient(port(server)));
            client.write(java.nio.ByteBuffer.wrap("partial".getBytes()));
            sleep(0.05);
            client.close(); // RST
            Throwable e = outcome.await();
            assertTrue(e instanceof SocketException || e instanceof IncompleteReadError, String.valueOf(e));
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void peerResetMidWrite() throws Exception {
        Asyncio.run(() -> {
            Future<Throwable> outcome = getRunningLoop().createFuture();
            Future<Void> writing = getRunningLoop().createFuture();
            Server server = Asyncio.startServer((r, w) -> {
                try {
                    while (true) {
                        w.write(new byte[256 * 1024]);
                        if (!writing.done()) writing.setResult(null);
                        w.drain();
                    }
                } catch (IOException e) {
                    outcome.setResult(e);
                }
            }, "127.0.0.1", 0);
            SocketChannel client = Asyncio.toThread(() -> resettingClient(port(server)));
            writing.await();
            sleep(0.05);
            client.close(); // RST while the server's writer waits in drain()
            assertInstanceOf(IOException.class, outcome.await());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void halfClose() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer((r, w) -> {
                byte[] all = r.read(-1); // to the client's EOF
                w.write(("got " + all.length + " bytes\n").getBytes());
                w.close();
            }, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            c.writer().write(new byte[100_000]);
            c.writer().writeEof();
            assertArrayEquals("got 100000 bytes\n".getBytes(), c.reader().readline());
            assertArrayEquals(new byte[0], c.reader().read(-1));
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void silentClientTimesOutWithoutBlockingOthers() throws Exception {
        Asyncio.run(() -> {
            List<String> outcomes = new ArrayList<>();
            Server server = Asyncio.startServer((r, w) -> {
                try {
                    byte[] line = Asyncio.waitFor(r::readline, 2.0);
                    outcomes.add("line");
                    w.write(line);
                } catch (TimeoutError e) {
                    outcomes.add("timeout");
                    w.write("too slow\n");
                }
                w.close();
            }, "127.0.0.1", 0);
            Connection silent = Asyncio.openConnection("127.0.0.1", port(server));
            Connection chatty = Asyncio.openConnection("127.0.0.1", port(server));
            chatty.writer().write("hi\n");
            assertArrayEquals("hi\n".getBytes(), chatty.reader().readline());
            assertEquals(List.of("line"), outcomes, "the silent client did not hold up the other");
            assertArrayEquals("too slow\n".getBytes(), silent.reader().readline());
            assertEquals(List.of("line", "timeout"), outcomes);
            silent.writer().close();
            chatty.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void cancelledReadLeavesConnectionUsable() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            Task<byte[]> reader = createTask(() -> c.reader().readline());
            sleep(0.01);
            reader.cancel();
            assertThrows(CancelledError.class, reader::await);
            c.writer().write("still here\n");
            assertArrayEquals("still here\n".getBytes(), c.reader().readline());
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    /** Waits until {@code w}'s transport buffers more than its high-water mark: the peer has stopped reading. */
    static void awaitBackPressure(StreamWriter w) {
        while (w.transport().getWriteBufferSize() <= w.transport().getWriteBufferHighWater()) sleep(0.01);
    }

    @Test
    void cancelledDrainLeavesConnectionUsable() throws Exception {
        Asyncio.run(() -> {
            Future<Void> release = getRunningLoop().createFuture();
            Server server = Asyncio.startServer((r, w) -> {
                release.await(); // does not read until told to
                long total = 0;
                for (byte[] b; (b = r.read(65536)).length > 0; ) total += b.length;
                w.write(total + "\n");
                w.close();
            }, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            byte[] chunk = new byte[1 << 20];
            long[] written = {0};
            Task<Void> writer = createTask(() -> {
                while (true) {
                    c.writer().write(chunk);
                    written[0] += chunk.length;
                    c.writer().drain(); // the kernel's buffers fill, then drain waits
                }
            });
            awaitBackPressure(c.writer());
            sleep(0.01);
            assertFalse(writer.done(), "drain waits while the peer does not read");
            writer.cancel();
            assertThrows(CancelledError.class, writer::await);
            release.setResult(null);
            c.writer().writeEof();
            assertArrayEquals((written[0] + "\n").getBytes(), c.reader().readline(), "no byte was lost");
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void slowReaderKeepsWriterMemoryBounded() throws Exception {
        Asyncio.run(() -> slowReaderKeepsWriterMemoryBounded(ServerOptions.defaults(), ConnectOptions.defaults(),
                Transport.DEFAULT_HIGH_WATER));
    }

    /**
     * A server writes 32 MiB with drain() to a client that reads slowly: the writer waits, and
     * holds at most {@code highWater} plus one write in its buffers. Call it from a task.
     */
    static void slowReaderKeepsWriterMemoryBounded(ServerOptions serverOptions, ConnectOptions connectOptions,
                                                   int highWater) throws Exception {
        int chunk = 16 * 1024, chunks = 2000; // 32 MiB: more than the kernel buffers on loopback
        int[] maxBuffered = {0};
        boolean[] finished = {false};
        Server server = Asyncio.startServer((r, w) -> {
            for (int i = 0; i < chunks; i++) {
                w.write(new byte[chunk]);
                maxBuffered[0] = Math.max(maxBuffered[0], w.transport().getWriteBufferSize());
                w.drain();
            }
            finished[0] = true;
            w.close();
        }, "127.0.0.1", 0, serverOptions);
        Connection c = Asyncio.openConnection("127.0.0.1", port(server), connectOptions);
        sleep(0.2);
        assertFalse(finished[0], "the writer waits for the slow reader");
        long total = 0;
        for (byte[] b; (b = c.reader().read(65536)).length > 0; ) {
            total += b.length;
            if (total % (1 << 20) < b.length) sleep(0.001); // a slow reader
        }
        assertEquals((long) chunk * chunks, total);
        assertTrue(maxBuffered[0] > 0, "the writer did meet back-pressure");
        assertTrue(maxBuffered[0] <= highWater + chunk,
                "buffered at most the high-water mark plus one write: " + maxBuffered[0]);
        c.writer().close();
        server.close();
        server.waitClosed();
    }

    static long openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void connectCloseCyclesLeakNoDescriptor() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(StreamServerTests::echoLines, "127.0.0.1", 0);
            // one round first, so lazily created JDK and loop resources exist before we count
            Connection warm = Asyncio.openConnection("127.0.0.1", port(server));
            warm.writer().close();
            warm.writer().waitClosed();
            sleep(0.05);
            long before = openDescriptors();
            for (int i = 0; i < 2000; i++) {
                Connection c = Asyncio.openConnection("127.0.0.1", port(server));
                if (i % 2 == 0) {
                    c.writer().write("ping\n");
                    c.reader().readline();
                }
                c.writer().close();
                c.writer().waitClosed();
            }
            sleep(0.1); // the server side closes its ends after reading EOF
            long after = openDescriptors();
            assertTrue(after <= before + 2, "descriptors before " + before + ", after " + after);
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void loopCloseClosesForgottenConnections() throws Exception {
        long before = openDescriptors();
        Asyncio.run(() -> {
            Server server = Asyncio.startServer((r, w) -> r.read(-1), "127.0.0.1", 0);
            for (int i = 0; i < 20; i++) Asyncio.openConnection("127.0.0.1", port(server));
            sleep(0.05);
            // neither the server nor the connections are closed
        });
        long after = openDescriptors();
        assertTrue(after <= before + 2, "descriptors before " + before + ", after " + after);
    }
}
