package dev.jasyncio;

/** When {@link Asyncio#wait} returns: asyncio's FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED. */
public enum ReturnWhen {
    FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED
}
