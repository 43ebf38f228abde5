package io.netpilot.desktop.presentation;

import io.netpilot.core.Agent;
import io.netpilot.core.ConnectArgs;
import io.netpilot.core.ConnectRequest;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.HostKeyUnknownException;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.TunnelSnapshot;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The steps behind the dialog's Connect button, run off the EDT: install the agent's key with the
 * password when one was given (in this process, so a password never crosses the control socket), then
 * connect with pinned host keys only. A host key seen for the first time is shown to the user with its
 * fingerprint and pinned only when the user accepts it (the step is then retried accepting new keys); a
 * changed key ({@link io.netpilot.core.HostKeyMismatchException}, whose message names both fingerprints)
 * is an error, never a question. Thread-safe if its collaborators are.
 */
public final class ConnectFlow {
    /** Asks the user about a host key seen for the first time; blocks until answered. */
    @FunctionalInterface
    public interface HostKeyQuestion {
        /**
         * @param host the host, {@code host:port}
         * @param fingerprint its key's fingerprint ({@code SHA256:...})
         * @return whether the user accepts and pins it
         */
        boolean accept(String host, String fingerprint);
    }

    /** Logs in to a router once with a password and installs the agent's key there. */
    @FunctionalInterface
    public interface KeyInstaller {
        void install(SshAddress router, Credentials.Password password, HostKeyPolicy policy);
    }

    /** How the flow ended. */
    public sealed interface Outcome {
        /** The tunnel is up. */
        record Connected(TunnelSnapshot tunnel) implements Outcome {}

        /** It failed, or was refused; the message says why (for a changed host key, both fingerprints). */
        record Failed(String message) implements Outcome {}

        /** The user declined a host key; nothing was pinned. */
        record Declined(String host) implements Outcome {}
    }

    private final Agent agent;
    private final KeyInstaller installer;
    private final HostKeyQuestion question;

    public ConnectFlow(Agent agent, KeyInstaller installer, HostKeyQuestion question) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.installer = Objects.requireNonNull(installer, "installer");
        this.question = Objects.requireNonNull(question, "question");
    }

    /**
     * Runs the steps for what the form holds; clears the form's password when done.
     *
     * @param form the validated form
     * @param progress told each step as it starts ("Installing the agent's key on …", "Connecting …")
     * @return how it ended
     */
    public Outcome run(ConnectForm form, Consumer<String> progress) {
        Optional<Credentials.Password> password = form.password();
        try {
            ConnectArgs args = form.args();
            SshAddress router = args.spec().router().address();
            if (password.isPresent()) {
                progress.accept("Installing the agent's key on " + router + "…");
                withHostKeys(policy -> {
                    installer.install(router, password.get(), policy);
                    return Boolean.TRUE;
                });
            }
            progress.accept("Connecting " + router + " through " + args.spec().relay().address() + "…");
            ConnectRequest request = args.request();
            TunnelSnapshot up = withHostKeys(policy -> agent.connect(policy == HostKeyPolicy.ACCEPT_NEW ? request.acceptingNewHostKeys() : request));
            progress.accept(up.state().name() + " on relay port " + up.port().orElse(0));
            return new Outcome.Connected(up);
        } catch (Declined d) {
            return new Outcome.Declined(d.host);
        } catch (NetPilotException e) { // InvalidInputException too: the CLI's message
            return new Outcome.Failed(e.getMessage());
        } finally {
            password.ifPresent(Credentials.Password::clear);
            form.clearPassword();
        }
    }

    private <T> T withHostKeys(Function<HostKeyPolicy, T> step) {
        try {
            return step.apply(HostKeyPolicy.PINNED_ONLY);
        } catch (HostKeyUnknownException unknown) {
            if (!question.accept(unknown.host(), unknown.fingerprint())) {
                throw new Declined(unknown.host());
            }
            return step.apply(HostKeyPolicy.ACCEPT_NEW);
        }
    }

    /** The user said no to a host key. */
    private static final class Declined extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient String host;

        Declined(String host) {
            super(null, null, false, false);
            this.host = host;
        }
    }
}
