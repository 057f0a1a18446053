package dev.jasyncio;

import java.util.Arrays;

/**
 * The loop's timers: a binary min-heap ordered by (when, seq) in which every handle knows its
 * index, so a cancelled timer leaves the heap at once in O(log n) instead of piling up.
 */
final class TimerQueue {
    private TimerHandle[] heap = new TimerHandle[64];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    TimerHandle peek() {
        return size == 0 ? null : heap[0];
    }

    void add(TimerHandle h) {
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        heap[size] = h;
        h.heapIndex = size;
        size++;
        siftUp(h.heapIndex);
    }

    TimerHandle poll() {
        if (size == 0) return null;
        TimerHandle top = heap[0];
        removeAt(0);
        return top;
    }

    void remove(TimerHandle h) {
        int i = h.heapIndex;
        if (i >= 0 && i < size && heap[i] == h) removeAt(i);
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void removeAt(int i) {
        TimerHandle gone = heap[i];
        gone.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        TimerHandle last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        if (heap[i] == last) siftUp(i);
        if (size < heap.length / 4 && heap.length > 64) heap = Arrays.copyOf(heap, heap.length / 2);
    }

    private void siftUp(int i) {
        TimerHandle h = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerHandle p = heap[parent];
            if (!h.before(p)) break;
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = h;
        h.heapIndex = i;
    }

    private void siftDown(int i) {
        TimerHandle h = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            TimerHandle c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].before(c)) {
                child = right;
                c = heap[child];
            }
            if (!c.before(h)) break;
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = h;
        h.heapIndex = i;
    }
}
