package dev.jasyncio;

import static dev.jasyncio.Loops.awaitDone;
import static dev.jasyncio.Loops.runBriefly;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's test_streams.StreamTests for the StreamReader alone (the socket, server and writer
 * tests belong with the transports), plus the flow-control hooks a transport uses.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost wakeup fails the test instead of hanging it
class StreamReaderTests extends LoopTestCase {
    private static final String DATA = "line1\nline2\nline3\n";

    private static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    private static String s(byte[] bytes) {
        return new String(bytes, ISO_8859_1);
    }

    private static String buffer(StreamReader stream) {
        return s(stream.buffered());
    }

    /** Runs {@code aw} as a task of the test's loop and returns its result. */
    private <T> T complete(Awaitable<T> aw) throws Exception {
        return loop.runUntilComplete(aw);
    }

    /** A task that runs {@code read} until it waits for data. */
    private Task<byte[]> waiting(Awaitable<byte[]> read) throws Exception {
        Task<byte[]> task = loop.createTask(read);
        runBriefly(loop);
        assertFalse(task.done());
        return task;
    }

    @Test
    void feedEmptyData() {
        StreamReader stream = new StreamReader();
        stream.feedData(b(""));
        assertEquals("", buffer(stream));
        stream.feedData(ByteBuffer.allocate(0));
        assertEquals("", buffer(stream));
    }

    @Test
    void feedNonemptyData() {
        StreamReader stream = new StreamReader();
        stream.feedData(b(DATA));
        assertEquals(DATA, buffer(stream));
    }

