package dev.jasyncio;

/**
 * What every protocol shares (asyncio's {@code BaseProtocol}): the end of the connection and the
 * transport's flow control. The callbacks run on the loop and must not block; each has an empty
 * default.
 */
public interface BaseProtocol {
    /** The connection is closed: {@code exc} is null for a normal close or EOF, else the error. */
    default void connectionLost(Throwable exc) {}

    /** The transport's write buffer went over its high-water mark: stop producing. */
    default void pauseWriting() {}

    /** The write buffer drained to its low-water mark: producing may go on. */
    default void resumeWriting() {}
}
