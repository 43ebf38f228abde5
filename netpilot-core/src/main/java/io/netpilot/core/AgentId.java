package io.netpilot.core;

import java.util.regex.Pattern;

/**
 * One agent's name on a shared relay: 16 lower-case hex digits, written into the router key lines,
 * session markers and port leases the agent makes there, so that its relay sweep removes only what it
 * made and leaves other agents' alone. Derive it from something the agent keeps, such as its key's
 * fingerprint ({@link #of(String)}), so it is the same after a restart.
 *
 * @param value 16 lower-case hex digits
 */
public record AgentId(String value) {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{16}");

    /** @throws InvalidInputException when the value is not 16 lower-case hex digits */
    public AgentId {
        Checks.matches("agent id", FORM, value);
    }

    /** The id derived from {@code seed} (for example the agent key's fingerprint). */
    public static AgentId of(String seed) {
        return new AgentId(Checks.sha256Hex(seed, 8));
    }

    @Override
    public String toString() {
        return value;
    }
}
