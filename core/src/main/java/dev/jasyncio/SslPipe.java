package dev.jasyncio;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * An {@link SSLEngine} with its three buffers: TLS bytes received and not yet decrypted, bytes
 * decrypted and not yet delivered, TLS bytes produced and not yet sent. It knows nothing of the
 * loop: {@link SslProtocol} feeds it what the socket reads and passes each batch of encrypted
 * output to a sender it gives. This is the part asyncio leaves to OpenSSL's memory BIOs.
 *
 * <p>During the handshake the engine's delegated tasks (key exchange, signatures, certificate
 * checks) are handed to the caller to run off the loop: see {@link #handshake}. After it, the
 * rare ones that post-handshake messages bring run inline.
 *
 * <p>Each buffer is kept in "filling" mode: its bytes are those before its position.
 */
final class SslPipe {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Decrypted bytes are delivered in batches of up to this many (asyncio reads 256 KiB at a time). */
    private static final int DELIVERY_BATCH = 64 * 1024;
    /** Encrypted output is handed to the transport in batches of up to this many records. */
    private static final int RECORDS_PER_SEND = 4;

    /** What an {@link #unwrap} pass ended on. */
    enum Unwrapped { NEED_INPUT, BATCH_FULL, CLOSED }

    /** What a {@link #handshake} pass ended on. */
    enum Handshake { DONE, NEED_INPUT, NEED_TASKS }

    final SSLEngine engine;
    private ByteBuffer incoming;
    private ByteBuffer decrypted;
    private ByteBuffer outgoing;

    SslPipe(SSLEngine engine) {
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        incoming = ByteBuffer.allocate(2 * packet);
        decrypted = ByteBuffer.allocate(Math.max(DELIVERY_BATCH, engine.getSession().getApplicationBufferSize()));
        outgoing = ByteBuffer.allocate(RECORDS_PER_SEND * packet);
    }

    // ---- incoming ----------------------------------------------------------------------------

    /** Appends received TLS bytes (between {@code data}'s position and limit; the position advances). */
    void received(ByteBuffer data) {
        incoming = room(incoming, data.remaining());
        incoming.put(data);
    }

    /** Received bytes not yet decrypted (asyncio's {@code _incoming.pending}). */
    int incomingSize() {
        return incoming.position();
    }

    /** The bytes decrypted by the last {@link #unwrap}, ready to read; call {@link #delivered()} after. */
    ByteBuffer decrypted() {
        return decrypted.flip();
    }

    void delivered() {
        decrypted.clear();
    }

    /**
     * Decrypts what has arrived into the {@linkplain #decrypted() delivery buffer} until it holds
     * a batch, the input runs out, or the peer's close_notify arrives. Handshake messages after
     * the handshake (TLS 1.3 session tickets and key updates, TLS 1.2 renegotiation) are answered
     * on the way, their replies passed to {@code send}.
     */
    Unwrapped unwrap(Consumer<ByteBuffer> send) throws SSLException {
        incoming.flip();
        try {
            while (true) {
                if (!incoming.hasRemaining()) return Unwrapped.NEED_INPUT;
                SSLEngineResult r = engine.unwrap(incoming, decrypted);
                switch (r.getStatus()) {
                    case BUFFER_UNDERFLOW -> {
                        return Unwrapped.NEED_INPUT;
                    }
                    case BUFFER_OVERFLOW -> {
                        if (decrypted.position() > 0) return Unwrapped.BATCH_FULL;
                        decrypted = grow(decrypted, engine.getSession().getApplicationBufferSize());
                    }
                    case CLOSED -> {
                        answerHandshake(send);
                        return Unwrapped.CLOSED;
                    }
                    case OK -> {
                        answerHandshake(send);
                        if (decrypted.position() >= DELIVERY_BATCH) return Unwrapped.BATCH_FULL;
                        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) return Unwrapped.NEED_INPUT; // no progress
                    }
                }
            }
        } finally {
            incoming.compact();
        }
    }

    /** Runs delegated tasks and sends what the engine asks to send, until it waits for the peer or is done. */
    private void answerHandshake(Consumer<ByteBuffer> send) throws SSLException {
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
            } else if (hs == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
                wrapOnce(EMPTY, send);
            } else {
                flush(send);
                return;
            }
        }
    }

    // ---- the handshake -----------------------------------------------------------------------

    /**
     * Advances the handshake as far as the bytes received allow, passing what the engine produces
     * to {@code send}. Ends when the handshake is done, when it waits for the peer, or when it
     * waits for the {@linkplain #delegatedTasks() delegated tasks}.
     */
    Handshake handshake(Consumer<ByteBuffer> send) throws SSLException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    flush(send);
                    return Handshake.NEED_TASKS;
                }
                case NEED_WRAP -> {
                    if (wrapOnce(EMPTY, send) == SSLEngineResult.Status.CLOSED) {
                        flush(send);
                        throw new SSLHandshakeException("The TLS engine closed during the handshake");
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapHandshake()) {
                        flush(send);
                        return Handshake.NEED_INPUT;
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    flush(send);
                    return Handshake.DONE;
                }
            }
        }
    }

    /** One handshake record from what was received; false if a whole one has not arrived yet. */
    private boolean unwrapHandshake() throws SSLException {
        incoming.flip();
        try {
            SSLEngineResult r = engine.unwrap(incoming, decrypted);
            return switch (r.getStatus()) {
                case BUFFER_UNDERFLOW -> false;
                case BUFFER_OVERFLOW -> {
                    decrypted = grow(decrypted, engine.getSession().getApplicationBufferSize());
                    yield true;
                }
                case CLOSED -> throw new SSLHandshakeException("Remote host closed the connection during the handshake");
                case OK -> true;
            };
        } finally {
            incoming.compact();
        }
    }

    private void runDelegatedTasks() {
        delegatedTasks().run();
    }

    /**
     * The work the engine waits for, as one job. The engine must not be used until it has run;
     * a failure in it is thrown by the engine's next wrap or unwrap.
     */
    Runnable delegatedTasks() {
        List<Runnable> tasks = new ArrayList<>();
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) tasks.add(task);
        return () -> tasks.forEach(Runnable::run);
    }

    /**
     * After a failure, sends the alert the engine has queued for the peer, if it can; the peer
     * then learns why (say, an unknown certificate) rather than seeing a bare reset.
     */
    void sendAlert(Consumer<ByteBuffer> send) {
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone()
                    && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                wrapOnce(EMPTY, send);
            }
            flush(send);
        } catch (SSLException | RuntimeException ignored) {
            // the connection is being dropped anyway
        }
    }

    // ---- outgoing ----------------------------------------------------------------------------

    /** Encrypts all of {@code data} (its position advances to its limit), passing records to {@code send}. */
    void wrap(ByteBuffer data, Consumer<ByteBuffer> send) throws SSLException {
        while (data.hasRemaining()) {
            if (wrapOnce(data, send) == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("Cannot write: the TLS connection is closed");
            }
        }
        flush(send);
    }

    /** Sends close_notify: the engine's outbound side is done after this. */
    void closeOutbound(Consumer<ByteBuffer> send) throws SSLException {
        engine.closeOutbound();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) wrapOnce(EMPTY, send);
        flush(send);
    }

    /** One wrap into the outgoing buffer, sending what it holds first when a record might not fit. */
    private SSLEngineResult.Status wrapOnce(ByteBuffer src, Consumer<ByteBuffer> send) throws SSLException {
        while (true) {
            if (outgoing.remaining() < engine.getSession().getPacketBufferSize()) flush(send);
            SSLEngineResult r = engine.wrap(src, outgoing);
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) return r.getStatus();
            if (outgoing.position() > 0) flush(send);
            else outgoing = grow(outgoing, engine.getSession().getPacketBufferSize());
        }
    }

    /** Hands the encrypted bytes waiting in the outgoing buffer to {@code send}, which must take or copy them all. */
    private void flush(Consumer<ByteBuffer> send) {
        if (outgoing.position() == 0) return;
        send.accept(outgoing.flip());
        outgoing.clear();
    }

    // ---- buffers -----------------------------------------------------------------------------

    /** {@code b} (filling), or a copy with room for {@code more} more bytes. */
    private static ByteBuffer room(ByteBuffer b, int more) {
        if (b.remaining() >= more) return b;
        return grow(b, more);
    }

    /** A copy of {@code b} (filling) with at least {@code more} bytes free. */
    private static ByteBuffer grow(ByteBuffer b, int more) {
        int capacity = Math.max(b.capacity() * 2, b.position() + more);
        return ByteBuffer.allocate(capacity).put(b.flip());
    }
}
