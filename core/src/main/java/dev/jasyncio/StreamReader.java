package dev.jasyncio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import dev.jasyncio.internal.Throwables;

/**
 * Bytes arriving from a connection, read by a task: asyncio's {@code StreamReader}. A transport
 * (or a test, by hand) feeds it with {@link #feedData}, {@link #feedEof()} and {@link
 * #setException}; a task reads with {@link #read}, {@link #readline()}, {@link #readexactly} and
 * {@link #readuntil}, waiting while the data it needs has not arrived.
 *
 * <p>The {@linkplain #limit() limit} bounds what {@code readline} and {@code readuntil} will hold
 * for one line or chunk (a security measure: a peer cannot make us buffer an endless line); {@code
 * read} and {@code readexactly} ignore it. The limit also drives flow control: the transport is
 * asked to pause reading while more than twice the limit is buffered, and to resume once reads
 * bring it down to the limit.
 *
 * <p>Only one task may wait for data at a time; another task that needs to wait meanwhile gets an
 * {@link IllegalStateException}. The reader binds to the loop of the first task that waits on it,
 * and like every loop object it is not thread-safe.
 */
public class StreamReader extends LoopBound {
    static final int DEFAULT_LIMIT = 64 * 1024;

    private static final byte[] EMPTY = {};
    private static final byte[][] NEWLINE = {{'\n'}};
    private static final int MIN_CAPACITY = 512;
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;
    private static final String MORE_THAN_ONE_READER =
            "() called while another coroutine is already waiting for incoming data";

    private final int limit;
    /** An empty buffer bigger than this is dropped, so one huge read does not pin its memory. */
    private final int keepCapacity;

    // the buffered bytes are buf[head, tail); when they run out both go back to 0
    private byte[] buf = EMPTY;
    private int head;
    private int tail;

    private boolean eof;
    private Throwable exception;
    /** The future the one waiting reader is suspended on; the wakers complete it and clear this. */
    Future<Void> waiter;
    private Transport transport;
    private boolean paused;

    /** A reader with asyncio's default limit, 64 KiB. */
    public StreamReader() {
        this(DEFAULT_LIMIT);
    }

    /**
     * A reader whose {@code readline}/{@code readuntil} chunks may be at most {@code limit} bytes
     * (not counting the separator).
     *
     * @throws IllegalArgumentException if {@code limit <= 0}
     */
    public StreamReader(int limit) {
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0");
        this.limit = limit;
        this.keepCapacity = (int) Math.min(MAX_CAPACITY, Math.max(4L * limit, 1 << 20));
    }

    public int limit() {
        return limit;
    }

    /** The exception given to {@link #setException}, or null. */
    public Throwable exception() {
        return exception;
    }

    /** True once {@link #feedEof()} was called and every buffered byte has been read. */
    public boolean atEof() {
        return eof && head == tail;
    }

    // ---- feeding ------------------------------------------------------------------------------

    /**
     * Appends {@code data} to the buffer (copying it) and wakes the waiting reader. Empty data
     * does nothing.
     *
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feedData(byte[] data) {
        int n = data.length;
        if (!roomToFeed(n)) return;
        System.arraycopy(data, 0, buf, tail, n);
        fed(n);
    }

    /**
     * For transports: {@link #feedData(byte[])} with the bytes between {@code data}'s position
     * and limit, which are copied; the position advances to the limit, so the caller may reuse
     * the buffer at once.
     */
    void feedData(ByteBuffer data) {
        int n = data.remaining();
        if (!roomToFeed(n)) return;
        data.get(buf, tail, n);
        fed(n);
    }

    /** Checks that {@code n} bytes may be fed and makes room for them; false if there are none. */
    private boolean roomToFeed(int n) {
        if (eof) throw new IllegalStateException("feedData after feedEof");
        if (n == 0) return false;
        if (waiter != null) checkLoop();
        makeRoom(n);
        return true;
    }

