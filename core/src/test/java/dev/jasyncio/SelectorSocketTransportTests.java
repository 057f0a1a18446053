package dev.jasyncio;

import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.RecordingProtocol.connect;
import static dev.jasyncio.RecordingProtocol.fill;
import static dev.jasyncio.RecordingProtocol.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream transport and its protocol over real loopback sockets: what test_selector_events.py's
 * SelectorSocketTransportTests check with a mocked socket, and test_events.py's protocol state
 * machine (MyBaseProto). Peers that must not read pause reading in connectionMade.
 */
// a separate thread: a hung loop does not answer the interrupt of the default timeout mode
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectorSocketTransportTests {
    static final int HIGH = Transport.DEFAULT_HIGH_WATER, LOW = HIGH / 4;

    @TempDir
    Path tmp;

    static RecordingProtocol proto() {
        return new RecordingProtocol(getRunningLoop());
    }

    /** Lets a few loop iterations pass, so that a callback that should not run would have run. */
    static void settle() {
        sleep(0.05);
    }

    // ---- the protocol's state machine ------------------------------------------------------------

    @Test
    void protocolEventOrder() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto(), proto());
            Transport client = p.client().transport, accepted = p.accepted().transport;
            client.write("hello ".getBytes());
            client.write("world".getBytes());
            client.writeEof();
            p.accepted().eof.await();
            assertTrue(accepted.isClosing(), "eofReceived returned false: the transport closes");
            accepted.write("ignored".getBytes());
            assertNull(p.accepted().lost.await());
            assertNull(p.client().lost.await());
            settle();
            assertEquals("hello world", p.accepted().text());
            assertEquals("", p.client().text());
            assertEquals(List.of("made", "data", "eof", "lost"), p.accepted().events);
            assertEquals(List.of("made", "eof", "lost"), p.client().events);
        });
    }

    @Test
    void readReadyEofKeepOpen() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto().keepOpen(), proto());
            Transport accepted = p.accepted().transport;
            p.client().transport.write("ping".getBytes());
            p.client().transport.writeEof();
            p.accepted().eof.await();
            assertFalse(accepted.isClosing(), "eofReceived returned true: still open for writing");
            accepted.write(("got " + p.accepted().text()).getBytes());
            accepted.close();
            assertNull(p.client().lost.await());
            assertNull(p.accepted().lost.await());
            settle();
            assertEquals("got ping", p.client().text());
            assertEquals(List.of("made", "data", "eof", "lost"), p.accepted().events);
            assertEquals(List.of("made", "data", "eof", "lost"), p.client().events);
        });
    }

    // ---- reading ------------------------------------------------------------------------------------

    @Test
    void pauseResumeReading() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto(), proto());
            Transport t = p.client().transport;
            assertTrue(t.isReading());
            t.pauseReading();
            t.pauseReading();
            assertFalse(t.isReading());
            p.accepted().transport.write("abc".getBytes());
            settle();
            assertEquals("", p.client().text(), "no dataReceived while paused");
            t.resumeReading();
            t.resumeReading();
            assertTrue(t.isReading());
            assertArrayEquals("abc".getBytes(), p.client().awaitBytes(3));
            t.close();
            assertFalse(t.isReading());
            t.resumeReading();
            assertFalse(t.isReading(), "resumeReading on a closing transport does nothing");
            t.pauseReading();
            assertNull(p.client().lost.await());
            assertEquals(List.of("made", "data", "lost"), p.client().events);
        });
    }

    @Test
    void pauseReadingConnectionMade() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto(), proto().pauseOnConnect());
            Transport t = p.client().transport;
            assertFalse(t.isReading());
            p.accepted().transport.write("early".getBytes());
            settle();
            assertEquals("", p.client().text(), "paused before reading started");
            t.resumeReading();
            assertTrue(t.isReading());
            assertArrayEquals("early".getBytes(), p.client().awaitBytes(5));
            t.close();
            assertFalse(t.isReading());
        });
    }

    /**
     * Runs {@code stop} in the same loop iteration as the transport's read callback, but before it:
     * the data is already in the socket when reading resumes, so the poll that follows finds it
     * ready, and {@code stop} was queued before that poll.
     */
    static void resumeThenStopBeforeTheRead(Transport t, Runnable stop) throws Exception {
        EventLoop loop = getRunningLoop();
        Future<Void> stopped = loop.createFuture();
        loop.callSoon(() -> {
            t.resumeReading();
            loop.callSoon(() -> {
                stop.run();
                stopped.setResult(null);
            });
        });
        stopped.await();
        settle();
    }

    @Test
    void pauseReadingWhileAReadIsQueued() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto(), proto().pauseOnConnect());
            Transport t = p.client().transport;
            p.accepted().transport.write("x".getBytes());
            settle(); // the byte reaches the client's socket
            resumeThenStopBeforeTheRead(t, t::pauseReading);
            assertEquals("", p.client().text(), "no dataReceived after pauseReading()");
            t.resumeReading();
            assertArrayEquals("x".getBytes(), p.client().awaitBytes(1));
            t.close();
        });
    }

    @Test
    void closeWhileAReadIsQueued() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto().pauseOnConnect(), proto().pauseOnConnect());
            Transport t = p.client().transport;
            fill(p.client(), 0); // buffered: close() must wait to flush, so connectionLost is not at once
            p.accepted().transport.write("x".getBytes());
            settle();
            resumeThenStopBeforeTheRead(t, t::close);
            assertEquals("", p.client().text(), "no dataReceived after close()");
            t.abort();
            assertNull(p.client().lost.await());
            assertFalse(p.client().events.contains("data"), p.client().events.toString());
        });
    }

    // ---- writeEof -----------------------------------------------------------------------------------

    @Test
    void writeEof() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto().keepOpen(), proto());
            Transport t = p.client().transport;
            assertTrue(t.canWriteEof());
            t.write("request".getBytes());
            t.writeEof();
            t.writeEof();
            p.accepted().eof.await();
            assertEquals("request", p.accepted().text());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.write("more".getBytes()));
            assertTrue(e.getMessage().contains("writeEof"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> t.writelines(List.of("more".getBytes())));
            assertTrue(t.isReading(), "the transport still reads after writeEof");
            p.accepted().transport.write("response".getBytes());
            assertArrayEquals("response".getBytes(), p.client().awaitBytes(8));
            p.accepted().transport.close();
            assertNull(p.client().lost.await());
            assertEquals(List.of("made", "data", "eof", "lost"), p.client().events);
            assertEquals(List.of("made", "data", "eof", "lost"), p.accepted().events);
        });
    }

    @Test
    void writeEofBuffer() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto().keepOpen().pauseOnConnect(), proto());
            Transport t = p.client().transport;
            int written = fill(p.client(), 0);
            t.writeEof();
            assertTrue(t.getWriteBufferSize() > 0);
            settle();
            p.accepted().transport.resumeReading();
            p.accepted().eof.await();
            assertArrayEquals(pattern(0, written), p.accepted().received.toByteArray(),
                    "the peer sees EOF only after every buffered byte");
            assertEquals(0, t.getWriteBufferSize());
            p.accepted().transport.write("done".getBytes());
            assertArrayEquals("done".getBytes(), p.client().awaitBytes(4));
            p.accepted().transport.close();
            assertNull(p.client().lost.await());
        });
    }

    @Test
    void writeEofAfterClose() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto(), proto());
            Transport t = p.client().transport;
            t.close();
            t.writeEof();
            assertNull(p.client().lost.await());
            p.accepted().eof.await();
            assertEquals(List.of("made", "lost"), p.client().events);
        });
    }

    // ---- closing ------------------------------------------------------------------------------------

    @Test
    void closeWriteBuffer() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto().pauseOnConnect(), proto());
            Transport t = p.client().transport;
            int written = fill(p.client(), HIGH);
            t.close();
            assertTrue(t.isClosing());
            assertFalse(t.isReading());
            settle();
            assertFalse(p.client().lost.done(), "connectionLost waits until the buffer is flushed");
            p.accepted().transport.resumeReading();
            assertNull(p.client().lost.await());
            assertEquals(0, t.getWriteBufferSize());
            p.accepted().eof.await();
            assertArrayEquals(pattern(0, written), p.accepted().received.toByteArray());
            assertEquals(List.of("made", "pause", "resume", "lost"), p.client().events);
        });
    }

    @Test
    void abort() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto().pauseOnConnect(), proto());
            Transport t = p.client().transport;
            int written = fill(p.client(), HIGH);
            t.abort();
            assertTrue(t.isClosing());
            assertEquals(0, t.getWriteBufferSize(), "abort drops the buffer");
            assertNull(p.client().lost.await(), "connectionLost does not wait for the peer to read");
            p.accepted().transport.resumeReading();
            p.accepted().lost.await();
            int got = p.accepted().received.size();
            assertTrue(got < written, "received " + got + " of " + written);
            assertArrayEquals(pattern(0, got), p.accepted().received.toByteArray());
            assertEquals(List.of("made", "pause", "lost"), p.client().events);
        });
    }

    @Test
    void closeTwiceAndAbortAfterClose() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto(), proto());
            Transport t = p.client().transport;
            t.close();
            t.close();
            t.abort();
            assertNull(p.client().lost.await());
            t.close();
            t.abort();
            settle();
            assertEquals(List.of("made", "lost"), p.client().events, "connectionLost exactly once");
        });
    }

    @Test
    void writeClosing() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto(), proto());
            Transport t = p.client().transport;
            t.close();
            try (LogCapture log = new LogCapture()) {
                for (int i = 0; i < 4; i++) t.write("lost".getBytes());
                assertEquals(List.of(), log.messages(Level.WARNING));
                t.write("lost".getBytes()); // as asyncio: the fifth ignored write is logged
                assertEquals(List.of("socket.send() raised exception."), log.messages(Level.WARNING));
            }
            assertNull(p.client().lost.await());
            p.accepted().eof.await();
            assertEquals("", p.accepted().text());
        });
    }

    // ---- flow control -------------------------------------------------------------------------------

    @Test
    void writeBufferFull() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto().pauseOnConnect(), proto());
            Transport t = p.client().transport;
            assertEquals(HIGH, t.getWriteBufferHighWater());
            assertEquals(LOW, t.getWriteBufferLowWater());
            int written = fill(p.client(), HIGH);
            assertEquals(1, p.client().pauses);
            assertTrue(p.client().paused.result() > HIGH, "paused at " + p.client().paused.result());
            t.write(pattern(written, 1000)); // still accepted while paused, and no second pause
            written += 1000;
            assertEquals(1, p.client().pauses);
            assertEquals(0, p.client().resumes);
            p.accepted().transport.resumeReading();
            int atResume = p.client().resumed.await();
            assertTrue(atResume <= LOW, "resumed with " + atResume + " bytes buffered");
            assertArrayEquals(pattern(0, written), p.accepted().awaitBytes(written));
            assertEquals(0, t.getWriteBufferSize());
            assertEquals(List.of("made", "pause", "resume"), p.client().events);
            t.close();
        });
    }

    @Test
    void setWriteBufferLimits() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto().pauseOnConnect(), proto());
            Transport t = p.client().transport;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(0, 1));
            assertTrue(e.getMessage().contains("must be >= low"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(10, -1));
            assertEquals(HIGH, t.getWriteBufferHighWater(), "a rejected call changes nothing");
            t.setWriteBufferLimits(1000);
            assertEquals(1000, t.getWriteBufferHighWater());
            assertEquals(250, t.getWriteBufferLowWater());

            t.setWriteBufferLimits(1 << 30, 0);
            fill(p.client(), 0);
            int buffered = t.getWriteBufferSize();
            t.setWriteBufferLimits(buffered, 0);
            assertEquals(0, p.client().pauses, "at the high-water mark is not over it");
            t.setWriteBufferLimits(buffered - 1, 0);
            assertEquals(1, p.client().pauses, "lowering the mark below the buffer pauses at once");
            t.setWriteBufferLimits(1 << 30, 1 << 29);
            assertEquals(0, p.client().resumes, "raising the marks resumes only when the buffer drains");
            p.accepted().transport.resumeReading();
            p.client().resumed.await();
            assertEquals(List.of("made", "pause", "resume"), p.client().events);
            t.close();
        });
    }

    /** A protocol whose flow-control callbacks fail after recording themselves. */
    static final class FailingFlowControl extends RecordingProtocol {
        FailingFlowControl(EventLoop loop) {
            super(loop);
        }

        @Override
        public void pauseWriting() {
            super.pauseWriting();
            throw new IllegalStateException("pause boom");
        }

        @Override
        public void resumeWriting() {
            super.resumeWriting();
            throw new IllegalStateException("resume boom");
        }
    }

    @Test
    void pauseWritingErrorIsReportedNotFatal() throws Exception {
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            var client = new FailingFlowControl(getRunningLoop());
            var p = connect(proto().pauseOnConnect(), client);
            Transport t = client.transport;
            int written = fill(client, HIGH);
            assertEquals(1, errors.size());
            assertEquals("protocol.pauseWriting() failed", errors.getFirst().message());
            assertEquals("pause boom", errors.getFirst().exception().getMessage());
            assertSame(t, errors.getFirst().transport());
            assertSame(client, errors.getFirst().protocol());
            assertFalse(t.isClosing());
            p.accepted().transport.resumeReading();
            assertArrayEquals(pattern(0, written), p.accepted().awaitBytes(written));
            assertEquals(2, errors.size());
            assertEquals("protocol.resumeWriting() failed", errors.get(1).message());
            assertEquals("resume boom", errors.get(1).exception().getMessage());
            assertFalse(t.isClosing());
            t.close();
            assertNull(client.lost.await());
        });
    }

    // ---- failing protocols --------------------------------------------------------------------------

    @Test
    void dataReceivedError() throws Exception {
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            RuntimeException boom = new RuntimeException("boom");
            var client = new RecordingProtocol(getRunningLoop()) {
                @Override
                public void dataReceived(ByteBuffer data) {
                    super.dataReceived(data);
                    throw boom;
                }
            };
            var p = connect(proto(), client);
            p.accepted().transport.write("x".getBytes());
            assertSame(boom, client.lost.await());
            assertTrue(client.transport.isClosing());
            assertEquals(1, errors.size());
            assertEquals("Fatal error: protocol.dataReceived() call failed.", errors.getFirst().message());
            assertSame(boom, errors.getFirst().exception());
            assertSame(client.transport, errors.getFirst().transport());
            assertSame(client, errors.getFirst().protocol());
            assertNull(p.accepted().lost.await(), "the peer sees the connection end");
            assertEquals(List.of("made", "data", "lost RuntimeException"), client.events);
        });
    }

    @Test
    void connResetIsNotReported() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            RecordingProtocol accepted = proto();
            Server server = loop.createServer(() -> accepted, "127.0.0.1", 0);
            SocketChannel peer = Asyncio.toThread(() -> StreamServerTests.resettingClient(RecordingProtocol.port(server)));
            accepted.made.await();
            server.close();
            fill(accepted, 0); // the peer never reads
            peer.close(); // with SO_LINGER 0: a reset
            assertInstanceOf(SocketException.class, accepted.lost.await());
            assertEquals(0, accepted.transport.getWriteBufferSize(), "the buffer is dropped");
            settle();
            // socket errors are the peer's doing: asyncio logs them in debug mode only
            assertEquals(List.of(), errors);
            assertEquals("lost SocketException", accepted.events.getLast());
            assertEquals(1, accepted.events.stream().filter(e -> e.startsWith("lost")).count());
        });
    }

    @Test
    void readEofReceivedError() throws Exception {
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            IllegalStateException boom = new IllegalStateException("eof boom");
            var client = new RecordingProtocol(getRunningLoop()) {
                @Override
                public boolean eofReceived() {
                    super.eofReceived();
                    throw boom;
                }
            };
            var p = connect(proto(), client);
            p.accepted().transport.close();
            assertSame(boom, client.lost.await());
            assertEquals(1, errors.size());
            assertEquals("Fatal error: protocol.eofReceived() call failed.", errors.getFirst().message());
            assertSame(boom, errors.getFirst().exception());
            assertEquals(List.of("made", "eof", "lost IllegalStateException"), client.events);
        });
    }

    // ---- protocol and extra info --------------------------------------------------------------------

    @Test
    void setProtocol() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto(), proto());
            Transport t = p.client().transport;
            assertSame(p.client(), t.getProtocol());
            p.accepted().transport.write("one".getBytes());
            p.client().awaitBytes(3);
            RecordingProtocol second = proto();
            t.setProtocol(second);
            assertSame(second, t.getProtocol());
            p.accepted().transport.write("two".getBytes());
            assertArrayEquals("two".getBytes(), second.awaitBytes(3));
            p.accepted().transport.close();
            assertNull(second.lost.await());
            assertEquals("one", p.client().text());
            assertEquals(List.of("made", "data"), p.client().events, "the first protocol hears nothing more");
            assertEquals(List.of("data", "eof", "lost"), second.events);
            assertThrows(NullPointerException.class, () -> t.setProtocol(null));
        });
    }

    @Test
    void getExtraInfoTcp() throws Exception {
        Asyncio.run(() -> {
            var p = connect(proto(), proto());
            Transport client = p.client().transport, accepted = p.accepted().transport;
            InetSocketAddress serverAddr = (InetSocketAddress) p.serverAddress();
            assertEquals(serverAddr, accepted.getExtraInfo("sockname"));
            InetSocketAddress clientPeer = (InetSocketAddress) client.getExtraInfo("peername");
            InetSocketAddress clientName = (InetSocketAddress) client.getExtraInfo("sockname");
            assertEquals(serverAddr, clientPeer);
            assertEquals(InetAddress.getByName("127.0.0.1"), clientName.getAddress());
            assertTrue(clientName.getPort() > 0 && clientName.getPort() != serverAddr.getPort());
            assertEquals(clientName, accepted.getExtraInfo("peername"));
            SocketChannel clientSocket = assertInstanceOf(SocketChannel.class, client.getExtraInfo("socket"));
            SocketChannel acceptedSocket = assertInstanceOf(SocketChannel.class, accepted.getExtraInfo("socket"));
            assertEquals(clientName, clientSocket.getLocalAddress());
            assertEquals(serverAddr, acceptedSocket.getLocalAddress());
            assertNull(client.getExtraInfo("no such thing"));
            client.close();
            p.accepted().lost.await();
        });
    }

    @Test
    void getExtraInfoUnix() throws Exception {
        Path path = tmp.resolve("extra.sock");
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            RecordingProtocol accepted = proto(), client = proto();
            Server server = loop.createUnixServer(() -> accepted, path, ServerOptions.defaults());
            loop.createUnixConnection(() -> client, path);
            accepted.made.await();
            UnixDomainSocketAddress named = UnixDomainSocketAddress.of(path);
            assertEquals(named, client.transport.getExtraInfo("peername"));
            assertEquals(named, accepted.transport.getExtraInfo("sockname"));
            // the client's end has no name, as asyncio's '' for an unbound AF_UNIX socket
            var unnamed = assertInstanceOf(UnixDomainSocketAddress.class, client.transport.getExtraInfo("sockname"));
            assertEquals("", unnamed.getPath().toString());
            assertEquals(unnamed, accepted.transport.getExtraInfo("peername"));
            assertInstanceOf(SocketChannel.class, client.transport.getExtraInfo("socket"));
            client.transport.write("over unix".getBytes());
            client.transport.writeEof();
            accepted.lost.await();
            assertEquals("over unix", accepted.text());
            server.close();
            server.waitClosed();
        });
    }
}
