package io.netpilot.desktop.presentation;

import io.netpilot.core.ConnectArgs;
import io.netpilot.core.Credentials;
import io.netpilot.core.Durations;
import io.netpilot.core.InvalidInputException;
import io.netpilot.state.UserConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The Connect Tunnel dialog's fields and their validation, as you type. Validation is the CLI's own
 * ({@link ConnectArgs#parse}, with the same defaults from {@code config.json} and the same messages), so
 * the dialog refuses exactly what {@code netpilot connect} refuses. Not thread-safe: the EDT owns it.
 */
public final class ConnectForm {
    /** How the router is logged in to the first time. */
    public enum Login {
        /** The agent's own key (installed on the router before). */
        AGENT_KEY,
        /** A password, used once to install the agent's key; never stored, never sent to another process. */
        PASSWORD,
        /** A private key file. */
        KEY_FILE
    }

    private final UserConfig config;
    private String router = "";
    private Login login = Login.AGENT_KEY;
    private char[] password = new char[0];
    private String keyFile = "";
    private String targetPort = "22";
    private String relayOverride = "";

    /** @param config the defaults from the home's {@code config.json} (the relay, its key, port range, lease) */
    public ConnectForm(UserConfig config) {
        this.config = config;
    }

    public void router(String value) {
        router = value.strip();
    }

    public void login(Login value) {
        login = value;
    }

    /** Takes a copy of the password (the caller clears its own array). */
    public void password(char[] value) {
        clearPassword();
        password = value.clone();
    }

    public void keyFile(String value) {
        keyFile = value.strip();
    }

    public void targetPort(String value) {
        targetPort = value.strip();
    }

    /** The relay for this tunnel only; blank means the one from the settings. */
    public void relayOverride(String value) {
        relayOverride = value.strip();
    }

    public Login login() {
        return login;
    }

    /** The relay from the settings, shown as the override's placeholder. */
    public Optional<String> defaultRelay() {
        return config.relay();
    }

    /** The first problem with what is typed, in the CLI's words; empty when Connect may be pressed. */
    public Optional<String> problem() {
        try {
            args();
            return Optional.empty();
        } catch (InvalidInputException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The validated tunnel, as {@code netpilot connect} would make it from the same values.
     *
     * @throws InvalidInputException naming the first bad value
     */
    public ConnectArgs args() {
        if (router.isEmpty()) {
            throw new InvalidInputException("the router is missing: type user@host[:port]");
        }
        String relay = Optional.of(relayOverride).filter(s -> !s.isEmpty()).or(config::relay)
                .orElseThrow(() -> new InvalidInputException("the relay is missing: type user@host[:port] here or set it in Settings"));
        if (login == Login.PASSWORD && password.length == 0) {
            throw new InvalidInputException("the router password is empty");
        }
        if (login == Login.KEY_FILE && keyFile.isEmpty()) {
            throw new InvalidInputException("--router-key is missing: choose the router's private key file");
        }
        Optional<Path> routerKey = login == Login.KEY_FILE ? Optional.of(Path.of(keyFile)) : Optional.empty();
        return ConnectArgs.parse(router, port(targetPort), relay, config.tunnelUser(), config.portRange(), Optional.empty(),
                Durations.parse(config.leaseTtl().orElse("2m")), routerKey, config.relayKey().map(Path::of), false);
    }

    /** The password for the one login that installs the agent's key, when that is the login chosen (a copy; the caller clears it). */
    public Optional<Credentials.Password> password() {
        return login == Login.PASSWORD && password.length > 0 ? Optional.of(new Credentials.Password(password)) : Optional.empty();
    }

    /** Forgets the password (the dialog closed, or it was used). */
    public void clearPassword() {
        Arrays.fill(password, '\0');
        password = new char[0];
    }

    private static int port(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            // picocli's words for a bad --target-port
            throw new InvalidInputException("Invalid value for option '--target-port': '" + text + "' is not an int");
        }
    }
}
