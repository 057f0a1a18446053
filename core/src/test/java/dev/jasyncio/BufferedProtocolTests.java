package dev.jasyncio;

import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.RecordingProtocol.connectAny;
import static dev.jasyncio.RecordingProtocol.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link BufferedProtocol} on a real socket: test_buffered_proto.py, and the read paths of
 * test_selector_events.py's SelectorSocketTransportBufferedProtocolTests.
 */
// a separate thread: a hung loop does not answer the interrupt of the default timeout mode
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BufferedProtocolTests {
    /** Where in its buffer the receiver lets the transport write: not at 0, to check that it honours position. */
    static final int OFFSET = 7;

    /** Receives into small buffers of its own, and records what RecordingProtocol does. */
    static class Receiver extends RecordingProtocol implements BufferedProtocol {
        final List<Integer> hints = new ArrayList<>();
        /** Supplies each buffer; by default, {@code size} bytes of room after OFFSET. */
        IntFunction<ByteBuffer> buffers;
        ByteBuffer last;
        int largestUpdate;

        Receiver(EventLoop loop, int size) {
            super(loop);
            this.buffers = hint -> ByteBuffer.allocate(OFFSET + size + 3).position(OFFSET).limit(OFFSET + size);
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            hints.add(sizeHint);
            last = buffers.apply(sizeHint);
            return last;
        }

        @Override
        public void bufferUpdated(int n) {
            largestUpdate = Math.max(largestUpdate, n);
            dataReceived(ByteBuffer.wrap(last.array(), OFFSET, n)); // the bytes start at the position the buffer had
        }
    }

    static RecordingProtocol peer() {
        return new RecordingProtocol(getRunningLoop());
    }

    @Test
    void bufferedProtoCreateConnection() throws Exception {
        int total = 300_000;
        Asyncio.run(() -> {
            Receiver client = new Receiver(getRunningLoop(), 100);
            RecordingProtocol server = peer();
            connectAny(server, client);
            server.transport.write(pattern(0, total));
            server.transport.close();
            assertNull(client.lost.await());
            assertArrayEquals(pattern(0, total), client.received.toByteArray());
            assertEquals(List.of("made", "data", "eof", "lost"), client.events);
            assertTrue(client.largestUpdate <= 100 && client.largestUpdate > 0, "updates of at most the buffer's room");
            assertTrue(client.hints.stream().allMatch(h -> h == -1), "as asyncio, the size hint is -1: " + client.hints);
        });
    }

    /**
     * Connects {@code client}, lets the peer send a byte, and returns what the loop's exception
     * handler was given when the client's transport failed: it must have closed with that error.
     */
    static ErrorContext fatalOnFirstRead(Receiver client) throws Exception {
        List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
        RecordingProtocol server = peer();
        connectAny(server, client);
        server.transport.write("x".getBytes());
        Throwable exc = client.lost.await();
        assertEquals(1, errors.size(), errors.toString());
        ErrorContext ctx = errors.getFirst();
        assertSame(exc, ctx.exception(), "connectionLost gets the error that was reported");
        assertSame(client.transport, ctx.transport());
        assertSame(client, ctx.protocol());
        assertNull(server.lost.await(), "the peer sees the connection end");
        return ctx;
    }

    @Test
    void getBufferError() throws Exception {
        Asyncio.run(() -> {
            Receiver client = new Receiver(getRunningLoop(), 100);
            RuntimeException boom = new RuntimeException("no buffer");
            client.buffers = hint -> {
                throw boom;
            };
            ErrorContext ctx = fatalOnFirstRead(client);
            assertEquals("Fatal error: protocol.getBuffer() call failed.", ctx.message());
            assertSame(boom, ctx.exception());
            assertEquals(List.of("made", "lost RuntimeException"), client.events, "bufferUpdated is never called");
        });
    }

    @Test
    void getBufferZerosized() throws Exception {
        List<IntFunction<ByteBuffer>> empties = List.of(
                hint -> ByteBuffer.allocate(0),
                hint -> ByteBuffer.allocate(10).position(10),
                hint -> null);
        for (IntFunction<ByteBuffer> empty : empties) {
            Asyncio.run(() -> {
                Receiver client = new Receiver(getRunningLoop(), 100);
                client.buffers = empty;
                ErrorContext ctx = fatalOnFirstRead(client);
                assertEquals("Fatal error: protocol.getBuffer() call failed.", ctx.message());
                assertInstanceOf(IllegalStateException.class, ctx.exception());
                assertTrue(ctx.exception().getMessage().contains("empty buffer"), ctx.exception().getMessage());
                assertEquals(List.of("made", "lost IllegalStateException"), client.events);
            });
        }
    }

    @Test
    void getBufferReadOnly() throws Exception {
        Asyncio.run(() -> {
            Receiver client = new Receiver(getRunningLoop(), 100);
            client.buffers = hint -> ByteBuffer.allocate(100).asReadOnlyBuffer();
            // asyncio: recv_into a read-only buffer raises TypeError, a fatal read error
            ErrorContext ctx = fatalOnFirstRead(client);
            assertEquals("Fatal read error on socket transport", ctx.message());
            assertInstanceOf(IllegalArgumentException.class, ctx.exception());
            assertEquals(List.of("made", "lost IllegalArgumentException"), client.events);
        });
    }

    @Test
    void bufferUpdatedError() throws Exception {
        Asyncio.run(() -> {
            IllegalStateException boom = new IllegalStateException("update boom");
            Receiver client = new Receiver(getRunningLoop(), 100) {
                @Override
                public void bufferUpdated(int n) {
                    super.bufferUpdated(n);
                    throw boom;
                }
            };
            ErrorContext ctx = fatalOnFirstRead(client);
            assertEquals("Fatal error: protocol.bufferUpdated() call failed.", ctx.message());
            assertSame(boom, ctx.exception());
            assertEquals("x", client.received.toString());
            assertEquals(List.of("made", "data", "lost IllegalStateException"), client.events);
        });
    }

    @Test
    void readEofReceivedError() throws Exception {
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            IllegalStateException boom = new IllegalStateException("eof boom");
            Receiver client = new Receiver(getRunningLoop(), 100) {
                @Override
                public boolean eofReceived() {
                    super.eofReceived();
                    throw boom;
                }
            };
            RecordingProtocol server = peer();
            connectAny(server, client);
            server.transport.close();
            assertSame(boom, client.lost.await());
            assertEquals(1, errors.size());
            assertEquals("Fatal error: protocol.eofReceived() call failed.", errors.getFirst().message());
            assertEquals(List.of("made", "eof", "lost IllegalStateException"), client.events);
        });
    }

    @Test
    void protoTypeSwitch() throws Exception {
        Asyncio.run(() -> {
            RecordingProtocol server = peer(), plain = peer();
            connectAny(server, plain);
            Transport t = plain.transport;
            server.transport.write("plain".getBytes());
            plain.awaitBytes(5);

            Receiver buffered = new Receiver(getRunningLoop(), 4);
            t.setProtocol(buffered);
            server.transport.write("10 bytes!!".getBytes());
            assertArrayEquals("10 bytes!!".getBytes(), buffered.awaitBytes(10));
            assertEquals(4, buffered.largestUpdate, "read through the 4-byte buffers of the new protocol");

            RecordingProtocol back = peer();
            t.setProtocol(back);
            server.transport.write("and back".getBytes());
            assertArrayEquals("and back".getBytes(), back.awaitBytes(8));
            assertEquals("plain", plain.text());
            t.close();
            assertNull(back.lost.await());
        });
    }
}
