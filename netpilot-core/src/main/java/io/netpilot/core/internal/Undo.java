package io.netpilot.core.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps that undo what an operation started, run in reverse order. Each step runs even when an
 * earlier one failed; failures are logged, not thrown. Not thread-safe: one operation owns it.
 */
final class Undo {
    private static final Logger LOG = LoggerFactory.getLogger(Undo.class);

    private record Step(String what, Runnable action) {}

    private final Deque<Step> steps = new ArrayDeque<>();

    void push(String what, Runnable action) {
        steps.push(new Step(what, action));
    }

    /** Moves every step of {@code inner} onto this one, keeping their order. */
    void adopt(Undo inner) {
        while (!inner.steps.isEmpty()) {
            steps.push(inner.steps.removeLast());
        }
    }

    /** Runs every step, newest first, and forgets them. */
    void run() {
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            try {
                step.action().run();
            } catch (RuntimeException e) {
                LOG.warn("could not undo '{}': {}", step.what(), e.getMessage());
            }
        }
    }

    /** Forgets every step: the operation succeeded. */
    void clear() {
        steps.clear();
    }
}
