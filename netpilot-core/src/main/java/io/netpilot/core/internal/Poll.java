package io.netpilot.core.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import dev.failsafe.function.ContextualSupplier;
import io.netpilot.core.NetPilotException;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Asking a remote host again until something happened, with a pause between the questions: a
 * Failsafe retry on the result, the one place core waits by polling. An exception from a poll ends
 * the waiting and is thrown as it is. Stateless.
 */
final class Poll {
    private Poll() {}

    /**
     * Polls until {@code done} accepts the result or {@code within} has passed, pausing {@code every}
     * between polls.
     *
     * @return the last result, accepted or not
     * @throws NetPilotException when the thread was interrupted while pausing
     */
    static <T> T until(Predicate<T> done, Duration every, Duration within, ContextualSupplier<T, T> poll) {
        Duration pause = every.compareTo(within) < 0 ? every : within.dividedBy(2);
        return run(RetryPolicy.<T>builder().handleIf((r, e) -> e == null && !done.test(r))
                .withMaxRetries(-1).withDelay(pause).withMaxDuration(within), poll);
    }

    /**
     * Polls until {@code done} accepts the result or {@code within} has passed: pausing {@code soon}
     * between polls for the first {@code soonFor}, then {@code every}. For a wait that usually ends
     * soon (a tunnel just launched), so its end is seen within a few milliseconds without asking that
     * often for long.
     *
     * @return the last result, accepted or not
     * @throws NetPilotException when the thread was interrupted while pausing
     */
    static <T> T soonThenEvery(Predicate<T> done, Duration soon, Duration soonFor, Duration every, Duration within,
            Supplier<T> poll) {
        Duration first = soonFor.compareTo(within) < 0 ? soonFor : within;
        T last = until(done, soon, first, ctx -> poll.get());
        Duration rest = within.minus(first);
        if (done.test(last) || rest.isZero() || rest.isNegative()) {
            return last;
        }
        return until(done, every, rest, ctx -> poll.get());
    }

    /**
     * Polls until {@code done} accepts the result, at most {@code polls} times, pausing {@code every}
     * between polls.
     *
     * @return the last result, accepted or not
     * @throws NetPilotException when the thread was interrupted while pausing
     */
    static <T> T until(Predicate<T> done, Duration every, int polls, ContextualSupplier<T, T> poll) {
        return run(RetryPolicy.<T>builder().handleIf((r, e) -> e == null && !done.test(r))
                .withMaxAttempts(polls).withDelay(every), poll);
    }

    private static <T> T run(RetryPolicyBuilder<T> policy, ContextualSupplier<T, T> poll) {
        try {
            return Failsafe.with(policy.build()).get(poll);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new NetPilotException("interrupted while waiting for a tunnel; the agent is stopping");
            }
            throw e;
        }
    }
}
