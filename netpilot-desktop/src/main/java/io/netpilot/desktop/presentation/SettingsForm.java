package io.netpilot.desktop.presentation;

import io.netpilot.core.ConnectArgs;
import io.netpilot.core.Durations;
import io.netpilot.core.InvalidInputException;
import io.netpilot.state.UserConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Settings dialog: the relay ({@code user@host[:port]}), its key, the tunnel user, the port range
 * and the lease, validated as the CLI validates them and saved to the home's {@code config.json}, the
 * file {@code netpilot connect} reads its defaults from. Not thread-safe: the EDT owns it.
 */
public final class SettingsForm {
    private final Path file;
    private String relay;
    private String relayKey;
    private String tunnelUser;
    private String portRange;
    private String leaseTtl;

    /** @param file the home's {@code config.json}; its values fill the fields */
    public SettingsForm(Path file) {
        this.file = file;
        UserConfig c = UserConfig.read(file);
        relay = c.relay().orElse("");
        relayKey = c.relayKey().orElse("");
        tunnelUser = c.tunnelUser().orElse("");
        portRange = c.portRange().orElse("");
        leaseTtl = c.leaseTtl().orElse("");
    }

    public String relay() {
        return relay;
    }

    public String relayKey() {
        return relayKey;
    }

    public String tunnelUser() {
        return tunnelUser;
    }

    public String portRange() {
        return portRange;
    }

    public String leaseTtl() {
        return leaseTtl;
    }

    public void relay(String v) {
        relay = v.strip();
    }

    public void relayKey(String v) {
        relayKey = v.strip();
    }

    public void tunnelUser(String v) {
        tunnelUser = v.strip();
    }

    public void portRange(String v) {
        portRange = v.strip();
    }

    public void leaseTtl(String v) {
        leaseTtl = v.strip();
    }

    /** The first problem, in the CLI's words; empty when Save may be pressed. Blank fields mean "the default". */
    public Optional<String> problem() {
        try {
            if (!relay.isEmpty()) {
                // the CLI's own parse, with a sample router, checks every relay-side value at once
                ConnectArgs.parse("root@192.0.2.1", 22, relay, opt(tunnelUser), opt(portRange), Optional.empty(),
                        Durations.parse(leaseTtl.isEmpty() ? "2m" : leaseTtl), Optional.empty(), opt(relayKey).map(Path::of), false);
            } else {
                opt(portRange).ifPresent(io.netpilot.core.PortRange::parse);
                opt(leaseTtl).ifPresent(Durations::parse);
                opt(relayKey).ifPresent(k -> ConnectArgs.parse("root@192.0.2.1", 22, "tunnel@192.0.2.2", Optional.empty(), Optional.empty(),
                        Optional.empty(), Durations.parse("2m"), Optional.empty(), Optional.of(Path.of(k)), false));
            }
            return Optional.empty();
        } catch (InvalidInputException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Saves to {@code config.json} (other fields in it are kept).
     *
     * @return what was saved
     * @throws InvalidInputException when a value is bad (nothing is written)
     */
    public UserConfig save() {
        problem().ifPresent(p -> {
            throw new InvalidInputException(p);
        });
        UserConfig c = new UserConfig(opt(relay), opt(relayKey), opt(tunnelUser), opt(portRange), opt(leaseTtl));
        c.write(file);
        return c;
    }

    private static Optional<String> opt(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
