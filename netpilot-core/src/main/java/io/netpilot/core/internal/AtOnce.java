package io.netpilot.core.internal;

import io.netpilot.core.NetPilotException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A step that runs on its own virtual thread while the caller does another one (a login to the router
 * while logging in to the relay, the router's key while a relay port is leased), joined where its
 * result is needed. What the step throws is thrown by {@link #join()} as it is, so the caller's error
 * handling does not change. Thread-safe.
 *
 * @param <T> what the step gives
 */
final class AtOnce<T> {
    private final CompletableFuture<T> result;

    private AtOnce(CompletableFuture<T> result) {
        this.result = result;
    }

    /** Starts {@code step} on a new virtual thread named {@code name}. */
    static <T> AtOnce<T> start(String name, Supplier<T> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().name(name).start(() -> {
            try {
                result.complete(step.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return new AtOnce<>(result);
    }

    /** A step that is already done. */
    static <T> AtOnce<T> done(T value) {
        return new AtOnce<>(CompletableFuture.completedFuture(value));
    }

    /**
     * Waits for the step.
     *
     * @return what it gave
     * @throws RuntimeException what the step threw, as it is
     * @throws NetPilotException when this thread was interrupted while waiting
     */
    T join() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetPilotException("interrupted while waiting for a tunnel; the agent is stopping", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new NetPilotException("unexpected failure: " + cause, cause);
        }
    }

    /** Waits for the step and forgets how it ended: for undoing after another step failed. */
    void settle() {
        try {
            join();
        } catch (RuntimeException e) {
            // the caller is already failing with its own error
        }
    }
}