    @Test
    void readZero() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b(DATA));
        assertEquals("", s(complete(() -> stream.read(0))));
        assertEquals(DATA, buffer(stream));
    }

    @Test
    void read() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> readTask = loop.createTask(() -> stream.read(30));
        loop.callSoon(() -> stream.feedData(b(DATA)));
        assertEquals(DATA, s(complete(readTask)));
        assertEquals("", buffer(stream));
    }

    @Test
    void readLineBreaks() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b("line1"));
        stream.feedData(b("line2"));
        assertEquals("line1", s(complete(() -> stream.read(5))));
        assertEquals("line2", buffer(stream));
    }

    @Test
    void readEof() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> readTask = loop.createTask(() -> stream.read(1024));
        loop.callSoon(stream::feedEof);
        assertEquals("", s(complete(readTask)));
        assertEquals("", buffer(stream));
    }

    @Test
    void readUntilEof() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> readTask = loop.createTask(() -> stream.read(-1));
        loop.callSoon(() -> {
            stream.feedData(b("chunk1\n"));
            stream.feedData(b("chunk2"));
            stream.feedEof();
        });
        assertEquals("chunk1\nchunk2", s(complete(readTask)));
        assertEquals("", buffer(stream));
    }

    /** read(-1) across several wakeups, each chunk arriving in its own loop iteration. */
    @Test
    void readUntilEofAcrossWaits() throws Exception {
        StreamReader stream = new StreamReader(4);
        Task<byte[]> readTask = loop.createTask(() -> stream.read(-1));
        loop.callSoon(() -> stream.feedData(b("0123456789")));
        loop.callLater(1, () -> stream.feedData(b("abc")));
        loop.callLater(2, () -> stream.feedData(b("defghijklmnopq")));
        loop.callLater(3, stream::feedEof);
        assertEquals("0123456789abcdefghijklmnopq", s(complete(readTask)));
        assertTrue(stream.atEof());
    }

    @Test
    void readException() throws Exception {
        assertFailsAfterSetException(stream -> stream.read(2));
    }

    /** test_read_exception and test_readexactly_exception: one read works, then setException fails the next. */
    private void assertFailsAfterSetException(ReadOp readTwo) throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b("line\n"));
        assertEquals("li", s(complete(() -> readTwo.from(stream))));
        IllegalArgumentException exc = new IllegalArgumentException();
        stream.setException(exc);
        assertSame(exc, assertThrows(IllegalArgumentException.class, () -> complete(() -> readTwo.from(stream))));
        assertEquals("ne\n", buffer(stream));
    }

    private interface ReadOp {
        byte[] from(StreamReader stream) throws IOException;
    }

    /**
     * asyncio's read(-1) reads blocks of {@code limit} bytes and checks for an exception before
     * each: an exception set just after the data that woke it costs one block, and the rest
     * stays buffered (CPython 3.13 leaves b'cde').
     */
    @Test
    void readUntilEofExceptionSetAfterWakeup() throws Exception {
        StreamReader stream = new StreamReader(2);
        Task<byte[]> readTask = waiting(() -> stream.read(-1));
        IllegalArgumentException exc = new IllegalArgumentException("v");
        loop.callSoon(() -> {
            stream.feedData(b("abcde"));
            stream.setException(exc);
        });
        assertSame(exc, assertThrows(IllegalArgumentException.class, () -> complete(readTask)));
        assertEquals("cde", buffer(stream));
    }

    @Test
    void invalidLimit() {
        assertEquals("Limit cannot be <= 0", assertThrows(IllegalArgumentException.class, () -> new StreamReader(0)).getMessage());
        assertEquals("Limit cannot be <= 0", assertThrows(IllegalArgumentException.class, () -> new StreamReader(-1)).getMessage());
        assertEquals(65536, new StreamReader().limit());
        assertEquals(3, new StreamReader(3).limit());
    }

    @Test
    void readLimit() throws Exception {
        assertLimitIgnored(stream -> stream.read(5));
    }

    /** test_read_limit and test_readexactly_limit: the limit does not bound read or readexactly. */
    private void assertLimitIgnored(ReadOp readFive) throws Exception {
        StreamReader stream = new StreamReader(3);
        stream.feedData(b("chunk"));
        assertEquals("chunk", s(complete(() -> readFive.from(stream))));
        assertEquals("", buffer(stream));
    }

    @Test
    void readline() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b("chunk1 "));
        Task<byte[]> readTask = loop.createTask(stream::readline);
        loop.callSoon(() -> {
            stream.feedData(b("chunk2 "));
            stream.feedData(b("chunk3 "));
            stream.feedData(b("\n chunk4"));
        });
        assertEquals("chunk1 chunk2 chunk3 \n", s(complete(readTask)));
        assertEquals(" chunk4", buffer(stream));
    }

    @Test
    void readlineLimitWithExistingData() throws Exception {
        StreamReader stream = new StreamReader(3);
        stream.feedData(b("li"));
        stream.feedData(b("ne1\nline2\n"));
        assertThrows(IllegalArgumentException.class, () -> complete(stream::readline));
        assertEquals("line2\n", buffer(stream), "the line and its newline are consumed, the rest is kept");

        StreamReader stream2 = new StreamReader(3);
        stream2.feedData(b("li"));
        stream2.feedData(b("ne1"));
        stream2.feedData(b("li"));
        assertThrows(IllegalArgumentException.class, () -> complete(stream2::readline));
        assertEquals("", buffer(stream2), "no newline: the whole buffer is dropped");
    }

    /** readline turns the LimitOverrunError into asyncio's ValueError, with the same message. */
    @Test
    void readlineLimitErrorCarriesTheOverrun() throws Exception {
        StreamReader stream = new StreamReader(1);
        stream.feedData(b("xxxxxAB"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> complete(stream::readline));
        assertEquals("Separator is not found, and chunk exceed the limit", e.getMessage());
        LimitOverrunError cause = assertInstanceOf(LimitOverrunError.class, e.getCause());
        assertEquals(7, cause.consumed());
        assertEquals("", buffer(stream));

        stream.feedData(b("ab\ncd"));
        e = assertThrows(IllegalArgumentException.class, () -> complete(stream::readline));
        assertEquals("Separator is found, but chunk is longer than limit", e.getMessage());
        assertEquals(2, ((LimitOverrunError) e.getCause()).consumed());
        assertEquals("cd", buffer(stream));
    }

    @Test
    void atEof() throws Exception {
        StreamReader stream = new StreamReader();
        assertFalse(stream.atEof());

        stream.feedData(b("some data\n"));
        assertFalse(stream.atEof());

        complete(stream::readline);
        assertFalse(stream.atEof());

        stream.feedData(b("some data\n"));
        stream.feedEof();
        assertFalse(stream.atEof(), "EOF fed, but data still buffered");
        complete(stream::readline);
        assertTrue(stream.atEof());
    }

    @Test
    void readlineLimit() throws Exception {
        // the line had no newline within the limit: the whole buffer goes
        assertReadlineOverLimit("", "chunk1", "chunk2", "chunk3\n");
        // its newline was buffered: the line goes, the next one stays
        assertReadlineOverLimit("chunk3\n", "chunk1", "chunk2\n", "chunk3\n");

        // the limit is strict
        StreamReader stream3 = new StreamReader(7);
        stream3.feedData(b("1234567\n"));
        assertEquals("1234567\n", s(complete(stream3::readline)));
        assertEquals("", buffer(stream3));

        stream3.feedData(b("12345678\n"));
        assertThrows(IllegalArgumentException.class, () -> complete(stream3::readline));
        assertEquals("", buffer(stream3));

        stream3.feedData(b("12345678"));
        assertThrows(IllegalArgumentException.class, () -> complete(stream3::readline));
        assertEquals("", buffer(stream3));
    }

    /** A readline with limit 7 waits; {@code chunks} and EOF arrive in one callback; it fails, leaving {@code left}. */
    private void assertReadlineOverLimit(String left, String... chunks) throws Exception {
        StreamReader stream = new StreamReader(7);
        loop.callSoon(() -> {
            for (String chunk : chunks) stream.feedData(b(chunk));
            stream.feedEof();
        });
        assertThrows(IllegalArgumentException.class, () -> complete(stream::readline));
        assertEquals(left, buffer(stream));
    }

    @Test
    void readlineNolimitNowait() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b(DATA.substring(0, 6)));
        stream.feedData(b(DATA.substring(6)));
        assertEquals("line1\n", s(complete(stream::readline)));
        assertEquals("line2\nline3\n", buffer(stream));
    }

    @Test
    void readlineEof() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b("some data"));
        stream.feedEof();
        assertEquals("some data", s(complete(stream::readline)));
        assertTrue(stream.atEof());
    }

    @Test
    void readlineEmptyEof() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedEof();
        assertEquals("", s(complete(stream::readline)));
    }

    @Test
    void readlineReadByteCount() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b(DATA));
        complete(stream::readline);
        assertEquals("line2\nl", s(complete(() -> stream.read(7))));
        assertEquals("ine3\n", buffer(stream));
    }

    @Test
    void readlineException() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b("line\n"));
        assertEquals("line\n", s(complete(stream::readline)));
        stream.setException(new IllegalArgumentException());
        assertThrows(IllegalArgumentException.class, () -> complete(stream::readline));
        assertEquals("", buffer(stream));
    }

    @Test
    void readuntilSeparator() {
        StreamReader stream = new StreamReader();
        var e = assertThrows(IllegalArgumentException.class, () -> complete(() -> stream.readuntil(b(""))));
        assertEquals("Separator should be at least one-byte string", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> complete(() -> stream.readuntil(new byte[][] {b("")})));
        assertEquals("Separator should be at least one-byte string", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> complete(() -> stream.readuntil(new byte[0][])));
        assertEquals("Separator should contain at least one element", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> complete(() -> stream.readuntil(b("x"), b(""))));
        assertEquals("Separator should be at least one-byte string", e.getMessage());
    }

    /** No separator given: "\n", as asyncio's default argument. */
    @Test
    void readuntilDefaultSeparator() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b("ab\r\ncd\n"));
        assertEquals("ab\r\n", s(complete(stream::readuntil)));
        assertEquals("cd\n", buffer(stream));
    }

    @Test
    void readuntilMultiChunks() throws Exception {
        StreamReader stream = new StreamReader();
        assertFeedAndReaduntil(stream, "AAA", "lineAAA", "", "lineAAA");
        assertFeedAndReaduntil(stream, "AAA", "lineAAA", "", "lineAAA");
        assertFeedAndReaduntil(stream, "AAA", "lineAAA", "xxx", "lineAAAxxx");
    }

    @Test
    void readuntilMultiChunks1() throws Exception {
        StreamReader stream = new StreamReader();
        assertFeedAndReaduntil(stream, "aaa", "QWEaaXYaaa", "", "QWEaa", "XYaa", "a");
        assertFeedAndReaduntil(stream, "aaa", "QWEaaXYaaa", "", "QWEaa", "XYa", "aa");
        assertFeedAndReaduntil(stream, "aaa", "aaa", "", "aaa");
        assertFeedAndReaduntil(stream, "aaa", "Xaaa", "", "Xaaa");
        assertFeedAndReaduntil(stream, "aaa", "XXXaaa", "", "XXX", "a", "a", "a");
    }

    /** Feeds {@code chunks}, then readuntil({@code sep}) returns {@code expected} and leaves {@code left}. */
    private void assertFeedAndReaduntil(StreamReader stream, String sep, String expected, String left, String... chunks)
            throws Exception {
        for (String chunk : chunks) stream.feedData(b(chunk));
        assertEquals(expected, s(complete(() -> stream.readuntil(b(sep)))));
        assertEquals(left, buffer(stream));
    }

    /** The same, but the reader waits between the pieces, so the already-scanned offset is in play. */
    @Test
    void readuntilSeparatorSplitAcrossWaits() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> readTask = loop.createTask(() -> stream.readuntil(b("aaa")));
        loop.callSoon(() -> stream.feedData(b("QWEaa")));
        loop.callLater(1, () -> stream.feedData(b("XYa")));
        loop.callLater(2, () -> stream.feedData(b("a")));
        loop.callLater(3, () -> stream.feedData(b("aZ")));
        assertEquals("QWEaaXYaaa", s(complete(readTask)));
        assertEquals("Z", buffer(stream));
    }

    @Test
    void readuntilEof() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b("some dataAA"));
        stream.feedEof();
        IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> complete(() -> stream.readuntil(b("AAA"))));
        assertTrue(e.getMessage().contains("undefined expected bytes"), e.getMessage());
        assertEquals("some dataAA", s(e.partial()));
        assertNull(e.expected());
        assertEquals("", buffer(stream));
    }

    @Test
    void readuntilLimitFoundSep() throws Exception {
        StreamReader stream = new StreamReader(3);
        stream.feedData(b("some dataAA"));
        assertOverrun(stream, "not found", 9, "AAA");

        stream.feedData(b("A"));
        assertOverrun(stream, "is found", 9, "AAA");
    }

    /** readuntil(separators) fails with a LimitOverrunError saying {@code what}; the buffer stays as it was. */
    private void assertOverrun(StreamReader stream, String what, int consumed, String... separators) throws Exception {
        String before = buffer(stream);
        byte[][] seps = Arrays.stream(separators).map(StreamReaderTests::b).toArray(byte[][]::new);
        LimitOverrunError e = assertThrows(LimitOverrunError.class, () -> complete(() -> stream.readuntil(seps)));
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertEquals(consumed, e.consumed());
        assertEquals(before, buffer(stream));
    }

    @Test
    void readuntilMultiSeparator() throws Exception {
        StreamReader stream = new StreamReader();

        stream.feedData(b("line 1\nline 2\r"));
        assertEquals("line 1\n", s(complete(() -> stream.readuntil(b("\r"), b("\n")))));
        assertEquals("line 2\r", s(complete(() -> stream.readuntil(b("\r"), b("\n")))));
        assertEquals("", buffer(stream));

        // the first end position wins, even if that is the longer separator
        stream.feedData(b("ABCDEFG"));
        assertEquals("ABCDE", s(complete(() -> stream.readuntil(b("DEF"), b("BCDE")))));
        assertEquals("FG", buffer(stream));
    }

    @Test
    void readuntilMultiSeparatorLimit() throws Exception {
        StreamReader stream = new StreamReader(3);
        stream.feedData(b("some dataA"));
        assertOverrun(stream, "is found", 9, "A", "ome dataA");
    }

    /** Two matches ending at the same byte: the shorter separator counts (CPython 3.13: consumed 3). */
    @Test
    void readuntilMultiSeparatorSameEnd() throws Exception {
        StreamReader stream = new StreamReader(1);
        stream.feedData(b("xxAB"));
        assertOverrun(stream, "is found", 3, "AB", "B");
    }

    @Test
    void readuntilMultiSeparatorNegativeOffset() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b("data"));
        Task<byte[]> readTask = loop.createTask(() -> stream.readuntil(b("A"), b("long sep")));
        loop.callSoon(() -> stream.feedData(b("Z")));
        loop.callSoon(() -> stream.feedData(b("Aaaa")));
        assertEquals("dataZA", s(complete(readTask)));
        assertEquals("aaa", buffer(stream));
    }

    @Test
    void readexactlyZeroOrLess() throws Exception {
        StreamReader stream = new StreamReader();
        stream.feedData(b(DATA));
        assertEquals("", s(complete(() -> stream.readexactly(0))));
        assertEquals(DATA, buffer(stream));

        var e = assertThrows(IllegalArgumentException.class, () -> complete(() -> stream.readexactly(-1)));
        assertTrue(e.getMessage().contains("less than zero"), e.getMessage());
        assertEquals(DATA, buffer(stream));
    }

    @Test
    void readexactly() throws Exception {
        StreamReader stream = new StreamReader();
        int n = 2 * DATA.length();
        Task<byte[]> readTask = loop.createTask(() -> stream.readexactly(n));
        loop.callSoon(() -> {
            stream.feedData(b(DATA));
            stream.feedData(b(DATA));
            stream.feedData(b(DATA));
        });
        assertEquals(DATA + DATA, s(complete(readTask)));
        assertEquals(DATA, buffer(stream));
    }

    @Test
    void readexactlyLimit() throws Exception {
        assertLimitIgnored(stream -> stream.readexactly(5));
    }

    @Test
    void readexactlyEof() throws Exception {
        StreamReader stream = new StreamReader();
        int n = 2 * DATA.length();
        Task<byte[]> readTask = loop.createTask(() -> stream.readexactly(n));
        loop.callSoon(() -> {
            stream.feedData(b(DATA));
            stream.feedEof();
        });
        IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> complete(readTask));
        assertEquals(DATA, s(e.partial()));
        assertEquals(n, e.expected());
        assertEquals("18 bytes read on a total of 36 expected bytes", e.getMessage());
        assertEquals("", buffer(stream));
    }

    @Test
    void readexactlyException() throws Exception {
        assertFailsAfterSetException(stream -> stream.readexactly(2));
    }

    @Test
    void exception() {
        StreamReader stream = new StreamReader();
        assertNull(stream.exception());
        IllegalArgumentException exc = new IllegalArgumentException();
        stream.setException(exc);
        assertSame(exc, stream.exception());
    }

    /** A checked exception that is not an IOException is rethrown as the very object, by every read. */
    @Test
    void checkedExceptionIsRethrownUnwrapped() {
        StreamReader stream = new StreamReader();
        stream.feedData(b("data\n"));
        Exception exc = new Exception("not an IOException");
        stream.setException(exc);
        List<Awaitable<byte[]>> reads = List.of(() -> stream.read(1), () -> stream.read(-1), stream::readline,
                () -> stream.readexactly(1), () -> stream.readuntil(b("a")));
        for (Awaitable<byte[]> read : reads) {
            assertSame(exc, assertThrows(Exception.class, () -> complete(read)));
        }
        assertEquals("data\n", buffer(stream));
    }

    @Test
    void exceptionWaiter() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> t1 = loop.createTask(stream::readline);
        IllegalArgumentException exc = new IllegalArgumentException();
        Task<Void> t2 = loop.createTask(() -> stream.setException(exc));
        complete(() -> {
            awaitDone(t1);
            awaitDone(t2);
            return null;
        });
        assertSame(exc, assertThrows(IllegalArgumentException.class, t1::result));
        assertNull(stream.waiter);
    }

    @Test
    void exceptionCancel() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> t = waiting(stream::readline);
        assertTrue(stream.waiter != null && !stream.waiter.done());
        t.cancel();
        runBriefly(loop);
        // must not fail on the waiter of the cancelled reader
        stream.setException(new IllegalStateException("message"));
        runBriefly(loop);
        assertNull(stream.waiter);
        assertTrue(t.cancelled());
    }

    /** The waiter of a cancelled reader is gone at once: another task may wait next. */
    @Test
    void cancelledReaderLeavesNoWaiter() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> t = waiting(() -> stream.readexactly(4));
        t.cancel();
        runBriefly(loop);
        assertTrue(t.cancelled());
        assertNull(stream.waiter);
        Task<byte[]> next = loop.createTask(() -> stream.read(10));
        loop.callSoon(() -> stream.feedData(b("abc")));
        assertEquals("abc", s(complete(next)));
    }

    /** A task cancelled after feedData woke it, before it ran, still leaves no waiter behind. */
    @Test
    void readerCancelledAfterWakeup() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> t = waiting(() -> stream.readexactly(4));
        loop.callSoon(() -> {
            stream.feedData(b("ab"));
            t.cancel();
        });
        assertThrows(CancelledError.class, () -> complete(t));
        assertNull(stream.waiter);
        assertEquals("ab", buffer(stream));
        stream.setException(new IllegalStateException("later"));
        assertNull(stream.waiter);
    }

    @Test
    void secondReaderWhileOneWaits() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> first = waiting(stream::readline);
        List<String> messages = new ArrayList<>();
        List<Awaitable<byte[]>> others = List.of(stream::readline, () -> stream.read(3), () -> stream.readexactly(2),
                () -> stream.readuntil(b("x")), () -> stream.read(-1));
        for (Awaitable<byte[]> other : others) {
            messages.add(assertThrows(IllegalStateException.class, () -> complete(other)).getMessage());
        }
        String tail = "() called while another coroutine is already waiting for incoming data";
        assertEquals(List.of("readuntil" + tail, "read" + tail, "readexactly" + tail, "readuntil" + tail, "read" + tail),
                messages);
        loop.callSoon(() -> stream.feedData(b("ab\n")));
        assertEquals("ab\n", s(complete(first)));
    }

    @Test
    void readOutsideATaskNeedsToWait() {
        StreamReader stream = new StreamReader();
        var e = assertThrows(IllegalStateException.class, () -> stream.read(1));
        assertTrue(e.getMessage().startsWith("StreamReader.read() must be called from a task"), e.getMessage());
        assertNull(stream.waiter);
    }

    /** Waking a waiting reader from outside its loop is refused before anything changes. */
    @Test
    void feedingFromOutsideTheLoopWhileAReaderWaits() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> t = waiting(() -> stream.read(5));
        var e = assertThrows(IllegalStateException.class, () -> stream.feedData(b("abc")));
        assertTrue(e.getMessage().contains("is bound to a different event loop and was used outside it"), e.getMessage());
        assertThrows(IllegalStateException.class, stream::feedEof);
        assertThrows(IllegalStateException.class, () -> stream.setException(new IllegalStateException()));
        assertEquals("", buffer(stream));
        assertFalse(stream.atEof());
        assertNull(stream.exception());
        loop.callSoon(() -> stream.feedData(b("abc")));
        assertEquals("abc", s(complete(t)));
    }

    @Test
    void feedDataAfterEof() {
        StreamReader stream = new StreamReader();
        stream.feedEof();
        assertThrows(IllegalStateException.class, () -> stream.feedData(b("a")));
        assertTrue(stream.atEof());
    }

    /** Bound to the loop of its first waiter, like the primitives: a waiter in another loop fails. */
    @Test
    void boundToTheLoopOfTheFirstWaiter() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> t = waiting(() -> stream.read(1));
        loop.callSoon(() -> stream.feedData(b("a")));
        assertEquals("a", s(complete(t)));
        EventLoop other = Loops.newTestLoop();
        try {
            var e = assertThrows(IllegalStateException.class, () -> other.runUntilComplete(() -> stream.read(1)));
            assertTrue(e.getMessage().endsWith("is bound to a different event loop"), e.getMessage());
            assertNull(stream.waiter);
        } finally {
            other.close();
        }
    }

    @Test
    void repr() {
        assertEquals("<StreamReader>", new StreamReader().toString());
    }

    @Test
    void reprNondefaultLimit() {
        assertEquals("<StreamReader limit=123>", new StreamReader(123).toString());
    }

    @Test
    void reprEof() {
        StreamReader stream = new StreamReader();
        stream.feedEof();
        assertEquals("<StreamReader eof>", stream.toString());
    }

    @Test
    void reprData() {
        StreamReader stream = new StreamReader();
        stream.feedData(b("data"));
        assertEquals("<StreamReader 4 bytes>", stream.toString());
    }

    @Test
    void reprException() {
        StreamReader stream = new StreamReader();
        stream.setException(new IllegalStateException());
        assertEquals("<StreamReader exception=java.lang.IllegalStateException>", stream.toString());
    }

    @Test
    void reprWaiter() throws Exception {
        StreamReader stream = new StreamReader();
        Task<byte[]> t = waiting(stream::readline);
        assertTrue(stream.toString().matches("<StreamReader waiter=<Future pending[\\S ]*>>"), stream.toString());
        loop.callSoon(() -> stream.feedData(b("x\n")));
        complete(t);
        assertEquals("<StreamReader>", stream.toString());
    }

    @Test
    void reprTransport() {
        StreamReader stream = new StreamReader();
        stream.setTransport(new FakeTransport().proxy);
        assertEquals("<StreamReader transport=<Transport>>", stream.toString());
    }

    /** Every part at once, in asyncio's order. */
    @Test
    void reprAllParts() {
        StreamReader stream = new StreamReader(3);
        stream.setTransport(new FakeTransport().proxy);
        stream.feedData(b("abcdefg"));
        stream.feedEof();
        stream.setException(new IllegalStateException("x"));
        assertEquals("<StreamReader 7 bytes eof limit=3 exception=java.lang.IllegalStateException: x"
                + " transport=<Transport> paused>", stream.toString());
    }

    /** test_IncompleteReadError_pickleable, with Java serialization. */
    @Test
    void incompleteReadErrorSerializable() throws Exception {
        IncompleteReadError e = new IncompleteReadError(b("abc"), 10);
        assertEquals("3 bytes read on a total of 10 expected bytes", e.getMessage());
        IncompleteReadError e2 = roundTrip(e);
        assertEquals(e.getMessage(), e2.getMessage());
        assertArrayEquals(e.partial(), e2.partial());
        assertEquals(e.expected(), e2.expected());

        IncompleteReadError undefined = roundTrip(new IncompleteReadError(b(""), null));
        assertEquals("0 bytes read on a total of undefined expected bytes", undefined.getMessage());
        assertNull(undefined.expected());
        assertInstanceOf(java.io.EOFException.class, undefined);
    }

    /** test_LimitOverrunError_pickleable, with Java serialization. */
    @Test
    void limitOverrunErrorSerializable() throws Exception {
        LimitOverrunError e = new LimitOverrunError("message", 10);
        LimitOverrunError e2 = roundTrip(e);
        assertEquals("message", e2.getMessage());
        assertEquals(10, e2.consumed());
        assertInstanceOf(IOException.class, e2);
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    // ---- the transport hooks ----------------------------------------------------------------------

    /**
     * A transport that records the flow-control calls a StreamReader makes; a call of any other
     * method fails the test.
     */
    private static final class FakeTransport {
        final List<String> calls = new ArrayList<>();
        boolean canPause = true;
        Runnable onResume = () -> {};
        final Transport proxy = (Transport) Proxy.newProxyInstance(Transport.class.getClassLoader(),
                new Class<?>[] {Transport.class}, (self, method, args) -> switch (method.getName()) {
                    case "pauseReading" -> {
                        if (!canPause) throw new UnsupportedOperationException("pauseReading");
                        calls.add("pause");
                        yield null;
                    }
                    case "resumeReading" -> {
                        calls.add("resume");
                        onResume.run();
                        yield null;
                    }
                    case "toString" -> "<Transport>";
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> throw new AssertionError("the reader called " + method);
                });
    }

    @Test
    void setTransportOnce() {
        StreamReader stream = new StreamReader();
        stream.setTransport(new FakeTransport().proxy);
        var e = assertThrows(IllegalStateException.class, () -> stream.setTransport(new FakeTransport().proxy));
        assertEquals("Transport already set", e.getMessage());
    }

    /** Paused once the buffer holds more than twice the limit; not again while paused. */
    @Test
    void pauseWhenOverTwiceTheLimit() {
        StreamReader stream = new StreamReader(4);
        FakeTransport transport = new FakeTransport();
        stream.setTransport(transport.proxy);
        stream.feedData(b("12345678"));
        assertEquals(List.of(), transport.calls, "exactly twice the limit is not over it");
        stream.feedData(b("9"));
        assertEquals(List.of("pause"), transport.calls);
        assertTrue(stream.paused());
        stream.feedData(b("0"));
        assertEquals(List.of("pause"), transport.calls);
    }

    /** Resumed once a read brings the buffer down to the limit, not before (CPython 3.13's sequence). */
    @Test
    void resumeWhenDrainedToTheLimit() throws Exception {
        StreamReader stream = new StreamReader(4);
        FakeTransport transport = new FakeTransport();
        stream.setTransport(transport.proxy);
        stream.feedData(b("1234567890"));
        assertEquals("12345", s(complete(() -> stream.read(5))));
        assertEquals(List.of("pause"), transport.calls, "5 bytes left: still over the limit");
        assertEquals("6", s(complete(() -> stream.read(1))));
        assertEquals(List.of("pause", "resume"), transport.calls);
        assertFalse(stream.paused());
        assertEquals("<StreamReader 4 bytes limit=4 transport=<Transport>>", stream.toString());
    }

    /** Each read method that consumes resumes: readline, readuntil, readexactly, read(-1). */
    @Test
    void everyConsumingReadResumes() throws Exception {
        List<Awaitable<byte[]>> reads = new ArrayList<>();
        List<StreamReader> streams = new ArrayList<>();
        List<FakeTransport> transports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            StreamReader stream = new StreamReader(2);
            FakeTransport transport = new FakeTransport();
            stream.setTransport(transport.proxy);
            stream.feedData(b("ab\ncd"));
            streams.add(stream);
            transports.add(transport);
        }
        reads.add(streams.get(0)::readline);
        reads.add(() -> streams.get(1).readuntil(b("\nc")));
        reads.add(() -> streams.get(2).readexactly(3));
        reads.add(() -> {
            streams.get(3).feedEof();
            return streams.get(3).read(-1);
        });
        for (int i = 0; i < 4; i++) {
            assertEquals(List.of("pause"), transports.get(i).calls);
            complete(reads.get(i));
            assertEquals(List.of("pause", "resume"), transports.get(i).calls, "read #" + i);
        }
    }

    /** Waiting while paused would deadlock (readexactly beyond the limit): reading resumes first. */
    @Test
    void resumeBeforeWaitingWhilePaused() throws Exception {
        StreamReader stream = new StreamReader(4);
        FakeTransport transport = new FakeTransport();
        stream.setTransport(transport.proxy);
        stream.feedData(b("abcdefghijklm"));
        assertEquals(List.of("pause"), transport.calls);
        Task<byte[]> t = waiting(() -> stream.readexactly(20));
        assertEquals(List.of("pause", "resume"), transport.calls);
        assertFalse(stream.paused());
        complete(() -> {
            stream.feedData(b("XXXXXXXXXXXXXXXXXXXX"));
            return null;
        });
        assertEquals(List.of("pause", "resume", "pause"), transport.calls);
        assertEquals("abcdefghijklmXXXXXXX", s(complete(t)));
        assertEquals(List.of("pause", "resume", "pause"), transport.calls, "13 bytes left: still paused");
        assertTrue(stream.paused());
    }

    /**
     * A transport that delivers data (or the end, or an error) from inside resumeReading, when
     * a reader resumes it before waiting: the reader takes what came instead of waiting for more.
     */
    @Test
    void transportDeliveringInsideResumeReading() throws Exception {
        List<String> results = new ArrayList<>();
        for (String delivery : List.of("data", "eof", "error")) {
            StreamReader stream = new StreamReader(4);
            FakeTransport transport = new FakeTransport();
            stream.setTransport(transport.proxy);
            stream.feedData(b("abcdefghijklm"));
            IllegalStateException error = new IllegalStateException("reset");
            transport.onResume = () -> {
                switch (delivery) {
                    case "data" -> stream.feedData(b("XXXXXXXXXXXXXXXXXXXX"));
                    case "eof" -> stream.feedEof();
                    default -> stream.setException(error);
                }
            };
            Task<byte[]> t = loop.createTask(() -> stream.readexactly(20));
            runBriefly(loop);
            assertTrue(t.done(), delivery);
            assertNull(stream.waiter);
            try {
                results.add(s(t.result()));
            } catch (IncompleteReadError e) {
                results.add("incomplete " + s(e.partial()));
            } catch (IllegalStateException e) {
                assertSame(error, e);
                results.add("error " + buffer(stream));
            }
        }
        assertEquals(List.of("abcdefghijklmXXXXXXX", "incomplete abcdefghijklm", "error abcdefghijklm"), results);
    }

    /** A transport that cannot pause (asyncio: NotImplementedError) is forgotten; data is buffered. */
    @Test
    void transportThatCannotPause() {
        StreamReader stream = new StreamReader(1);
        FakeTransport transport = new FakeTransport();
        transport.canPause = false;
        stream.setTransport(transport.proxy);
        stream.feedData(b("abc"));
        stream.feedData(b("def"));
        assertFalse(stream.paused());
        assertEquals("<StreamReader 6 bytes limit=1>", stream.toString());
    }

    /** feedData(ByteBuffer) copies position..limit and consumes it: the caller may reuse the buffer. */
    @Test
    void feedByteBuffer() throws Exception {
        StreamReader stream = new StreamReader();
        ByteBuffer data = ByteBuffer.allocate(16);
        data.put(b("xxhello")).flip().position(2);
        stream.feedData(data);
        assertEquals(data.limit(), data.position());
        data.clear().put(b("zzzzzzz"));
        ByteBuffer direct = ByteBuffer.allocateDirect(8).put(b(" world")).flip();
        stream.feedData(direct);
        assertEquals("hello world", buffer(stream));
        assertEquals("hello world", s(complete(() -> stream.read(100))));
    }

    /**
     * The buffer slides and grows as chunks arrive between reads of every kind: what comes out
     * is exactly what went in, in order, across several growths and compactions.
     */
    @Test
    void manyChunksInterleavedWithReads() throws Exception {
        Random random = new Random(42);
        byte[] source = new byte[6 << 20];
        for (int i = 0; i < source.length; i++) source[i] = (byte) (random.nextInt(20) == 0 ? '\n' : 'a' + random.nextInt(26));
        StreamReader stream = new StreamReader();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int fed = complete(() -> {
            int end = 0;
            for (int round = 0; round < 2000; round++) {
                int size = Math.min(source.length - end, random.nextInt(round % 50 == 0 ? 100_000 : 3000));
                stream.feedData(Arrays.copyOfRange(source, end, end + size));
                end += size;
                int available = end - got.size();
                switch (random.nextInt(4)) {
                    case 0 -> got.write(stream.read(1 + random.nextInt(4000)));
                    case 1 -> got.write(stream.readexactly(Math.min(available, random.nextInt(5000))));
                    case 2 -> {
                        if (indexOf(source, got.size(), end, (byte) '\n') >= 0) got.write(stream.readline());
                    }
                    default -> {
                        // leave it buffered
                    }
                }
            }
            stream.feedEof();
            got.write(stream.read(-1));
            return end;
        });
        assertTrue(fed > 2_000_000, "fed " + fed);
        assertArrayEquals(Arrays.copyOf(source, fed), got.toByteArray());
        assertTrue(stream.atEof());
    }

    /**
     * A reader that keeps a little behind the feed, so the buffer seldom runs empty: its bytes
     * slide back to the front of the array instead of the array growing without end.
     */
    @Test
    void slidingBuffer() throws Exception {
        StreamReader stream = new StreamReader();
        ByteArrayOutputStream fed = new ByteArrayOutputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        complete(() -> {
            for (int round = 0; round < 5000; round++) {
                byte[] chunk = new byte[700];
                Arrays.fill(chunk, (byte) round);
                chunk[round % 700] = (byte) ~round;
                stream.feedData(chunk);
                fed.write(chunk);
                got.write(stream.read(600 + round % 199));
            }
            return null;
        });
        got.write(stream.buffered());
        assertArrayEquals(fed.toByteArray(), got.toByteArray());
    }

    private static int indexOf(byte[] a, int from, int to, byte x) {
        for (int i = from; i < to; i++) if (a[i] == x) return i;
        return -1;
    }

    /** A read far larger than the limit, fed in chunks from callbacks, then the stream goes on. */
    @Test
    void hugeReadexactlyThenMore() throws Exception {
        StreamReader stream = new StreamReader();
        int n = 3 << 20;
        Task<byte[]> t = loop.createTask(() -> stream.readexactly(n));
        byte[] chunk = new byte[65536];
        for (int i = 0; i < n / chunk.length; i++) {
            int mark = i;
            loop.callLater(i * 0.001, () -> {
                chunk[0] = (byte) mark;
                stream.feedData(chunk);
            });
        }
        loop.callLater(n / chunk.length * 0.001, () -> stream.feedData(b("tail\n")));
        byte[] data = complete(t);
        assertEquals(n, data.length);
        for (int i = 0; i < n / chunk.length; i++) assertEquals((byte) i, data[i * chunk.length]);
        assertEquals("tail\n", s(complete(stream::readline)));
    }
}
