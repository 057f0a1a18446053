package dev.jasyncio.internal;

import java.nio.channels.SelectionKey;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The keys one or more selects reported ready, in order, until the loop takes them. Selecting
 * with this as the action spares the selector's selected-key set (a HashSet insert and removal
 * per event), and keeps what runs inside {@code select} to an array store.
 */
public final class ReadyKeys implements Consumer<SelectionKey> {
    private SelectionKey[] keys = new SelectionKey[64];
    private int size;

    @Override
    public void accept(SelectionKey key) {
        if (size == keys.length) keys = Arrays.copyOf(keys, size * 2);
        keys[size++] = key;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Hands every recorded key to {@code action} in order and forgets them. */
    public void drain(Consumer<SelectionKey> action) {
        int n = size;
        size = 0;
        for (int i = 0; i < n; i++) {
            SelectionKey k = keys[i];
            keys[i] = null;
            action.accept(k);
        }
    }
}
