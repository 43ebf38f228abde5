package io.netpilot.core.internal;

import io.netpilot.core.Subscription;
import io.netpilot.core.TunnelEvent;
import io.netpilot.core.TunnelEventListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to listeners, each on its own virtual thread through its own bounded queue, so a
 * slow or failing listener delays only itself and never the manager. A listener that falls more than
 * {@link #QUEUE_BOUND} events behind loses the newest ones (logged). Thread-safe.
 */
final class EventDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    static final int QUEUE_BOUND = 4096;

    private final List<Feed> feeds = new CopyOnWriteArrayList<>();

    Subscription subscribe(TunnelEventListener listener) {
        Feed s = new Feed(Objects.requireNonNull(listener, "listener"));
        feeds.add(s);
        s.thread.start();
        return s::close;
    }

    void emit(TunnelEvent event) {
        for (Feed s : feeds) {
            if (!s.queue.offer(new Delivery(event))) {
                LOG.warn("event listener {} is {} events behind; dropped {}", s.listener, QUEUE_BOUND, event);
            }
        }
    }

    /** Delivers what is queued, then ends every listener thread. */
    @Override
    public void close() {
        for (Feed s : feeds) {
            s.close();
        }
    }

    /** One queued item: an event, or the end of the subscription. */
    private record Delivery(TunnelEvent event) {}

    /** One listener's queue and delivery thread. */
    private final class Feed {
        private static final Delivery END = new Delivery(null);

        private final TunnelEventListener listener;
        private final BlockingQueue<Delivery> queue = new ArrayBlockingQueue<>(QUEUE_BOUND + 1);
        private final Thread thread;
        private volatile boolean closed;

        Feed(TunnelEventListener listener) {
            this.listener = listener;
            this.thread = Thread.ofVirtual().name("netpilot-events").unstarted(this::deliver);
        }

        private void deliver() {
            try {
                while (true) {
                    Delivery d = queue.take();
                    if (d == END) {
                        return;
                    }
                    try {
                        listener.onEvent(d.event());
                    } catch (RuntimeException e) {
                        LOG.warn("event listener {} failed on {}: {}", listener, d.event(), e.toString());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            feeds.remove(this);
            if (!queue.offer(END)) {
                thread.interrupt();
            }
        }
    }
}
