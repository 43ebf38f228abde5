package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.RouterId;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Makes cleanup tokens from the manager's source of randomness, which need not be thread-safe
 * itself (tests give a seeded one), and remembers the ones it made in this run: a relay sweep keeps
 * them, so it never removes the key line of a tunnel that is still connecting. Thread-safe.
 */
final class Tokens {
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<CleanupToken> issued = new LinkedHashSet<>();

    Tokens(RandomGenerator random) {
        this.random = random;
    }

    /** A new token for a launch of {@code router}'s tunnel on relay port {@code port}. */
    CleanupToken next(RouterId router, int port) {
        lock.lock();
        try {
            CleanupToken token = CleanupToken.generate(router, port, random);
            issued.add(token);
            return token;
        } finally {
            lock.unlock();
        }
    }

    /** Every token made in this run. */
    Set<CleanupToken> issued() {
        lock.lock();
        try {
            return Set.copyOf(issued);
        } finally {
            lock.unlock();
        }
    }
}
