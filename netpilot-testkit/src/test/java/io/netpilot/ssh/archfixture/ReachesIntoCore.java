package io.netpilot.ssh.archfixture;

import io.netpilot.core.internal.archfixture.CoreImplementation;

/** Fixture: the ssh module reaching into core's internals, which the rules must refuse. */
public final class ReachesIntoCore {
    public static int use() {
        return CoreImplementation.answer();
    }
}
