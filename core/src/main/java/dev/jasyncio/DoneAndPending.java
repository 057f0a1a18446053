package dev.jasyncio;

import java.util.Set;

/** What {@link Asyncio#wait} returns: the futures that are done and those still pending. */
public record DoneAndPending<F>(Set<F> done, Set<F> pending) {}
