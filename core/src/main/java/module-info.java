/**
 * jasyncio: Python's asyncio for Java. The public API is the {@code dev.jasyncio} package;
 * {@code dev.jasyncio.internal} is not exported.
 */
module dev.jasyncio {
    exports dev.jasyncio;
}
