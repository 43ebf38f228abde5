package io.netpilot.core;

/** What to do with a host key that is not pinned yet. A changed key is refused under every policy. */
public enum HostKeyPolicy {
    /** Only pinned keys are accepted; an unknown key fails with {@link HostKeyUnknownException}. */
    PINNED_ONLY,
    /** An unknown key is pinned and accepted (trust on first use, when the user said so). */
    ACCEPT_NEW
}