    /** {@code n} bytes were just copied in at {@code tail}. */
    private void fed(int n) {
        tail += n;
        wakeUpWaiter(null);
        if (transport != null && !paused && tail - head > 2L * limit) {
            try {
                transport.pauseReading();
                paused = true;
            } catch (UnsupportedOperationException e) {
                transport = null; // it cannot pause: everything will be buffered; stop asking
            }
        }
    }

    /** Marks the end of the stream and wakes the waiting reader. */
    public void feedEof() {
        if (waiter != null) checkLoop();
        eof = true;
        wakeUpWaiter(null);
    }

    /**
     * Makes every later read throw {@code exc} (the object itself, checked or not), and wakes the
     * waiting reader with it.
     */
    public void setException(Throwable exc) {
        Objects.requireNonNull(exc, "exception");
        if (waiter != null) checkLoop();
        exception = exc;
        wakeUpWaiter(exc);
    }

    /** Completes the waiter, if a reader still waits on it, with {@code exc} or (if null) a result. */
    private void wakeUpWaiter(Throwable exc) {
        Future<Void> w = waiter;
        if (w == null) return;
        waiter = null;
        if (w.done()) return; // cancelled with its task, which has not resumed yet
        if (exc == null) w.setResult(null);
        else w.setException(exc);
    }

    /**
     * For transports: the transport to pause and resume for flow control.
     *
     * @throws IllegalStateException if a transport is already set
     */
    void setTransport(Transport t) {
        Objects.requireNonNull(t, "transport");
        if (transport != null) throw new IllegalStateException("Transport already set");
        transport = t;
    }

    /**
     * For {@code StreamWriter.startTls}: from now on flow control goes to {@code t} (the TLS
     * transport), and the bytes buffered but not read are handed over, since they arrived after
     * the peer started TLS (gh-142352). A transport this reader paused is resumed by the upgrade.
     */
    byte[] handOverForTls(Transport t) {
        Objects.requireNonNull(t, "transport");
        byte[] unread = Arrays.copyOfRange(buf, head, tail);
        head = tail = 0;
        transport = t;
        paused = false;
        return unread;
    }

