package io.netpilot.core.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.RouterId;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Makes cleanup tokens from the manager's source of randomness, which need not be thread-safe
 * itself (tests give a seeded one). Thread-safe.
 */
final class Tokens {
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();

    Tokens(RandomGenerator random) {
        this.random = random;
    }

    /** A new token for a launch of {@code router}'s tunnel on relay port {@code port}. */
    CleanupToken next(RouterId router, int port) {
        lock.lock();
        try {
            return CleanupToken.generate(router, port, random);
        } finally {
            lock.unlock();
        }
    }
}
