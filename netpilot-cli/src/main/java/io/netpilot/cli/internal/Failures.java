package io.netpilot.cli.internal;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import io.netpilot.core.NetPilotException;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns whatever reached the command line into the one line of the exit-code contract. A failure
 * raised while the agent is being wired (the state store refusing a newer schema, a directory where
 * a state file belongs) arrives wrapped by the injector in a {@code CreationException} or
 * {@code ProvisionException} whose text is a hundred lines long; the {@link NetPilotException} inside
 * is what the user must see, and what decides the exit code. Stateless.
 */
public final class Failures {
    private Failures() {}

    /** The first {@link NetPilotException} in {@code failure}'s cause chain, else {@code failure} itself. */
    public static Throwable unwrap(Throwable failure) {
        return find(failure, Collections.newSetFromMap(new IdentityHashMap<>())).orElse(failure);
    }

    private static Optional<Throwable> find(Throwable failure, Set<Throwable> seen) {
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof NetPilotException) {
                return Optional.of(t);
            }
            // The injector does not always set a cause: with several errors each message holds its own.
            Collection<Message> messages = switch (t) {
                case CreationException e -> e.getErrorMessages();
                case ProvisionException e -> e.getErrorMessages();
                case ConfigurationException e -> e.getErrorMessages();
                default -> List.of();
            };
            for (Message m : messages) {
                Optional<Throwable> inside = m.getCause() == null ? Optional.empty() : find(m.getCause(), seen);
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        return Optional.empty();
    }

    /** What to print: a NetPilot message as it is, anything else as its type and the first line of its message. */
    public static String oneLine(Throwable failure) {
        String text = failure instanceof NetPilotException ? String.valueOf(failure.getMessage()) : failure.toString();
        String line = text.strip().lines().findFirst().orElse(failure.getClass().getName());
        return line.length() < text.strip().length() && !(failure instanceof NetPilotException) ? line + " (more with -v)" : line;
    }
}