    /** Makes room for {@code n} more bytes after {@code tail}: compacts or grows, amortised O(1) per byte. */
    private void makeRoom(int n) {
        if (buf.length - tail >= n) return;
        int live = tail - head;
        long needed = (long) live + n;
        if (needed > MAX_CAPACITY) throw new OutOfMemoryError("StreamReader buffer would exceed " + MAX_CAPACITY + " bytes");
        if (needed <= buf.length / 2) {
            // sliding the live bytes down copies at most half the capacity, and frees at least
            // half of it for the appends that come before the next slide
            System.arraycopy(buf, head, buf, 0, live);
        } else {
            long grown = Math.max(needed, Math.max(MIN_CAPACITY, 2L * buf.length));
            byte[] bigger = new byte[(int) Math.min(grown, MAX_CAPACITY)];
            System.arraycopy(buf, head, bigger, 0, live);
            buf = bigger;
        }
        head = 0;
        tail = live;
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * Reads up to {@code n} bytes. {@code n < 0} (asyncio's default, -1) reads until end of
     * stream; {@code n == 0} returns an empty array at once, consuming nothing. Otherwise waits
     * until at least one byte is available (or the stream ends: then returns an empty array) and
     * returns at most {@code n} of the available bytes. The limit does not apply.
     */
    public byte[] read(int n) throws IOException {
        throwIfFailed();
        if (n == 0) return EMPTY;
        if (n < 0) return readToEof();
        if (head == tail && !eof) waitForData("read");
        byte[] data = take(Math.min(n, tail - head));
        maybeResumeTransport();
        return data;
    }

    /**
     * asyncio reads to the end in blocks of {@code limit} bytes, checking for an exception before
     * each. Between two waits nobody can tell that apart from taking all that is buffered at once,
     * which is what this does; the result is copied once, when the end has arrived.
     */
    private byte[] readToEof() throws IOException {
        byte[] acc = EMPTY;
        int len = 0;
        for (;;) {
            throwIfFailed();
            int available = tail - head;
            if (available == 0) {
                if (eof) break;
                waitForData("read");
                available = tail - head;
                if (available == 0) break; // woken by the end of the stream
                // set while we were being woken: asyncio reads one more block, then fails
                if (exception != null) available = Math.min(limit, available);
            }
            if (eof && exception == null) { // the rest is all here: one copy into the result
                byte[] out = Arrays.copyOf(acc, len + available);
                System.arraycopy(buf, head, out, len, available);
                discard(available);
                maybeResumeTransport();
                return out;
            }
            if (acc.length - len < available) {
                acc = Arrays.copyOf(acc, (int) Math.min(MAX_CAPACITY, Math.max((long) len + available, 2L * acc.length)));
            }
            System.arraycopy(buf, head, acc, len, available);
            len += available;
            discard(available);
            maybeResumeTransport();
        }
        return len == acc.length ? acc : Arrays.copyOf(acc, len);
    }

    /**
     * Reads one line: the bytes up to and including the next {@code '\n'}. At end of stream returns
     * what is left (without a newline; empty if nothing is).
     *
     * @throws IllegalArgumentException if the line (without its newline) is longer than the limit,
     *         or no newline was found within it; the line is discarded if its newline is in the
     *         buffer, else the whole buffer is (asyncio's {@code ValueError})
     */
    public byte[] readline() throws IOException {
        try {
            return readUntil(NEWLINE, true);
        } catch (LimitOverrunError e) {
            int consumed = e.consumed();
            if (consumed < tail - head && buf[head + consumed] == '\n') discard(consumed + 1);
            else discard(tail - head);
            maybeResumeTransport();
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@link #readuntil(byte[]...)} with the separator {@code "\n"}. */
    public byte[] readuntil() throws IOException {
        return readUntil(NEWLINE, false);
    }

    /**
     * Reads up to and including a separator. With several separators, the first match to end
     * wins (the shortest result); among matches ending at the same byte, the shortest separator.
     * The arrays must not change while the call waits.
     *
     * @throws IncompleteReadError at end of stream without a separator: {@code partial()} is
     *         everything that was buffered, and the buffer is emptied
     * @throws LimitOverrunError if no separator is found within the limit, or the chunk before
     *         it is longer than the limit; the buffer is left as it was
     * @throws IllegalArgumentException if {@code separators} is empty, or one of them is
     */
    public byte[] readuntil(byte[]... separators) throws IOException {
        return readUntil(separators, false);
    }

    /** {@code readuntil}; as a line reader, end of stream returns what is left instead of throwing. */
    private byte[] readUntil(byte[][] separators, boolean line) throws IOException {
        if (separators.length == 0) throw new IllegalArgumentException("Separator should contain at least one element");
        int minLength = Integer.MAX_VALUE;
        int maxLength = 0;
        for (byte[] sep : separators) {
            minLength = Math.min(minLength, sep.length);
            maxLength = Math.max(maxLength, sep.length);
        }
        if (minLength == 0) throw new IllegalArgumentException("Separator should be at least one-byte string");
        throwIfFailed();

        // the first `offset` buffered bytes are known to hold no separator, nor the start of one
        int offset = 0;
        int matchStart = -1;
        int matchEnd = -1;
        for (;;) {
            int available = tail - head;
            if (available - offset >= minLength) {
                for (byte[] sep : separators) {
                    int at = indexOf(buf, head + offset, tail, sep);
                    if (at < 0) continue;
                    int start = at - head;
                    int end = start + sep.length;
                    if (matchEnd < 0 || end < matchEnd || (end == matchEnd && start > matchStart)) {
                        matchStart = start;
                        matchEnd = end;
                    }
                }
                if (matchEnd >= 0) break;
                // a separator not found yet must end after the last byte, so it starts at most
                // maxLength - 1 bytes before the end
                offset = Math.max(0, available + 1 - maxLength);
                if (offset > limit) throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
            }
            // EOF is looked at only now: the data that came with it may have completed a separator
            if (eof) {
                byte[] rest = take(available);
                if (line) return rest;
                throw new IncompleteReadError(rest, null);
            }
            waitForData("readuntil");
        }
        if (matchStart > limit) throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
        byte[] chunk = take(matchEnd);
        maybeResumeTransport();
        return chunk;
    }

    /** The index of the first {@code sep} in {@code a[from, to)}, or -1. */
    private static int indexOf(byte[] a, int from, int to, byte[] sep) {
        byte first = sep[0];
        int last = to - sep.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (a[i] != first) continue;
            for (int j = 1; j < sep.length; j++) {
                if (a[i + j] != sep[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /**
     * Reads exactly {@code n} bytes, waiting for them. The limit does not apply.
     *
     * @throws IncompleteReadError if the stream ends first: {@code partial()} is what was buffered
     *         (now consumed), {@code expected()} is {@code n}
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public byte[] readexactly(int n) throws IOException {
        if (n < 0) throw new IllegalArgumentException("readexactly size can not be less than zero");
        throwIfFailed();
        if (n == 0) return EMPTY;
        while (tail - head < n) {
            if (eof) throw new IncompleteReadError(take(tail - head), n);
            waitForData("readexactly");
        }
        byte[] data = take(n);
        maybeResumeTransport();
        return data;
    }

    private void throwIfFailed() {
        if (exception != null) throw Throwables.sneaky(exception);
    }

    /**
     * Suspends the current task until data, the end of the stream, or an exception arrives (the
     * exception is thrown from here). Resumes a paused transport first: the data this reader
     * waits for may be what it holds back.
     */
    private void waitForData(String method) {
        if (waiter != null) throw new IllegalStateException(method + MORE_THAN_ONE_READER);
        Task<?> task = Task.current();
        if (task == null) throw Task.outsideTask("StreamReader." + method + "()"); // a name built on every wait showed in profiles
        EventLoop bound = bind(task);
        if (paused) {
            paused = false;
            int buffered = tail - head;
            boolean ended = eof;
            Throwable failed = exception;
            transport.resumeReading();
            // a transport that delivers from inside resumeReading brought what we would wait for
            if (exception != failed) throw Throwables.sneaky(exception);
            if (tail - head != buffered || eof != ended) return;
        }
        Future<Void> w = new Future<>(bound);
        waiter = w;
        try {
            task.suspendOn(w);
        } finally {
            // a waker already cleared it, perhaps for a reader that came after us: leave that one be
            if (waiter == w) waiter = null;
        }
    }

    /**
     * Removes and returns the first {@code n} buffered bytes: one copy, or none when they fill
     * the whole buffer (a chunk fed into an empty reader and read at once, the common case of a
     * request-response protocol), which is then handed over and replaced by a new one.
     */
    private byte[] take(int n) {
        if (n == 0) return EMPTY;
        if (head == 0 && n == buf.length) {
            byte[] whole = buf;
            buf = EMPTY;
            head = tail = 0;
            return whole;
        }
        byte[] out = Arrays.copyOfRange(buf, head, head + n);
        discard(n);
        return out;
    }

    /** Removes the first {@code n} buffered bytes. */
    private void discard(int n) {
        head += n;
        if (head == tail) {
            head = tail = 0;
            if (buf.length > keepCapacity) buf = EMPTY;
        }
    }

    private void maybeResumeTransport() {
        if (paused && tail - head <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    /** A copy of the buffered bytes (what asyncio's tests read as {@code _buffer}). */
    byte[] buffered() {
        return Arrays.copyOfRange(buf, head, tail);
    }

    boolean paused() {
        return paused;
    }

    /** asyncio's repr: {@code <StreamReader 5 bytes eof limit=3 waiter=... exception=... transport=... paused>}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<StreamReader");
        if (tail > head) sb.append(' ').append(tail - head).append(" bytes");
        if (eof) sb.append(" eof");
        if (limit != DEFAULT_LIMIT) sb.append(" limit=").append(limit);
        if (waiter != null) sb.append(" waiter=").append(waiter);
        if (exception != null) sb.append(" exception=").append(exception);
        if (transport != null) sb.append(" transport=").append(transport);
        if (paused) sb.append(" paused");
        return sb.append('>').toString();
    }
}
